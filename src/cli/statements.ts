/**
 * Reads pg_stat_statements' top statements and EXPLAINs each, inside inspect's READ ONLY
 * transaction. Each statement is planned in a savepoint that is always rolled back: a failure
 * does not abort the others, and the ACCESS SHARE locks planning took are released at once instead
 * of being held until inspect ends. Nothing is executed: EXPLAIN without ANALYZE only plans, and
 * what planning itself runs (functions the planner folds) cannot write in a READ ONLY transaction.
 */
import type { Client as PgClient } from 'pg';
import { versionProfile, type PgVersion } from '../core/versions.js';
import {
  CURRENT_DATABASE_QUERY,
  DEALLOCATE_SQL,
  PREPARED_PARAMETERS_QUERY,
  STATEMENTS_EXTENSION_QUERY,
  executeExplainSql,
  genericExplainSql,
  isPlannable,
  planMethod,
  planningSettings,
  prepareSql,
  skipReason,
  statementsCountsQuery,
  statementsQuery,
  tag,
  timeColumn,
  unavailableMessage,
  type PlannedStatement,
  type StatementRow,
  type StatementsExtensionRow,
  type StatementsSnapshot,
} from '../input/statements.js';

const SAVEPOINT = 'pgmem_statement';

/** A server error (one with a SQLSTATE); anything else (a broken connection) is rethrown. */
function serverError(error: unknown): { sqlstate: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) throw error;
  return { sqlstate: e.code, message: typeof e.message === 'string' ? e.message : e.code };
}

/** The json column as the server wrote it, unparsed: what psql -At prints and --plans reads. */
const rawText = { getTypeParser: () => (text: string) => text };

async function explainText(client: PgClient, sql: string): Promise<string> {
  const result = await client.query({ text: tag(sql), rowMode: 'array', types: rawText });
  return (result.rows as string[][]).map((row) => row[0]!).join('\n');
}

/** Plans one statement; the caller has a savepoint to roll back to. */
async function planStatement(client: PgClient, version: PgVersion, query: string): Promise<string> {
  if (versionProfile(version).features.explainGenericPlan) return explainText(client, genericExplainSql(query));
  await client.query(tag(prepareSql(query)));
  try {
    const parameters = Number((await client.query(tag(PREPARED_PARAMETERS_QUERY))).rows[0]?.parameters ?? 0);
    return await explainText(client, executeExplainSql(parameters));
  } finally {
    // DEALLOCATE is not transactional: run it once the savepoint has been rolled back if needed.
    await client.query(tag(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`));
    await client.query(tag(DEALLOCATE_SQL));
  }
}

/**
 * pg_stat_statements' top `limit` statements of the connected database by total time, each with its
 * plan or why it has none. Runs inside the caller's READ ONLY transaction and leaves it usable.
 */
export async function readStatements(client: PgClient, version: PgVersion, limit: number): Promise<StatementsSnapshot> {
  const method = planMethod(version);
  const empty = {
    requested: limit,
    extensionVersion: null,
    sortedBy: null,
    method,
    hidden: 0,
    otherDatabases: 0,
    statements: [],
  };
  await client.query(tag(`SAVEPOINT ${SAVEPOINT}`));
  const extension = (await client.query(tag(STATEMENTS_EXTENSION_QUERY))).rows[0] as StatementsExtensionRow | undefined;
  if (extension === undefined) {
    const database = String((await client.query(tag(CURRENT_DATABASE_QUERY))).rows[0]?.database ?? '');
    await client.query(tag(`RELEASE SAVEPOINT ${SAVEPOINT}`));
    return { ...empty, database, status: 'not-installed', message: unavailableMessage('not-installed', database) };
  }
  const { database } = extension;
  const column = timeColumn(extension.columns);
  if (column === null) {
    await client.query(tag(`RELEASE SAVEPOINT ${SAVEPOINT}`));
    const message = unavailableMessage('not-readable', database, 'the view has neither total_exec_time nor total_time');
    return { ...empty, database, extensionVersion: extension.version, status: 'not-readable', message };
  }
  let rows: StatementRow[];
  let counts: { hidden: number; other_databases: number };
  try {
    rows = (await client.query(tag(statementsQuery(extension.schema, column)), [limit])).rows as StatementRow[];
    counts = (await client.query(tag(statementsCountsQuery(extension.schema)))).rows[0] as typeof counts;
  } catch (error) {
    const { sqlstate, message } = serverError(error);
    await client.query(tag(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`));
    await client.query(tag(`RELEASE SAVEPOINT ${SAVEPOINT}`));
    // pg_stat_statements.c: "must be loaded via shared_preload_libraries", object_not_in_prerequisite_state.
    const status = sqlstate === '55000' ? 'not-loaded' : 'not-readable';
    const text =
      status === 'not-loaded'
        ? unavailableMessage('not-loaded', database)
        : unavailableMessage('not-readable', database, message);
    return { ...empty, database, extensionVersion: extension.version, sortedBy: column, status, message: text };
  }

  // The settings outside the savepoint each statement rolls back to, so that they stay.
  await client.query(tag(`RELEASE SAVEPOINT ${SAVEPOINT}`));
  for (const setting of planningSettings(version)) await client.query(tag(setting));
  await client.query(tag(`SAVEPOINT ${SAVEPOINT}`));
  const statements: PlannedStatement[] = [];
  for (const row of rows) {
    const base = {
      queryid: row.queryid,
      query: row.query,
      calls: Number(row.calls),
      totalTimeMs: Number(row.total_ms),
    };
    if (!isPlannable(row.query, version)) {
      statements.push({ ...base, plan: null, failure: { reason: 'utility' } });
      continue;
    }
    try {
      const plan = await planStatement(client, version, row.query);
      statements.push({ ...base, plan, failure: null });
    } catch (error) {
      const { sqlstate, message } = serverError(error);
      statements.push({ ...base, plan: null, failure: { reason: skipReason(sqlstate), sqlstate, message } });
    } finally {
      // Always rolled back: a failure leaves the transaction usable, and planning's locks go.
      await client.query(tag(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`));
    }
  }
  await client.query(tag(`RELEASE SAVEPOINT ${SAVEPOINT}`));
  return {
    ...empty,
    database,
    status: 'read',
    message: null,
    extensionVersion: extension.version,
    sortedBy: column,
    hidden: Number(counts.hidden),
    otherDatabases: Number(counts.other_databases),
    statements,
  };
}
