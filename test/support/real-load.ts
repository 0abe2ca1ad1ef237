/**
 * Real load against real servers, shared by bench/real-load.ts and test/load/real-load.test.ts.
 *
 * A PostgreSQL server runs inside a memory cgroup of its own (cgroup v2 where the memory controller
 * is there, else a child of this process's v1 memory cgroup); the postmaster is moved in before it
 * forks, so every backend, worker and auxiliary process is accounted there. pgbench (and PgBouncer,
 * for the pooled scenarios) run outside it. While pgbench runs, the cgroup's memory.stat is read
 * every 20 ms and the peak of anonymous + shared memory (page cache apart) is kept, with the client
 * backends pg_stat_activity shows. pgmem's figures for the same settings and topology come from the
 * built CLI. Where no cgroup can be made, RssAnon of every server process plus the server's shared
 * memory (resident shared pages, and the /dev/shm/PostgreSQL.* segments the processes map) stand in.
 *
 * Every process started here is tracked by PID and stopped by PID, on success, on error and on
 * stopEverything() (the bench calls it on SIGINT); every wait has a deadline.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { PgVersion } from '../../src/core/versions.js';
import {
  asUnprivileged,
  distributionBinDir,
  isRoot,
  pgbouncerBin,
  serverBinDir,
  unprivileged,
} from './pg-binaries.mjs';
import { handOver, scratchDir } from './postgres.js';

const MiB = 1024 * 1024;
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's pgbench (postgresql-contrib); it drives every server, whatever its version. */
export const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

/** Whether Debian's pgbench is installed. */
export function pgbenchBin(): string | null {
  return existsSync(PGBENCH) ? PGBENCH : null;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Tracked {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** What asks it to stop at once (a postmaster's immediate shutdown stops its children too). */
  readonly stopSignal: NodeJS.Signals;
}

const running = new Map<number, Tracked>();
const cgroups = new Set<MemoryCgroup>();
/** Scratch directories (data directories, ini files, scripts) to remove if a run is cut short. */
const scratch = new Set<string>();

/** A scratch directory for the server user, removed by stopEverything() if not before. */
function scratchFor(prefix: string): string {
  const dir = scratchDir(prefix);
  scratch.add(dir);
  return dir;
}

/** Removes a scratch directory now. */
function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  scratch.delete(dir);
}

function track(name: string, child: ChildProcess, stopSignal: NodeJS.Signals = 'SIGKILL'): Tracked {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  }).then(() => {
    running.delete(pid);
  });
  const tracked = { name, child, exited, stopSignal };
  running.set(pid, tracked);
  return tracked;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Signals a process by PID, ignoring one that is already gone. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already exited
  }
}

/** Waits for a tracked process to exit, up to `ms`; true if it did. */
async function exitedWithin(tracked: Tracked, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([tracked.exited.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

/** Stops a tracked process: `first` signal, then SIGKILL after `graceMs`. */
async function stopProcess(tracked: Tracked, first: NodeJS.Signals, graceMs: number): Promise<void> {
  const pid = tracked.child.pid!;
  if (!running.has(pid)) return;
  signal(pid, first);
  if (await exitedWithin(tracked, graceMs)) return;
  signal(pid, 'SIGKILL');
  await exitedWithin(tracked, 5_000);
}

/**
 * Stops every process this module started, by PID: postmasters with an immediate shutdown (SIGQUIT,
 * which stops their children), the others with SIGKILL; SIGKILL for any still there after 5 s. Then
 * removes every cgroup it made, after killing by PID what is left in them. For SIGINT and failures.
 */
export async function stopEverything(): Promise<void> {
  const all = [...running.values()];
  await Promise.all(all.map((t) => stopProcess(t, t.stopSignal, 5_000)));
  for (const group of [...cgroups]) await group.remove();
  for (const dir of [...scratch]) removeScratch(dir);
}

// ---------------------------------------------------------------------------------------------
// Memory cgroups

/** Anonymous and shared memory of a cgroup, bytes; page cache apart. */
export interface CgroupMemory {
  readonly rssBytes: number;
  readonly shmemBytes: number;
  readonly cacheBytes: number;
}

/**
 * Reads memory.stat: v1's hierarchical totals (total_rss: anonymous pages; total_shmem: tmpfs and
 * shared anonymous pages, inside total_cache), or v2's anon, shmem and file (which includes shmem).
 * Linux, Documentation/admin-guide/cgroup-v1/memory.rst §5.2 and cgroup-v2.rst "memory.stat".
 */
export function parseMemoryStat(text: string, version: 1 | 2): CgroupMemory {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value !== undefined) values.set(key, Number(value));
  }
  const get = (key: string): number => {
    const value = values.get(key);
    if (value === undefined || !Number.isFinite(value)) throw new Error(`memory.stat has no ${key}`);
    return value;
  };
  if (version === 1) {
    const rss = get('total_rss');
    const shmem = get('total_shmem');
    return { rssBytes: rss, shmemBytes: shmem, cacheBytes: get('total_cache') - shmem };
  }
  const anon = get('anon');
  const shmem = get('shmem');
  return { rssBytes: anon, shmemBytes: shmem, cacheBytes: get('file') - shmem };
}

/** A memory cgroup made for one server. */
export interface MemoryCgroup {
  readonly version: 1 | 2;
  readonly dir: string;
  /** The file a process writes its PID to, to join. */
  readonly procsFile: string;
  read(): CgroupMemory;
  pids(): number[];
  /** Kills (by PID) what is left inside, then removes the directory. */
  remove(): Promise<void>;
}

/** Where the memory controller of this process is: v2 when it has the controller, else v1. */
export function memoryCgroupParent(
  procCgroup = readFileSync('/proc/self/cgroup', 'utf8'),
  mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'),
): { version: 1 | 2; dir: string } | { reason: string } {
  const mounts = mountinfo.split('\n').map((line) => {
    const [left, right = ''] = line.split(' - ');
    const fields = (left ?? '').split(' ');
    const [fstype = '', , superOptions = ''] = right.split(' ');
    return { root: fields[3] ?? '', point: fields[4] ?? '', fstype, superOptions: superOptions.split(',') };
  });
  const lines = procCgroup
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, controllers = '', path = ''] = line.split(/:(.*?):/);
      return { id, controllers: controllers.split(','), path };
    });
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  const v2Line = lines.find((l) => l.id === '0');
  if (v2 && v2Line) {
    try {
      const controllers = readFileSync(join(v2.point, 'cgroup.controllers'), 'utf8').split(/\s+/);
      if (controllers.includes('memory')) return { version: 2, dir: join(v2.point, v2Line.path) };
    } catch {
      // no v2 controllers file: fall through to v1
    }
  }
  const v1 = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('memory'));
  const v1Line = lines.find((l) => l.controllers.includes('memory'));
  if (v1 && v1Line) {
    const relative = v1Line.path.startsWith(v1.root) ? v1Line.path.slice(v1.root.length) : v1Line.path;
    return { version: 1, dir: join(v1.point, relative) };
  }
  return { reason: 'no memory cgroup controller is mounted' };
}

let cgroupSerial = 0;

/**
 * Makes a child memory cgroup of this process's own, or says why it cannot. In v2 the parent must
 * delegate the memory controller (cgroup.subtree_control); this tries to enable it.
 */
export function createMemoryCgroup(label: string): MemoryCgroup | { reason: string } {
  const parent = memoryCgroupParent();
  if ('reason' in parent) return parent;
  const dir = join(parent.dir, `pgmem-load-${process.pid}-${++cgroupSerial}-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  try {
    if (parent.version === 2) {
      const control = join(parent.dir, 'cgroup.subtree_control');
      if (!readFileSync(control, 'utf8').split(/\s+/).includes('memory')) writeFileSync(control, '+memory');
    }
    mkdirSync(dir);
  } catch (error) {
    return { reason: `cannot create a memory cgroup under ${parent.dir}: ${(error as Error).message}` };
  }
  const statFile = join(dir, 'memory.stat');
  const procsFile = join(dir, 'cgroup.procs');
  if (!existsSync(statFile)) {
    rmdirSync(dir);
    return { reason: `${dir} has no memory.stat` };
  }
  const version = parent.version;
  const pids = (): number[] => {
    try {
      return readFileSync(procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const group: MemoryCgroup = {
    version,
    dir,
    procsFile,
    read: () => parseMemoryStat(readFileSync(statFile, 'utf8'), version),
    pids,
    async remove() {
      if (!cgroups.has(group)) return;
      for (let attempt = 0; attempt < 50; attempt++) {
        const left = pids();
        for (const pid of left) signal(pid, 'SIGKILL'); // only the server's processes live here
        try {
          rmdirSync(dir);
          cgroups.delete(group);
          return;
        } catch {
          await sleep(100);
        }
      }
      cgroups.delete(group);
      throw new Error(`could not remove ${dir}`);
    },
  };
  cgroups.add(group);
  return group;
}

// ---------------------------------------------------------------------------------------------
// Per-process memory (per-backend peaks, and the fallback without a cgroup)

/** RssAnon and RssShmem of a process from /proc/PID/status, bytes; null once it has exited. */
export function processMemory(pid: number): { anonBytes: number; shmemBytes: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const anon = /^RssAnon:\s+(\d+) kB$/m.exec(text);
  const shmem = /^RssShmem:\s+(\d+) kB$/m.exec(text);
  if (!anon) return null;
  return { anonBytes: Number(anon[1]) * 1024, shmemBytes: Number(shmem?.[1] ?? 0) * 1024 };
}

/** The /dev/shm/PostgreSQL.* segments a process maps (its dynamic shared memory). */
export function mappedDsmSegments(pid: number): string[] {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return [];
  }
  const found = new Set<string>();
  for (const match of maps.matchAll(/(\/dev\/shm\/PostgreSQL\.\d+)/g)) found.add(match[1]!);
  return [...found];
}

/** Bytes a /dev/shm file really holds (allocated blocks), 0 once it is gone. */
function allocatedBytes(path: string): number {
  try {
    return statSync(path).blocks * 512;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

/** A server build the load runs against. */
export interface ServerBuild {
  /** Short id for flags and tables: `debian-15`, `embedded-18`. */
  readonly id: string;
  readonly build: 'distribution' | 'embedded';
  readonly version: PgVersion;
  readonly binDir: string;
}

/** The builds asked for, and those of them that are not installed. */
export function findBuilds(ids: readonly string[]): { builds: ServerBuild[]; missing: string[] } {
  const builds: ServerBuild[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const match = /^(debian|embedded)-(1[3-8])$/.exec(id);
    if (!match) throw new Error(`unknown server "${id}" (expected debian-15 or embedded-13 … embedded-18)`);
    const version = Number(match[2]) as PgVersion;
    const binDir = match[1] === 'debian' ? distributionBinDir(version) : serverBinDir(version);
    if (binDir) builds.push({ id, build: match[1] === 'debian' ? 'distribution' : 'embedded', version, binDir });
    else missing.push(id);
  }
  return { builds, missing };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A running server; stop() shuts it down and removes its files and cgroup. */
export interface LoadServer {
  readonly build: ServerBuild;
  readonly port: number;
  readonly pid: number;
  readonly cgroup: MemoryCgroup | null;
  /** Settings given on the command line (also what pgmem is told). */
  readonly settings: Readonly<Record<string, string>>;
  connect(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

/**
 * Starts a server of `build` on 127.0.0.1 (no Unix socket), as the unprivileged user, inside
 * `cgroup` when given: a shell writes its own PID to cgroup.procs and then execs (through setpriv,
 * dropping root) the postmaster, so the postmaster is inside before it forks anything.
 */
export async function startLoadServer(
  build: ServerBuild,
  settings: Readonly<Record<string, string>>,
  cgroup: MemoryCgroup | null,
  timeoutMs = 60_000,
): Promise<LoadServer> {
  const root = scratchFor(`pgmem-load-${build.id}-`);
  const dataDir = join(root, 'data');
  const init = spawnSync(
    join(build.binDir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', timeout: timeoutMs, ...asUnprivileged() },
  );
  if (init.status !== 0) {
    removeScratch(root);
    throw new Error(`initdb (${build.id}) failed: ${init.stderr || init.error?.message}`);
  }
  const port = await freePort();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const postgres = join(build.binDir, 'postgres');
  let child: ChildProcess;
  if (cgroup) {
    const drop = isRoot
      ? `exec setpriv --reuid=${unprivileged.uid} --regid=${unprivileged.gid} --clear-groups -- "$@"`
      : 'exec "$@"';
    child = spawn('/bin/sh', ['-c', `echo $$ > "$0" || exit 97; ${drop}`, cgroup.procsFile, postgres, ...args], {
      cwd: '/',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } else {
    child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], ...asUnprivileged() });
  }
  const tracked = track(`postgres ${build.id}`, child, 'SIGQUIT');
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-20_000);
  });
  const fail = async (why: string): Promise<never> => {
    await stopProcess(tracked, 'SIGQUIT', 5_000);
    if (cgroup) await cgroup.remove();
    removeScratch(root);
    throw new Error(`PostgreSQL ${build.id} ${why}: ${log.slice(-2000)}`);
  };
  const deadline = Date.now() + timeoutMs;
  while (!/ready to accept connections/.test(log)) {
    if (!running.has(child.pid!)) await fail(`exited during start-up (status ${child.exitCode})`);
    if (Date.now() > deadline) await fail('did not start in time');
    await sleep(50);
  }
  const connect = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database,
      connectionTimeoutMillis: 10_000,
    });
    // A server stopped under it (Ctrl-C reaches the postmaster too) fails the next query instead of
    // throwing from an event handler.
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  return {
    build,
    port,
    pid: child.pid!,
    cgroup,
    settings,
    connect,
    async stop() {
      await stopProcess(tracked, 'SIGINT', 30_000); // fast shutdown, then SIGKILL
      if (cgroup) await cgroup.remove();
      removeScratch(root);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PgBouncer

/** A running PgBouncer in front of one server. */
export interface Pooler {
  readonly port: number;
  stop(): Promise<void>;
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, deadline: number, alive: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

/**
 * Starts PgBouncer (its own ini in a scratch directory, 127.0.0.1 only, trust authentication, as the
 * unprivileged user) with one pool `bench` → the server's database `bench`.
 */
export async function startPgbouncer(
  serverPort: number,
  options: { mode: 'session' | 'transaction'; poolSize: number; maxClientConn: number },
  timeoutMs = 30_000,
): Promise<Pooler> {
  const bin = pgbouncerBin();
  if (!bin) throw new Error('PgBouncer is not installed (/usr/sbin/pgbouncer)');
  const dir = scratchFor('pgmem-pgbouncer-');
  const port = await freePort();
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `bench = host=127.0.0.1 port=${serverPort} dbname=bench user=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${options.mode}`,
      `default_pool_size = ${options.poolSize}`,
      'reserve_pool_size = 0',
      `max_client_conn = ${options.maxClientConn}`,
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  handOver(dir);
  const child = spawn(bin, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'], ...asUnprivileged() });
  const tracked = track('pgbouncer', child, 'SIGINT');
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-10_000)));
  const stop = async (): Promise<void> => {
    await stopProcess(tracked, 'SIGINT', 10_000);
    removeScratch(dir);
  };
  if (!(await waitForPort(port, Date.now() + timeoutMs, () => running.has(child.pid!)))) {
    await stop();
    throw new Error(`PgBouncer did not start: ${log.slice(-2000)}`);
  }
  return { port, stop };
}

// ---------------------------------------------------------------------------------------------
// pgbench

/** What one pgbench run reported. */
export interface PgbenchResult {
  readonly transactions: number;
  readonly seconds: number;
}

/**
 * Runs `pgbench -n -f SCRIPT -c clients -j jobs -T seconds bench` against 127.0.0.1:port, as the
 * unprivileged user; killed (by PID) if it is still running `graceSeconds` after its duration.
 */
export async function runPgbench(options: {
  port: number;
  script: string;
  clients: number;
  seconds: number;
  jobs?: number;
  graceSeconds?: number;
}): Promise<PgbenchResult> {
  const bin = pgbenchBin();
  if (!bin) throw new Error(`pgbench is not installed (${PGBENCH}, package postgresql-contrib)`);
  const dir = scratchFor('pgmem-pgbench-');
  const scriptFile = join(dir, 'script.sql');
  writeFileSync(scriptFile, options.script);
  handOver(dir);
  const jobs = Math.min(options.jobs ?? 2, options.clients);
  const args = [
    '-n',
    '-h',
    '127.0.0.1',
    '-p',
    String(options.port),
    '-U',
    'postgres',
    '-f',
    scriptFile,
    '-c',
    String(options.clients),
    '-j',
    String(jobs),
    '-T',
    String(options.seconds),
    'bench',
  ];
  const started = Date.now();
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...asUnprivileged() });
  const tracked = track('pgbench', child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out = (out + chunk).slice(-20_000)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out = (out + chunk).slice(-20_000)));
  const limitMs = (options.seconds + (options.graceSeconds ?? 120)) * 1000;
  const inTime = await exitedWithin(tracked, limitMs);
  if (!inTime) await stopProcess(tracked, 'SIGINT', 5_000);
  removeScratch(dir);
  if (!inTime) throw new Error(`pgbench did not finish within ${limitMs / 1000} s: ${out.slice(-1500)}`);
  if (child.exitCode !== 0) throw new Error(`pgbench failed (status ${child.exitCode}): ${out.slice(-1500)}`);
  const processed = /number of transactions actually processed: (\d+)/.exec(out);
  if (!processed) throw new Error(`pgbench printed no transaction count: ${out.slice(-1500)}`);
  return { transactions: Number(processed[1]), seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Plan shapes

/** Memory-holding nodes of one plan, by kind. */
export interface NodeCounts {
  readonly sort: number;
  readonly hashJoin: number;
  readonly parallelHash: number;
  readonly hashAggregate: number;
  /** Workers Planned, summed over Gather / Gather Merge nodes. */
  readonly workersPlanned: number;
  /** Other nodes that draw on work_mem (Materialize, Memoize, …): no scenario expects any. */
  readonly others: readonly string[];
}

interface ExplainNode {
  'Node Type': string;
  Strategy?: string;
  'Parallel Aware'?: boolean;
  'Workers Planned'?: number;
  Plans?: ExplainNode[];
}

const OTHER_WORK_MEM_NODES = new Set([
  'Materialize',
  'Memoize',
  'WindowAgg',
  'CTE Scan',
  'Recursive Union',
  'Function Scan',
  'Table Function Scan',
  'SetOp',
  'Bitmap Heap Scan',
  'Incremental Sort',
]);

/** Counts the memory-holding nodes of `EXPLAIN (FORMAT JSON)` output. */
export function countNodes(explain: unknown): NodeCounts {
  const root = (explain as { Plan?: ExplainNode }[])[0]?.Plan;
  if (!root) throw new Error('not EXPLAIN (FORMAT JSON) output');
  const counts = { sort: 0, hashJoin: 0, parallelHash: 0, hashAggregate: 0, workersPlanned: 0, others: [] as string[] };
  const visit = (node: ExplainNode): void => {
    const type = node['Node Type'];
    if (type === 'Sort') counts.sort++;
    else if (type === 'Hash' && node['Parallel Aware']) counts.parallelHash++;
    else if (type === 'Hash') counts.hashJoin++;
    else if (type === 'Aggregate' && (node.Strategy === 'Hashed' || node.Strategy === 'Mixed')) counts.hashAggregate++;
    else if (OTHER_WORK_MEM_NODES.has(type)) counts.others.push(type);
    if (type === 'Gather' || type === 'Gather Merge') counts.workersPlanned += node['Workers Planned'] ?? 0;
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return counts;
}

/** `sort 1, hash join 0, …` for logs and tables. */
export function describeCounts(counts: NodeCounts): string {
  const parts = [
    counts.sort && `${counts.sort} sort`,
    counts.hashJoin && `${counts.hashJoin} hash join`,
    counts.parallelHash && `${counts.parallelHash} parallel hash (${counts.workersPlanned} workers planned)`,
    counts.hashAggregate && `${counts.hashAggregate} hash aggregate`,
    counts.others.length > 0 && `others: ${counts.others.join(', ')}`,
  ].filter(Boolean);
  return parts.join(' + ') || 'no memory nodes';
}

// ---------------------------------------------------------------------------------------------
// Workloads

/** Sizes of one run: server settings and clients. */
export interface LoadSizes {
  readonly sharedBuffers: string;
  readonly workMem: string;
  readonly hashMemMultiplier: number;
  /** Direct scenarios: pods × pool clients. */
  readonly pods: number;
  readonly pool: number;
  /** Pooled scenarios: clients (pods × pool) through PgBouncer's default_pool_size. */
  readonly pooledPods: number;
  readonly pooledPool: number;
  readonly poolerPoolSize: number;
}

/** The default sizes: under ~6 GiB at the peak on a shared machine. */
export const DEFAULT_SIZES: LoadSizes = {
  sharedBuffers: '128MB',
  workMem: '16MB',
  hashMemMultiplier: 2,
  pods: 5,
  pool: 5,
  pooledPods: 5,
  pooledPool: 10,
  poolerPoolSize: 20,
};

/** `--large`: shared_buffers 256MB, work_mem 32MB, 5 pods × pool 10 = 50 clients (peaks of 4–12 GiB). */
export const LARGE_SIZES: LoadSizes = {
  sharedBuffers: '256MB',
  workMem: '32MB',
  hashMemMultiplier: 2,
  pods: 5,
  pool: 10,
  pooledPods: 20,
  pooledPool: 10,
  poolerPoolSize: 20,
};

/** Bytes of a size with a kB/MB/GB unit. */
function sizeBytes(value: string): number {
  const match = /^(\d+)(kB|MB|GB)$/.exec(value);
  if (!match) throw new Error(`expected a size such as 16MB, got ${value}`);
  return Number(match[1]) * { kB: 1024, MB: MiB, GB: 1024 * MiB }[match[2] as 'kB' | 'MB' | 'GB'];
}

/** Server settings of a run (command line), and what pgmem is told. */
export function serverSettings(sizes: LoadSizes): Record<string, string> {
  return {
    shared_buffers: sizes.sharedBuffers,
    work_mem: sizes.workMem,
    hash_mem_multiplier: String(sizes.hashMemMultiplier),
    max_connections: '100',
    // Few parallel workers for the whole server: a parallel plan under load mostly runs without any.
    max_parallel_workers: '2',
    max_parallel_workers_per_gather: '2',
    // What the bench's server does beside the queries, set as it is (and told to pgmem with the rest):
    // no standby connects (no walsender can start), and an autovacuum worker's dead-tuple store is
    // capped at 1MB (the smallest value before 17), where the default takes maintenance_work_mem (64MB).
    max_wal_senders: '0',
    autovacuum_work_mem: '1MB',
    huge_pages: 'off',
    fsync: 'off',
    synchronous_commit: 'off',
  };
}

/** A query of known shape. */
export interface Shape {
  readonly id: 'sort' | 'hash-agg' | 'hash-join' | 'parallel-hash-join' | '2-sort-2-hash';
  readonly title: string;
  readonly sql: string;
  /** SET LOCAL settings the transaction runs with (so they hold through PgBouncer too). */
  readonly locals: Readonly<Record<string, string>>;
  readonly expected: Omit<NodeCounts, 'others'>;
}

const SERIAL = { max_parallel_workers_per_gather: '0' };
const HASH_ONLY = { enable_mergejoin: 'off', enable_nestloop: 'off' };

// Sorts sit in an OFFSET 0 subquery under count(*) so no row reaches the client and the subquery
// is not flattened (prepjointree.c, is_simple_subquery). Every column a node must hold is used
// above it, so the planner cannot drop it (remove_unused_subquery_outputs).
/** The query shapes the scenarios run. */
export const SHAPES: readonly Shape[] = [
  {
    id: 'sort',
    title: 'one sort (external merge)',
    sql: 'SELECT count(*), max(length(pad)) FROM (SELECT k, pad FROM sort_t ORDER BY k OFFSET 0) s',
    locals: SERIAL,
    expected: { sort: 1, hashJoin: 0, parallelHash: 0, hashAggregate: 0, workersPlanned: 0 },
  },
  {
    id: 'hash-agg',
    title: 'HashAggregate that spills',
    sql: 'SELECT count(*) FROM (SELECT k, count(*) FROM agg_t GROUP BY k OFFSET 0) s',
    locals: { ...SERIAL, enable_sort: 'off' },
    expected: { sort: 0, hashJoin: 0, parallelHash: 0, hashAggregate: 1, workersPlanned: 0 },
  },
  {
    id: 'hash-join',
    title: 'hash join',
    sql: 'SELECT count(*), max(length(a.pad) + length(b.pad)) FROM hj_t a JOIN hj_t b ON a.k = b.k',
    locals: { ...SERIAL, ...HASH_ONLY },
    expected: { sort: 0, hashJoin: 1, parallelHash: 0, hashAggregate: 0, workersPlanned: 0 },
  },
  {
    id: 'parallel-hash-join',
    title: 'Parallel Hash Join, 2 workers planned, workers exhausted',
    // The planner guesses a third of the rows for `v % 10 >= 0` (DEFAULT_INEQ_SEL), so it plans one
    // batch in the combined budget, hash_mem × (workers + 1); all rows qualify, and the shared table
    // fills that budget before the batches double (nodeHash.c, ExecChooseHashTableSize).
    sql: 'SELECT count(*), max(length(a.pad) + length(b.pad)) FROM phj_t a JOIN phj_t b ON a.k = b.k WHERE b.v % 10 >= 0',
    locals: {
      ...HASH_ONLY,
      max_parallel_workers_per_gather: '2',
      parallel_setup_cost: '0',
      parallel_tuple_cost: '0',
      min_parallel_table_scan_size: '0',
      enable_parallel_hash: 'on',
    },
    expected: { sort: 0, hashJoin: 0, parallelHash: 1, hashAggregate: 0, workersPlanned: 2 },
  },
  {
    id: '2-sort-2-hash',
    title: '2 sorts + hash join + HashAggregate',
    sql:
      'SELECT count(*) FROM (SELECT a.k, a.pad, count(*) FROM ' +
      '(SELECT k, pad FROM sort_t ORDER BY k OFFSET 0) a JOIN ' +
      '(SELECT k, pad FROM sort_t ORDER BY pad DESC OFFSET 0) b ON a.k = b.k AND a.pad = b.pad ' +
      'GROUP BY a.k, a.pad OFFSET 0) s',
    locals: { ...SERIAL, ...HASH_ONLY, enable_sort: 'off' },
    expected: { sort: 2, hashJoin: 1, parallelHash: 0, hashAggregate: 1, workersPlanned: 0 },
  },
];

/** The pgbench script of a shape: one transaction, its settings local to it. */
export function shapeScript(shape: Shape): string {
  const sets = Object.entries(shape.locals).map(([name, value]) => `SET LOCAL ${name} = ${value};`);
  return ['BEGIN;', ...sets, `${shape.sql};`, 'COMMIT;', ''].join('\n');
}

/**
 * Rows of each table so each node holds more than its budget: a row of sort_t, hj_t and phj_t
 * carries a 192-byte pad (memory grows with bytes, CPU time with rows); agg_t has one group per row.
 */
export function tableRows(sizes: LoadSizes): Record<'sort_t' | 'agg_t' | 'hj_t' | 'phj_t', number> {
  const workMem = sizeBytes(sizes.workMem);
  const hashMem = workMem * sizes.hashMemMultiplier;
  const wideRow = 240; // pad + key + tuple headers, as a sort or hash holds it
  const aggEntry = 100; // a HashAggregate entry for one md5 key and its count
  return {
    sort_t: Math.ceil((3 * workMem) / wideRow),
    agg_t: Math.ceil((2 * hashMem) / aggEntry),
    hj_t: Math.ceil((1.5 * hashMem) / wideRow),
    // Parallel Hash: one shared table of hash_mem × (workers planned + 1) (nodeHash.c, ExecChooseHashTableSize).
    phj_t: Math.ceil((1.3 * hashMem * 3) / wideRow),
  };
}

/** Creates the database `bench` and its tables (generate_series), then VACUUM ANALYZE. */
export async function loadData(server: LoadServer, sizes: LoadSizes): Promise<void> {
  const admin = await server.connect('postgres');
  try {
    await admin.query('CREATE DATABASE bench');
  } finally {
    await admin.end();
  }
  const client = await server.connect('bench');
  try {
    for (const [table, rows] of Object.entries(tableRows(sizes))) {
      const pad = table === 'agg_t' ? '' : ", repeat(md5(i::text || 'p'), 6) AS pad";
      // Keys in random order, so a sort has work to do.
      await client.query(
        `CREATE TABLE ${table} AS SELECT md5((i::bigint * 7919 % ${rows + 1})::text) AS k, i AS v${pad} FROM generate_series(1, ${rows}) i`,
      );
    }
    await client.query('VACUUM ANALYZE');
    await prewarm(client, sizes);
  } finally {
    await client.end();
  }
}

/** Pages of the table that fills shared buffers: a quarter more than shared_buffers holds. */
export function prewarmPages(sizes: LoadSizes): number {
  return Math.ceil((1.25 * sizeBytes(sizes.sharedBuffers)) / 8192);
}

/**
 * Fills shared buffers before any load, as a server that has run for a while has them: a table of
 * one row per page (fillfactor 10), larger than shared_buffers, read by pg_prewarm (which, unlike a
 * sequential scan of a large table, does not read through a small ring of buffers), so every buffer
 * is touched and the measured shared memory is the whole of it, as pgmem counts it.
 */
async function prewarm(client: pg.Client, sizes: LoadSizes): Promise<void> {
  await client.query(
    `CREATE TABLE warm_t WITH (fillfactor = 10, autovacuum_enabled = off) AS SELECT i, repeat('w', 600) AS pad FROM generate_series(1, ${prewarmPages(sizes)}) i`,
  );
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
  await client.query("SELECT pg_prewarm('warm_t')");
}

/** EXPLAIN (FORMAT JSON) of a shape under its settings, and its node counts. */
export async function explainShape(server: LoadServer, shape: Shape): Promise<{ plan: unknown; counts: NodeCounts }> {
  const client = await server.connect('bench');
  try {
    await client.query('BEGIN');
    for (const [name, value] of Object.entries(shape.locals)) await client.query(`SET LOCAL ${name} = ${value}`);
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${shape.sql}`);
    await client.query('ROLLBACK');
    const plan = rows[0]!['QUERY PLAN'];
    return { plan, counts: countNodes(plan) };
  } finally {
    await client.end();
  }
}

/** Why a plan does not have the shape's nodes, or null when it does. */
export function shapeMismatch(shape: Shape, counts: NodeCounts): string | null {
  const wrong = (Object.keys(shape.expected) as (keyof Shape['expected'])[]).filter(
    (key) => shape.expected[key] !== counts[key],
  );
  if (wrong.length === 0 && counts.others.length === 0) return null;
  return `expected ${describeCounts({ ...shape.expected, others: [] })}, the plan has ${describeCounts(counts)}`;
}

// ---------------------------------------------------------------------------------------------
// Sampling

/** How the peak was measured. */
export type Accounting = 'cgroup-v1' | 'cgroup-v2' | 'per-process';

/** Peaks seen while the load ran. */
export interface LoadPeaks {
  readonly accounting: Accounting;
  /** Highest anonymous + shared memory of the server seen in one sample, bytes. */
  readonly peakBytes: number;
  /** Its parts in that sample. */
  readonly peakRssBytes: number;
  readonly peakShmemBytes: number;
  /** Page cache in the cgroup at the highest sample (not in the peak); 0 per process. */
  readonly cacheBytes: number;
  /** Highest RssAnon of one client backend, and of one parallel worker. */
  readonly backendPeakBytes: number;
  readonly workerPeakBytes: number;
  /** Most client backends seen at once in pg_stat_activity (the sampler's own excluded). */
  readonly backendsSeen: number;
  readonly workersSeen: number;
  readonly samples: number;
}

/**
 * Samples the server every 20 ms while `run` runs: the cgroup's memory.stat, or per process.
 * pg_stat_activity is read on a connection of its own (which pgmem is told about as an admin
 * session), for the client backends and for each process's type.
 */
export async function sampleWhile<T>(
  server: LoadServer,
  run: () => Promise<T>,
  intervalMs = 20,
): Promise<{ result: T; peaks: LoadPeaks; idleBytes: number }> {
  const monitor = await server.connect('bench');
  const types = new Map<number, string>([[server.pid, 'postmaster']]);
  const processPeaks = new Map<number, number>();
  const cgroup = server.cgroup;
  let peak = { total: 0, rss: 0, shmem: 0, cache: 0 };
  let backendsSeen = 0;
  let workersSeen = 0;
  let samples = 0;
  const dsmFiles = new Set<string>();
  const readOnce = (): { total: number; rss: number; shmem: number; cache: number } => {
    const pids = cgroup ? cgroup.pids() : [...types.keys()];
    let anon = 0;
    let shmemMax = 0;
    for (const pid of pids) {
      const memory = processMemory(pid);
      if (!memory) continue;
      anon += memory.anonBytes;
      shmemMax = Math.max(shmemMax, memory.shmemBytes);
      if (memory.anonBytes > (processPeaks.get(pid) ?? 0)) processPeaks.set(pid, memory.anonBytes);
      if (!cgroup && samples % 5 === 0) for (const file of mappedDsmSegments(pid)) dsmFiles.add(file);
    }
    if (cgroup) {
      const stat = cgroup.read();
      return {
        total: stat.rssBytes + stat.shmemBytes,
        rss: stat.rssBytes,
        shmem: stat.shmemBytes,
        cache: stat.cacheBytes,
      };
    }
    // Without a cgroup: private memory of every process, the main segment's resident pages as the
    // process that touched most of it sees them, and the DSM segments mapped (allocated blocks).
    let dsm = 0;
    for (const file of dsmFiles) dsm += allocatedBytes(file);
    return { total: anon + shmemMax + dsm, rss: anon, shmem: shmemMax + dsm, cache: 0 };
  };
  const activity = async (): Promise<void> => {
    const { rows } = await monitor.query<{ pid: number; backend_type: string }>(
      'SELECT pid, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
    );
    let backends = 0;
    let workers = 0;
    for (const row of rows) {
      types.set(row.pid, row.backend_type);
      if (row.backend_type === 'client backend') backends++;
      if (row.backend_type === 'parallel worker') workers++;
    }
    backendsSeen = Math.max(backendsSeen, backends);
    workersSeen = Math.max(workersSeen, workers);
  };
  try {
    await activity();
    const idleReadings = [readOnce(), readOnce(), readOnce()].map((r) => r.total);
    const idleBytes = Math.min(...idleReadings);
    const timer = setInterval(() => {
      const now = readOnce();
      samples++;
      if (now.total > peak.total) peak = now;
    }, intervalMs);
    let done = false;
    const watcher = (async () => {
      while (!done) {
        await activity();
        await sleep(intervalMs);
      }
    })();
    let result: T;
    try {
      result = await run();
    } finally {
      done = true;
      clearInterval(timer);
      await watcher;
    }
    const peakOf = (type: string): number =>
      Math.max(0, ...[...processPeaks].filter(([pid]) => types.get(pid) === type).map(([, bytes]) => bytes));
    return {
      result,
      idleBytes,
      peaks: {
        accounting: cgroup ? (cgroup.version === 1 ? 'cgroup-v1' : 'cgroup-v2') : 'per-process',
        peakBytes: peak.total,
        peakRssBytes: peak.rss,
        peakShmemBytes: peak.shmem,
        cacheBytes: peak.cache,
        backendPeakBytes: peakOf('client backend'),
        workerPeakBytes: peakOf('parallel worker'),
        backendsSeen,
        workersSeen,
        samples,
      },
    };
  } finally {
    await monitor.end();
  }
}

// ---------------------------------------------------------------------------------------------
// pgmem's figures

/** How the clients reach the server. */
export type Topology =
  | { readonly kind: 'direct'; readonly pods: number; readonly pool: number }
  | {
      readonly kind: 'pgbouncer';
      readonly mode: 'session' | 'transaction';
      readonly pods: number;
      readonly pool: number;
      readonly poolSize: number;
    };

/** What pgmem says for one scenario. */
export interface PgmemFigures {
  readonly worstCaseBytes: number;
  readonly sharedBytes: number;
  readonly perBackendBytes: number;
  readonly backends: number;
  /** The command line, for the record (the topology went on stdin). */
  readonly command: string;
}

let planHelp: string | undefined;

/** Whether the built CLI's `plan` has an option (`--build`, `--plans`: newer CLIs). */
export function cliHasOption(flag: '--build' | '--plans'): boolean {
  planHelp ??= spawnSync(process.execPath, [join(projectRoot, 'bin', 'pgmem.cjs'), 'plan', '--help'], {
    encoding: 'utf8',
  }).stdout;
  return new RegExp(`${flag}\\b`).test(planHelp);
}

/** The topology document pgmem is given for a scenario (the sampler's session as one admin). */
export function pgmemTopology(
  version: PgVersion,
  settings: Readonly<Record<string, string>>,
  topology: Topology,
  counts: NodeCounts,
): Record<string, unknown> {
  const pooled = topology.kind === 'pgbouncer';
  return {
    server: {
      version,
      settings: Object.fromEntries(
        Object.entries(settings).filter(([name]) => !['fsync', 'synchronous_commit'].includes(name)),
      ),
    },
    apps: [{ name: 'pgbench', pods: topology.pods, pool: topology.pool, ...(pooled && { via: 'pgbouncer' }) }],
    poolers: pooled
      ? [
          {
            name: 'pgbouncer',
            pool_mode: topology.mode,
            default_pool_size: topology.poolSize,
            max_client_conn: topology.pods * topology.pool + 10,
          },
        ]
      : [],
    reserved: { admin: 1 },
    workload: {
      sortOps: counts.sort,
      hashOps: counts.hashJoin + counts.parallelHash + counts.hashAggregate,
      parallel: counts.workersPlanned > 0,
      tempBuffers: false,
      maintenanceOps: 0,
    },
  };
}

/**
 * Runs the built CLI (`npm run build` first): `pgmem plan --json --topology - [--build …]`, and with
 * `explain` given, `--plans FILE` with the scenario's EXPLAIN (FORMAT JSON) in place of the node
 * counts (the counts cannot say that a hash is a Parallel Hash).
 */
export function pgmemFigures(build: ServerBuild, document: Record<string, unknown>, explain?: unknown): PgmemFigures {
  const bin = join(projectRoot, 'bin', 'pgmem.cjs');
  if (!existsSync(join(projectRoot, 'dist', 'bin', 'run.cjs')))
    throw new Error('pgmem is not built: run npm run build');
  const args = ['plan', '--json', '--topology', '-', ...(cliHasOption('--build') ? ['--build', build.build] : [])];
  let input = document;
  let dir: string | null = null;
  if (explain !== undefined) {
    dir = mkdtempSync(join(process.env.PGMEM_SCRATCH_ROOT ?? tmpdir(), 'pgmem-load-plan-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(explain));
    args.push('--plans', join(dir, 'plan.json'));
    const { sortOps: _s, hashOps: _h, ...workload } = document.workload as Record<string, unknown>;
    input = { ...document, workload };
  }
  try {
    const result = spawnSync(process.execPath, [bin, ...args], {
      input: JSON.stringify(input),
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0)
      throw new Error(`pgmem ${args.join(' ')} failed (${result.status}): ${result.stdout}${result.stderr}`);
    const report = JSON.parse(result.stdout) as {
      totals: { worstCaseBytes: number; sharedBytes: number };
      perBackend: { worstCaseBytes: number };
      connections: { backends: number };
    };
    return {
      worstCaseBytes: report.totals.worstCaseBytes,
      sharedBytes: report.totals.sharedBytes,
      perBackendBytes: report.perBackend.worstCaseBytes,
      backends: report.connections.backends,
      command: `pgmem ${args.map((a) => (dir && a.startsWith(dir) ? 'PLAN.json' : a)).join(' ')}`,
    };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** One scenario: a shape, a topology, a duration. */
export interface Scenario {
  readonly shape: Shape;
  readonly topology: Topology;
  readonly seconds: number;
}

/** A scenario's name in tables: `sort direct 5×5`, `hash-agg pgbouncer-transaction 100→20`. */
export function scenarioName(scenario: Scenario): string {
  const t = scenario.topology;
  return t.kind === 'direct'
    ? `${scenario.shape.id} direct ${t.pods}×${t.pool}`
    : `${scenario.shape.id} pgbouncer-${t.mode} ${t.pods * t.pool}→${t.poolSize}`;
}

/** One row of the result table. */
export interface LoadRow {
  readonly scenario: string;
  readonly shape: Shape['id'];
  readonly server: string;
  readonly build: ServerBuild['build'];
  readonly version: PgVersion;
  readonly topology: Topology;
  readonly clients: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly plan: string;
  readonly transactions: number;
  readonly idleBytes: number;
  readonly peaks: LoadPeaks;
  /** pgmem given the plan's node counts (--sort-ops/--hash-ops as a topology workload). */
  readonly pgmem: PgmemFigures;
  /** pgmem given the plan itself (--plans), when the CLI has it. */
  readonly pgmemFromPlan: PgmemFigures | null;
  /** pgmem's worst case (from the counts) / measured peak. */
  readonly ratio: number;
  /** The measured peak is within every worst case pgmem gave. */
  readonly bounded: boolean;
}

/** The topologies of the default scenario list: direct for every shape, PgBouncer for one. */
export function defaultScenarios(sizes: LoadSizes, seconds: number): Scenario[] {
  const direct: Topology = { kind: 'direct', pods: sizes.pods, pool: sizes.pool };
  const pooled = (mode: 'session' | 'transaction'): Topology => ({
    kind: 'pgbouncer',
    mode,
    pods: sizes.pooledPods,
    pool: sizes.pooledPool,
    poolSize: sizes.poolerPoolSize,
  });
  const hashAgg = SHAPES.find((s) => s.id === 'hash-agg')!;
  return [
    ...SHAPES.map((shape) => ({ shape, topology: direct, seconds })),
    { shape: hashAgg, topology: pooled('transaction'), seconds },
    { shape: hashAgg, topology: pooled('session'), seconds },
  ];
}

/**
 * Runs one scenario on a started and loaded server: checks the plan, runs pgbench (through a
 * PgBouncer of its own when pooled) while sampling, and asks pgmem for the same inputs.
 */
export async function runScenario(
  server: LoadServer,
  scenario: Scenario,
  log: (line: string) => void,
): Promise<LoadRow> {
  const { plan, counts } = await explainShape(server, scenario.shape);
  const mismatch = shapeMismatch(scenario.shape, counts);
  if (mismatch) throw new Error(`${scenario.shape.id} on ${server.build.id}: ${mismatch}`);
  const topology = scenario.topology;
  const clients = topology.pods * topology.pool;
  log(
    `${server.build.id} ${scenarioName(scenario)}: plan ${describeCounts(counts)}; ${clients} clients, ${scenario.seconds} s`,
  );
  const pooler =
    topology.kind === 'pgbouncer'
      ? await startPgbouncer(server.port, {
          mode: topology.mode,
          poolSize: topology.poolSize,
          maxClientConn: clients + 10,
        })
      : null;
  let sampled: Awaited<ReturnType<typeof sampleWhile<PgbenchResult>>>;
  try {
    sampled = await sampleWhile(server, () =>
      runPgbench({
        port: pooler?.port ?? server.port,
        script: shapeScript(scenario.shape),
        clients,
        seconds: scenario.seconds,
      }),
    );
  } finally {
    await pooler?.stop();
  }
  const document = pgmemTopology(server.build.version, server.settings, topology, counts);
  const pgmem = pgmemFigures(server.build, document);
  const pgmemFromPlan = cliHasOption('--plans') ? pgmemFigures(server.build, document, plan) : null;
  const { peaks } = sampled;
  return {
    scenario: scenarioName(scenario),
    shape: scenario.shape.id,
    server: server.build.id,
    build: server.build.build,
    version: server.build.version,
    topology,
    clients,
    settings: server.settings,
    plan: describeCounts(counts),
    transactions: sampled.result.transactions,
    idleBytes: sampled.idleBytes,
    peaks,
    pgmem,
    pgmemFromPlan,
    ratio: pgmem.worstCaseBytes / peaks.peakBytes,
    bounded: peaks.peakBytes <= pgmem.worstCaseBytes && peaks.peakBytes <= (pgmemFromPlan?.worstCaseBytes ?? Infinity),
  };
}

/** What per-process sampling adds up, for the notes that say it was used. */
const PER_PROCESS =
  'per-process sampling: RssAnon of every server process + resident shared memory + mapped /dev/shm/PostgreSQL.* segments';

/**
 * Starts a server for `build` with the sizes' settings, in a memory cgroup when one can be made
 * (unless `perProcess`), and loads the tables. `accountingNote` says when there is no cgroup.
 */
export async function prepareServer(
  build: ServerBuild,
  sizes: LoadSizes,
  options: { perProcess?: boolean; log: (line: string) => void },
): Promise<{ server: LoadServer; accountingNote: string | null }> {
  let cgroup: MemoryCgroup | null = null;
  let accountingNote: string | null = null;
  if (options.perProcess) {
    accountingNote = `${PER_PROCESS} (asked for)`;
  } else {
    const made = createMemoryCgroup(build.id);
    if ('reason' in made) accountingNote = `no memory cgroup (${made.reason}): ${PER_PROCESS} instead`;
    else cgroup = made;
  }
  if (accountingNote) options.log(`${build.id}: ${accountingNote}`);
  const server = await startLoadServer(build, serverSettings(sizes), cgroup);
  try {
    options.log(
      `${build.id}: server pid ${server.pid} on 127.0.0.1:${server.port}${cgroup ? `, cgroup ${cgroup.dir}` : ''}; loading tables`,
    );
    await loadData(server, sizes);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { server, accountingNote };
}

/** Prepares a server for `build`, runs each scenario on it, stops it. `onRow` sees each row. */
export async function runOnServer(
  build: ServerBuild,
  sizes: LoadSizes,
  scenarios: readonly Scenario[],
  options: { perProcess?: boolean; log: (line: string) => void; onRow?: (row: LoadRow) => void },
): Promise<{ rows: LoadRow[]; accountingNote: string | null }> {
  const { server, accountingNote } = await prepareServer(build, sizes, options);
  const rows: LoadRow[] = [];
  try {
    for (const scenario of scenarios) {
      const row = await runScenario(server, scenario, options.log);
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    await server.stop();
  }
  return { rows, accountingNote };
}

// ---------------------------------------------------------------------------------------------
// Output

function mib(bytes: number): string {
  return (bytes / MiB).toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** The result table (Markdown), one row per scenario and server. */
export function renderRows(rows: readonly LoadRow[]): string {
  const fromPlan = rows.some((r) => r.pgmemFromPlan !== null);
  const header = [
    'scenario',
    'server',
    'clients',
    'backends seen',
    'measured peak MiB',
    'over idle MiB',
    'backend peak MiB',
    'pgmem worst case MiB',
    'predicted/measured',
    ...(fromPlan ? ['pgmem from plan MiB', 'predicted/measured'] : []),
    'bounded',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.server,
    String(r.clients),
    String(r.peaks.backendsSeen),
    mib(r.peaks.peakBytes),
    mib(r.peaks.peakBytes - r.idleBytes),
    mib(r.peaks.backendPeakBytes),
    mib(r.pgmem.worstCaseBytes),
    `${r.ratio.toFixed(2)}×`,
    ...(fromPlan
      ? r.pgmemFromPlan
        ? [mib(r.pgmemFromPlan.worstCaseBytes), `${(r.pgmemFromPlan.worstCaseBytes / r.peaks.peakBytes).toFixed(2)}×`]
        : ['—', '—']
      : []),
    r.bounded ? 'yes' : 'NO',
  ]);
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    row(header),
    row(header.map((_, i) => (i >= 2 && i < header.length - 1 ? '---:' : '---'))),
    ...lines.map(row),
  ].join('\n');
}

/** The JSON of the rows: integer bytes, no paths. */
export function rowsJson(rows: readonly LoadRow[]): unknown {
  return rows.map((r) => ({
    scenario: r.scenario,
    shape: r.shape,
    server: r.server,
    build: r.build,
    pgVersion: r.version,
    topology: r.topology,
    clients: r.clients,
    settings: r.settings,
    plan: r.plan,
    transactions: r.transactions,
    accounting: r.peaks.accounting,
    backendsSeen: r.peaks.backendsSeen,
    workersSeen: r.peaks.workersSeen,
    idleBytes: r.idleBytes,
    peakBytes: r.peaks.peakBytes,
    peakRssBytes: r.peaks.peakRssBytes,
    peakShmemBytes: r.peaks.peakShmemBytes,
    cacheAtPeakBytes: r.peaks.cacheBytes,
    backendPeakBytes: r.peaks.backendPeakBytes,
    workerPeakBytes: r.peaks.workerPeakBytes,
    samples: r.peaks.samples,
    pgmemWorstCaseBytes: r.pgmem.worstCaseBytes,
    pgmemSharedBytes: r.pgmem.sharedBytes,
    pgmemPerBackendBytes: r.pgmem.perBackendBytes,
    pgmemBackends: r.pgmem.backends,
    pgmemCommand: r.pgmem.command,
    pgmemFromPlanWorstCaseBytes: r.pgmemFromPlan?.worstCaseBytes ?? null,
    pgmemFromPlanCommand: r.pgmemFromPlan?.command ?? null,
    ratio: Number(r.ratio.toFixed(3)),
    bounded: r.bounded,
  }));
}
