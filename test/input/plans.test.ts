/**
 * EXPLAIN plans as workload: the golden plans every embedded server 13–18 printed for the fixed query
 * shapes (scripts/golden-plans.ts), classified into memory nodes with the counts worked from the
 * executor source; auto_explain logs, psql's aligned output, several plans per file; bad input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { orderedAggregates, readPlans, type PlanWorkload } from '../../src/input/plans/index.js';
import { kindCounts, shapesFor } from '../support/plan-shapes.js';
import { projectRoot } from '../support/cli.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'plans');

function readFixture(version: PgVersion, file: string): PlanWorkload[] {
  return readPlans(readFileSync(join(fixtures, `pg${version}`, file), 'utf8'), file, version);
}

describe.each(SUPPORTED_VERSIONS.map((v) => [v]))('golden plans of PostgreSQL %i', (version) => {
  const files = readdirSync(join(fixtures, `pg${version}`));

  it('has a golden plan for every shape of the version', () => {
    expect(files.filter((f) => f.endsWith('.json')).sort()).toEqual(
      [...shapesFor(version).map((s) => `${s.name}.json`), 'several.json'].sort(),
    );
  });

  it.each(shapesFor(version).map((s) => [s.name, s]))('%s: memory nodes by kind', (_name, shape) => {
    const [plan, ...more] = readFixture(version, `${shape.name}.json`);
    expect(more).toHaveLength(0);
    expect(kindCounts(plan!)).toEqual(shape.expected(version));
    expect(plan!.unknownTypes).toEqual([]);
    expect(plan!.workersPlanned).toBe(shape.workers ?? 0);
    if (shape.workers) {
      // Everything below the Gather runs in Workers Planned + 1 processes; the leader's Finalize above it in one.
      const below = plan!.nodes.filter((n) => n.workers === shape.workers);
      expect(below.length).toBeGreaterThan(0);
    } else {
      expect(plan!.nodes.every((n) => n.workers === 0)).toBe(true);
    }
  });

  it("reads auto_explain's stderr log, with the query text", () => {
    const plans = readFixture(version, 'auto-explain.log');
    expect(plans.map(kindCounts)).toEqual([{ 'hash-join': 1 }, { sort: 1 }, { tuplestore: 1, sort: 2 }]);
    expect(plans[0]!.queryText).toBe('select * from t join u using (id)');
    expect(plans.map((p) => p.source)).toEqual(['auto-explain.log#1', 'auto-explain.log#2', 'auto-explain.log#3']);
  });

  it.runIf(version >= 15)("reads auto_explain's jsonlog", () => {
    expect(readFixture(version, 'auto-explain.jsonlog').map(kindCounts)).toEqual([
      { 'hash-join': 1 },
      { sort: 1 },
      { tuplestore: 1, sort: 2 },
    ]);
  });

  it("reads psql's aligned table and several plans in one file", () => {
    expect(readFixture(version, 'psql-aligned.txt').map(kindCounts)).toEqual([{ 'hash-join': 1 }]);
    expect(readFixture(version, 'several.json').map(kindCounts)).toEqual([
      { 'hash-join': 1 },
      { sort: 1 },
      { tuplestore: 1, sort: 2 },
    ]);
  });
});

const plan = (root: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify([{ Plan: root, ...extra }]);
const node = (
  type: string,
  props: Record<string, unknown> = {},
  children: Record<string, unknown>[] = [],
): Record<string, unknown> => ({
  'Node Type': type,
  ...props,
  ...(children.length && { Plans: children }),
});

describe('classification rules', () => {
  it("counts a UNION recursive CTE's hash table only when the query text says UNION", () => {
    const tree = node('CTE Scan', { 'CTE Name': 'r' }, [
      node('Recursive Union', { 'Parent Relationship': 'InitPlan', 'Subplan Name': 'CTE r' }),
    ]);
    const all = readPlans(
      JSON.stringify({ 'Query Text': 'with recursive r as (select 1 union all select 2) select * from r', Plan: tree }),
      'q',
      18,
    );
    expect(kindCounts(all[0]!)).toEqual({ tuplestore: 3 });
    const distinct = readPlans(
      JSON.stringify({ 'Query Text': 'with recursive r as (select 1 UNION select 2) select * from r', Plan: tree }),
      'q',
      18,
    );
    expect(kindCounts(distinct[0]!)).toEqual({ tuplestore: 3, 'hashed-estimate': 1 });
  });

  it("keeps the plan's total cost, and a JIT section as the planner's choice to JIT", () => {
    const sorted = node('Sort', { 'Total Cost': 2481.77 }, [node('Seq Scan', { 'Total Cost': 387 })]);
    const [cheap] = readPlans(plan(sorted), 'f', 15);
    expect(cheap!.planCost).toBe(2481.77);
    expect(cheap!.jit).toBeUndefined();
    const [jitted] = readPlans(plan(sorted, { JIT: { Functions: 3, Options: { Inlining: false } } }), 'f', 15);
    expect(jitted!.jit).toBe(true);
    // Options without Optimization (not what EXPLAIN prints): no tier, the cost decides.
    expect(jitted!.jitTier).toBeUndefined();
    expect(cheap!.jitTier).toBeUndefined();
    // EXPLAIN (FORMAT JSON) without ANALYZE, Debian's 15: the planner's flags as Options.
    const options = { Inlining: true, Optimization: false, Expressions: true, Deforming: true };
    const [inlined] = readPlans(plan(sorted, { JIT: { Functions: 3, Options: options } }), 'f', 15);
    expect(inlined!.jitTier).toEqual({ inline: true, optimize: false });
    const [costless] = readPlans(plan(node('Sort')), 'f', 15);
    expect(costless!.planCost).toBeUndefined();
  });

  it('counts one bitmap per BitmapOr and at most two for a BitmapAnd of three', () => {
    const scan = node('Bitmap Index Scan');
    const and = plan(
      node('Bitmap Heap Scan', {}, [node('BitmapAnd', {}, [scan, scan, node('BitmapOr', {}, [scan, scan])])]),
    );
    // BitmapAnd: the first child's bitmap plus the largest later child (the BitmapOr's own one).
    expect(kindCounts(readPlans(and, 'f', 18)[0]!)).toEqual({ bitmap: 2 });
  });

  it('a parallel Bitmap Heap Scan builds its bitmap once, other nodes below Gather run in every process', () => {
    const tree = node('Gather', { 'Workers Planned': 3 }, [
      node('Bitmap Heap Scan', { 'Parallel Aware': true }, [node('Bitmap Index Scan')]),
    ]);
    expect(readPlans(plan(tree), 'f', 18)[0]!.nodes).toEqual([
      { kind: 'bitmap', nodeType: 'Bitmap Index Scan', workers: 0, path: 'Plan.Plans[0].Plans[0]' },
    ]);
  });

  it("keeps measured figures from ANALYZE beside each node: the largest process's", () => {
    const tree = node('Gather Merge', { 'Workers Planned': 2 }, [
      node('Sort', {
        'Sort Space Used': 900,
        'Sort Space Type': 'Memory',
        Workers: [{ 'Worker Number': 0, 'Sort Space Used': 950, 'Sort Space Type': 'Memory' }],
      }),
    ]);
    const [p] = readPlans(plan(tree, { 'Execution Time': 1.5 }), 'f', 16);
    expect(p!.analyzed).toBe(true);
    expect(p!.nodes).toEqual([
      { kind: 'sort', nodeType: 'Sort', workers: 2, path: 'Plan.Plans[0]', measuredBytes: 950 * 1024, gather: 'Plan' },
    ]);
    const disk = readPlans(plan(node('Sort', { 'Sort Space Used': 9000, 'Sort Space Type': 'Disk' })), 'f', 16);
    expect(disk[0]!.nodes[0]!.measuredBytes).toBeUndefined();
  });

  it('counts an unknown node type at a budget and reports it', () => {
    const [p] = readPlans(plan(node('Hash Join', {}, [node('Columnar Scan'), node('Hash')])), 'f', 18);
    expect(p!.unknownTypes).toEqual(['Columnar Scan']);
    expect(kindCounts(p!)).toEqual({ unknown: 1, 'hash-join': 1 });
  });

  it('counts aggregates that sort their input, once per distinct call', () => {
    expect(orderedAggregates(['k', 'count(DISTINCT s)', "string_agg(s, ','::text ORDER BY id)"])).toBe(2);
    expect(
      orderedAggregates(["percentile_cont('0.5'::double precision) WITHIN GROUP (ORDER BY ((k)::double precision))"]),
    ).toBe(1);
    expect(orderedAggregates(['count(DISTINCT s)', '(count(DISTINCT s) + 1)'])).toBe(1);
    expect(orderedAggregates(['count(*)', "max('(ORDER BY '::text)"])).toBe(0);
    expect(orderedAggregates(["string_agg(DISTINCT s, ','::text ORDER BY s)"])).toBe(1);
  });
});

describe('bad input: one line naming the file, exit 2', () => {
  const fail = (text: string, file = 'plans/q.json', version: PgVersion = 18): InputError => {
    try {
      readPlans(text, file, version);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).exitCode).toBe(2);
      expect((error as Error).message).not.toContain('\n');
      return error as InputError;
    }
    throw new Error('expected an InputError');
  };

  it('names the file and line of something that is not a plan', () => {
    expect(fail('{"a": 1}').message).toBe(
      'plans/q.json:1: not an EXPLAIN (FORMAT JSON) plan: expected objects with a "Plan" holding a "Node Type"',
    );
    expect(fail('Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)').message).toBe(
      'plans/q.json:1: not an EXPLAIN (FORMAT JSON) plan: expected a JSON array or object',
    );
    expect(fail('').message).toBe('plans/q.json: no EXPLAIN (FORMAT JSON) plan in the file');
  });

  it('says a truncated plan is truncated', () => {
    const text = readFileSync(join(fixtures, 'pg18', 'hash-join.json'), 'utf8');
    expect(fail(`\n${text.slice(0, text.length / 2)}`).message).toBe(
      'plans/q.json:2: truncated JSON: the plan ends before its closing bracket',
    );
    const log = readFileSync(join(fixtures, 'pg18', 'auto-explain.log'), 'utf8');
    expect(fail(log.slice(0, 300), 'pg.log').message).toMatch(/^pg\.log:1: truncated JSON/);
  });

  it('names the node of a type the version does not have', () => {
    const text = readFileSync(join(fixtures, 'pg18', 'memoize.json'), 'utf8');
    expect(fail(text, 'plans/q.json', 13).message).toBe(
      "plans/q.json:1: plan 1, Plan.Plans[1]: Memoize nodes exist from PostgreSQL 14, not in 13; give the server's version (--pg-version)",
    );
  });

  it('asks for JSON when auto_explain logged text', () => {
    const log =
      '2026-12-01 10:00:00 UTC [1] LOG:  duration: 1.000 ms  plan:\n\tQuery Text: select 1\n\tResult  (cost=0.00..0.01 rows=1 width=4)\n';
    expect(fail(log, 'pg.log').message).toBe(
      'pg.log:1: auto_explain plan is not JSON: set auto_explain.log_format = json',
    );
  });
});
