/**
 * `inspect --statements N`: the top statements of pg_stat_statements by total time, planned on the
 * server and classified as the workload. This module is pure: the queries inspect sends, how a
 * statement is planned per version, why one is skipped, and the report section; src/cli/statements.ts
 * runs them.
 *
 * Sources: contrib/pg_stat_statements/pg_stat_statements--1.7--1.8.sql (13: total_time split into
 * total_plan_time and total_exec_time), --1.8--1.9.sql (14: toplevel), and pg_stat_statements.c
 * (a row of another role reads "<insufficient privilege>" with a NULL queryid unless the role has
 * pg_read_all_stats; the view raises 55000 "must be loaded via shared_preload_libraries" when the
 * library is not preloaded). explain.c (16+): GENERIC_PLAN plans a statement with unresolved $n
 * parameters. plancache.c: plan_cache_mode = force_generic_plan makes EXECUTE use the generic plan,
 * whatever the values passed, so 13–15 plan what 16+ plans. execMain.c standard_ExecutorStart: a
 * plan-only start (EXEC_FLAG_EXPLAIN_ONLY) skips the read-only check, so EXPLAIN of an INSERT plans in
 * a READ ONLY transaction, while a function the planner folds that writes still fails there.
 */
import { versionProfile, type PgVersion } from '../core/versions.js';
import type { StatementSkipReason, StatementsSection } from '../core/live-schema.js';
import type { PlanWorkload } from './plans/classify.js';
import { classifyPlans, readPlanText } from './plans/index.js';

/**
 * The comment every statement inspect sends carries after its first keyword. pg_stat_statements
 * keeps comments inside a statement in its text (the queryid ignores them; 18 drops leading ones),
 * so --statements leaves pgmem's own statements out.
 */
export const QUERY_TAG = '/* pgmem inspect */';

/** A statement as inspect sends it: its first keyword, the tag, the rest. */
export function tag(sql: string): string {
  return sql.replace(/^\s*(\S+)/, `$1 ${QUERY_TAG}`);
}

/** pgmem's own statements, as the statement queries leave them out. */
const NOT_PGMEM = `strpos(query, '${QUERY_TAG}') = 0`;

/** The largest N --statements takes. */
export const MAX_STATEMENTS = 500;

/**
 * Per statement: planning past this is cut short and the statement skipped ("timeout"). Planning is
 * fast; only a planner that folds a slow function or a huge join search gets here.
 */
export const STATEMENT_TIMEOUT_MS = 5_000;

/**
 * Per statement: a table held by an ACCESS EXCLUSIVE lock (ALTER TABLE, VACUUM FULL) is not waited
 * for past this ("lock-timeout"); EXPLAIN takes ACCESS SHARE locks while it plans, and one waiting
 * would queue every later query on that table behind it.
 */
export const STATEMENT_LOCK_TIMEOUT_MS = 1_000;

/** Characters of a statement's text the report keeps. */
export const STATEMENT_TEXT_CHARS = 200;

/** The workload source of a planned statement. */
export function statementSource(queryid: string): string {
  return `pg_stat_statements:${queryid}`;
}

/** Where pg_stat_statements is installed in this database, its version and the view's columns. */
export const STATEMENTS_EXTENSION_QUERY = `SELECT e.extversion AS version, n.nspname AS schema,
  current_database() AS database,
  ARRAY(SELECT attname::text FROM pg_attribute
        WHERE attrelid = to_regclass(quote_ident(n.nspname) || '.pg_stat_statements') AND attnum > 0 AND NOT attisdropped) AS columns
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'`;

/** The database connected to, when the extension is not there. */
export const CURRENT_DATABASE_QUERY = 'SELECT current_database() AS database';

/** The row STATEMENTS_EXTENSION_QUERY returns. */
export interface StatementsExtensionRow {
  readonly version: string;
  readonly schema: string;
  readonly database: string;
  readonly columns: readonly string[];
}

/** The column statements are ranked by: total_exec_time from 1.8 (PostgreSQL 13), total_time before (an extension never updated). */
export function timeColumn(columns: readonly string[]): 'total_exec_time' | 'total_time' | null {
  if (columns.includes('total_exec_time')) return 'total_exec_time';
  if (columns.includes('total_time')) return 'total_time';
  return null;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const THIS_DATABASE = '(SELECT oid FROM pg_database WHERE datname = current_database())';

/**
 * The top statements of this database by total time, one row per queryid (summed over the roles
 * and, 14+, top-level and nested entries that share it), pgmem's own left out; $1 is N. Rows hidden
 * from the role (NULL queryid) are left out too, and counted by statementsCountsQuery.
 */
export function statementsQuery(schema: string, column: 'total_exec_time' | 'total_time'): string {
  return `SELECT queryid::text AS queryid, min(query) AS query, sum(calls)::text AS calls, sum(${column})::float8 AS total_ms
FROM ${quoteIdent(schema)}.pg_stat_statements
WHERE dbid = ${THIS_DATABASE} AND queryid IS NOT NULL AND ${NOT_PGMEM}
GROUP BY queryid
ORDER BY total_ms DESC, queryid
LIMIT $1`;
}

/** Entries hidden from the role in this database, and entries of other databases. */
export function statementsCountsQuery(schema: string): string {
  return `SELECT count(*) FILTER (WHERE dbid = ${THIS_DATABASE} AND queryid IS NULL)::int AS hidden,
  count(*) FILTER (WHERE dbid <> ${THIS_DATABASE} AND ${NOT_PGMEM})::int AS other_databases
FROM ${quoteIdent(schema)}.pg_stat_statements`;
}

/** A row of statementsQuery. */
export interface StatementRow {
  readonly queryid: string;
  readonly query: string;
  readonly calls: string;
  readonly total_ms: number;
}

/** Statements EXPLAIN plans and PREPARE takes (the other kinds are utility statements, skipped). */
const PLANNABLE = new Set(['select', 'with', 'values', 'table', 'insert', 'update', 'delete', 'merge']);

/** The first keyword of a statement, past comments and opening parentheses, lower-cased. */
export function firstKeyword(query: string): string {
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const space = /^[\s(]+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith('--')) {
      const end = rest.indexOf('\n');
      i = end === -1 ? query.length : i + end + 1;
      continue;
    }
    if (rest.startsWith('/*')) {
      // Block comments nest (scan.l xcstart/xcinside).
      let depth = 0;
      let j = 0;
      while (j < rest.length) {
        if (rest.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else if (rest.startsWith('*/', j)) {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      i += j;
      continue;
    }
    return (/^[A-Za-z_]+/.exec(rest)?.[0] ?? '').toLowerCase();
  }
  return '';
}

/** Whether EXPLAIN can plan the statement (MERGE from 15). */
export function isPlannable(query: string, version: PgVersion): boolean {
  const keyword = firstKeyword(query);
  return PLANNABLE.has(keyword) && (keyword !== 'merge' || versionProfile(version).features.mergeStatement);
}

/** The transaction-level settings before the statements are planned (SET LOCAL: they end with the transaction). */
export function planningSettings(version: PgVersion): string[] {
  return [
    `SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`,
    `SET LOCAL lock_timeout = ${STATEMENT_LOCK_TIMEOUT_MS}`,
    // 13–15: EXECUTE plans generically whatever the values; with custom plans NULL parameters fold
    // (`id = NULL` is false) and the plan loses its nodes.
    ...(versionProfile(version).features.explainGenericPlan ? [] : ['SET LOCAL plan_cache_mode = force_generic_plan']),
  ];
}

/** How statements are planned on a version. */
export function planMethod(version: PgVersion): StatementsSection['method'] {
  return versionProfile(version).features.explainGenericPlan ? 'generic-plan' : 'prepared-generic';
}

/** EXPLAIN options: VERBOSE shows aggregates' DISTINCT / ORDER BY and each function of ROWS FROM. */
const EXPLAIN_OPTIONS = 'FORMAT JSON, VERBOSE';

/** 16+: the one EXPLAIN of a statement. */
export function genericExplainSql(query: string): string {
  return `EXPLAIN (${EXPLAIN_OPTIONS}, GENERIC_PLAN) ${query}`;
}

/** The name statements are prepared under on 13–15. */
export const PREPARED_NAME = 'pgmem_statement';

/** 13–15: PREPARE the statement (parameter types inferred as the server infers a client's). */
export function prepareSql(query: string): string {
  return `PREPARE ${PREPARED_NAME} AS ${query}`;
}

/** 13–15: how many parameters the prepared statement takes. */
export const PREPARED_PARAMETERS_QUERY = `SELECT cardinality(parameter_types) AS parameters FROM pg_prepared_statements WHERE name = '${PREPARED_NAME}'`;

/** 13–15: EXPLAIN EXECUTE with a NULL for each parameter (the generic plan ignores them). */
export function executeExplainSql(parameters: number): string {
  const args = parameters > 0 ? `(${Array.from({ length: parameters }, () => 'NULL').join(', ')})` : '';
  return `EXPLAIN (${EXPLAIN_OPTIONS}) EXECUTE ${PREPARED_NAME}${args}`;
}

/** 13–15: the prepared statement is dropped after each plan (DEALLOCATE is not undone by ROLLBACK TO). */
export const DEALLOCATE_SQL = `DEALLOCATE ${PREPARED_NAME}`;

/** The skip reason of a server error, by SQLSTATE (errcodes.txt). */
export function skipReason(sqlstate: string | undefined): StatementSkipReason {
  switch (sqlstate) {
    case '42601':
      return 'syntax';
    case '42P01':
    case '42703':
    case '3F000':
    case '42704':
      return 'undefined-object';
    case '42P18':
    case '42725':
    case '42883':
    case '42804':
    case '42P08':
    case '42846':
      return 'types';
    case '42501':
      return 'privilege';
    case '25006':
      return 'would-write';
    case '55P03':
      return 'lock-timeout';
    case '57014':
      return 'timeout';
    default:
      return 'error';
  }
}

/** Whitespace collapsed, cut to `max` characters with an ellipsis. */
export function shortenQuery(query: string, max = STATEMENT_TEXT_CHARS): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** What reading pg_stat_statements found, before the plans are classified. */
export interface StatementsSnapshot {
  readonly requested: number;
  readonly database: string;
  readonly status: StatementsSection['status'];
  readonly message: string | null;
  readonly extensionVersion: string | null;
  readonly sortedBy: StatementsSection['sortedBy'];
  readonly method: StatementsSection['method'];
  readonly hidden: number;
  readonly otherDatabases: number;
  readonly statements: readonly PlannedStatement[];
}

/** One statement read, with its plan or why there is none. */
export interface PlannedStatement {
  readonly queryid: string;
  readonly query: string;
  readonly calls: number;
  readonly totalTimeMs: number;
  /** EXPLAIN (FORMAT JSON) as the server wrote it. */
  readonly plan: string | null;
  readonly failure: {
    readonly reason: StatementSkipReason;
    readonly sqlstate?: string;
    readonly message?: string;
  } | null;
}

/** The message of each status but "read", for the report and the warning. */
export function unavailableMessage(
  status: Exclude<StatementsSection['status'], 'read'>,
  database: string,
  detail?: string,
): string {
  switch (status) {
    case 'not-installed':
      return `pg_stat_statements is not installed in database "${database}" (CREATE EXTENSION pg_stat_statements there; it also needs shared_preload_libraries)`;
    case 'not-loaded':
      return 'pg_stat_statements is installed but not loaded: add it to shared_preload_libraries and restart the server';
    case 'not-readable':
      return `pg_stat_statements could not be read${detail ? `: ${detail}` : ''}`;
  }
}

/**
 * The statements' plans as workload queries (classified by src/input/plans exactly as --plans files
 * are, the statement's text standing in for auto_explain's "Query Text"), and the report section.
 * A plan the classifier refuses is skipped ("error"), never fatal.
 */
export function statementsWorkload(
  snapshot: StatementsSnapshot,
  version: PgVersion,
): { queries: PlanWorkload[]; section: StatementsSection } {
  const queries: PlanWorkload[] = [];
  const skipped: Partial<Record<StatementSkipReason, number>> = {};
  const rows: StatementsSection['statements'] = [];
  for (const statement of snapshot.statements) {
    let failure = statement.failure;
    const source = statementSource(statement.queryid);
    if (failure === null && statement.plan !== null) {
      try {
        const docs = readPlanText(statement.plan, source).map((doc) => ({
          ...doc,
          source,
          queryText: statement.query,
        }));
        queries.push(...classifyPlans(docs, version));
      } catch (error) {
        failure = { reason: 'error', message: (error as Error).message };
      }
    } else if (failure === null) {
      failure = { reason: 'error', message: 'EXPLAIN returned no plan' };
    }
    if (failure !== null) skipped[failure.reason] = (skipped[failure.reason] ?? 0) + 1;
    rows.push({
      queryid: statement.queryid,
      query: shortenQuery(statement.query),
      calls: statement.calls,
      totalTimeMs: Math.round(statement.totalTimeMs * 1000) / 1000,
      planned: failure === null,
      ...(failure === null && { source }),
      ...(failure !== null && { reason: failure.reason }),
      ...(failure?.sqlstate !== undefined && { sqlstate: failure.sqlstate }),
      ...(failure?.message !== undefined && { error: failure.message }),
    });
  }
  const section: StatementsSection = {
    requested: snapshot.requested,
    status: snapshot.status,
    ...(snapshot.message !== null && { message: snapshot.message }),
    database: snapshot.database,
    extensionVersion: snapshot.extensionVersion,
    sortedBy: snapshot.sortedBy,
    method: snapshot.method,
    read: snapshot.statements.length,
    planned: rows.filter((r) => r.planned).length,
    skipped,
    hiddenStatements: snapshot.hidden,
    otherDatabases: snapshot.otherDatabases,
    statements: rows,
  };
  return { queries, section };
}
