/** pgbouncer.ini reading (cfparser/loader rules) and the pools it makes; real PgBouncer in pgbouncer-real.test.ts. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseConnString, readPgBouncerIni } from '../../src/input/pgbouncer.js';
import { derivePools, groupProcesses, maxServerConnections, poolerFromIni } from '../../src/core/pgbouncer.js';
import { resolveTopology, type AppSpec } from '../../src/core/topology.js';
import { memoryFs } from '../support/memory-fs.js';

const read = (tree: Record<string, string>, file = 'pgbouncer.ini') =>
  readPgBouncerIni(memoryFs(tree, '/etc/pgbouncer'), file, (p) => p.replace('/etc/pgbouncer/', ''));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

const app = (name: string, clients: number, user: string, database?: string): AppSpec => ({
  name,
  pods: 1,
  pool: clients,
  via: 'pgbouncer',
  role: { name: user, settings: {} },
  ...(database !== undefined && { database }),
});

describe('reading pgbouncer.ini', () => {
  it("takes PgBouncer's defaults (doc/config.md) when a key is absent", () => {
    const { config, warnings } = read({
      '/etc/pgbouncer/pgbouncer.ini': '[databases]\napp = host=db\n[pgbouncer]\nlisten_port = 6432\n',
    });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      poolMode: { value: 'session', source: null },
      defaultPoolSize: { value: 20, source: null },
      minPoolSize: { value: 0 },
      reservePoolSize: { value: 0 },
      reservePoolTimeoutSeconds: { value: 5 },
      maxClientConn: { value: 100 },
      maxDbConnections: { value: 0 },
      maxUserConnections: { value: 0 },
      soReuseport: false,
      listen: ':6432',
    });
  });

  it('reads [databases], [users], %include (relative to the including file), quoted names, last value wins', () => {
    const { config } = read({
      '/etc/pgbouncer/pgbouncer.ini': [
        '; main file',
        '[pgbouncer]',
        'pool_mode = transaction',
        'default_pool_size = 10',
        '%include conf.d/pools.ini',
        'default_pool_size = 0x0c',
      ].join('\n'),
      '/etc/pgbouncer/conf.d/pools.ini': [
        '[databases]',
        "'my db' = host=db dbname='my db' pool_size=5 reserve_pool=2 max_db_connections=7 pool_mode=session",
        'reports = host=db user=reporter pool_size=3 min_pool_size=2',
        '* = host=db',
        '[users]',
        'batch = pool_size=4 reserve_pool_size=1 max_user_connections=6 pool_mode=statement',
        '[pgbouncer]',
      ].join('\n'),
    });
    expect(config.files).toEqual(['pgbouncer.ini', 'conf.d/pools.ini']);
    expect(config.defaultPoolSize).toEqual({ value: 12, source: 'pgbouncer.ini:6' });
    expect(config.poolMode).toEqual({ value: 'transaction', source: 'pgbouncer.ini:3' });
    expect(config.databases).toEqual([
      {
        name: 'my db',
        source: 'conf.d/pools.ini:2',
        dbname: 'my db',
        poolSize: 5,
        reservePoolSize: 2,
        maxDbConnections: 7,
        poolMode: 'session',
      },
      { name: 'reports', source: 'conf.d/pools.ini:3', forcedUser: 'reporter', poolSize: 3, minPoolSize: 2 },
      { name: '*', source: 'conf.d/pools.ini:4' },
    ]);
    expect(config.users).toEqual([
      {
        name: 'batch',
        source: 'conf.d/pools.ini:6',
        poolSize: 4,
        reservePoolSize: 1,
        maxUserConnections: 6,
        poolMode: 'statement',
      },
    ]);
  });

  it('unknown keys and sections are warnings with file:line', () => {
    const { warnings } = read({
      '/etc/pgbouncer/pgbouncer.ini':
        '[pgbouncer]\nfrobnicate = 1\n[databases]\na = host=x poolsize=3\n[extra]\nk = v\n',
    });
    expect(warnings).toEqual([
      { file: 'pgbouncer.ini', line: 2, message: 'unknown setting frobnicate, ignored' },
      { file: 'pgbouncer.ini', line: 5, message: 'unknown section [extra], skipped' },
      { file: 'pgbouncer.ini', line: 4, message: '[databases] a: unknown parameter poolsize, ignored' },
    ]);
  });

  it('bad values are one error naming file:line', () => {
    const tree = (text: string) => ({ '/etc/pgbouncer/pgbouncer.ini': text });
    expect(errorOf(() => read(tree('[pgbouncer]\ndefault_pool_size = 20x\n')))).toBe(
      'pgbouncer.ini:2: default_pool_size: expected an integer >= 0, got "20x"',
    );
    expect(errorOf(() => read(tree('[pgbouncer]\npool_mode = sessions\n')))).toBe(
      'pgbouncer.ini:2: pool_mode: expected one of session, transaction, statement, got "sessions"',
    );
    expect(errorOf(() => read(tree('[databases]\na = host=x pool_size=ten\n')))).toBe(
      'pgbouncer.ini:2: [databases] a: pool_size: expected an integer >= 0, got "ten"',
    );
    expect(errorOf(() => read(tree("[databases]\na = host=x dbname='open\n")))).toBe(
      'pgbouncer.ini:2: [databases] a: unterminated quoted value of dbname',
    );
    expect(errorOf(() => read(tree('[pgbouncer]\nreserve_pool_timeout = soon\n')))).toBe(
      'pgbouncer.ini:2: reserve_pool_timeout: expected seconds, got "soon"',
    );
    expect(errorOf(() => read(tree('[pgbouncer]\n%include missing.ini\n')))).toBe(
      'pgbouncer.ini:2: %include missing.ini: no such file',
    );
    expect(errorOf(() => read(tree('[pgbouncer\n')))).toBe('pgbouncer.ini:1: syntax error: section name without "]"');
    expect(errorOf(() => read(tree('[pgbouncer]\njust words\n')))).toBe(
      'pgbouncer.ini:2: syntax error: expected key = value, got "just words"',
    );
    expect(errorOf(() => read({ '/etc/pgbouncer/pgbouncer.ini': '%include pgbouncer.ini\n' }))).toMatch(
      /^pgbouncer.ini:1: include nesting level too deep$/,
    );
    expect(errorOf(() => read({}, 'nope.ini'))).toBe('nope.ini: no such file');
  });

  it("connection strings as PgBouncer's cstr_get_pair splits them", () => {
    expect(parseConnString("host=db  dbname='it''s here' user=u")).toEqual(
      new Map([
        ['host', 'db'],
        ['dbname', "it's here"],
        ['user', 'u'],
      ]),
    );
    expect(parseConnString('host = db')).toEqual(new Map([['host', 'db']]));
    expect(parseConnString('host=')).toBe('empty value for host');
  });
});

describe('pools from pgbouncer.ini', () => {
  const ini = (text: string) => read({ '/etc/pgbouncer/pgbouncer.ini': text }).config;

  it("pool size: the user's, else the database's, else default_pool_size; the reserve only with reserve_pool_timeout > 0", () => {
    const config = ini(
      '[databases]\napp = host=x pool_size=7 reserve_pool_size=3\nother = host=x\n[users]\nbig = pool_size=11\n[pgbouncer]\ndefault_pool_size = 5\nreserve_pool_size = 1\n',
    );
    const { pools } = derivePools(config, [
      { name: 'a', user: 'web', database: 'app', connections: 100 },
      { name: 'b', user: 'big', database: 'app', connections: 100 },
      { name: 'c', user: 'web', database: 'other', connections: 100 },
    ]);
    expect(pools.map((p) => [p.database, p.user, p.cap])).toEqual([
      ['app', 'web', 10],
      ['app', 'big', 14],
      ['other', 'web', 6],
    ]);
    const noReserve = derivePools({ ...config, reservePoolTimeoutSeconds: { value: 0, source: null } }, [
      { name: 'a', user: 'web', database: 'app', connections: 9 },
    ]);
    expect(noReserve.pools[0]!.cap).toBe(7);
  });

  it('a forced user makes one pool per database; * serves other names; pool_size 0 is unlimited', () => {
    const config = ini('[databases]\nreports = host=x user=reporter pool_size=4\n* = host=x pool_size=0\n');
    const topology = resolveTopology({
      apps: [app('r1', 30, 'alice', 'reports'), app('r2', 30, 'bob', 'reports'), app('x', 50, 'carol', 'anything')],
      poolers: [poolerFromIni('pgbouncer', [config])],
      adminConnections: 0,
    });
    expect(topology.poolers[0]!.pools.map((p) => [p.database, p.user, p.cap, p.clients, p.serverConnections])).toEqual([
      ['reports', 'reporter', 4, 60, 4],
      ['anything', 'carol', 50, 50, 50],
    ]);
  });

  it('an app needs its database when the ini serves several', () => {
    const config = ini('[databases]\na = host=x\nb = host=x\n');
    expect(() =>
      resolveTopology({
        apps: [app('web', 10, 'web')],
        poolers: [poolerFromIni('pgbouncer', [config])],
        adminConnections: 0,
      }),
    ).toThrow('poolers: pgbouncer: web: name the database it connects to: pgbouncer.ini serves a, b');
    expect(() =>
      resolveTopology({
        apps: [app('web', 10, 'web', 'c')],
        poolers: [poolerFromIni('pgbouncer', [config])],
        adminConnections: 0,
      }),
    ).toThrow('database "c" is not in pgbouncer.ini\'s [databases] and there is no * fallback');
  });

  it("clients of unknown users and databases: every entry's cap together, unbounded with *", () => {
    const config = ini(
      '[databases]\na = host=x max_db_connections=12\nb = host=x user=svc pool_size=3\n[pgbouncer]\ndefault_pool_size = 50\n',
    );
    const anyone: AppSpec = { name: 'clients', pods: 1, pool: 500, via: 'pgbouncer', anyUser: true };
    const bounded = resolveTopology({
      apps: [anyone],
      poolers: [poolerFromIni('pgbouncer', [config])],
      adminConnections: 0,
    }).poolers[0]!;
    // a: any number of users, but 12 per database; b: one pool of 3 for the forced user.
    expect(bounded.serverConnections).toBe(15);
    const open = ini('[databases]\na = host=x\n* = host=x\n');
    expect(
      resolveTopology({ apps: [anyone], poolers: [poolerFromIni('pgbouncer', [open])], adminConnections: 0 })
        .poolers[0]!.serverConnections,
    ).toBe(500);
  });

  it('processes: files sharing a port with so_reuseport, or [peers]; each has its own pools', () => {
    const file = (n: number, extra = '') =>
      ini(
        `[databases]\napp = host=x pool_size=10\n[pgbouncer]\nlisten_port = 6432\nso_reuseport = 1\npidfile = /run/p${n}\n${extra}`,
      );
    const groups = groupProcesses([
      file(1),
      file(2),
      ini('[databases]\napp = host=x\n[pgbouncer]\nlisten_port = 6433\n'),
    ]);
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
    const pooler = poolerFromIni('pgbouncer', groups[0]!, { replicas: 3 });
    const resolved = resolveTopology({ apps: [app('web', 1000, 'web', 'app')], poolers: [pooler], adminConnections: 0 })
      .poolers[0]!;
    expect(resolved).toMatchObject({ replicas: 3, processes: 2, serverConnections: 60, clientCapacity: 600 });
    const peers = ini(
      '[databases]\napp = host=x\n[peers]\n1 = host=/tmp/a\n2 = host=/tmp/b\n3 = host=/tmp/c\n[pgbouncer]\npeer_id = 1\n',
    );
    expect(poolerFromIni('pgbouncer', [peers]).processes).toBe(3);
  });

  it('min_pool_size of a forced-user pool keeps connections open beyond its clients, never above the pool size', () => {
    const config = ini('[databases]\nr = host=x user=svc pool_size=6 min_pool_size=4\n');
    const pooler = resolveTopology({
      apps: [app('one', 1, 'x', 'r')],
      poolers: [poolerFromIni('pgbouncer', [config])],
      adminConnections: 0,
    }).poolers[0]!;
    expect(pooler.serverConnections).toBe(4);
  });
});

describe('the most server connections within user and database caps', () => {
  it('is a maximum flow, not pools taken in order', () => {
    // (u1,d1) (u1,d2) (u2,d1), each 10; u1 and d1 capped at 10: in order 10 + 0 + 0, at best 0 + 10 + 10.
    const pools = [
      { cap: 10, demand: 100, userKey: 'u1', userLimit: 10, dbKey: 'd1', dbLimit: 10 },
      { cap: 10, demand: 100, userKey: 'u1', userLimit: 10, dbKey: 'd2', dbLimit: 0 },
      { cap: 10, demand: 100, userKey: 'u2', userLimit: 0, dbKey: 'd1', dbLimit: 10 },
    ];
    const flow = maxServerConnections(pools, 1);
    expect(flow.reduce((a, b) => a + b, 0)).toBe(20);
    expect(maxServerConnections(pools, 2).reduce((a, b) => a + b, 0)).toBe(40);
  });
});
