/**
 * The real server as the oracle for the shared-memory model, usable from the vitest suites and from the
 * plain-Node benchmark (bench/fidelity.mjs), hence plain JavaScript with types in shmem-oracle.d.mts.
 *
 * Method (works for every version 13–18, and for sizes far beyond the host's RAM): start the postmaster on a
 * copy-free, read-only use of an initdb'd data directory with
 *   -c huge_pages=on -c log_min_messages=debug3 -c listen_addresses= -c unix_socket_directories=<scratch>
 * PostgreSQL computes the segment size (CalculateShmemSize() in src/backend/storage/ipc/ipci.c; inline in
 * CreateSharedMemoryAndSemaphores() in 13/14), logs "invoking IpcMemoryCreate(size=N)" at DEBUG3, then asks for
 * huge pages with mmap(MAP_HUGETLB). With no huge pages reserved (/proc/sys/vm/nr_hugepages = 0) the mmap fails at
 * once and the postmaster exits with "could not map anonymous shared memory": nothing is allocated, no server runs,
 * and N is PostgreSQL's own byte count. The failure happens before the data directory is locked for long or written,
 * so one data directory per version serves every run, and every run gets its own socket directory.
 * If huge pages are reserved on the host this method would start a real server; `hugePagesReserved()` tells the
 * callers, who then skip (the running-server alternative is SELECT sum(allocated_size) FROM pg_shmem_allocations).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asUnprivileged,
  distributionBinDir,
  DISTRIBUTION_VERSIONS,
  isRoot,
  reportMissing,
  requireServers,
  serverBinDir,
  unprivileged,
} from './pg-binaries.mjs';
import { seededRandom } from './prng.mjs';
export { seededRandom };

const { uid, gid } = unprivileged;
const dropRoot = asUnprivileged();

/** Directory holding the `postgres` binary of a major version and build ('embedded' or 'distribution'), or null. */
export function oracleBinDir(version, build = 'embedded') {
  return build === 'embedded' ? serverBinDir(version) : distributionBinDir(version);
}

/** Versions 13–18 whose embedded binaries are installed. */
export function oracleVersions() {
  return [13, 14, 15, 16, 17, 18].filter((v) => oracleBinDir(v) !== null);
}

/**
 * The servers the shared-memory oracle runs on: the embedded 13–18 and Debian's distribution build(s). In CI a
 * missing one, or reserved huge pages (which defeat the method), fail the suite; outside CI they are skipped with
 * a printed reason.
 */
export function oracleServers(suite) {
  const servers = requireServers(suite, { embedded: [13, 14, 15, 16, 17, 18], distribution: DISTRIBUTION_VERSIONS });
  if (hugePagesReserved()) {
    reportMissing(suite, [
      'every server: huge pages are reserved on this host (vm.nr_hugepages > 0), which defeats the failing-mmap method',
    ]);
    return [];
  }
  return servers;
}

/** True when the host has huge pages reserved, which defeats the failing-mmap method. */
export function hugePagesReserved() {
  try {
    return Number(readFileSync('/proc/sys/vm/nr_hugepages', 'utf8').trim()) > 0;
  } catch {
    return false;
  }
}

function scratch(prefix) {
  const dir = mkdtempSync(join(process.env.PGMEM_SCRATCH_ROOT ?? tmpdir(), prefix));
  chmodSync(dir, 0o755);
  if (isRoot) chownSync(dir, uid, gid);
  return dir;
}

let root = null;
const dataDirs = new Map();

function dataDir(version, build) {
  const cached = dataDirs.get(`${build}:${version}`);
  if (cached) return cached;
  if (root === null) {
    root = scratch('pgmem-oracle-');
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  const bin = oracleBinDir(version, build);
  if (!bin) throw new Error(`PostgreSQL ${version} (${build}) binaries are not installed`);
  const data = join(root, `pg${version}-${build}`);
  const r = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    {
      encoding: 'utf8',
      ...dropRoot,
    },
  );
  if (r.status !== 0) throw new Error(`initdb ${version} failed: ${r.stderr}`);
  dataDirs.set(`${build}:${version}`, data);
  return data;
}

/**
 * Exact size in bytes of the main shared memory segment the postmaster of `version` requests for `settings`
 * (names and values as for `-c name=value`), or an error with the server's FATAL line if it refuses them.
 */
export function serverShmemBytes(version, settings, build = 'embedded') {
  const bin = oracleBinDir(version, build);
  if (!bin) throw new Error(`PostgreSQL ${version} (${build}) binaries are not installed`);
  const data = dataDir(version, build);
  const sock = scratch('pgmem-osock-');
  try {
    const args = [
      '-D',
      data,
      '-c',
      'huge_pages=on',
      '-c',
      'log_min_messages=debug3',
      '-c',
      'listen_addresses=',
      '-c',
      `unix_socket_directories=${sock}`,
      '-c',
      'port=5432',
    ];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const r = spawnSync(join(bin, 'postgres'), args, { encoding: 'utf8', timeout: 60_000, ...dropRoot });
    const m = /invoking IpcMemoryCreate\(size=(\d+)\)/.exec(r.stderr);
    if (m) return { ok: true, bytes: Number(m[1]) };
    const fatal = /(FATAL|ERROR|LOG):\s+(.*)/.exec(r.stderr.split('\n').find((l) => /FATAL|ERROR/.test(l)) ?? '');
    return { ok: false, error: fatal ? fatal[2] : r.stderr.slice(-500) };
  } finally {
    rmSync(sock, { recursive: true, force: true });
  }
}

/**
 * `postgres -C name` for 15+ (shared_memory_size, shared_memory_size_in_huge_pages): the server's own rounding.
 */
export function serverShowComputed(version, name, settings, build = 'embedded') {
  const bin = oracleBinDir(version, build);
  if (!bin) throw new Error(`PostgreSQL ${version} (${build}) binaries are not installed`);
  const args = ['-D', dataDir(version, build), '-C', name];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const r = spawnSync(join(bin, 'postgres'), args, { encoding: 'utf8', timeout: 60_000, ...dropRoot });
  if (r.status !== 0) throw new Error(`postgres -C ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Boot values (pg_settings.boot_val, /work/shared/pg-memory.md §6) of the settings that size shared memory, in
 * base units, with initdb's shared_buffers = 128MB and max_connections = 100 — what a fresh cluster runs with.
 */
export function shmemDefaults(version) {
  const d = {
    shared_buffers: 16384,
    wal_buffers: -1,
    max_connections: 100,
    max_worker_processes: 8,
    max_wal_senders: 10,
    max_prepared_transactions: 0,
    max_locks_per_transaction: 64,
    max_pred_locks_per_transaction: 64,
    track_activity_query_size: 1024,
    max_replication_slots: 10,
    max_logical_replication_workers: 4,
    hot_standby: 'on',
  };
  if (version <= 17) d.autovacuum_max_workers = 3;
  if (version <= 16) d.old_snapshot_threshold = -1;
  if (version >= 14) {
    d.min_dynamic_shared_memory = 0;
    d.huge_page_size = 0;
  }
  if (version >= 17) {
    Object.assign(d, {
      transaction_buffers: 0,
      commit_timestamp_buffers: 0,
      subtransaction_buffers: 0,
      multixact_offset_buffers: 16,
      multixact_member_buffers: 32,
      notify_buffers: 16,
      serializable_buffers: 32,
    });
  }
  if (version >= 18) {
    Object.assign(d, {
      autovacuum_worker_slots: 16,
      max_active_replication_origins: 10,
      io_method: 'worker',
      io_max_concurrency: -1,
      io_max_combine_limit: 16,
    });
  }
  return d;
}

/**
 * A random configuration of every setting that sizes shared memory for `version`, from the defaults to the
 * extremes, that the server accepts: integers log-uniform within their ranges, SLRU sizes in whole 16-page banks
 * (check_slru_buffers), superuser_reserved_connections lowered when max_connections is tiny.
 */
export function randomShmemSettings(version, random) {
  const d = shmemDefaults(version);
  const logUniform = (lo, hi) => Math.floor(Math.exp(Math.log(lo) + random() * (Math.log(hi + 1) - Math.log(lo))));
  const pick = (values) => values[Math.floor(random() * values.length)];
  const gen = {
    shared_buffers: () => (random() < 0.1 ? pick([16, 8388608, 13107200]) : logUniform(16, 8388608)),
    wal_buffers: () => (random() < 0.4 ? -1 : logUniform(1, 262143) - 1),
    max_connections: () => logUniform(1, 10000),
    max_worker_processes: () => logUniform(1, 300) - 1,
    max_wal_senders: () => logUniform(1, 200) - 1,
    autovacuum_max_workers: () => logUniform(1, 100),
    autovacuum_worker_slots: () => logUniform(1, 200),
    max_prepared_transactions: () => logUniform(1, 2000) - 1,
    max_locks_per_transaction: () => logUniform(10, 10000),
    max_pred_locks_per_transaction: () => logUniform(10, 10000),
    track_activity_query_size: () => logUniform(100, 1048576),
    max_replication_slots: () => logUniform(1, 1000) - 1,
    max_logical_replication_workers: () => logUniform(1, 200) - 1,
    hot_standby: () => pick(['on', 'off']),
    old_snapshot_threshold: () => (random() < 0.5 ? -1 : logUniform(1, 86401) - 1),
    min_dynamic_shared_memory: () => (random() < 0.5 ? 0 : logUniform(1, 4096)),
    transaction_buffers: () => (random() < 0.3 ? 0 : 16 * logUniform(1, 8192)),
    commit_timestamp_buffers: () => (random() < 0.3 ? 0 : 16 * logUniform(1, 8192)),
    subtransaction_buffers: () => (random() < 0.3 ? 0 : 16 * logUniform(1, 8192)),
    multixact_offset_buffers: () => 16 * logUniform(1, 8192),
    multixact_member_buffers: () => 16 * logUniform(1, 8192),
    notify_buffers: () => 16 * logUniform(1, 8192),
    serializable_buffers: () => 16 * logUniform(1, 8192),
    max_active_replication_origins: () => logUniform(1, 1000) - 1,
    io_method: () => pick(['worker', 'sync']),
    io_max_concurrency: () => (random() < 0.4 ? -1 : logUniform(1, 1024)),
    io_max_combine_limit: () => logUniform(1, 128),
    huge_page_size: () => 0,
  };
  const out = { ...d };
  const share = 0.2 + random() * 0.6; // how many settings move away from their defaults
  for (const name of Object.keys(d)) if (gen[name] && random() < share) out[name] = gen[name]();
  if (out.max_connections <= 3) out.superuser_reserved_connections = 0;
  return out;
}
