/**
 * `pgmem inspect --statements N` against real servers of every version 13–18 and Debian's 15, each
 * with pg_stat_statements preloaded: statements of known plan shapes (test/support/plan-shapes.ts)
 * are run, then inspect must pick them from pg_stat_statements, plan them on the server (GENERIC_PLAN
 * on 16+, PREPARE with force_generic_plan on 13–15) and count their nodes as the --plans tests do;
 * statements that cannot be planned are skipped and counted by reason, nothing is written, pgmem's
 * own statements are never taken, and a database without the extension or a server without the
 * library says so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { planReportSchema } from '../../src/core/report-schema.js';
import { liveSectionSchema } from '../../src/input/live.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { readPlans } from '../../src/input/plans/index.js';
import { STATEMENT_TIMEOUT_MS } from '../../src/input/statements.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';
import { scratchDir, startServer, type RunningServer } from '../support/postgres.js';
import {
  PLAN_BASE_SETTINGS,
  PLAN_FIXTURE_SQL,
  PLAN_SHAPES,
  kindCounts,
  shapeSettings,
  type PlanShape,
} from '../support/plan-shapes.js';
import { projectRoot, runCli } from '../support/cli.js';

const inspectSchema = planReportSchema.extend({ live: liveSectionSchema });
type InspectReport = ReturnType<typeof inspectSchema.parse>;

/**
 * Server-wide settings: the shapes' base settings and the join methods the hash-join and
 * partitionwise shapes ask for. Only shapes whose own settings are all among them are run, since
 * inspect plans with the server's settings, not the session's that ran the statement.
 */
const SERVER_SETTINGS: Readonly<Record<string, string>> = {
  ...PLAN_BASE_SETTINGS,
  enable_mergejoin: 'off',
  enable_nestloop: 'off',
  enable_partitionwise_join: 'on',
};

/** Shapes with sorts, hashes, tuplestores, an estimate-bounded node, parameters ($n) and none. */
const SHAPE_NAMES = [
  'index-lookup',
  'sort',
  'hash-join',
  'hash-aggregate',
  'window',
  'partitionwise-join',
  'initplan-sort',
  'ordered-set-aggregate',
  'hashed-subplan',
];
const SHAPES: PlanShape[] = SHAPE_NAMES.map((name) => PLAN_SHAPES.find((s) => s.name === name)!);

/** The shape's statement, marked by a comment after its first keyword (pg_stat_statements keeps it). */
function marked(shape: PlanShape): string {
  return shape.sql.replace(/^select /, `select /* shape:${shape.name} */ `);
}

/** Statements that cannot be planned, by the reason inspect must give; run by the test session. */
const FAILING: readonly { reason: string; sql: string }[] = [
  // Normalized to `interval $1`: a typed literal's syntax without its literal.
  { reason: 'syntax', sql: "select /* fail:syntax */ interval '1 day'" },
  // Normalized to generate_series($1, $2): unknown arguments match several functions.
  { reason: 'types', sql: 'select /* fail:types */ * from generate_series(1, 10)' },
  // Its table is dropped afterwards.
  { reason: 'undefined-object', sql: 'select /* fail:undefined-object */ * from gone' },
  // The planner folds the immutable function, whose volatile callee inserts: refused read-only.
  { reason: 'would-write', sql: 'select /* fail:would-write */ pgmem_writes()' },
  { reason: 'utility', sql: 'vacuum /* fail:utility */ u' },
];

/** A parameter in the WHERE clause: a custom plan for NULL folds `t.k = NULL` to false and drops the join. */
const PARAMETER_FILTER = 'select /* param:filter */ * from t join u using (id) where t.k = $1';

const SETUP_SQL = `
create extension pg_stat_statements;
create table gone (x int);
create table written (x int);
create function pgmem_insert() returns int volatile language plpgsql as $$begin insert into written values (1); return 1; end$$;
create function pgmem_writes() returns int immutable language plpgsql as $$begin return pgmem_insert(); end$$;
-- Sleeps while it is planned for pgmem (application_name), not while the test runs it.
create function pgmem_slow() returns int immutable language plpgsql as
  $$begin perform pg_sleep(case when current_setting('application_name') = 'pgmem' then 30 else 0 end); return 1; end$$;
create role monitor login;
`;

async function withClient<T>(
  server: RunningServer,
  database: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function conninfo(server: RunningServer, { user = 'postgres', database = 'postgres' } = {}): string {
  return `host=${server.socketDir} port=${server.port} user=${user} dbname=${database}`;
}

const ENV = { NO_COLOR: '1', HOME: '/nonexistent-home', USER: 'nobody' };

async function inspectJson(args: string[]): Promise<{ report: InspectReport; stderr: string }> {
  const result = await runCli(['inspect', ...args, '--json'], { env: ENV });
  expect(result.code, result.stderr).toBe(0);
  return { report: inspectSchema.parse(JSON.parse(result.stdout)), stderr: result.stderr };
}

/** The workload query a statement became. */
function queryOf(report: InspectReport, source: string | undefined) {
  return report.workload.queries.find((q) => q.source === source);
}

const servers = requireServers('inspect --statements', {
  embedded: SUPPORTED_VERSIONS,
  distribution: DISTRIBUTION_VERSIONS,
});

describe.each(servers)('inspect --statements on $label', ({ version: major, build }) => {
  const version = major as PgVersion;
  let server: RunningServer;

  beforeAll(async () => {
    for (const shape of SHAPES) {
      for (const [name, value] of shapeSettings(shape))
        expect(SERVER_SETTINGS[name], `${shape.name}: ${name}`).toBe(value);
    }
    server = await startServer(
      version,
      {
        shared_preload_libraries: 'pg_stat_statements',
        shared_buffers: '32MB',
        max_connections: '10',
        ...SERVER_SETTINGS,
      },
      { build },
    );
    await withClient(server, 'postgres', async (client) => {
      await client.query(PLAN_FIXTURE_SQL);
      await client.query('VACUUM ANALYZE');
      await client.query(SETUP_SQL);
      await client.query('create database nostats');
      await client.query('select pg_stat_statements_reset()');
      for (const shape of SHAPES) await client.query(marked(shape));
      // The most total time of all: ten full sorts of t.
      const sort = SHAPES.find((s) => s.name === 'sort')!;
      for (let i = 0; i < 9; i++) await client.query(marked(sort));
      for (const { sql } of FAILING) await client.query(sql);
      await client.query(PARAMETER_FILTER.replace('$1', '42'));
      await client.query('drop table gone');
      await client.query('truncate written');
      // A control character in a comment the text keeps.
      await client.query('select /* \u001b[2J */ count(*) from u');
    });
  }, 120_000);
  afterAll(async () => server?.stop());

  it('plans each statement as the workload, with the node counts of its shape', async () => {
    const { report, stderr } = await inspectJson([conninfo(server), '--statements', '50']);
    expect(stderr).toBe('');
    const section = report.live.statements!;
    expect(section).toMatchObject({
      requested: 50,
      status: 'read',
      database: 'postgres',
      sortedBy: 'total_exec_time',
      method: version >= 16 ? 'generic-plan' : 'prepared-generic',
      hiddenStatements: 0,
    });
    expect(section.read).toBe(section.statements.length);
    expect(section.planned).toBe(section.statements.filter((s) => s.planned).length);
    const times = section.statements.map((s) => s.totalTimeMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // pgmem's own statements (this run's and earlier ones) are never read.
    expect(section.statements.filter((s) => /pgmem inspect|pg_settings|pg_stat_activity/.test(s.query))).toEqual([]);

    for (const shape of SHAPES) {
      const statement = section.statements.find((s) => s.query.includes(`shape:${shape.name} `));
      expect(statement, shape.name).toBeDefined();
      expect(statement!.planned, `${shape.name}: ${statement!.error}`).toBe(true);
      expect(statement!.source).toBe(`pg_stat_statements:${statement!.queryid}`);
      expect(statement!.calls).toBe(shape.name === 'sort' ? 10 : 1);
      const query = queryOf(report, statement!.source);
      expect(query, shape.name).toBeDefined();
      expect(query!.planUnknown).toBe(false);
      expect(kindCounts(query!), shape.name).toEqual(shape.expected(version));
    }
    // The statements are the workload: the hungriest of them sets the per-backend worst case.
    const hungriest = report.workload.queries.find((q) => q.hungriest)!;
    expect(hungriest.source).toMatch(/^pg_stat_statements:-?\d+$/);
    expect(report.workload.queries.every((q) => q.source.startsWith('pg_stat_statements:'))).toBe(true);
    expect(report.workload.queries.length).toBe(section.planned);
  });

  it('plans a parameter generically: the hash join a custom plan for NULL would fold away', async () => {
    const { report } = await inspectJson([conninfo(server), '--statements', '50']);
    const statement = report.live.statements!.statements.find((s) => s.query.includes('param:filter'));
    expect(statement?.query).toContain('t.k = $1');
    expect(statement?.planned).toBe(true);
    const nodes = queryOf(report, statement!.source)!.nodes;
    expect(kindCounts({ nodes })['hash-join']).toBe(1);
    // The same statement planned for NULL: a Result with a false one-time filter, no memory node.
    const custom = await withClient(server, 'postgres', async (c) => {
      const result = await c.query({
        text: `EXPLAIN (FORMAT JSON) ${PARAMETER_FILTER.replace('$1', 'NULL')}`,
        rowMode: 'array',
        types: { getTypeParser: () => (t: string) => t },
      });
      return readPlans(result.rows[0][0], 'custom.json', version);
    });
    expect(custom[0]!.nodes).toEqual([]);
  });

  it('skips and counts the statements it cannot plan, by reason, and writes nothing', async () => {
    const { report } = await inspectJson([conninfo(server), '--statements', '50']);
    const section = report.live.statements!;
    for (const { reason, sql } of FAILING) {
      const marker = /\/\* (fail:[a-z-]+) \*\//.exec(sql)![1]!;
      const statement = section.statements.find((s) => s.query.includes(marker));
      expect(statement, marker).toBeDefined();
      expect(statement).toMatchObject({ planned: false, reason });
      expect(queryOf(report, `pg_stat_statements:${statement!.queryid}`)).toBeUndefined();
    }
    const bySqlstate = Object.fromEntries(
      section.statements.filter((s) => s.sqlstate).map((s) => [s.reason, s.sqlstate]),
    );
    expect(bySqlstate).toMatchObject({
      syntax: '42601',
      types: '42725',
      'undefined-object': '42P01',
      'would-write': '25006',
    });
    for (const { reason } of FAILING)
      expect(section.skipped[reason as keyof typeof section.skipped], reason).toBeGreaterThanOrEqual(1);
    const skippedTotal = Object.values(section.skipped).reduce((a, b) => a + (b ?? 0), 0);
    expect(skippedTotal).toBe(section.read - section.planned);
    // The function that inserts was folded by the planner inside the READ ONLY transaction: refused.
    const written = await withClient(
      server,
      'postgres',
      async (c) => (await c.query('select count(*)::int AS n from written')).rows[0].n,
    );
    expect(written).toBe(0);
  });

  it('--statements 1 takes the statement with the most total time', async () => {
    const { report } = await inspectJson([conninfo(server), '--statements', '1']);
    const section = report.live.statements!;
    expect(section.read).toBe(1);
    expect(section.statements[0]!.query).toContain('shape:sort ');
    expect(report.workload.queries.map((q) => q.source)).toEqual([section.statements[0]!.source]);
    expect(kindCounts(report.workload.queries[0]!)).toEqual({ sort: 1 });
    expect(report.workload.source).toEqual({ kind: 'statements', origin: 'flags', app: null, preset: null, files: [] });
  });

  it("replaces the topology apps' own workloads, as flags do, and says so", async () => {
    const dir = scratchDir('pgmem-statements-');
    const topology = join(dir, 'topology.yaml');
    const plan = join(projectRoot, `test/fixtures/plans/pg${version}/hash-join.json`);
    writeFileSync(topology, `apps:\n  - { name: api, pods: 1, pool: 2, workload: { plans: ${plan} } }\n`);
    const { report, stderr } = await inspectJson([conninfo(server), '--statements', '1', '--topology', topology]);
    expect(stderr).toContain(
      'pgmem: note: --statements replaces the own workload of app api (flags win over the topology)',
    );
    expect(report.workload.groups.map((g) => g.sources.map((s) => s.kind))).toEqual([['statements']]);
    expect(report.workload.groups[0]!.hungriestQuery).toBe(report.live.statements!.statements[0]!.source);
  });

  it("with --plans: the files' plans and the statements are the workload together", async () => {
    const file = `test/fixtures/plans/pg${version}/hash-aggregate.json`;
    const { report } = await inspectJson([conninfo(server), '--statements', '1', '--plans', file]);
    expect(report.workload.queries.map((q) => q.source)).toEqual([
      report.live.statements!.statements[0]!.source,
      `${file}#1`,
    ]);
    expect(report.workload.queries.map(kindCounts)).toEqual([{ sort: 1 }, { 'hash-aggregate': 1 }]);
    expect(report.workload.source).toMatchObject({ kind: 'statements', files: [file] });
  });

  it('lists the statements in the table, their text escaped for the terminal', async () => {
    const result = await runCli(['inspect', conninfo(server), '--statements', '50'], { env: ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Statements {8}top 50 by total_exec_time in database "postgres"/);
    expect(result.stdout).toContain('shape:sort');
    expect(result.stdout).toContain('/* \\e[2J */');
    expect(result.stdout).not.toContain('\u001b');
    const markdown = await runCli(['inspect', conninfo(server), '--statements', '50', '--format', 'markdown'], {
      env: ENV,
    });
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/\| queryid \| Status \| Total time \| Calls \| Statement \|/);
    expect(markdown.stdout).not.toContain('\u001b');
  });

  it('says so when the extension is not installed in the database, and keeps the workload without it', async () => {
    const { report, stderr } = await inspectJson([conninfo(server, { database: 'nostats' }), '--statements', '10']);
    expect(report.live.statements).toMatchObject({
      status: 'not-installed',
      database: 'nostats',
      read: 0,
      planned: 0,
      statements: [],
    });
    expect(report.live.statements!.message).toMatch(/not installed in database "nostats"/);
    expect(stderr).toMatch(/^pgmem: warning: --statements: pg_stat_statements is not installed in database "nostats"/);
    const without = await inspectJson([conninfo(server, { database: 'nostats' })]);
    expect(report.workload).toEqual(without.report.workload);
    expect(report.perBackend.worstCaseBytes).toBe(without.report.perBackend.worstCaseBytes);
  });

  it("a role without pg_read_all_stats: other roles' statements are hidden, counted, not ranked", async () => {
    const { report } = await inspectJson([conninfo(server, { user: 'monitor' }), '--statements', '50']);
    const section = report.live.statements!;
    expect(section.status).toBe('read');
    expect(section.hiddenStatements).toBeGreaterThanOrEqual(SHAPES.length);
    expect(section.statements.filter((s) => s.query.includes('shape:'))).toEqual([]);
  });

  it('a role that may read the texts but not the tables: skipped as privilege', async () => {
    await withClient(server, 'postgres', (c) => c.query('grant pg_read_all_stats to monitor'));
    try {
      const { report } = await inspectJson([conninfo(server, { user: 'monitor' }), '--statements', '50']);
      const sort = report.live.statements!.statements.find((s) => s.query.includes('shape:sort '));
      expect(sort).toMatchObject({ planned: false, reason: 'privilege', sqlstate: '42501' });
    } finally {
      await withClient(server, 'postgres', (c) => c.query('revoke pg_read_all_stats from monitor'));
    }
  });

  it('ranks by total_time on an extension never updated past 1.7', async () => {
    await withClient(server, 'postgres', (c) => c.query('create database old'));
    await withClient(server, 'old', async (c) => {
      await c.query("create extension pg_stat_statements version '1.7'");
      await c.query('create table s (id int, v text)');
      await c.query('select /* old:sort */ * from s order by v');
    });
    const { report } = await inspectJson([conninfo(server, { database: 'old' }), '--statements', '10']);
    const section = report.live.statements!;
    expect(section).toMatchObject({ status: 'read', extensionVersion: '1.7', sortedBy: 'total_time', database: 'old' });
    expect(section.otherDatabases).toBeGreaterThan(0);
    const statement = section.statements.find((s) => s.query.includes('old:sort'));
    expect(statement?.planned).toBe(true);
    expect(kindCounts(queryOf(report, statement!.source)!)).toEqual({ sort: 1 });
  });

  it('a server without the library in shared_preload_libraries: not loaded', async () => {
    const bare = await startServer(version, { shared_buffers: '16MB', max_connections: '5' }, { build });
    try {
      await withClient(bare, 'postgres', (c) => c.query('create extension pg_stat_statements'));
      const { report, stderr } = await inspectJson([conninfo(bare), '--statements', '10']);
      expect(report.live.statements).toMatchObject({ status: 'not-loaded', read: 0, planned: 0 });
      expect(report.live.statements!.message).toMatch(/shared_preload_libraries/);
      expect(stderr).toMatch(/^pgmem: warning: --statements: /);
    } finally {
      await bare.stop();
    }
  });

  // Once: the statement timeout is the same code on every version, and the test waits for it.
  if (version === SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1] && build === 'embedded') {
    it('a statement whose planning outlasts the timeout is skipped as timeout, and the rest are planned', async () => {
      await withClient(server, 'postgres', (c) => c.query('select /* fail:timeout */ pgmem_slow()'));
      const started = Date.now();
      const { report } = await inspectJson([conninfo(server), '--statements', '50']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS);
      const section = report.live.statements!;
      expect(section.statements.find((s) => s.query.includes('fail:timeout'))).toMatchObject({
        planned: false,
        reason: 'timeout',
        sqlstate: '57014',
      });
      expect(section.statements.find((s) => s.query.includes('shape:sort '))?.planned).toBe(true);
    }, 60_000);
  }
});

describe('inspect --statements: usage', () => {
  it('is refused with --workload or node counts, naming the flag', async () => {
    for (const other of [
      ['--workload', 'oltp'],
      ['--sort-ops', '3'],
      ['--ops-per-query', '2'],
    ]) {
      const result = await runCli(['inspect', 'host=/nonexistent port=1', '--statements', '5', ...other], { env: ENV });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`pgmem: error: --statements: give either --statements or ${other[0]}, not both\n`);
    }
  });

  it('takes 1 to 500', async () => {
    for (const n of ['0', '501', 'x']) {
      const result = await runCli(['inspect', 'host=/nonexistent port=1', '--statements', n], { env: ENV });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^pgmem: error: --statements: /);
    }
  });
});
