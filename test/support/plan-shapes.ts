/**
 * Fixed query shapes whose plans cover every memory node class pgmem classifies, run on the embedded
 * servers of every version 13–18. scripts/golden-plans.ts writes their EXPLAIN output to
 * test/fixtures/plans/; test/input/plans-server.test.ts runs them again, live and with ANALYZE.
 */
import type { NodeKind } from '../../src/core/workload.js';
import type { PgVersion } from '../../src/core/versions.js';

/** Tables and data the shapes run on. Small enough for seconds, large enough to fill work_mem 1MB. */
export const PLAN_FIXTURE_SQL = `
create table t (id int primary key, k int not null, j int not null, s text not null);
insert into t select g, g % 100, g % 7, md5(g::text) from generate_series(1, 20000) g;
create index t_k on t (k);
create index t_j on t (j);
create table u (id int primary key, k int not null, s text not null);
insert into u select g, g % 50, md5(g::text) from generate_series(1, 10000) g;
create table big (id int not null, k int not null, s text not null);
insert into big select g, g % 1000, md5(g::text) from generate_series(1, 50000) g;
create table big2 (id int not null, s text not null);
insert into big2 select g, md5(g::text) from generate_series(1, 50000) g;
create table p (id int not null, k int not null) partition by hash (id);
create table p0 partition of p for values with (modulus 4, remainder 0);
create table p1 partition of p for values with (modulus 4, remainder 1);
create table p2 partition of p for values with (modulus 4, remainder 2);
create table p3 partition of p for values with (modulus 4, remainder 3);
insert into p select g, g % 10 from generate_series(1, 20000) g;
create table q (id int not null, k int not null) partition by hash (id);
create table q0 partition of q for values with (modulus 4, remainder 0);
create table q1 partition of q for values with (modulus 4, remainder 1);
create table q2 partition of q for values with (modulus 4, remainder 2);
create table q3 partition of q for values with (modulus 4, remainder 3);
insert into q select g, g % 10 from generate_series(1, 20000) g;

`;

/** Settings every shape runs with, so plans do not depend on a version's defaults. */
export const PLAN_BASE_SETTINGS: Readonly<Record<string, string>> = {
  work_mem: '1MB',
  hash_mem_multiplier: '2',
  max_parallel_workers_per_gather: '0',
  jit: 'off',
};

/** Settings that make the planner choose parallel plans on small tables. */
const PARALLEL: Readonly<Record<string, string>> = {
  max_parallel_workers_per_gather: '2',
  parallel_setup_cost: '0',
  parallel_tuple_cost: '0',
  min_parallel_table_scan_size: '0',
  min_parallel_index_scan_size: '0',
};

/** Memory nodes a shape's plan holds, by kind; omitted kinds are 0. */
export type KindCounts = Partial<Record<NodeKind, number>>;

/** One query shape. */
export interface PlanShape {
  readonly name: string;
  readonly sql: string;
  /** Extra settings (SET) before EXPLAIN. */
  readonly settings?: Readonly<Record<string, string>>;
  /** EXPLAIN VERBOSE: aggregates' DISTINCT and ORDER BY show only in Output. */
  readonly verbose?: boolean;
  /** The first version the shape's node exists in. */
  readonly since?: PgVersion;
  /** The nodes pgmem must find, per version where they differ. */
  readonly expected: (version: PgVersion) => KindCounts;
  /** Workers Planned of the plan's Gather, when parallel. */
  readonly workers?: number;
}

const always = (counts: KindCounts) => (): KindCounts => counts;
const noHash: Readonly<Record<string, string>> = { enable_hashjoin: 'off', enable_mergejoin: 'off' };

/** The shapes. Their expected counts are worked from the executor source (see src/input/plans/classify.ts). */
export const PLAN_SHAPES: readonly PlanShape[] = [
  { name: 'index-lookup', sql: 'select * from t where id = 42', expected: always({}) },
  { name: 'sort', sql: 'select * from t order by s', expected: always({ sort: 1 }) },
  {
    name: 'incremental-sort',
    sql: 'select * from t order by k, s limit 10',
    settings: { enable_seqscan: 'off' },
    expected: always({ 'incremental-sort': 1 }),
  },
  {
    name: 'hash-join',
    sql: 'select * from t join u using (id)',
    settings: { enable_mergejoin: 'off', enable_nestloop: 'off' },
    expected: always({ 'hash-join': 1 }),
  },
  { name: 'hash-aggregate', sql: 'select s, count(*) from t group by s', expected: always({ 'hash-aggregate': 1 }) },
  {
    name: 'mixed-aggregate',
    sql: 'select k, j, count(*) from t group by rollup (k, j)',
    settings: { enable_sort: 'off' },
    expected: always({ 'hash-aggregate': 1 }),
  },
  {
    name: 'grouping-sets-sorted',
    sql: 'select k, j, s, count(*) from t group by grouping sets ((k), (j), (s))',
    settings: { enable_hashagg: 'off', enable_indexscan: 'off', enable_bitmapscan: 'off' },
    // One Sort node below the Aggregate; two more "Sort Key" phases inside it, at most two alive.
    expected: always({ sort: 3 }),
  },
  {
    name: 'distinct-aggregates',
    sql: "select k, count(distinct s), count(distinct j), string_agg(s, ',' order by id) from t group by k",
    settings: {
      enable_hashagg: 'off',
      enable_indexscan: 'off',
      enable_bitmapscan: 'off',
      enable_incremental_sort: 'off',
    },
    verbose: true,
    // Sort below (by k, or by k and s when 16+ presorts one aggregate) and one hidden sort per
    // DISTINCT/ORDER BY aggregate, less the one the planner presorted on 16+.
    expected: (v) => ({ sort: v >= 16 ? 3 : 4 }),
  },
  {
    name: 'ordered-set-aggregate',
    sql: 'select percentile_cont(0.5) within group (order by k) from t',
    verbose: true,
    expected: always({ sort: 1 }),
  },
  {
    name: 'memoize',
    sql: 'select * from t join u on u.id = t.k',
    settings: noHash,
    since: 14,
    expected: always({ memoize: 1 }),
  },
  {
    name: 'materialize',
    sql: 'select count(*) from u a join u b on a.k < b.k where a.id < 100 and b.id < 200',
    settings: { enable_hashjoin: 'off', enable_mergejoin: 'off', enable_memoize: 'off' },
    expected: always({ tuplestore: 1 }),
  },
  {
    name: 'cte-scan',
    sql: 'with c as materialized (select * from u) select * from c a join c b using (id)',
    settings: { enable_hashjoin: 'off', enable_nestloop: 'off' },
    // One tuplestore shared by both CTE Scans, two Sorts under the Merge Join.
    expected: always({ tuplestore: 1, sort: 2 }),
  },
  {
    name: 'window',
    sql: 'select id, row_number() over (order by s) from t',
    expected: always({ tuplestore: 1, sort: 1 }),
  },
  {
    name: 'recursive-union',
    sql: 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 1000) select count(*) from r',
    // The CTE's tuplestore, and the Recursive Union's working and intermediate tables. EXPLAIN does
    // not tell UNION from UNION ALL, so without the query text the UNION's hash table counts too.
    expected: always({ tuplestore: 3, 'hashed-estimate': 1 }),
  },
  {
    name: 'recursive-union-distinct',
    sql: 'with recursive r(n) as (select 1 union select n + 1 from r where n < 1000) select count(*) from r',
    // As above, plus the UNION's duplicate-eliminating hash table, bounded by the estimate only.
    expected: always({ tuplestore: 3, 'hashed-estimate': 1 }),
  },
  {
    name: 'function-scan',
    sql: 'select * from rows from (generate_series(1, 1000), generate_series(1, 10)) g(a, b)',
    verbose: true,
    expected: always({ tuplestore: 2 }),
  },
  {
    name: 'table-function-scan',
    sql: "select * from xmltable('/r/x' passing cast('<r><x>1</x><x>2</x></r>' as xml) columns x int path '.')",
    expected: always({ tuplestore: 1 }),
  },
  {
    name: 'bitmap-index-scan',
    sql: 'select * from t where k < 3',
    settings: { enable_indexscan: 'off', enable_seqscan: 'off' },
    expected: always({ bitmap: 1 }),
  },
  {
    name: 'bitmap-or',
    sql: 'select * from t where k = 5 or k = 7 or j = 3',
    settings: { enable_seqscan: 'off', enable_indexscan: 'off' },
    // The BitmapOr's bitmap; its Bitmap Index Scans add into it.
    expected: always({ bitmap: 1 }),
  },
  {
    name: 'bitmap-and',
    sql: 'select * from t where k = 5 and j = 3',
    settings: { enable_seqscan: 'off', enable_indexscan: 'off' },
    // BitmapAnd: the first child's bitmap, and the next child's while it is intersected.
    expected: always({ bitmap: 2 }),
  },
  {
    name: 'hashed-setop',
    sql: 'select k from t except select k from u',
    settings: { enable_sort: 'off' },
    expected: always({ 'hashed-estimate': 1 }),
  },
  {
    name: 'hashed-subplan',
    sql: 'select count(*) from t where id not in (select id from u)',
    expected: always({ 'hashed-estimate': 1 }),
  },
  {
    name: 'initplan-sort',
    sql: 'select * from t where s > (select s from u order by s desc limit 1 offset 5)',
    expected: always({ sort: 1 }),
  },
  {
    name: 'no-memory-nodes',
    sql: 'select distinct a.k from t a join u b on a.id = b.id order by a.k',
    settings: { enable_hashjoin: 'off', enable_hashagg: 'off', enable_nestloop: 'off' },
    // Unique and Merge Join hold nothing; the Sort does.
    expected: always({ sort: 1 }),
  },
  {
    name: 'partitionwise-join',
    sql: 'select count(*) from p join q using (id)',
    settings: { enable_partitionwise_join: 'on', enable_mergejoin: 'off', enable_nestloop: 'off' },
    expected: always({ 'hash-join': 4 }),
  },
  {
    name: 'parallel-sort',
    sql: 'select * from big order by s',
    settings: PARALLEL,
    workers: 2,
    expected: always({ sort: 1 }),
  },
  {
    name: 'parallel-hash-join',
    sql: 'select count(*) from big join big2 using (id)',
    settings: { ...PARALLEL, enable_mergejoin: 'off', enable_nestloop: 'off' },
    workers: 2,
    expected: always({ 'parallel-hash': 1 }),
  },
  {
    name: 'parallel-oblivious-hash',
    sql: 'select count(*) from big join u using (id)',
    settings: { ...PARALLEL, enable_parallel_hash: 'off', enable_mergejoin: 'off', enable_nestloop: 'off' },
    workers: 2,
    expected: always({ 'hash-join': 1 }),
  },
  {
    name: 'parallel-hash-aggregate',
    sql: 'select k, count(*) from big group by k',
    settings: { ...PARALLEL, enable_sort: 'off' },
    workers: 2,
    // Partial HashAggregate in every process, Finalize HashAggregate in the leader.
    expected: always({ 'hash-aggregate': 2 }),
  },
];

/** Nodes of a classified plan by kind. */
export function kindCounts(plan: { readonly nodes: readonly { readonly kind: NodeKind }[] }): KindCounts {
  const counts: Partial<Record<NodeKind, number>> = {};
  for (const node of plan.nodes) counts[node.kind] = (counts[node.kind] ?? 0) + 1;
  return counts;
}

/** The shapes that exist in a version. */
export function shapesFor(version: PgVersion): PlanShape[] {
  return PLAN_SHAPES.filter((s) => (s.since ?? 13) <= version);
}

/** The SET statements before a shape's EXPLAIN. */
export function shapeSettings(shape: PlanShape): [string, string][] {
  return Object.entries({ ...PLAN_BASE_SETTINGS, ...(shape.settings ?? {}) });
}

/** The EXPLAIN statement of a shape. */
export function explainSql(shape: PlanShape, { analyze = false }: { analyze?: boolean } = {}): string {
  const options = ['FORMAT JSON'];
  if (shape.verbose) options.push('VERBOSE');
  if (analyze) options.push('ANALYZE', 'TIMING OFF');
  return `EXPLAIN (${options.join(', ')}) ${shape.sql}`;
}
