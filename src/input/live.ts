/**
 * A live server as engine input: libpq connection strings and environment, ~/.pgpass lines, the
 * read-only queries `pgmem inspect` runs, and their rows turned into settings assignments and the
 * report's `live` section. Pure: the CLI does the connecting and the file reading.
 */
import { ConnectionError } from '../errors.js';
import { DEFAULT_BUILD, type BuildFeatures, type BuildName } from '../core/build.js';
import { findGuc } from '../core/catalog/index.js';
import { BUILD_ENUM_VALUES } from '../core/catalog/build-values.js';
import type { SettingAssignment } from '../core/settings.js';
import { isSupportedVersion, MIN_VERSION, VERSION_RANGE, type PgVersion } from '../core/versions.js';

/** Connection keywords pgmem understands, as libpq names them (fe-connect.c PQconninfoOptions). */
export const CONNINFO_KEYWORDS = [
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'connect_timeout',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'application_name',
  'fallback_application_name',
  'options',
] as const;

/** A connection keyword pgmem understands. */
export type ConninfoKeyword = (typeof CONNINFO_KEYWORDS)[number];

/** Keyword → value pairs from a connection string. */
export type Conninfo = Partial<Record<ConninfoKeyword, string>>;

/**
 * Every keyword libpq 18 knows (PQconndefaults() of the libpq.so shipped with the server packages
 * here; fe-connect.c PQconninfoOptions). A name outside this list is libpq's "invalid connection
 * option"; a name in it that pgmem does not take is refused by name rather than silently ignored,
 * since several (channel_binding, require_auth, sslcrl, target_session_attrs) tighten security or
 * change which server is reached.
 */
const LIBPQ_KEYWORDS = new Set([
  'service',
  'user',
  'password',
  'passfile',
  'channel_binding',
  'connect_timeout',
  'dbname',
  'host',
  'hostaddr',
  'port',
  'client_encoding',
  'options',
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'sslmode',
  'sslnegotiation',
  'sslcompression',
  'sslcert',
  'sslkey',
  'sslcertmode',
  'sslpassword',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'sslsni',
  'requirepeer',
  'require_auth',
  'min_protocol_version',
  'max_protocol_version',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'gssencmode',
  'krbsrvname',
  'gsslib',
  'gssdelegation',
  'replication',
  'target_session_attrs',
  'load_balance_hosts',
  'scram_client_key',
  'scram_server_key',
  'oauth_issuer',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_scope',
  'sslkeylogfile',
  // Removed from libpq after 13, still accepted by older clients' strings.
  'authtype',
  'tty',
]);

/** libpq keywords that only tune the TCP connection: accepted and left to the operating system's defaults. */
const IGNORED_KEYWORDS = new Set([
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
]);

const KEYWORDS = new Set<string>(CONNINFO_KEYWORDS);

/** Refuses, after parsing, keywords libpq knows but pgmem does not take. */
function checkSupported(pairs: readonly [string, string][]): Conninfo {
  const result: Conninfo = {};
  for (const [keyword, value] of pairs) {
    if (IGNORED_KEYWORDS.has(keyword)) continue;
    if (!KEYWORDS.has(keyword)) throw new ConnectionError(`connection option "${keyword}" is not supported by pgmem`);
    result[keyword as ConninfoKeyword] = value;
  }
  return result;
}

/**
 * Parses a libpq connection string: a `postgresql://` / `postgres://` URI or `key=value` pairs.
 * Error messages are libpq's and never repeat values, so a password cannot leak through them.
 *
 * Written after fe-connect.c rather than taken from pg-connection-string (which comes with pg):
 * that package parses URIs only (a key=value string becomes a database name), through the WHATWG
 * URL parser, so it disagrees with libpq on what pgmem must refuse or read right — it keeps an
 * invalid escape (`me:bad%zz@h`) and an unknown or empty parameter (`?nope=1`, `?x`) silently,
 * leaves `%2F` in a database name encoded, reads several hosts (`a,b:2`) as one, and it reads the
 * sslrootcert/sslcert/sslkey files and prints a security warning while parsing. The agreement
 * with libpq is tested against PQconninfoParse itself (test/input/live.test.ts).
 */
export function parseConninfo(text: string): Conninfo {
  return /^postgres(ql)?:\/\//.test(text) ? parseUri(text) : parseKeyValue(text);
}

/** fe-connect.c conninfo_parse: `kw = value`, values quoted with '…' and backslash escapes. */
function parseKeyValue(text: string): Conninfo {
  const pairs: [string, string][] = [];
  let i = 0;
  const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    let keyword = '';
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) keyword += text[i++];
    while (isSpace(text[i])) i++;
    if (text[i] !== '=') throw new ConnectionError(`missing "=" after "${keyword}" in connection info string`);
    i++;
    while (isSpace(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new ConnectionError('unterminated quoted string in connection info string');
    } else {
      while (i < text.length && !isSpace(text[i])) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
    }
    // fe-connect.c conninfo_storeval: an unknown keyword fails at once, before the rest is read.
    if (!LIBPQ_KEYWORDS.has(keyword)) throw new ConnectionError(`invalid connection option "${keyword}"`);
    pairs.push([keyword, value]);
  }
  return checkSupported(pairs);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConnectionError('invalid percent-encoded token in connection URI');
  }
}

/**
 * fe-connect.c conninfo_uri_parse_options:
 * postgresql://[user[:password]@][host][:port][,…][/dbname][?keyword=value&…], percent-encoded.
 */
function parseUri(text: string): Conninfo {
  const result: Record<string, string> = {};
  let rest = text.replace(/^postgres(ql)?:\/\//, '');
  const authorityEnd = rest.search(/[/?]/);
  let authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  rest = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    if (user !== '') result.user = decode(user);
    if (colon !== -1) result.password = decode(userinfo.slice(colon + 1));
  }
  if (authority !== '') {
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const spec of authority.split(',')) {
      // An IPv6 address is written in brackets: [::1]:5432.
      const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(spec)!;
      hosts.push(decode(match[1]!.replace(/^\[(.*)\]$/, '$1')));
      ports.push(decode(match[2] ?? ''));
    }
    if (hosts.some((h) => h !== '')) result.host = hosts.join(',');
    if (ports.some((p) => p !== '')) result.port = ports.join(',');
  }
  const query = rest.indexOf('?');
  const path = query === -1 ? rest : rest.slice(0, query);
  if (path.length > 1) result.dbname = decode(path.slice(1));
  if (query !== -1) {
    for (const pair of rest.slice(query + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq === -1) throw new ConnectionError(`missing key/value separator "=" in URI query parameter`);
      const keyword = decode(pair.slice(0, eq));
      const value = decode(pair.slice(eq + 1));
      // libpq maps the JDBC-style ssl=true to sslmode=require.
      if (keyword === 'ssl' && value === 'true') result.sslmode = 'require';
      else if (!LIBPQ_KEYWORDS.has(keyword)) throw new ConnectionError(`invalid URI query parameter: "${keyword}"`);
      else result[keyword] = value;
    }
  }
  return checkSupported(Object.entries(result));
}

/** SSL modes libpq accepts. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
/** An SSL mode libpq accepts. */
export type SslMode = (typeof SSL_MODES)[number];

/** Where and how to connect, every field resolved from the connection string, environment and defaults. */
export interface ConnectionTarget {
  /** A host name, IP address, or a directory holding the Unix socket; null: the default socket directory. */
  readonly host: string | null;
  readonly hostaddr: string | null;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** An explicit password (connection string or PGPASSWORD); null: ask the password file when needed. */
  readonly password: string | null;
  /** The password file to read, from passfile / PGPASSFILE; null: ~/.pgpass. */
  readonly passfile: string | null;
  readonly sslmode: SslMode;
  readonly sslrootcert: string | null;
  readonly sslcert: string | null;
  readonly sslkey: string | null;
  /** Seconds, from connect_timeout / PGCONNECT_TIMEOUT; null when neither says. */
  readonly connectTimeout: number | null;
  readonly applicationName: string | null;
  readonly options: string | null;
}

/** The libpq environment variable of each keyword (libpq's "Environment Variables" chapter). */
const ENVIRONMENT: Partial<Record<ConninfoKeyword, string>> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
};

/**
 * Resolves a connection the way libpq does: a keyword in the connection string wins over its
 * environment variable, which wins over the built-in default (port 5432, the operating-system user
 * name, a database named after the user, sslmode prefer).
 */
export function resolveTarget(
  conninfo: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  osUser: string | null,
): ConnectionTarget {
  const parsed = conninfo === undefined || conninfo === '' ? {} : parseConninfo(conninfo);
  const get = (keyword: ConninfoKeyword): string | null => {
    const variable = ENVIRONMENT[keyword];
    const value = parsed[keyword] ?? (variable === undefined ? undefined : env[variable]);
    return value === undefined || value === '' ? null : value;
  };
  const host = get('host');
  const portText = get('port');
  if ((host ?? '').includes(',') || (portText ?? '').includes(',')) {
    throw new ConnectionError('several hosts in one connection string are not supported; give one host');
  }
  const port = portText === null ? 5432 : Number(portText);
  if (!/^\d+$/.test(portText ?? '5432') || port < 1 || port > 65535) {
    throw new ConnectionError(`invalid port number: "${portText}"`);
  }
  const user = get('user') ?? osUser;
  if (user === null) throw new ConnectionError('no user name: give user= in the connection string or set PGUSER');
  const sslmode = get('sslmode') ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw new ConnectionError(`invalid sslmode value: "${sslmode}"`);
  }
  const timeoutText = get('connect_timeout');
  let connectTimeout: number | null = null;
  if (timeoutText !== null) {
    // fe-connect.c parse_int_param: an integer; libpq treats values below 2 seconds as 2 (0 means none).
    if (!/^\s*-?\d+\s*$/.test(timeoutText)) {
      throw new ConnectionError(`invalid integer value "${timeoutText}" for connection option "connect_timeout"`);
    }
    const seconds = Number(timeoutText);
    connectTimeout = seconds <= 0 ? 0 : Math.max(2, seconds);
  }
  return {
    host,
    hostaddr: get('hostaddr'),
    port,
    user,
    database: get('dbname') ?? user,
    password: get('password'),
    passfile: get('passfile'),
    sslmode: sslmode as SslMode,
    sslrootcert: get('sslrootcert'),
    sslcert: get('sslcert'),
    sslkey: get('sslkey'),
    connectTimeout,
    applicationName: get('application_name') ?? get('fallback_application_name'),
    options: get('options'),
  };
}

export { isSocketHost } from './socket-host.js';

/** What stands in for a password in anything pgmem prints. */
export const REDACTED = '********';

/**
 * `text` with every password a connection string in it carries replaced by REDACTED, found by the
 * structure libpq gives it: the password of a URI's userinfo (`postgresql://user:PASSWORD@host`),
 * a `password=` keyword in key=value form (quoted or not) or in a URI's query, and a
 * `PGPASSWORD=` assignment. Nothing else is touched: a password that happens to be "1" does not
 * turn "127.0.0.1" into "********27.0.0.********".
 */
export function redactConninfo(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^\s:/?#@]*:)[^\s@/?#]*@/gi, `$1${REDACTED}@`)
    .replace(/([?&]password=)[^&#\s]*/gi, `$1${REDACTED}`)
    .replace(/(\bpassword\s*=\s*)(?:'(?:\\.|[^'\\])*'?|[^\s'&]+)/gi, `$1${REDACTED}`)
    .replace(/(\bPGPASSWORD=)\S*/g, `$1${REDACTED}`);
}

// ---------------------------------------------------------------------------------------------
// The queries and their rows.

export { QUERY_TAG, tag } from './statements.js';

/** The server version, first of all: older servers lack views the later queries read. */
export const VERSION_QUERY =
  "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version";

/** Every setting with where it came from (sourcefile/sourceline are NULL unless the role may read them). */
export const SETTINGS_QUERY =
  'SELECT name, setting, unit, vartype, context, source, sourcefile, sourceline, pending_restart, enumvals FROM pg_settings';

/**
 * Whether the server can JIT: pg_jit_available() loads jit_provider (llvmjit) and says whether that
 * worked (jit.c provider_init); it is false whenever jit = off, whatever the build.
 */
export const JIT_QUERY = 'SELECT pg_jit_available() AS available';

/** What the configuration files say now (superuser or granted only), for the values a restart will apply. */
export const FILE_SETTINGS_QUERY =
  'SELECT sourcefile, sourceline, seqno, name, setting, applied, error FROM pg_file_settings ORDER BY seqno';

/** Current processes by type and state. */
export const ACTIVITY_QUERY =
  'SELECT backend_type, state, count(*)::int AS count FROM pg_stat_activity GROUP BY backend_type, state';

/**
 * The shared memory the server allocated: the rows of pg_shmem_allocations (named areas, the
 * "<anonymous>" row and the NULL-name free space) sum to the segment size (pg-memory.md §2.1).
 * Needs superuser or pg_read_all_stats.
 */
export const SHMEM_QUERY =
  "SELECT sum(allocated_size)::text AS bytes, bool_or(name = 'Backend GSS Status Buffer') AS gss FROM pg_shmem_allocations";

/** One row of pg_settings, as SETTINGS_QUERY returns it. */
export interface PgSettingsRow {
  readonly name: string;
  readonly setting: string | null;
  readonly unit: string | null;
  readonly vartype: string;
  readonly context: string;
  readonly source: string;
  readonly sourcefile: string | null;
  readonly sourceline: number | null;
  readonly pending_restart: boolean;
  /** Accepted values of an enum setting (null for the others), as this build compiled them in. */
  readonly enumvals?: readonly string[] | null;
}

/** One row of pg_file_settings. */
export interface PgFileSettingsRow {
  readonly sourcefile: string | null;
  readonly sourceline: number | null;
  readonly seqno: number | null;
  readonly name: string | null;
  readonly setting: string | null;
  readonly applied: boolean;
  readonly error: string | null;
}

/** One row of ACTIVITY_QUERY. */
export interface ActivityRow {
  readonly backend_type: string | null;
  readonly state: string | null;
  readonly count: number;
}

/** Everything the queries returned; optional parts are null with the reason they are missing. */
export interface LiveSnapshot {
  readonly serverVersion: string;
  readonly serverVersionNum: number;
  readonly settings: readonly PgSettingsRow[];
  readonly fileSettings: readonly PgFileSettingsRow[] | null;
  readonly fileSettingsError: string | null;
  readonly activity: readonly ActivityRow[];
  readonly allocatedSharedBytes: number | null;
  readonly allocatedSharedError: string | null;
  /** pg_jit_available(). */
  readonly jitAvailable: boolean;
  /** Whether pg_shmem_allocations lists the "Backend GSS Status Buffer"; null when it cannot be read. */
  readonly gssBuffer: boolean | null;
  /** With --statements: pg_stat_statements' top statements and their plans. */
  readonly statements?: StatementsSnapshot;
}

/**
 * The major version from server_version_num (10+: major × 10000 + minor). Servers older than 13,
 * and newer than pgmem knows, are refused: their memory layout is not modelled.
 */
export function majorVersion(serverVersionNum: number, serverVersion: string): PgVersion {
  const major = Math.floor(serverVersionNum / 10000);
  if (isSupportedVersion(major)) return major;
  const supported = VERSION_RANGE;
  if (major < MIN_VERSION) {
    throw new ConnectionError(`the server runs PostgreSQL ${serverVersion}; pgmem models PostgreSQL ${supported} only`);
  }
  throw new ConnectionError(`the server runs PostgreSQL ${serverVersion}, newer than pgmem knows (${supported})`);
}

/**
 * pg_settings sources whose value is not the server's own: the defaults (the engine applies the
 * version's built-in values and auto rules itself) and values of this session, role or database
 * (guc.c GucSource_Names).
 */
const SKIPPED_SOURCES = new Set([
  'default',
  'dynamic default',
  'client',
  'session',
  'database',
  'user',
  'database user',
  'interactive',
  'test',
]);

/**
 * The running server's settings as assignments for the engine, source `<file>:<line>` when the
 * role may see it, else pg_settings.source. Defaults are left to the engine (with `defaults:
 * 'boot'`), so that its auto rules are what gets compared with the server; so are "override"
 * values of non-internal settings (the server's own result of an auto rule, e.g. wal_buffers = -1
 * shown as 512 in 13). Names the catalog does not know (extension settings the server accepted as
 * placeholders) are skipped.
 */
export function liveAssignments(version: PgVersion, rows: readonly PgSettingsRow[]): SettingAssignment[] {
  const assignments: SettingAssignment[] = [];
  for (const row of rows) {
    if (row.setting === null || SKIPPED_SOURCES.has(row.source)) continue;
    if (row.source === 'override' && row.context !== 'internal') continue;
    const definition = findGuc(version, row.name);
    if (!definition) continue;
    const source = row.sourcefile && row.sourceline ? `${row.sourcefile}:${row.sourceline}` : row.source;
    assignments.push({ name: definition.name, value: row.setting, source });
  }
  return assignments;
}

/** Build options as the server shows them: true or false, or null when nothing shows it. */
export type BuildEvidence = { readonly [K in keyof BuildFeatures]: boolean | null };

/**
 * The build a running server is, from what it shows: pg_jit_available() (LLVM; says nothing while
 * jit = off), the accepted values of default_toast_compression (lz4, 14+), wal_compression (zstd,
 * 15+) and io_method (io_uring, 18), and the "Backend GSS Status Buffer" in pg_shmem_allocations
 * (GSSAPI; unknown when the role may not read the view). Any option present makes it a distribution
 * build (the larger figures: JIT, the GSS buffer); none present and one shown absent, embedded;
 * nothing shown either way, the default.
 */
export function detectBuild(version: PgVersion, snapshot: LiveSnapshot): { build: BuildName; evidence: BuildEvidence } {
  const enumvals = (name: string): readonly string[] | null =>
    snapshot.settings.find((row) => row.name === name)?.enumvals ?? null;
  // The first setting whose enum list a build option extends with the option's value.
  const offers = (feature: keyof BuildFeatures): boolean | null => {
    const entry = BUILD_ENUM_VALUES.find((e) => e.values.some((v) => v.feature === feature))!;
    if (version < entry.since) return null;
    const values = enumvals(entry.setting);
    return values === null ? null : values.includes(entry.values.find((v) => v.feature === feature)!.value);
  };
  const jit = snapshot.settings.find((row) => row.name === 'jit')?.setting;
  const evidence: BuildEvidence = {
    llvm: snapshot.jitAvailable ? true : jit === 'on' ? false : null,
    lz4: offers('lz4'),
    zstd: offers('zstd'),
    gssapi: snapshot.gssBuffer,
    liburing: offers('liburing'),
  };
  const shown = Object.values(evidence);
  const build: BuildName = shown.includes(true) ? 'distribution' : shown.includes(false) ? 'embedded' : DEFAULT_BUILD;
  return { build, evidence };
}

export { liveSectionSchema, type LiveSection } from '../core/live-schema.js';
import type { StatementsSnapshot } from './statements.js';
import type { LiveSection } from '../core/live-schema.js';

/** Builds the `live` section from the snapshot and pgmem's figures for the same settings. */
export function liveSection(
  snapshot: LiveSnapshot,
  predicted: { sharedBytes: number; worstCaseBackends: number },
  build: LiveSection['build'],
): LiveSection {
  const byType: Record<string, number> = {};
  const byState: Record<string, number> = {};
  let total = 0;
  for (const row of snapshot.activity) {
    const type = row.backend_type ?? 'unknown';
    const state = row.state ?? 'none';
    byType[type] = (byType[type] ?? 0) + row.count;
    byState[state] = (byState[state] ?? 0) + row.count;
    total += row.count;
  }
  // pg_file_settings lists every assignment in file order; the last one for a name is the one a
  // restart applies. A change that waits for a restart carries the error "setting could not be
  // applied" (guc-file.l / guc.c ProcessConfigFileInternal); other errors are values the server rejects.
  const fileValues = new Map<string, string>();
  for (const row of snapshot.fileSettings ?? []) {
    if (row.name === null || row.setting === null) continue;
    if (row.error !== null && row.error !== 'setting could not be applied') continue;
    fileValues.set(row.name.toLowerCase(), row.setting);
  }
  const pendingRestart = snapshot.settings
    .filter((row) => row.pending_restart)
    .map((row) => {
      const pendingValue = fileValues.get(row.name.toLowerCase());
      return {
        name: row.name,
        setting: row.setting ?? '',
        unit: row.unit,
        ...(pendingValue !== undefined && { pendingValue }),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const sizeRow = snapshot.settings.find((row) => row.name === 'shared_memory_size');
  const allocated = snapshot.allocatedSharedBytes;
  return {
    serverVersion: snapshot.serverVersion,
    predictedSharedBytes: predicted.sharedBytes,
    allocatedSharedBytes: allocated,
    ...(allocated === null && { allocatedSharedUnavailable: snapshot.allocatedSharedError ?? 'not reported' }),
    differenceBytes: allocated === null ? null : allocated - predicted.sharedBytes,
    sharedMemorySizeMB: sizeRow?.setting != null && /^\d+$/.test(sizeRow.setting) ? Number(sizeRow.setting) : null,
    build,
    currentBackends: { total, byType: sortKeys(byType), byState: sortKeys(byState) },
    worstCaseBackends: predicted.worstCaseBackends,
    pendingRestart,
  };
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
