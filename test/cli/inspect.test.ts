/**
 * `pgmem inspect` against real servers: the same findings as `check` on the server's own
 * configuration file, predicted shared memory against what the server allocated, a password-protected
 * role over TCP (connection string, PGPASSWORD, password file), an unprivileged role, a server that is
 * down, one that never answers, and no password ever printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { PgmemError } from '../../src/errors.js';
import { registerInspectCommand } from '../../src/cli/inspect-command.js';
import { analyzeConfig, loadConfig } from '../../src/cli/plan-input.js';
import { readPlanFlags } from '../../src/cli/plan-options.js';
import type { CliIo } from '../../src/cli/io.js';
import { planReportSchema } from '../../src/core/report-schema.js';
import { liveSectionSchema } from '../../src/input/live.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';
import {
  copyDataDir,
  handOver,
  installedVersions,
  scratchDir,
  startServer,
  type RunningServer,
} from '../support/postgres.js';

const inspectSchema = planReportSchema.extend({ live: liveSectionSchema });

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pgmem inspect ARGS` in-process with the given environment; known errors print one line as run() does. */
async function inspect(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { HOME: '/nonexistent-home', USER: 'nobody', ...env },
    cwd: process.cwd(),
  };
  let code = 0;
  const program = new Command('pgmem').exitOverride();
  registerInspectCommand(program, io, (c) => (code = c));
  try {
    await program.parseAsync(['inspect', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof PgmemError)) throw error;
    stderr += `pgmem: error: ${error.message}\n`;
    code = error.exitCode;
  }
  return { code, stdout, stderr };
}

function socketConninfo(server: RunningServer, user = 'postgres'): string {
  return `host=${server.socketDir} port=${server.port} user=${user} dbname=postgres`;
}

async function sql(server: RunningServer, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

// Every embedded version and Debian's 15: a server starts in well under a second. A missing one fails in CI.
const versions: PgVersion[] = installedVersions('inspect');
const servers = requireServers('inspect', { embedded: SUPPORTED_VERSIONS, distribution: DISTRIBUTION_VERSIONS });

describe.each(servers)('inspect on $label', ({ version: major, build }) => {
  const version = major as PgVersion;
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = copyDataDir(version, build);
    // A configuration that differs from the defaults in every part of the model.
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        'shared_buffers = 48MB',
        'max_connections = 57',
        'work_mem = 8MB',
        'max_locks_per_transaction = 96',
        'max_wal_senders = 4',
        'max_worker_processes = 6',
        'autovacuum_max_workers = 4',
        '',
      ].join('\n'),
    );
    appendFileSync(join(dataDir, 'postgresql.auto.conf'), "maintenance_work_mem = '200MB'\n");
    handOver(dataDir);
    server = await startServer(version, {}, { dataDir, build });
  });
  afterAll(async () => server?.stop());

  it("gives the same settings and findings as check on the server's own postgresql.conf, and predicts the allocated shared memory", async () => {
    const result = await inspect([socketConninfo(server), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.pgVersion).toBe(version);
    // The build comes from what the server shows: JIT, lz4/zstd values, the GSS status buffer.
    expect(report.build).toBe(build);
    expect(report.live.build).toMatchObject({ profile: build, source: 'server', detected: build });
    const shows = build === 'distribution';
    expect(report.live.build.evidence).toEqual({
      llvm: shows,
      lz4: version >= 14 ? shows : null,
      zstd: version >= 15 ? shows : null,
      gssapi: shows,
      liburing: version >= 18 ? shows : null,
    });

    const flags = readPlanFlags({ pgVersion: version, build }, { failOnDefault: 'none' });
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: dataDir };
    const checked = analyzeConfig(flags, loadConfig(join(dataDir, 'postgresql.conf'), flags, undefined, io)).report;
    expect(checked.config.valid).toBe(true);
    // check names files as given (possibly relative to its working directory); the server names them absolutely.
    const absolute = (source: string): string => {
      const match = /^(.*):(\d+)$/.exec(source);
      return match ? `${resolve(dataDir, match[1]!)}:${match[2]}` : source;
    };
    const located = (findings: typeof report.findings) =>
      findings.map((f) => (f.file === undefined ? f : { ...f, file: resolve(dataDir, f.file) }));
    expect(located(report.findings)).toEqual(located(checked.findings));
    for (const name of [
      'shared_buffers',
      'max_connections',
      'work_mem',
      'maintenance_work_mem',
      'max_locks_per_transaction',
    ]) {
      const expected = checked.settings[name]!;
      expect(report.settings[name], name).toEqual({ ...expected, source: absolute(expected.source) });
    }
    expect(report.settings.shared_buffers!.bytes).toBe(48 * 1024 * 1024);
    expect(report.settings.maintenance_work_mem!.source).toMatch(/postgresql\.auto\.conf:\d+$/);
    expect(report.connections.maxConnections).toBe(57);
    expect(report.sharedMemory.totalBytes).toBe(checked.sharedMemory.totalBytes);

    // Superuser: pg_shmem_allocations is readable, and its rows sum to the segment size.
    const { live } = report;
    const [{ bytes }] = (await sql(server, 'SELECT sum(allocated_size)::text AS bytes FROM pg_shmem_allocations')).rows;
    expect(live.allocatedSharedBytes).toBe(Number(bytes));
    expect(live.predictedSharedBytes).toBe(report.sharedMemory.totalBytes);
    expect(live.differenceBytes).toBe(live.allocatedSharedBytes! - live.predictedSharedBytes);
    expect(live.differenceBytes).toBe(0);
    if (version >= 15) expect(live.sharedMemorySizeMB).toBe(report.sharedMemory.sizeMB);
    else expect(live.sharedMemorySizeMB).toBeNull();
    expect(live.serverVersion).toMatch(new RegExp(`^${version}\\.`));
    expect(live.currentBackends.byType['client backend']).toBeGreaterThanOrEqual(1);
    expect(live.currentBackends.byType.checkpointer).toBe(1);
    expect(live.currentBackends.byState.active).toBeGreaterThanOrEqual(1);
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expect(sum(live.currentBackends.byType)).toBe(live.currentBackends.total);
    expect(sum(live.currentBackends.byState)).toBe(live.currentBackends.total);
    expect(live.worstCaseBackends).toBe(report.connections.backends);
    expect(live.pendingRestart).toEqual([]);
  });

  it("takes the topology flags and --set on top of the server's values", async () => {
    const result = await inspect([
      socketConninfo(server),
      '--json',
      '--pods',
      '3',
      '--pool',
      '5',
      '--set',
      'work_mem=16MB',
    ]);
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.connections.clients).toBe(15);
    expect(report.live.worstCaseBackends).toBe(15);
    expect(report.settings.work_mem).toMatchObject({ setting: '16384', source: 'flag' });
    expect(report.settings.shared_buffers!.bytes).toBe(48 * 1024 * 1024);
  });

  it("reads a topology as plan does: its groups, with the server's own settings over its server.settings", async () => {
    const dir = scratchDir('pgmem-inspect-topology-');
    const file = join(dir, 'topology.yaml');
    writeFileSync(
      file,
      [
        'server: { ram: 8GB, settings: { shared_buffers: 1GB } }',
        'apps:',
        '  - { name: api, pods: 3, pool: 4 }',
        '  - { name: batch, pods: 1, pool: 2, role: { name: batch, work_mem: 64MB } }',
        'reserved: { admin: 1 }',
        '',
      ].join('\n'),
    );
    const result = await inspect([socketConninfo(server), '--json', '--topology', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.connections.clients).toBe(3 * 4 + 2 + 1);
    expect(report.topology.apps.map((a) => a.name)).toEqual(['api', 'batch']);
    expect(report.topology.groups.map((g) => [g.name, g.backends])).toEqual([
      ['api', 12],
      ['batch', 2],
      ['admin', 1],
    ]);
    expect(report.totals.ramBytes).toBe(8 * 1024 ** 3);
    expect(report.live.worstCaseBackends).toBe(15);
    // the running server's 48MB, not the topology's 1GB
    expect(report.settings.shared_buffers!.bytes).toBe(48 * 1024 * 1024);
  });

  it('writes the plan table and a Live server section, and markdown likewise', async () => {
    const table = await inspect([socketConninfo(server)]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Shared memory');
    expect(table.stdout).toMatch(/Live server \(PostgreSQL \d+\.\d+/);
    expect(table.stdout).toContain('exactly as predicted');
    expect(table.stdout).toContain(`  Build             ${build} (the server `);
    const markdown = await inspect([socketConninfo(server), '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('| Memory | How | Size |');
    expect(markdown.stdout).toMatch(/#### Live server/);
  });

  it('--build overrides the server and says what the server looks like; the GSS status buffer makes the difference', async () => {
    const other = build === 'distribution' ? 'embedded' : 'distribution';
    const result = await inspect([socketConninfo(server), '--json', '--build', other]);
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.build).toBe(other);
    expect(report.live.build).toMatchObject({ profile: other, source: 'flag', detected: build });
    // Modelling Debian's server as embedded leaves out its GSS buffer (the server allocates at least what is
    // predicted), and the other way round puts one in that the server lacks; the 8 kB rounding may absorb it.
    const detected = inspectSchema.parse(JSON.parse((await inspect([socketConninfo(server), '--json'])).stdout));
    const arrays = (r: typeof report): number =>
      r.sharedMemory.components.find((c) => c.name === 'PGPROC and per-backend arrays')!.bytes;
    const sign = build === 'distribution' ? 1 : -1;
    const delta = sign * (arrays(detected) - arrays(report));
    const slot = version <= 15 ? 66 : 67; // sizeof(PgBackendGSSStatus)
    expect(delta % slot).toBe(0);
    expect(delta / slot).toBeGreaterThan(report.connections.maxConnections); // one per backend status slot
    expect(sign * report.live.differenceBytes!).toBeGreaterThanOrEqual(0);
    expect(Math.abs(report.live.differenceBytes!)).toBeLessThanOrEqual(16384);
    const table = await inspect([socketConninfo(server), '--build', other]);
    expect(table.stdout).toContain(
      `  Build             ${other} (--build; the server looks like ${build}: the server `,
    );
  });

  it('reports settings waiting for a restart with the running and the file value', async () => {
    await sql(server, "ALTER SYSTEM SET shared_buffers = '64MB'");
    await sql(server, 'SELECT pg_reload_conf()');
    const deadline = Date.now() + 10_000;
    while (
      !(await sql(server, "SELECT pending_restart FROM pg_settings WHERE name = 'shared_buffers'")).rows[0]
        .pending_restart
    ) {
      if (Date.now() > deadline) throw new Error('reload did not mark shared_buffers pending');
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await inspect([socketConninfo(server), '--json']);
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.live.pendingRestart).toEqual([
      { name: 'shared_buffers', setting: '6144', unit: '8kB', pendingValue: '64MB' },
    ]);
    // The model runs on the running values, so it still matches the allocated segment.
    expect(report.settings.shared_buffers!.setting).toBe('6144');
    expect(report.live.differenceBytes).toBe(0);
  });
});

const PASSWORD = "Pa55:w@rd/'q\\s";

describe.runIf(versions.length > 0)('inspect over TCP with a password-protected, unprivileged role', () => {
  const version = versions[versions.length - 1]!;
  let server: RunningServer;
  let passDir: string;

  beforeAll(async () => {
    const dataDir = copyDataDir(version);
    const hba = join(dataDir, 'pg_hba.conf');
    // The first matching line wins: the role must authenticate with SCRAM, everyone else keeps trust.
    writeFileSync(hba, `host all pgmem_pw 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    handOver(dataDir);
    server = await startServer(version, {}, { dataDir, listenTcp: true });
    await sql(
      server,
      `SET password_encryption = 'scram-sha-256'; CREATE ROLE pgmem_pw LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`,
    );
    passDir = scratchDir('pgmem-pgpass-');
  });
  afterAll(async () => server?.stop());

  const uri = (password: string): string =>
    `postgresql://pgmem_pw:${encodeURIComponent(password)}@127.0.0.1:${server.port}/postgres`;
  const expectNoSecret = (result: Result, secret = PASSWORD): void => {
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  };

  it('connects with the password in a URI; without pg_read_all_stats the allocated figure is unavailable', async () => {
    const result = await inspect([uri(PASSWORD), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = inspectSchema.parse(JSON.parse(result.stdout));
    expect(report.pgVersion).toBe(version);
    expect(report.live.allocatedSharedBytes).toBeNull();
    expect(report.live.differenceBytes).toBeNull();
    expect(report.live.allocatedSharedUnavailable).toMatch(/permission denied/);
    // Without pg_read_all_settings the role sees sources, not files.
    expect(report.settings.shared_buffers!.source).toBe('configuration file');
    expect(report.live.predictedSharedBytes).toBe(report.sharedMemory.totalBytes);
    expectNoSecret(result);

    const table = await inspect([uri(PASSWORD)]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('allocated figure unavailable');
  });

  it('reads the allocated figure once the role is granted pg_read_all_stats', async () => {
    await sql(server, 'GRANT pg_read_all_stats TO pgmem_pw');
    try {
      const result = await inspect([uri(PASSWORD), '--json']);
      expect(result.code).toBe(0);
      const report = inspectSchema.parse(JSON.parse(result.stdout));
      expect(report.live.allocatedSharedBytes).toBe(report.live.predictedSharedBytes);
    } finally {
      await sql(server, 'REVOKE pg_read_all_stats FROM pgmem_pw');
    }
  });

  it('takes the password from PGPASSWORD and the connection from PGHOST/PGPORT/PGUSER/PGDATABASE', async () => {
    const env = { PGHOST: '127.0.0.1', PGPORT: String(server.port), PGUSER: 'pgmem_pw', PGDATABASE: 'postgres' };
    const result = await inspect(['--json'], { ...env, PGPASSWORD: PASSWORD });
    expect(result.code).toBe(0);
    expect(inspectSchema.parse(JSON.parse(result.stdout)).pgVersion).toBe(version);
    const wrong = await inspect([], { ...env, PGPASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password authentication failed for user "pgmem_pw"/);
    expectNoSecret(wrong, 'not-the-password');
  });

  it('takes the password from the password file, and ignores a file others can read', async () => {
    const file = join(passDir, 'pgpass');
    const escaped = PASSWORD.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    writeFileSync(
      file,
      `# comment\n127.0.0.1:${server.port}:other:pgmem_pw:wrong\n127.0.0.1:*:*:pgmem_pw:${escaped}\n`,
    );
    chmodSync(file, 0o600);
    const conninfo = `host=127.0.0.1 port=${server.port} user=pgmem_pw dbname=postgres`;
    const result = await inspect([conninfo, '--json'], { PGPASSFILE: file });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    chmodSync(file, 0o644);
    const open = await inspect([conninfo], { PGPASSFILE: file });
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/warning: password file .* has group or world access/);
    expect(open.stderr).toMatch(/no password supplied/);
    expectNoSecret(open);
  });

  it('refuses a wrong password in one line, exit 2, without printing it', async () => {
    for (const args of [[uri('Wr0ng-Secret')], [uri('Wr0ng-Secret'), '--json']]) {
      const result = await inspect(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(
        /^pgmem: error: connection to server at "127\.0\.0\.1", port \d+ failed: password authentication failed/,
      );
      expectNoSecret(result, 'Wr0ng-Secret');
    }
    const none = await inspect([`host=127.0.0.1 port=${server.port} user=pgmem_pw dbname=postgres`]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no password supplied/);
  });
});

describe('inspect without a server', () => {
  it('reports a refused connection in one line, exit 2, without the password', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const result = await inspect([`host=127.0.0.1 port=${port} user=x password='Hunter2-secret' sslmode=disable`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `pgmem: error: connection to server at "127.0.0.1", port ${port} failed: Connection refused\n`,
    );
    expect(result.stderr + result.stdout).not.toContain('Hunter2');
    // A password that is also part of the message: the message stays whole.
    for (const args of [
      [`host=127.0.0.1 port=${port} user=x password=1 sslmode=disable`],
      [`postgresql://x:1@127.0.0.1:${port}/db?sslmode=disable`],
    ]) {
      const short = await inspect(args, { PGPASSWORD: '2' });
      expect(short.stderr).toBe(
        `pgmem: error: connection to server at "127.0.0.1", port ${port} failed: Connection refused\n`,
      );
    }
  });

  it('reports a missing socket in one line, exit 2', async () => {
    const dir = scratchDir('pgmem-nosock-');
    const result = await inspect([`host=${dir} port=5999 user=x`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`connection to server on socket "${dir}/.s.PGSQL.5999" failed: No such file`);
  });

  it('gives up after --connect-timeout on a server that never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    try {
      const started = Date.now();
      const result = await inspect(['--connect-timeout', '1', `postgresql://x:Secret-in-uri@127.0.0.1:${port}/db`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/failed: timeout expired\n$/);
      expect(result.stderr).not.toContain('Secret-in-uri');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a topology that cannot be read is exit 2 before any connection is tried', async () => {
    const result = await inspect(['--topology', 'no/such/topology.yaml', 'postgresql://127.0.0.1:1/postgres']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'pgmem: error: no/such/topology.yaml: no such file\n',
    });
  });

  it('rejects a malformed connection string and --pg-version, exit 2', async () => {
    const bad = await inspect(["host=/tmp password='unterminated"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('pgmem: error: unterminated quoted string in connection info string\n');
    const unknown = await inspect(['hots=localhost']);
    expect(unknown.stderr).toBe('pgmem: error: invalid connection option "hots"\n');
    const version = await inspect(['--pg-version', '16', 'host=/tmp']);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/--pg-version/);
  });
});
