/**
 * A small embedded server loaded with the plan fixture, for the golden-plan script and the live plan
 * tests: start it, EXPLAIN the shapes, stop it.
 */
import pg from 'pg';
import { join } from 'node:path';
import type { PgVersion } from '../../src/core/versions.js';
import { PLAN_FIXTURE_SQL, explainSql, shapeSettings, type PlanShape } from './plan-shapes.js';
import { startServer, type RunningServer } from './postgres.js';

/** A server with the fixture loaded and one connection to it. */
export interface PlanServer {
  readonly server: RunningServer;
  readonly client: pg.Client;
  /** EXPLAIN (FORMAT JSON) of a shape, as the server prints it (what `psql -At` writes). */
  explain(shape: PlanShape, options?: { analyze?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

/** Server settings: small, and logging to a file when asked (for auto_explain). */
export function planServerSettings(logging: boolean, version: PgVersion): Record<string, string> {
  return {
    shared_buffers: '32MB',
    max_connections: '10',
    max_worker_processes: '4',
    max_parallel_workers: '4',
    ...(logging && {
      logging_collector: 'on',
      log_directory: 'log',
      log_filename: 'postgresql',
      log_destination: version >= 15 ? 'stderr,jsonlog' : 'stderr',
    }),
  };
}

/** Starts a server of the version with the fixture tables. */
export async function startPlanServer(
  version: PgVersion,
  { logging = false }: { logging?: boolean } = {},
): Promise<PlanServer> {
  const server = await startServer(
    version,
    planServerSettings(logging, version),
    logging ? { logFile: 'log/postgresql' } : {},
  );
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
  try {
    await client.connect();
    await client.query(PLAN_FIXTURE_SQL);
    await client.query('VACUUM ANALYZE');
  } catch (error) {
    await client.end().catch(() => {});
    await server.stop();
    throw error;
  }
  return {
    server,
    client,
    async explain(shape, options = {}) {
      await client.query('RESET ALL');
      // Settings a version lacks (enable_memoize before 14) are left out.
      for (const [name, value] of shapeSettings(shape)) {
        await client.query('SELECT set_config(name, $2, false) FROM pg_settings WHERE name = $1', [name, value]);
      }
      // The json column as the server wrote it, unparsed: what psql -At prints.
      const result = await client.query({
        text: explainSql(shape, options),
        rowMode: 'array',
        types: { getTypeParser: () => (text: string) => text },
      });
      return result.rows.map((row: string[]) => row[0]!).join('\n');
    },
    async stop() {
      await client.end().catch(() => {});
      await server.stop();
    },
  };
}

/** The server's log directory (logging_collector writes there). */
export function logDir(server: RunningServer): string {
  return join(server.dataDir, 'log');
}
