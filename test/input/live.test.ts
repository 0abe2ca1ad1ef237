/**
 * The pure half of `pgmem inspect`: libpq connection strings, environment and password-file rules,
 * secret scrubbing, and the rows of a server turned into engine input and the live section.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { seededRandom as prng } from '../support/prng.mjs';
import {
  CONNINFO_KEYWORDS,
  detectBuild,
  liveAssignments,
  liveSection,
  majorVersion,
  parseConninfo,
  resolveTarget,
  redactConninfo,
  type LiveSnapshot,
  type PgSettingsRow,
} from '../../src/input/live.js';
import { binDir, installedVersions } from '../support/postgres.js';
import { reportMissing } from '../support/pg-binaries.mjs';

function failure(fn: () => unknown): ConnectionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError);
    return error as ConnectionError;
  }
  throw new Error('expected a ConnectionError');
}

describe('parseConninfo: key=value', () => {
  it('reads keywords with optional spaces around "=", quotes and backslash escapes', () => {
    expect(parseConninfo("host=/tmp  port = 5433 user='a b' dbname=''")).toEqual({
      host: '/tmp',
      port: '5433',
      user: 'a b',
      dbname: '',
    });
    expect(parseConninfo("password='it\\'s \\\\ ok' application_name=x\\ y")).toEqual({
      password: "it's \\ ok",
      application_name: 'x y',
    });
    expect(parseConninfo('   ')).toEqual({});
  });

  it("gives libpq's errors, never with the values", () => {
    expect(failure(() => parseConninfo('password=Secret-1 bogus')).message).toBe(
      'missing "=" after "bogus" in connection info string',
    );
    expect(failure(() => parseConninfo("password='Secret-2")).message).toBe(
      'unterminated quoted string in connection info string',
    );
    expect(failure(() => parseConninfo('password=Secret-3 hots=x')).message).toBe('invalid connection option "hots"');
  });
});

describe('parseConninfo: URIs', () => {
  it('reads user, password, host, port, database and parameters, percent-decoded', () => {
    expect(parseConninfo('postgresql://me:p%40ss%3Aw@db.example:6432/app?sslmode=require&connect_timeout=3')).toEqual({
      user: 'me',
      password: 'p@ss:w',
      host: 'db.example',
      port: '6432',
      dbname: 'app',
      sslmode: 'require',
      connect_timeout: '3',
    });
    expect(parseConninfo('postgres://%2Fvar%2Frun%2Fpostgresql:5433/x')).toEqual({
      host: '/var/run/postgresql',
      port: '5433',
      dbname: 'x',
    });
    expect(parseConninfo('postgresql://[::1]:5433')).toEqual({ host: '::1', port: '5433' });
    expect(parseConninfo('postgresql://')).toEqual({});
    expect(parseConninfo('postgresql:///db?host=/tmp&ssl=true')).toEqual({
      dbname: 'db',
      host: '/tmp',
      sslmode: 'require',
    });
    expect(parseConninfo('postgresql://u@h')).toEqual({ user: 'u', host: 'h' });
  });

  it('rejects unknown parameters and bad escapes', () => {
    expect(failure(() => parseConninfo('postgresql://h/db?nope=1')).message).toBe(
      'invalid URI query parameter: "nope"',
    );
    expect(failure(() => parseConninfo('postgresql://h/db?channel_binding=require')).message).toBe(
      'connection option "channel_binding" is not supported by pgmem',
    );
    expect(parseConninfo('postgresql://h/db?keepalives=1')).toEqual({ host: 'h', dbname: 'db' });
    expect(failure(() => parseConninfo('postgresql://u:%zz@h')).message).toMatch(/percent-encoded/);
  });
});

describe('resolveTarget', () => {
  it('takes the connection string over the environment over the defaults', () => {
    const env = {
      PGHOST: 'envhost',
      PGPORT: '6000',
      PGUSER: 'envuser',
      PGDATABASE: 'envdb',
      PGPASSWORD: 'envpw',
      PGSSLMODE: 'disable',
    };
    const target = resolveTarget('host=h user=u', env, 'osuser');
    expect(target).toMatchObject({
      host: 'h',
      port: 6000,
      user: 'u',
      database: 'envdb',
      password: 'envpw',
      sslmode: 'disable',
    });
    expect(resolveTarget(undefined, env, 'osuser')).toMatchObject({ host: 'envhost', user: 'envuser' });
  });

  it('defaults to port 5432, the OS user, a database named after the user and sslmode prefer', () => {
    expect(resolveTarget(undefined, {}, 'osuser')).toMatchObject({
      host: null,
      port: 5432,
      user: 'osuser',
      database: 'osuser',
      password: null,
      passfile: null,
      sslmode: 'prefer',
      connectTimeout: null,
    });
    expect(resolveTarget('user=u', {}, 'osuser').database).toBe('u');
    expect(resolveTarget(undefined, { PGPASSFILE: '/p' }, 'x').passfile).toBe('/p');
  });

  it('treats connect_timeout like libpq: at least 2 seconds, 0 waits forever', () => {
    expect(resolveTarget('connect_timeout=1', {}, 'x').connectTimeout).toBe(2);
    expect(resolveTarget('connect_timeout=7', {}, 'x').connectTimeout).toBe(7);
    expect(resolveTarget(undefined, { PGCONNECT_TIMEOUT: '0' }, 'x').connectTimeout).toBe(0);
    expect(failure(() => resolveTarget('connect_timeout=soon', {}, 'x')).message).toMatch(/connect_timeout/);
  });

  it('rejects bad ports, sslmodes and several hosts', () => {
    expect(failure(() => resolveTarget('port=99999', {}, 'x')).message).toBe('invalid port number: "99999"');
    expect(failure(() => resolveTarget(undefined, { PGPORT: 'abc' }, 'x')).message).toBe('invalid port number: "abc"');
    expect(failure(() => resolveTarget('sslmode=maybe', {}, 'x')).message).toBe('invalid sslmode value: "maybe"');
    expect(failure(() => resolveTarget('postgresql://a:1,b:2/db', {}, 'x')).message).toMatch(/several hosts/);
    expect(failure(() => resolveTarget(undefined, {}, null)).message).toMatch(/no user name/);
  });
});

describe('redactConninfo', () => {
  it('replaces the password where a connection string carries it, and nothing else', () => {
    expect(redactConninfo('connection to server at "127.0.0.1", port 5432 failed: Connection refused')).toBe(
      'connection to server at "127.0.0.1", port 5432 failed: Connection refused',
    );
    expect(redactConninfo('bad postgresql://me:1@127.0.0.1:5432/db?sslmode=disable')).toBe(
      'bad postgresql://me:********@127.0.0.1:5432/db?sslmode=disable',
    );
    expect(redactConninfo('postgres://me:p%40ss@h/db')).toBe('postgres://me:********@h/db');
    expect(redactConninfo('postgresql://me@h/db?password=1&sslmode=require')).toBe(
      'postgresql://me@h/db?password=********&sslmode=require',
    );
    expect(redactConninfo("host=h password='it\\'s secret' user=u")).toBe('host=h password=******** user=u');
    expect(redactConninfo('host=h password = 1 port=1')).toBe('host=h password = ******** port=1');
    expect(redactConninfo('PGPASSWORD=1 pgmem inspect')).toBe('PGPASSWORD=******** pgmem inspect');
    // The URI's user and host, and a password-free message mentioning passwords, stay as they are.
    expect(redactConninfo('password authentication failed for user "1"')).toBe(
      'password authentication failed for user "1"',
    );
  });
});

describe('majorVersion', () => {
  it('reads server_version_num and refuses what pgmem does not model', () => {
    expect(majorVersion(130022, '13.22')).toBe(13);
    expect(majorVersion(180004, '18.4')).toBe(18);
    expect(failure(() => majorVersion(120018, '12.18')).message).toBe(
      'the server runs PostgreSQL 12.18; pgmem models PostgreSQL 13–18 only',
    );
    expect(failure(() => majorVersion(190000, '19devel')).message).toMatch(/19devel, newer than pgmem knows/);
  });
});

const row = (name: string, setting: string, source: string, extra: Partial<PgSettingsRow> = {}): PgSettingsRow => ({
  name,
  setting,
  unit: null,
  vartype: 'integer',
  context: 'postmaster',
  source,
  sourcefile: null,
  sourceline: null,
  pending_restart: false,
  ...extra,
});

describe('liveAssignments', () => {
  it("keeps the server's own values with their file and line, and leaves defaults and session values to the engine", () => {
    const rows = [
      row('shared_buffers', '16384', 'configuration file', { sourcefile: '/d/postgresql.conf', sourceline: 12 }),
      row('max_connections', '50', 'configuration file'),
      row('fsync', 'off', 'command line'),
      row('max_stack_depth', '2048', 'environment variable'),
      row('work_mem', '4096', 'default'),
      row('wal_buffers', '512', 'override'),
      row('wal_segment_size', '16777216', 'override', { context: 'internal' }),
      row('client_encoding', 'UTF8', 'client'),
      row('temp_buffers', '2048', 'user'),
      row('maintenance_work_mem', '65536', 'database'),
      row('plpgsql.variable_conflict', 'error', 'configuration file'),
    ];
    expect(liveAssignments(16, rows)).toEqual([
      { name: 'shared_buffers', value: '16384', source: '/d/postgresql.conf:12' },
      { name: 'max_connections', value: '50', source: 'configuration file' },
      { name: 'fsync', value: 'off', source: 'command line' },
      { name: 'max_stack_depth', value: '2048', source: 'environment variable' },
      { name: 'wal_segment_size', value: '16777216', source: 'override' },
    ]);
  });
});

describe('liveSection', () => {
  const snapshot: LiveSnapshot = {
    serverVersion: '16.4',
    serverVersionNum: 160004,
    settings: [
      row('shared_buffers', '16384', 'configuration file', { unit: '8kB', pending_restart: true }),
      row('max_connections', '100', 'configuration file', { pending_restart: true }),
      row('shared_memory_size', '143', 'default', { unit: 'MB', context: 'internal' }),
    ],
    fileSettings: [
      {
        sourcefile: '/d/postgresql.conf',
        sourceline: 3,
        seqno: 1,
        name: 'shared_buffers',
        setting: '128MB',
        applied: false,
        error: null,
      },
      {
        sourcefile: '/d/postgresql.auto.conf',
        sourceline: 3,
        seqno: 2,
        name: 'shared_buffers',
        setting: '1GB',
        applied: false,
        error: 'setting could not be applied',
      },
      {
        sourcefile: '/d/postgresql.auto.conf',
        sourceline: 4,
        seqno: 3,
        name: 'max_connections',
        setting: 'many',
        applied: false,
        error: 'invalid value',
      },
    ],
    fileSettingsError: null,
    activity: [
      { backend_type: 'client backend', state: 'active', count: 1 },
      { backend_type: 'client backend', state: 'idle', count: 3 },
      { backend_type: 'checkpointer', state: null, count: 1 },
    ],
    allocatedSharedBytes: 149_536_768,
    allocatedSharedError: null,
    jitAvailable: false,
    gssBuffer: false,
  };
  const build = {
    profile: 'embedded',
    source: 'server',
    detected: 'embedded',
    evidence: detectBuild(16, snapshot).evidence,
  } as const;

  it('counts processes, compares shared memory and lists pending restarts with the file value', () => {
    expect(liveSection(snapshot, { sharedBytes: 149_536_000, worstCaseBackends: 97 }, build)).toEqual({
      serverVersion: '16.4',
      predictedSharedBytes: 149_536_000,
      allocatedSharedBytes: 149_536_768,
      differenceBytes: 768,
      sharedMemorySizeMB: 143,
      build,
      currentBackends: {
        total: 5,
        byType: { checkpointer: 1, 'client backend': 4 },
        byState: { active: 1, idle: 3, none: 1 },
      },
      worstCaseBackends: 97,
      pendingRestart: [
        { name: 'max_connections', setting: '100', unit: null },
        { name: 'shared_buffers', setting: '16384', unit: '8kB', pendingValue: '1GB' },
      ],
    });
  });

  it('says why the allocated figure is missing', () => {
    const live = liveSection(
      {
        ...snapshot,
        allocatedSharedBytes: null,
        allocatedSharedError: 'permission denied for view pg_shmem_allocations',
      },
      { sharedBytes: 1, worstCaseBackends: 1 },
      build,
    );
    expect(live.allocatedSharedBytes).toBeNull();
    expect(live.differenceBytes).toBeNull();
    expect(live.allocatedSharedUnavailable).toBe('permission denied for view pg_shmem_allocations');
  });
});

describe('detectBuild', () => {
  const base = {
    serverVersion: '15.20',
    serverVersionNum: 150020,
    fileSettings: null,
    fileSettingsError: null,
    activity: [],
    allocatedSharedBytes: 1,
    allocatedSharedError: null,
  };
  const settings = (toast: string[], wal: string[], jit = 'on'): PgSettingsRow[] => [
    row('default_toast_compression', 'pglz', 'default', { vartype: 'enum', enumvals: toast }),
    row('wal_compression', 'off', 'default', { vartype: 'enum', enumvals: wal }),
    row('jit', jit, 'default', { vartype: 'bool' }),
  ];

  it("a distribution build by every option it shows (Debian's 15: JIT, lz4, zstd, GSS buffer)", () => {
    const snapshot = {
      ...base,
      settings: settings(['pglz', 'lz4'], ['pglz', 'lz4', 'zstd', 'on', 'off']),
      jitAvailable: true,
      gssBuffer: true,
    };
    expect(detectBuild(15, snapshot)).toEqual({
      build: 'distribution',
      evidence: { llvm: true, lz4: true, zstd: true, gssapi: true, liburing: null },
    });
  });

  it('an embedded build when the options it shows are absent', () => {
    const snapshot = {
      ...base,
      settings: settings(['pglz'], ['pglz', 'on', 'off']),
      jitAvailable: false,
      gssBuffer: false,
    };
    expect(detectBuild(15, snapshot)).toEqual({
      build: 'embedded',
      evidence: { llvm: false, lz4: false, zstd: false, gssapi: false, liburing: null },
    });
  });

  it('jit = off and an unreadable pg_shmem_allocations say nothing; lz4 alone still says distribution', () => {
    const snapshot = {
      ...base,
      settings: settings(['pglz', 'lz4'], ['pglz', 'on', 'off'], 'off'),
      jitAvailable: false,
      gssBuffer: null,
    };
    expect(detectBuild(15, snapshot)).toEqual({
      build: 'distribution',
      evidence: { llvm: null, lz4: true, zstd: false, gssapi: null, liburing: null },
    });
    // 13 has neither setting: nothing shown means the default profile.
    expect(detectBuild(13, { ...snapshot, settings: [] }).build).toBe('distribution');
  });
});

// libpq itself as the oracle: its PQconninfoParse, called through Python's ctypes on the libpq.so
// that ships with the newest installed server package.
const python = spawnSync('python3', ['-c', 'import ctypes'], { encoding: 'utf8' });
const newest = installedVersions().at(-1);
const libpq = newest === undefined ? null : join(binDir(newest)!, '..', 'lib', 'libpq.so.5');
const oracleAvailable = python.status === 0 && libpq !== null && existsSync(libpq);
if (!oracleAvailable) {
  reportMissing('libpq conninfo oracle', [
    python.status !== 0 ? 'python3 with ctypes is not available' : `libpq.so.5 is not at ${libpq}`,
  ]);
}

const ORACLE = `
import ctypes, json, sys
lib = ctypes.CDLL(sys.argv[1])
class Opt(ctypes.Structure):
    _fields_ = [('keyword', ctypes.c_char_p), ('envvar', ctypes.c_char_p), ('compiled', ctypes.c_char_p),
                ('val', ctypes.c_char_p), ('label', ctypes.c_char_p), ('dispchar', ctypes.c_char_p), ('dispsize', ctypes.c_int)]
lib.PQconninfoParse.restype = ctypes.POINTER(Opt)
lib.PQconninfoParse.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
out = []
for text in json.load(sys.stdin):
    err = ctypes.c_char_p()
    opts = lib.PQconninfoParse(text.encode(), ctypes.byref(err))
    if not opts:
        out.append({'error': err.value.decode().strip() if err.value else ''})
        continue
    values, i = {}, 0
    while opts[i].keyword:
        if opts[i].val is not None:
            values[opts[i].keyword.decode()] = opts[i].val.decode()
        i += 1
    out.append({'values': values})
print(json.dumps(out))
`;

function generateConninfo(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (random() < 0.5) {
    const keywords = [
      'host',
      'port',
      'user',
      'dbname',
      'password',
      'sslmode',
      'application_name',
      'options',
      'hots',
      'keepalives',
      'service',
    ];
    const values = [
      'x',
      '/tmp',
      '5432',
      "'a b'",
      "''",
      "'it\\'s'",
      "'back\\\\slash'",
      'a\\ b',
      "'unterminated",
      'p@ss:w',
      'é',
    ];
    const parts: string[] = [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      parts.push(
        random() < 0.05 ? pick(['bogus', '=x']) : `${pick(keywords)}${pick(['=', ' = ', '= ', ' ='])}${pick(values)}`,
      );
    }
    return parts.join(pick([' ', '  ', '\t']));
  }
  const user = pick(['', 'me@', 'me:pw@', 'me:p%40ss@', ':pw@', 'm%65@', 'me:bad%zz@']);
  const hosts = pick(['', 'h', 'h:5433', '[::1]', '[::1]:6', '%2Ftmp', 'a,b:2', 'h:']);
  const path = pick(['', '/', '/db', '/d%20b']);
  const query = pick([
    '',
    '?sslmode=require',
    '?ssl=true',
    '?host=/tmp&port=5',
    '?nope=1',
    '?connect_timeout=3&',
    '?x',
    '?keepalives=0',
    '?target_session_attrs=any',
  ]);
  return `${pick(['postgresql://', 'postgres://'])}${user}${hosts}${path}${query}`;
}

describe.runIf(oracleAvailable)("parseConninfo against libpq's PQconninfoParse", () => {
  it('agrees on 400 generated connection strings', () => {
    const random = prng(Number(process.env.PGMEM_CONNINFO_SEED ?? 20240613));
    const cases = Array.from({ length: 400 }, () => generateConninfo(random));
    const result = spawnSync('python3', ['-c', ORACLE, libpq!], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const oracle = JSON.parse(result.stdout) as ({ error: string } | { values: Record<string, string> })[];
    let compared = 0;
    cases.forEach((text, i) => {
      const expected = oracle[i]!;
      let ours: Record<string, string> | { error: string };
      try {
        ours = parseConninfo(text) as Record<string, string>;
      } catch (error) {
        expect(error, text).toBeInstanceOf(ConnectionError);
        ours = { error: (error as Error).message };
      }
      if ('error' in expected) {
        expect('error' in ours, `${text}: libpq says ${expected.error}`).toBe(true);
        // key=value errors carry libpq's own wording.
        if (!text.startsWith('postgres')) expect((ours as { error: string }).error, text).toBe(expected.error);
      } else if (Object.keys(expected.values).every((k) => (CONNINFO_KEYWORDS as readonly string[]).includes(k))) {
        expect(ours, text).toEqual(expected.values);
        compared++;
      } else if (
        Object.keys(expected.values).every(
          (k) => /^(keepalives|tcp_user_timeout)/.test(k) || (CONNINFO_KEYWORDS as readonly string[]).includes(k),
        )
      ) {
        // Keepalive tuning is accepted and dropped.
        expect(ours, text).toEqual(
          Object.fromEntries(Object.entries(expected.values).filter(([k]) => !k.startsWith('keepalives'))),
        );
        compared++;
      } else {
        // A keyword libpq knows and pgmem does not take: refused, by name.
        expect((ours as { error?: string }).error, text).toMatch(/is not supported by pgmem$/);
      }
    });
    expect(compared).toBeGreaterThan(100);
  });
});
