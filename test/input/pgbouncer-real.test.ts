/**
 * The server-connection bound pgmem reads from a pgbouncer.ini, against a real PgBouncer (Debian's
 * package) in front of a real PostgreSQL: flood each pool with more clients than it may serve,
 * each holding a pg_sleep, and count the client backends in pg_stat_activity.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgbouncerBin } from '../support/pg-binaries.mjs';
import {
  asUnprivileged,
  handOver,
  installedVersions,
  scratchDir,
  startServer,
  type RunningServer,
} from '../support/postgres.js';
import { readPgBouncerIni } from '../../src/input/pgbouncer.js';
import { groupProcesses, poolerFromIni } from '../../src/core/pgbouncer.js';
import { resolveTopology, type AppSpec } from '../../src/core/topology.js';
import { nodeConfFileSystem } from '../../src/cli/conf-fs.js';

const bouncer = pgbouncerBin();
const version = installedVersions().at(-1);
if (process.env.CI === 'true' && (!bouncer || version === undefined)) {
  throw new Error('CI=true: PgBouncer (/usr/sbin/pgbouncer) and a PostgreSQL server are needed for this test');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the process logs that it is up (so a second process sharing the port is listening too). */
async function waitForUp(logfile: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = existsSync(logfile) ? readFileSync(logfile, 'utf8') : '';
    if (/process up/.test(log)) return;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pgbouncer did not start: ${log}${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Bouncer {
  readonly files: string[];
  stop(): Promise<void>;
}

/** Starts one PgBouncer process per ini text (so_reuseport lets them share the port). */
async function startBouncers(dir: string, name: string, inis: string[]): Promise<Bouncer> {
  const children: ChildProcess[] = [];
  const files: string[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGINT');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  };
  try {
    for (const [i, text] of inis.entries()) {
      const file = join(dir, `${name}-${i + 1}.ini`);
      writeFileSync(file, text);
      handOver(file);
      files.push(file);
      let log = '';
      const child = spawn(bouncer!, [file], { stdio: ['ignore', 'pipe', 'pipe'], ...asUnprivileged() });
      child.stdout!.setEncoding('utf8').on('data', (c: string) => (log += c));
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (log += c));
      children.push(child);
      await waitForUp(/^logfile = (.*)$/m.exec(text)![1]!, child, () => log);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { files, stop };
}

/** Opens `count` clients as `user` to `database` through the bouncer, each sleeping `seconds`. */
function flood(port: number, database: string, user: string, count: number, seconds: number): pg.Client[] {
  return Array.from({ length: count }, () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user, database, connectionTimeoutMillis: 15_000 });
    client.on('error', () => {});
    client
      .connect()
      .then(() => client.query(`select pg_sleep(${seconds})`))
      .catch(() => {});
    return client;
  });
}

/** The most client backends per (database, user), and in all, seen while the flood lasts. */
async function peakBackends(
  server: RunningServer,
  forMs: number,
): Promise<{ byPool: Map<string, number>; total: number }> {
  const admin = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  const byPool = new Map<string, number>();
  let total = 0;
  try {
    for (const end = Date.now() + forMs; Date.now() < end; ) {
      // A backend still starting up has no database or user yet; it is counted once it has them.
      const { rows } = await admin.query<{ datname: string; usename: string; n: string }>(
        `select datname, usename, count(*) as n from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid() and datname is not null group by 1, 2`,
      );
      for (const r of rows)
        byPool.set(`${r.datname}/${r.usename}`, Math.max(byPool.get(`${r.datname}/${r.usename}`) ?? 0, Number(r.n)));
      total = Math.max(
        total,
        rows.reduce((sum, r) => sum + Number(r.n), 0),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.end();
  }
  return { byPool, total };
}

/** pgmem's server connections per pool for the files and the flood's client sets. */
function pgmemBound(files: string[], apps: { database: string; user: string; clients: number }[]) {
  const configs = files.map((f) => readPgBouncerIni(nodeConfFileSystem('/'), f).config);
  const [group] = groupProcesses(configs);
  const pooler = poolerFromIni('bouncer', group!);
  const appSpecs: AppSpec[] = apps.map((a) => ({
    name: `${a.database}-${a.user}`,
    pods: 1,
    pool: a.clients,
    via: 'bouncer',
    database: a.database,
    role: { name: a.user, settings: {} },
  }));
  return resolveTopology({ apps: appSpecs, poolers: [pooler], adminConnections: 0 }).poolers[0]!;
}

describe.skipIf(!bouncer || version === undefined)('pgbouncer.ini against a real PgBouncer', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    server = await startServer(version!, { max_connections: 60, shared_buffers: '16MB' }, { listenTcp: true });
    const admin = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      for (const role of ['app1', 'app2', 'app3']) await admin.query(`create role ${role} login`);
      for (const db of ['db1', 'db2']) await admin.query(`create database ${db}`);
    } finally {
      await admin.end();
    }
    dir = scratchDir('pgmem-pgbouncer-');
    writeFileSync(join(dir, 'userlist.txt'), '"app1" ""\n"app2" ""\n"app3" ""\n');
    handOver(join(dir, 'userlist.txt'));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  const common = (port: number, name: string): string =>
    [
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      `auth_type = trust`,
      `auth_file = ${dir}/userlist.txt`,
      `logfile = ${dir}/${name}.log`,
      `pidfile = ${dir}/${name}.pid`,
      `max_client_conn = 500`,
      `server_login_retry = 1`,
    ].join('\n');

  it('transaction mode: per-database pool_size and max_db_connections, a forced user with a reserve, a per-user cap', async () => {
    const port = await freePort();
    const db = `host=127.0.0.1 port=${server.port}`;
    const ini = `
[databases]
db1 = ${db} dbname=db1 pool_size=3 max_db_connections=5
db2 = ${db} dbname=db2 user=app1 pool_size=2 reserve_pool=1
db3 = ${db} dbname=db1 pool_size=6

[users]
app2 = max_user_connections=2

[pgbouncer]
${common(port, 'tx')}
pool_mode = transaction
default_pool_size = 4
reserve_pool_timeout = 0.2
`;
    const flows = [
      { database: 'db1', user: 'app1', clients: 8 },
      { database: 'db1', user: 'app2', clients: 8 },
      { database: 'db1', user: 'app3', clients: 8 },
      { database: 'db2', user: 'app2', clients: 6 },
      { database: 'db2', user: 'app3', clients: 6 },
      { database: 'db3', user: 'app2', clients: 8 },
    ];
    const pgbouncer = await startBouncers(dir, 'tx', [ini]);
    const clients: pg.Client[] = [];
    try {
      // app2 first through db3, so that its cap of 2 is spent there and db1's 5 go to app1 and app3:
      // the largest total PgBouncer can reach, which is pgmem's bound (taken in another order, fewer).
      clients.push(...flood(port, 'db3', 'app2', 8, 6));
      await new Promise((r) => setTimeout(r, 700));
      for (const f of flows.slice(0, -1)) clients.push(...flood(port, f.database, f.user, f.clients, 5));
      const { byPool: peak, total } = await peakBackends(server, 3000);
      const bound = pgmemBound(pgbouncer.files, flows);
      // db1 (PgBouncer databases db1 and db3 both point at it): db1's cap of 5 across app1/app2/app3,
      // plus db3's pool of app2, which the per-user cap of 2 shares with app2's db1 pool.
      // db2: every client is app1 (forced), one pool of 2 + reserve 1.
      expect(peak.get('db2/app1')).toBe(3);
      expect(bound.pools.filter((p) => p.database === 'db2').map((p) => [p.user, p.serverConnections])).toEqual([
        ['app1', 3],
      ]);
      expect(total).toBe(bound.serverConnections);
      expect(peak.get('db1/app2') ?? 0).toBeLessThanOrEqual(2);
      expect(bound.serverConnections).toBe(5 + 3 + 2);
    } finally {
      await pgbouncer.stop();
      for (const c of clients) c.end().catch(() => {});
    }
  }, 60_000);

  it('session mode, two processes sharing the port with so_reuseport: each keeps its own pools', async () => {
    const port = await freePort();
    const db = `host=127.0.0.1 port=${server.port}`;
    const ini = (n: number): string => `
[databases]
db1 = ${db} dbname=db1

[users]
app2 = pool_mode=transaction

[pgbouncer]
${common(port, `reuse${n}`)}
pool_mode = session
default_pool_size = 3
so_reuseport = 1
`;
    const flows = [
      { database: 'db1', user: 'app1', clients: 24 },
      { database: 'db1', user: 'app2', clients: 24 },
    ];
    const pgbouncer = await startBouncers(dir, 'reuse', [ini(1), ini(2)]);
    const clients: pg.Client[] = [];
    try {
      for (const f of flows) clients.push(...flood(port, f.database, f.user, f.clients, 5));
      const { byPool: peak, total } = await peakBackends(server, 3000);
      const bound = pgmemBound(pgbouncer.files, flows);
      expect(bound.processes).toBe(2);
      expect(bound.pools.map((p) => [p.user, p.poolMode, p.serverConnections])).toEqual([
        ['app1', 'session', 6],
        ['app2', 'transaction', 6],
      ]);
      expect(peak.get('db1/app1')).toBe(6);
      expect(peak.get('db1/app2')).toBe(6);
      expect(total).toBe(bound.serverConnections);
      expect(readFileSync(pgbouncer.files[0]!, 'utf8')).toContain('so_reuseport = 1');
    } finally {
      await pgbouncer.stop();
      for (const c of clients) c.end().catch(() => {});
    }
  }, 60_000);
});
