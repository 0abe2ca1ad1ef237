/**
 * `pgmem inspect [CONNINFO]`: the running server's settings through the same model and findings as
 * `plan`, next to the shared memory the server actually allocated and the backends it runs now.
 * Connects with libpq's rules (connection string, PG* environment, password file) and reads only,
 * inside a READ ONLY transaction.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig, Client as PgClient } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { ConnectionError, PgmemError, UsageError } from '../errors.js';
import type { PlanReport } from '../core/report-schema.js';
import type { WorkloadSource } from '../core/workload.js';
import type {
  ActivityRow,
  ConnectionTarget,
  LiveSection,
  LiveSnapshot,
  PgFileSettingsRow,
  PgSettingsRow,
} from '../input/live.js';
import type * as LiveModule from '../input/live.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import { addCommandOptions, readFormat, type CommandOptions, type PlanFlags } from './plan-options.js';
import { renderJson } from '../render/json.js';
import { renderLiveMarkdown, renderLiveText } from '../render/live.js';
import { renderReport } from './render-report.js';
import { terminalText } from '../render/terminal.js';

/** The connection and query helpers, loaded with the command so other commands do not pay for them. */
type Live = typeof LiveModule;
const loadLive = (): Promise<Live> => import('../input/live.js');

/** Seconds to wait for a connection when neither --connect-timeout nor connect_timeout says. */
export const DEFAULT_CONNECT_TIMEOUT = 10;

/** The document `inspect --json` writes: the plan report plus the live section. */
export type InspectReport = PlanReport & { live: LiveSection };

/** Adds the `inspect` command to the program. */
export function registerInspectCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addCommandOptions(
    program
      .command('inspect')
      .description('a running server: its settings through the model, next to the memory it allocated')
      .argument('[conninfo]', 'a postgresql:// URI or "host=… port=… user=…"; default: the PG* environment variables'),
    'inspect',
  )
    .addHelpText(
      'after',
      '\nThe password comes from the connection string, PGPASSWORD or the password file (PGPASSFILE, ~/.pgpass).' +
        '\nOnly reads: every query runs in a READ ONLY transaction. Without --pods/--pool/--clients or' +
        '\n--topology every max_connections slot is assumed in use. A topology gives the apps, poolers, reserved' +
        "\nsessions, container and RAM; the server's own settings stand for its server.settings and server.config.",
    )
    .action(async (conninfo: string | undefined, options: CommandOptions<'inspect'>) => {
      setExit(await inspectCommand(conninfo, options, io));
    });
}

/** Runs `inspect` and returns the exit code. */
export async function inspectCommand(
  conninfo: string | undefined,
  options: CommandOptions<'inspect'>,
  io: CliIo,
): Promise<number> {
  const format = readFormat(options, 'table');
  if (options.pgVersion !== undefined) {
    throw new UsageError('inspect takes the version from the server', '--pg-version');
  }
  if (options.statements !== undefined) {
    const other =
      options.workload !== undefined
        ? '--workload'
        : options.sortOps !== undefined
          ? '--sort-ops'
          : options.hashOps !== undefined
            ? '--hash-ops'
            : options.opsPerQuery !== undefined
              ? '--ops-per-query'
              : null;
    if (other !== null) throw new UsageError(`give either --statements or ${other}, not both`, '--statements');
  }
  // The topology is read as plan reads it, before connecting: a file that cannot be read is exit 2.
  // The live server's settings stand for the topology's server.settings (flags still go on top).
  const { loadPlanFlags } = await import('./plan-input.js');
  const loaded = await loadPlanFlags(options, io, { failOnDefault: 'none' });
  const flags: PlanFlags = { ...loaded, assignments: loaded.assignments.filter((a) => a.source !== 'topology') };
  const flagTimeout = options.connectTimeout;

  const live = await loadLive();
  const target = live.resolveTarget(conninfo, io.env, osUser(io.env));
  const timeoutSeconds = flagTimeout ?? target.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const snapshot = await readLiveServer(target, {
    timeoutSeconds,
    io,
    ...(options.statements !== undefined && { statements: options.statements }),
  });
  const report = await inspectReport(snapshot, flags);
  const statements = report.live.statements;
  if (statements && statements.planned === 0) {
    const why = statements.message ?? `none of the ${statements.read} statements read could be planned`;
    io.stderr.write(`pgmem: warning: --statements: ${terminalText(why)}; the workload is the one without them\n`);
  }
  if (statements && statements.planned > 0) {
    const own = [
      ...new Set((flags.groups ?? []).flatMap((g) => (g.workload?.sources ?? []).map((s) => s.app ?? ''))),
    ].filter(Boolean);
    if (own.length > 0)
      io.stderr.write(
        `pgmem: note: --statements replaces the own workload of ${own.length === 1 ? 'app' : 'apps'} ${terminalText(own.join(', '))} (flags win over the topology)\n`,
      );
  }

  const color = useColor(io, flags.color);
  if (format === 'json') {
    io.stdout.write(renderJson(report));
  } else {
    const title = `${describeTarget(live, target)} (PostgreSQL ${snapshot.serverVersion})`;
    const plan = await renderReport(report, format, { color, title });
    io.stdout.write(
      `${plan}\n${format === 'markdown' ? renderLiveMarkdown(report.live) : renderLiveText(report.live)}`,
    );
  }
  return exitCodeFor(report.findings, flags.failOn);
}

/** The plan report for a server's settings (flags on top), with its live section. */
export async function inspectReport(snapshot: LiveSnapshot, flags: PlanFlags): Promise<InspectReport> {
  const { detectBuild, liveAssignments, liveSection, majorVersion } = await loadLive();
  const { analyzePlan } = await import('./plan-input.js');
  const version = majorVersion(snapshot.serverVersionNum, snapshot.serverVersion);
  // The build comes from the server unless --build says otherwise.
  const detected = detectBuild(version, snapshot);
  const build = flags.buildFlag ? flags.build : detected.build;
  // The planned statements are queries of the workload, beside any --plans files' (plan-input.ts planWorkload).
  const statements = snapshot.statements
    ? (await import('../input/statements.js')).statementsWorkload(snapshot.statements, version)
    : null;
  const planned = statements !== null && statements.queries.length > 0;
  const workload = planned ? { ...flags.workload, queries: statements.queries } : flags.workload;
  const workloadSource: WorkloadSource = planned
    ? { kind: 'statements', origin: 'flags', ...(flags.planFiles.length > 0 && { files: [...flags.planFiles] }) }
    : flags.workloadSource;
  // The statements are the workload of every group, as a workload given as flags is (flags win over the topology).
  const groups = planned ? flags.groups?.map(({ workload: _own, ...group }) => group) : flags.groups;
  const { report } = analyzePlan(
    {
      ...flags,
      version,
      build,
      workload,
      workloadSource,
      ...(groups && { groups }),
      ...(planned && { topologyPlans: undefined }),
    },
    liveAssignments(version, snapshot.settings),
  );
  const live = liveSection(
    snapshot,
    { sharedBytes: report.sharedMemory.totalBytes, worstCaseBackends: report.connections.backends },
    {
      profile: build,
      source: flags.buildFlag ? 'flag' : 'server',
      detected: detected.build,
      evidence: detected.evidence,
    },
  );
  return { ...report, live: statements ? { ...live, statements: statements.section } : live };
}

function osUser(env: CliIo['env']): string | null {
  const fromEnv = env.USER ?? env.LOGNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/**
 * libpq's default when no host is given is its compiled-in socket directory: /var/run/postgresql
 * for distribution builds, /tmp for source builds. Take whichever holds the port's socket, else
 * connect to localhost over TCP.
 */
function defaultHost(port: number): string {
  for (const dir of ['/var/run/postgresql', '/tmp']) {
    if (existsSync(join(dir, `.s.PGSQL.${port}`))) return dir;
  }
  return 'localhost';
}

/** How the server is named in messages, never with credentials. */
function describeTarget(live: Live, target: ConnectionTarget): string {
  const host = target.host ?? defaultHost(target.port);
  if (live.isSocketHost(host)) return `server on socket "${join(host, `.s.PGSQL.${target.port}`)}"`;
  const address = target.hostaddr && target.hostaddr !== host ? ` (${target.hostaddr})` : '';
  return `server at "${host}"${address}, port ${target.port}`;
}

/** The password file's entry for this connection, read only when the server asks for a password. */
async function passwordFromFile(target: ConnectionTarget, host: string, io: CliIo): Promise<string | null> {
  const file = target.passfile ?? join(io.env.HOME ?? homedir(), '.pgpass');
  let mode: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return null;
    mode = stat.mode;
  } catch {
    return null;
  }
  // fe-connect.c passwordFromFile: a file others may read or write is ignored, with a warning.
  if ((mode & 0o077) !== 0) {
    io.stderr.write(
      `pgmem: warning: password file "${file}" has group or world access; permissions should be u=rw (0600) or less\n`,
    );
    return null;
  }
  const text = readFileSync(file, 'utf8');
  const { pgpassPassword } = await import('./pgpass.js');
  return pgpassPassword(text, { host, port: target.port, database: target.database, user: target.user });
}

function readOptionalFile(path: string | null): string | undefined {
  if (path === null) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConnectionError(`could not read certificate file "${path}"`);
  }
}

/** The TLS options of an sslmode, or false for none (prefer falls back to none in connect()). */
function sslConfig(live: Live, target: ConnectionTarget, host: string): ConnectionOptions | false {
  if (live.isSocketHost(host)) return false; // libpq never uses SSL over a Unix socket
  if (target.sslmode === 'disable' || target.sslmode === 'allow') return false;
  const files: ConnectionOptions = {};
  const ca = readOptionalFile(target.sslrootcert);
  const cert = readOptionalFile(target.sslcert);
  const key = readOptionalFile(target.sslkey);
  if (ca !== undefined) files.ca = ca;
  if (cert !== undefined) files.cert = cert;
  if (key !== undefined) files.key = key;
  switch (target.sslmode) {
    case 'prefer':
    case 'require':
      // libpq: without a root certificate, require (and prefer) encrypt without verifying.
      return { ...files, rejectUnauthorized: files.ca !== undefined, checkServerIdentity: () => undefined };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true, servername: host };
  }
}

/** One line naming the server and what went wrong, with every secret removed. */
function connectionFailure(live: Live, target: ConnectionTarget, error: unknown): ConnectionError {
  const e = error as { code?: string; message?: string; severity?: string };
  let reason: string;
  if (error instanceof PgmemError) reason = error.message;
  else if (e.code === 'ECONNREFUSED') reason = 'Connection refused';
  else if (e.code === 'ENOENT') reason = 'No such file or directory (is the server running, with its socket there?)';
  else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reason = 'could not translate host name to address';
  else if (e.code === 'EACCES') reason = 'Permission denied';
  else if (/timeout/i.test(e.message ?? '')) reason = 'timeout expired';
  else reason = e.message ?? String(error);
  const line = `connection to ${describeTarget(live, target)} failed: ${reason}`.replace(/\s*\n\s*/g, ' ');
  return new ConnectionError(live.redactConninfo(line));
}

/** Connects, trying TLS first for sslmode=prefer as libpq does. */
async function connect(live: Live, target: ConnectionTarget, timeoutSeconds: number, io: CliIo): Promise<PgClient> {
  const { default: pg } = await import('pg');
  const host = target.host ?? defaultHost(target.port);
  const ssl = sslConfig(live, target, host);
  const base: ClientConfig = {
    host: target.hostaddr ?? host,
    port: target.port,
    user: target.user,
    database: target.database,
    // A function, so the password file is read only if the server asks, and pg never reads
    // process.env or ~/.pgpass on its own.
    password: async () => {
      const password = target.password ?? (await passwordFromFile(target, host, io));
      if (password === null) throw new ConnectionError('fe_sendauth: no password supplied');
      return password;
    },
    connectionTimeoutMillis: timeoutSeconds * 1000,
    application_name: target.applicationName ?? 'pgmem',
    statement_timeout: 60_000,
    ...(target.options !== null && { options: target.options }),
  };
  const attempt = async (tls: ConnectionOptions | false): Promise<PgClient> => {
    const client = new pg.Client({ ...base, ssl: tls });
    // An error after connecting (the server going away) must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  };
  try {
    if (ssl !== false && target.sslmode === 'prefer') {
      try {
        return await attempt(ssl);
      } catch (error) {
        if (!/does not support SSL/.test((error as Error).message ?? '')) throw error;
        return await attempt(false);
      }
    }
    return await attempt(ssl);
  } catch (error) {
    throw connectionFailure(live, target, error);
  }
}

/** Runs a query whose failure (a missing privilege) is not fatal, inside a savepoint. */
async function optionalQuery<R>(client: PgClient, sql: string): Promise<{ rows: R[] } | { error: string }> {
  const { tag } = await loadLive();
  await client.query(tag('SAVEPOINT pgmem_optional'));
  try {
    const result = await client.query(tag(sql));
    await client.query(tag('RELEASE SAVEPOINT pgmem_optional'));
    return { rows: result.rows as R[] };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    // Only server-side errors (a SQLSTATE) are survivable; a broken connection is not.
    if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) throw error;
    await client.query(tag('ROLLBACK TO SAVEPOINT pgmem_optional'));
    return { error: e.message ?? e.code };
  }
}

/** Connects and reads everything `inspect` needs, in one READ ONLY transaction. */
export async function readLiveServer(
  target: ConnectionTarget,
  { timeoutSeconds, io, statements }: { timeoutSeconds: number; io: CliIo; statements?: number },
): Promise<LiveSnapshot> {
  const live = await loadLive();
  const { ACTIVITY_QUERY, FILE_SETTINGS_QUERY, JIT_QUERY, SETTINGS_QUERY, SHMEM_QUERY, VERSION_QUERY, tag } = live;
  const client = await connect(live, target, timeoutSeconds, io);
  try {
    await client.query(tag('BEGIN READ ONLY'));
    const versionRow = (await client.query(tag(VERSION_QUERY))).rows[0] as { num: string; version: string };
    const serverVersionNum = Number(versionRow.num);
    const version = live.majorVersion(serverVersionNum, versionRow.version); // refuse unsupported versions before reading views they lack
    const settings = (await client.query(tag(SETTINGS_QUERY))).rows as PgSettingsRow[];
    const pending = settings.some((row) => row.pending_restart);
    const files = pending ? await optionalQuery<PgFileSettingsRow>(client, FILE_SETTINGS_QUERY) : null;
    const activity = (await client.query(tag(ACTIVITY_QUERY))).rows as ActivityRow[];
    const shmem = await optionalQuery<{ bytes: string | null; gss: boolean | null }>(client, SHMEM_QUERY);
    const jit = await optionalQuery<{ available: boolean }>(client, JIT_QUERY);
    // Last: it sets its own statement and lock timeouts for the rest of the transaction.
    const read =
      statements === undefined
        ? undefined
        : await (await import('./statements.js')).readStatements(client, version, statements);
    await client.query(tag('COMMIT'));
    const allocated = 'rows' in shmem && shmem.rows[0]?.bytes != null ? Number(shmem.rows[0].bytes) : null;
    return {
      serverVersion: versionRow.version,
      serverVersionNum,
      settings,
      fileSettings: files && 'rows' in files ? files.rows : null,
      fileSettingsError: files && 'error' in files ? files.error : null,
      activity,
      allocatedSharedBytes: allocated,
      allocatedSharedError:
        'error' in shmem ? shmem.error : allocated === null ? 'pg_shmem_allocations returned nothing' : null,
      jitAvailable: 'rows' in jit && jit.rows[0]?.available === true,
      gssBuffer: 'rows' in shmem && allocated !== null ? shmem.rows[0]?.gss === true : null,
      ...(read !== undefined && { statements: read }),
    };
  } catch (error) {
    if (error instanceof PgmemError) throw error;
    const message = (error as Error).message ?? String(error);
    throw new ConnectionError(
      live.redactConninfo(`query on ${describeTarget(live, target)} failed: ${message}`.replace(/\s*\n\s*/g, ' ')),
    );
  } finally {
    await client.end().catch(() => {});
  }
}
