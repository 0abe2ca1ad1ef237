/**
 * pgbouncer.ini as PgBouncer reads it: libusual's cfparser (lib/usual/cfparser.c) for sections,
 * `key = value` lines and `%include`, PgBouncer's loader (src/loader.c) for the libpq-style
 * `key=value` strings of [databases], [users] and [peers]. Only what bounds server connections is
 * typed; every other known key is accepted, unknown keys and sections are warnings (PgBouncer
 * itself refuses them), bad values are one InputError naming file:line.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { PgBouncerConfig, PgBouncerDatabase, PgBouncerUser, PoolMode, Sourced } from '../core/pgbouncer.js';
import { ConfFsError, type ConfFileSystem } from './conf/types.js';

/** libusual's include depth limit (cfparser.c MAX_INCLUDE). */
const MAX_INCLUDE = 10;

/** The [pgbouncer] keys PgBouncer knows (src/main.c bouncer_params). */
const PGBOUNCER_KEYS = new Set(
  (
    'admin_users application_name_add_host auth_dbname auth_file auth_hba_file auth_ident_file auth_ldap_options ' +
    'auth_query auth_type auth_user autodb_idle_timeout cancel_wait_timeout client_idle_timeout client_login_timeout ' +
    'client_tls13_ciphers client_tls_ca_file client_tls_cert_file client_tls_ciphers client_tls_dheparams ' +
    'client_tls_ecdhcurve client_tls_key_file client_tls_protocols client_tls_sslmode conffile default_pool_size ' +
    'disable_pqexec dns_max_ttl dns_nxdomain_ttl dns_zone_check_period idle_transaction_timeout ' +
    'ignore_startup_parameters job_name listen_addr listen_backlog listen_port log_connections log_disconnections ' +
    'log_pooler_errors log_stats logfile login_notify_message max_client_conn max_db_client_connections ' +
    'max_db_connections max_packet_size max_prepared_statements max_user_client_connections max_user_connections ' +
    'min_pool_size peer_id pidfile pkt_buf pool_mode pool_idle_timeout query_timeout query_wait_notify ' +
    'query_wait_timeout reserve_pool_size reserve_pool_timeout resolv_conf sbuf_loopcnt scram_iterations ' +
    'server_check_delay server_check_query server_connect_timeout server_fast_close server_idle_timeout ' +
    'server_lifetime server_login_retry server_reset_query server_reset_query_always server_round_robin ' +
    'server_tls13_ciphers server_tls_ca_file server_tls_cert_file server_tls_ciphers server_tls_key_file ' +
    'server_tls_protocols server_tls_sslmode so_reuseport stats_period stats_users suspend_timeout syslog ' +
    'syslog_facility syslog_ident tcp_defer_accept tcp_keepalive tcp_keepcnt tcp_keepidle tcp_keepintvl ' +
    'tcp_socket_buffer tcp_user_timeout track_extra_parameters transaction_timeout unix_socket_dir ' +
    'unix_socket_group unix_socket_mode user verbose'
  ).split(' '),
);

/** Keys of a [databases] entry (src/loader.c parse_database). */
const DATABASE_KEYS = new Set(
  (
    'dbname host port user password auth_user auth_dbname auth_query client_encoding datestyle timezone pool_size ' +
    'min_pool_size reserve_pool reserve_pool_size query_wait_timeout max_db_connections max_db_client_connections ' +
    'server_lifetime load_balance_hosts pool_mode connect_query application_name'
  ).split(' '),
);

/** Keys of a [users] entry (src/loader.c parse_user). */
const USER_KEYS = new Set(
  (
    'pool_mode pool_size reserve_pool_size max_user_connections transaction_timeout idle_transaction_timeout ' +
    'query_timeout query_wait_timeout client_idle_timeout max_user_client_connections'
  ).split(' '),
);

/** Keys of a [peers] entry (src/loader.c parse_peer). */
const PEER_KEYS = new Set(['host', 'port', 'pool_size']);

const POOL_MODES: readonly PoolMode[] = ['session', 'transaction', 'statement'];

/** A warning about something pgmem (and PgBouncer) does not know, with where it is. */
export interface IniWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The result of reading a pgbouncer.ini and its includes. */
export interface PgBouncerReadResult {
  readonly config: PgBouncerConfig;
  readonly warnings: IniWarning[];
}

interface Line {
  readonly file: string;
  readonly line: number;
  /** Names the value's source instead of file:line (a manifest field such as `PostgresCluster/x spec.proxy.pgBouncer.config.global.pool_mode`). */
  readonly field?: string;
}

/** `%include` paths: PgBouncer opens them relative to its working directory; pgmem takes the including file's directory. */
function includePath(from: string, target: string): string {
  return isAbsolute(target) ? target : resolve(dirname(from), target);
}

function readText(fs: ConfFileSystem, path: string, shown: string, at?: Line): string {
  try {
    return new TextDecoder('utf-8').decode(fs.readFile(path));
  } catch (error) {
    const code = error instanceof ConfFsError ? error.code : 'EIO';
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : `cannot read (${code})`;
    if (at) throw new InputError(`%include ${shown}: ${why}`, at.file, at.line);
    throw new InputError(why, shown);
  }
}

/**
 * A libpq-style `key=value key='quoted value'` string (src/loader.c cstr_get_pair): values end at a
 * space unless single-quoted, `''` is a quote inside quotes, empty values are refused.
 */
export function parseConnString(text: string): Map<string, string> | string {
  const out = new Map<string, string>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (;;) {
    ws();
    if (i >= text.length) return out;
    const keyStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ' ') i++;
    const key = text.slice(keyStart, i);
    ws();
    if (text[i] !== '=' || key === '') return `expected key=value at "${text.slice(keyStart, keyStart + 20)}"`;
    i++;
    ws();
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) return `unterminated quoted value of ${key}`;
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
    } else {
      const start = i;
      while (i < text.length && text[i] !== ' ') i++;
      value = text.slice(start, i);
    }
    if (value === '') return `empty value for ${key}`;
    out.set(key, value);
  }
}

/** An integer as PgBouncer's cf_set_int takes it (strtol base 0: 10, 0x1f, 017), refusing trailing text. */
function parseInteger(raw: string): number | null {
  const text = raw.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const digits = m[2]!;
  const value =
    digits.startsWith('0x') || digits.startsWith('0X')
      ? parseInt(digits.slice(2), 16)
      : digits.length > 1 && digits.startsWith('0')
        ? parseInt(digits.slice(1), 8)
        : Number(digits);
  const signed = m[1] === '-' ? -value : value;
  return Number.isSafeInteger(signed) && signed <= 2 ** 31 - 1 && signed >= -(2 ** 31) ? signed : null;
}

/** Seconds as PgBouncer's cf_set_time_usec takes them (a non-negative decimal). */
function parseSeconds(raw: string): number | null {
  const text = raw.trim();
  return /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
}

/** One `key = value` of a section, and where it was set. */
export interface RawEntry {
  readonly value: string;
  readonly at: Line;
}

/** The sections of a pgbouncer.ini PgBouncer takes pools from, key → entry (last one wins). */
export interface IniSections {
  readonly settings: ReadonlyMap<string, RawEntry>;
  readonly databases: ReadonlyMap<string, RawEntry>;
  readonly users: ReadonlyMap<string, RawEntry>;
  readonly peers: ReadonlyMap<string, RawEntry>;
}

/** Whether PgBouncer knows a [pgbouncer] setting. */
export function isPgBouncerSetting(key: string): boolean {
  return PGBOUNCER_KEYS.has(key);
}

/** Reads a pgbouncer.ini (path relative to fs.cwd; `shown` names it in messages). */
export function readPgBouncerIni(
  fs: ConfFileSystem,
  file: string,
  shown: (path: string) => string = (p) => p,
): PgBouncerReadResult {
  const main = resolve(fs.cwd ?? '/', file);
  const files: string[] = [];
  const warnings: IniWarning[] = [];
  const settings = new Map<string, RawEntry>();
  const databases = new Map<string, RawEntry>();
  const users = new Map<string, RawEntry>();
  const peers = new Map<string, RawEntry>();

  // The section carries into an included file and back out of it (cfparser.c keeps it in the
  // handler's context, not per file).
  let section: string | null = null;
  const readFile = (path: string, depth: number, from?: Line): void => {
    const name = shown(path);
    if (depth > MAX_INCLUDE) throw new InputError('include nesting level too deep', from!.file, from!.line);
    const text = readText(fs, path, name, from);
    files.push(name);
    const lines = text.split('\n');
    lines.forEach((rawLine, index) => {
      const at: Line = { file: name, line: index + 1 };
      const line = rawLine.replace(/\r$/, '');
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
      const include = /^%include[ \t]+(.+)$/.exec(trimmed);
      if (include) {
        readFile(includePath(path, include[1]!.trim()), depth + 1, at);
        return;
      }
      if (trimmed.startsWith('[')) {
        const end = trimmed.indexOf(']');
        if (end < 0) throw new InputError('syntax error: section name without "]"', at.file, at.line);
        section = trimmed.slice(1, end);
        if (!['pgbouncer', 'databases', 'users', 'peers'].includes(section)) {
          warnings.push({ ...at, message: `unknown section [${section}], skipped` });
        }
        return;
      }
      // cfparser.c: a key is [A-Za-z0-9_.*-]+ or a single-quoted name, then '=', the value runs to the end of the line.
      const m = /^(?:'([^']+)'|([A-Za-z0-9_.*-]+))[ \t]*=[ \t]*(.*)$/.exec(trimmed);
      if (!m)
        throw new InputError(`syntax error: expected key = value, got "${trimmed.slice(0, 40)}"`, at.file, at.line);
      const key = m[1] ?? m[2]!;
      const entry: RawEntry = { value: m[3]!.trimEnd(), at };
      if (section === null) throw new InputError(`${key} outside of any section`, at.file, at.line);
      if (section === 'pgbouncer') {
        if (!PGBOUNCER_KEYS.has(key)) warnings.push({ ...at, message: `unknown setting ${key}, ignored` });
        settings.set(key, entry);
      } else if (section === 'databases') databases.set(key, entry);
      else if (section === 'users') users.set(key, entry);
      else if (section === 'peers') peers.set(key, entry);
    });
  };
  readFile(main, 0);
  return configFromSections({ settings, databases, users, peers }, shown(main), files, warnings);
}

/**
 * The configuration that bounds server connections, from the entries of the sections (read from
 * a file, or written by an operator from its resource's fields). Bad values are one InputError at
 * the entry; unknown connection-string keys are warnings.
 */
export function configFromSections(
  sections: IniSections,
  file: string,
  files: readonly string[],
  warnings: IniWarning[] = [],
): PgBouncerReadResult {
  const { settings, databases, users, peers } = sections;
  const fail = (at: Line, message: string): never => {
    throw new InputError(at.field ? `${at.field}: ${message}` : message, at.file, at.line > 0 ? at.line : undefined);
  };
  const src = (at: Line): string => at.field ?? `${at.file}:${at.line}`;
  const intSetting = (key: string, fallback: number, min = 0): Sourced<number> => {
    const entry = settings.get(key);
    if (!entry) return { value: fallback, source: null };
    const value = parseInteger(entry.value);
    if (value === null || value < min)
      fail(entry.at, `${key}: expected an integer${min === 0 ? ' >= 0' : ''}, got "${entry.value}"`);
    return { value: value!, source: src(entry.at) };
  };
  const modeOf = (raw: string, at: Line, key: string): PoolMode => {
    const mode = raw.trim().toLowerCase() as PoolMode;
    if (!POOL_MODES.includes(mode)) fail(at, `${key}: expected one of ${POOL_MODES.join(', ')}, got "${raw}"`);
    return mode;
  };

  const poolModeEntry = settings.get('pool_mode');
  const timeoutEntry = settings.get('reserve_pool_timeout');
  let reservePoolTimeout = 5;
  if (timeoutEntry) {
    const seconds = parseSeconds(timeoutEntry.value);
    if (seconds === null) fail(timeoutEntry.at, `reserve_pool_timeout: expected seconds, got "${timeoutEntry.value}"`);
    reservePoolTimeout = seconds!;
  }

  // Connection-string fields: strict integers (PgBouncer's atoi would take "10x" as 10 and "x" as 0).
  const kvInt = (kv: Map<string, string>, key: string, at: Line, owner: string): number | undefined => {
    const raw = kv.get(key);
    if (raw === undefined) return undefined;
    const value = parseInteger(raw);
    if (value === null || value < 0) fail(at, `${owner}: ${key}: expected an integer >= 0, got "${raw}"`);
    return value!;
  };
  const kvOf = (entry: RawEntry, owner: string, known: Set<string>): Map<string, string> => {
    const kv = parseConnString(entry.value);
    if (typeof kv === 'string') return fail(entry.at, `${owner}: ${kv}`);
    for (const key of kv.keys()) {
      if (!known.has(key)) warnings.push({ ...entry.at, message: `${owner}: unknown parameter ${key}, ignored` });
    }
    return kv;
  };

  const databaseList: PgBouncerDatabase[] = [...databases].map(([name, entry]) => {
    const owner = `[databases] ${name}`;
    const kv = kvOf(entry, owner, DATABASE_KEYS);
    const mode = kv.get('pool_mode');
    const reserve = kvInt(kv, 'reserve_pool_size', entry.at, owner) ?? kvInt(kv, 'reserve_pool', entry.at, owner);
    const poolSize = kvInt(kv, 'pool_size', entry.at, owner);
    const minPoolSize = kvInt(kv, 'min_pool_size', entry.at, owner);
    const maxDb = kvInt(kv, 'max_db_connections', entry.at, owner);
    return {
      name,
      source: src(entry.at),
      ...(kv.get('dbname') !== undefined && { dbname: kv.get('dbname')! }),
      ...(kv.get('user') !== undefined && { forcedUser: kv.get('user')! }),
      ...(poolSize !== undefined && { poolSize }),
      ...(reserve !== undefined && { reservePoolSize: reserve }),
      ...(minPoolSize !== undefined && { minPoolSize }),
      ...(maxDb !== undefined && { maxDbConnections: maxDb }),
      ...(mode !== undefined && { poolMode: modeOf(mode, entry.at, `${owner}: pool_mode`) }),
    };
  });
  const userList: PgBouncerUser[] = [...users].map(([name, entry]) => {
    const owner = `[users] ${name}`;
    const kv = kvOf(entry, owner, USER_KEYS);
    const mode = kv.get('pool_mode');
    const poolSize = kvInt(kv, 'pool_size', entry.at, owner);
    const reserve = kvInt(kv, 'reserve_pool_size', entry.at, owner);
    const maxUser = kvInt(kv, 'max_user_connections', entry.at, owner);
    return {
      name,
      source: src(entry.at),
      ...(poolSize !== undefined && { poolSize }),
      ...(reserve !== undefined && { reservePoolSize: reserve }),
      ...(maxUser !== undefined && { maxUserConnections: maxUser }),
      ...(mode !== undefined && { poolMode: modeOf(mode, entry.at, `${owner}: pool_mode`) }),
    };
  });
  for (const [name, entry] of peers) {
    if (parseInteger(name) === null || parseInteger(name)! < 1)
      fail(entry.at, `[peers] ${name}: a peer is named by its peer_id, a positive integer`);
    kvOf(entry, `[peers] ${name}`, PEER_KEYS);
  }

  const listenAddr = settings.get('listen_addr')?.value ?? '';
  const config: PgBouncerConfig = {
    file,
    files,
    poolMode: poolModeEntry
      ? { value: modeOf(poolModeEntry.value, poolModeEntry.at, 'pool_mode'), source: src(poolModeEntry.at) }
      : { value: 'session', source: null },
    defaultPoolSize: intSetting('default_pool_size', 20),
    minPoolSize: intSetting('min_pool_size', 0),
    reservePoolSize: intSetting('reserve_pool_size', 0),
    reservePoolTimeoutSeconds: { value: reservePoolTimeout, source: timeoutEntry ? src(timeoutEntry.at) : null },
    maxClientConn: intSetting('max_client_conn', 100),
    maxDbConnections: intSetting('max_db_connections', 0),
    maxUserConnections: intSetting('max_user_connections', 0),
    soReuseport: intSetting('so_reuseport', 0).value !== 0,
    peerId: intSetting('peer_id', 0).value,
    peers: [...peers.keys()].map(Number),
    listen: `${listenAddr}:${intSetting('listen_port', 6432).value}`,
    databases: databaseList,
    users: userList,
  };
  return { config, warnings };
}
