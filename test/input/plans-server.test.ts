/**
 * The query shapes on real servers of every version 13–18: the plans a server prints now classify as
 * the golden files do and carry the same keys (a renamed key fails here), and with EXPLAIN ANALYZE
 * each node's reported memory stays within the budget pgmem gives it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARALLEL_HASH_DSM } from '../../src/core/baselines.js';
import { allowanceOf } from '../../src/core/model.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { NODE_BUDGET, type WorkloadNode } from '../../src/core/workload.js';
import { readPlans } from '../../src/input/plans/index.js';
import { projectRoot } from '../support/cli.js';
import { startPlanServer, type PlanServer } from '../support/plan-server.js';
import { kindCounts, PLAN_BASE_SETTINGS, shapesFor } from '../support/plan-shapes.js';
import { installedVersions } from '../support/postgres.js';

const installed = installedVersions();
// In CI every version must be there; elsewhere, only the installed ones run.
const versions =
  process.env.CI === 'true' ? [...SUPPORTED_VERSIONS] : SUPPORTED_VERSIONS.filter((v) => installed.includes(v));

/** Every key of every node and document, as "key" paths without indices. */
function keySet(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) keySet(v, prefix, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      out.add(`${prefix}${key}`);
      keySet(v, key === 'Plans' || key === 'Plan' ? '' : `${prefix}${key}.`, out);
    }
  }
  return out;
}

const MiB = 1024 * 1024;
const workMem = 1 * MiB; // PLAN_BASE_SETTINGS.work_mem
const hashMem = Number(PLAN_BASE_SETTINGS.hash_mem_multiplier) * workMem;

/** What pgmem counts for the nodes at one plan node: budgets, and the measured allowance over them. */
function countedBytes(version: PgVersion, nodes: readonly WorkloadNode[]): number {
  return nodes.reduce((total, n) => {
    const budget = NODE_BUDGET[n.kind] === 'work_mem' ? workMem : hashMem;
    const allowance = allowanceOf(version, n.kind);
    // A Parallel Hash's one table is sized for every participant, in DSM.
    if (n.kind === 'parallel-hash') {
      return total + budget * (n.workers + 1) * PARALLEL_HASH_DSM.factor + PARALLEL_HASH_DSM.bytes + allowance.bytes;
    }
    // An Incremental Sort fills one tuplesort (its full-sort one holds at most 65 tuples).
    return total + budget * allowance.factor + allowance.bytes;
  }, 0);
}

describe.each(versions.map((v) => [v]))('plans on PostgreSQL %i', (version) => {
  let server: PlanServer;
  beforeAll(async () => {
    server = await startPlanServer(version);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(shapesFor(version).map((s) => [s.name, s]))(
    '%s: the live plan matches the golden one',
    async (_name, shape) => {
      const golden = readFileSync(
        join(projectRoot, 'test', 'fixtures', 'plans', `pg${version}`, `${shape.name}.json`),
        'utf8',
      );
      const live = await server.explain(shape);
      expect([...keySet(JSON.parse(live))].sort()).toEqual([...keySet(JSON.parse(golden))].sort());
      expect(kindCounts(readPlans(live, 'live', version)[0]!)).toEqual(shape.expected(version));
    },
  );

  it.each(shapesFor(version).map((s) => [s.name, s]))(
    '%s: measured memory stays within the budget',
    async (_name, shape) => {
      const [plan] = readPlans(await server.explain(shape, { analyze: true }), 'analyze', version);
      expect(plan!.analyzed).toBe(true);
      const byPath = new Map<string, WorkloadNode[]>();
      for (const node of plan!.nodes) byPath.set(node.path!, [...(byPath.get(node.path!) ?? []), node]);
      for (const [path, nodes] of byPath) {
        const measured = nodes.reduce((t, n) => t + (n.measuredBytes ?? 0), 0);
        // Nodes bounded only by the planner's estimate are flagged, not promised.
        if (nodes.some((n) => n.kind === 'hashed-estimate' || n.kind === 'unknown')) continue;
        expect({ path, measured }).toEqual({
          path,
          measured: expect.toSatisfy((m: number) => m <= countedBytes(version, nodes)),
        });
      }
    },
  );

  it('reports measured figures for the nodes EXPLAIN ANALYZE sizes', async () => {
    const measured = async (name: string): Promise<number[]> => {
      const shape = shapesFor(version).find((s) => s.name === name)!;
      const [plan] = readPlans(await server.explain(shape, { analyze: true }), 'analyze', version);
      return plan!.nodes.map((n) => n.measuredBytes ?? 0);
    };
    // Hash, HashAggregate and Memoize report Peak Memory Usage on every version.
    expect((await measured('hash-join'))[0]).toBeGreaterThan(0);
    expect((await measured('hash-aggregate'))[0]).toBeGreaterThan(0);
    if (version >= 14) expect((await measured('memoize'))[0]).toBeGreaterThan(0);
    // Material, WindowAgg, CTE Scan report Maximum Storage from 18.
    if (version >= 18) expect((await measured('materialize'))[0]).toBeGreaterThan(0);
  });
});
