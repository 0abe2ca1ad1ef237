import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import {
  BACKEND_BASELINE_BYTES,
  backendBaselineBytes,
  DISTRIBUTION_15_BASELINE_BYTES,
  JIT_BYTES,
  JIT_TIER_BYTES,
  PARALLEL_HASH_DSM,
} from '../../src/core/baselines.js';
import { DEFAULT_WORKLOAD, workloadQueries, type ClientGroup } from '../../src/core/model.js';
import { countsShape, type QueryShape, type WorkloadNode } from '../../src/core/workload.js';
import { component, MiB, plan } from '../support/analyze.js';

const node = (kind: WorkloadNode['kind'], workers = 0, gather?: string): WorkloadNode => ({
  kind,
  nodeType: kind,
  workers,
  ...(gather !== undefined && { gather }),
});

describe('query shapes', () => {
  it('node counts make one plan-unknown shape of generic nodes', () => {
    const [shape, ...rest] = workloadQueries({ sortOps: 2, hashOps: 1 });
    expect(rest).toEqual([]);
    expect(shape!.planUnknown).toBe(true);
    expect(shape!.nodes.map((n) => n.kind)).toEqual(['generic-sort', 'generic-sort', 'generic-hash']);
  });

  it('a flag workload and the same counts given as a shape cost the same', () => {
    const flags = plan({ version: 16, workload: { sortOps: 3, hashOps: 1 } });
    const shaped = plan({ version: 16, workload: { sortOps: 0, hashOps: 0, queries: [countsShape(3, 1, 'preset')] } });
    expect(shaped.report.totals).toEqual(flags.report.totals);
    expect(shaped.report.workload.sortOps).toBe(3);
    expect(shaped.report.workload.queries[0]).toMatchObject({ source: 'preset', hungriest: true, workers: 2 });
  });

  it('the hungriest query sets the backend; a query with no memory node costs the baseline', () => {
    const small: QueryShape = { source: 'api', nodes: [] };
    const big: QueryShape = { source: 'report', nodes: [node('sort'), node('sort'), node('hash-aggregate')] };
    const { report } = plan({
      version: 18,
      settings: { work_mem: '10MB' },
      workload: { queries: [small, big], parallel: false, tempBuffers: false },
    });
    expect(component(report.perBackend.components, 'sort-nodes')).toBe(20 * MiB);
    expect(component(report.perBackend.components, 'hash-nodes')).toBe(20 * MiB);
    expect(report.workload.queries.map((q) => q.hungriest)).toEqual([false, true]);
    const api = plan({ version: 18, workload: { queries: [small], parallel: false, tempBuffers: false } });
    expect(api.report.perBackend.worstCaseBytes).toBe(BACKEND_BASELINE_BYTES[18]);
  });

  it('nodes under a Gather run in its workers; two Gathers are counted apart', () => {
    const twoGathers: QueryShape = {
      source: 'plan',
      nodes: [node('sort', 2, 'a'), node('sort', 2, 'b'), node('sort')],
    };
    const { model } = plan({
      version: 15,
      clients: 1,
      settings: { work_mem: '8MB', max_parallel_workers_per_gather: '2' },
      workload: { queries: [twoGathers], tempBuffers: false },
    });
    const query = model.perBackend.queries[0]!;
    expect(query.workers).toBe(4);
    expect(query.nodes.map((n) => n.processes)).toEqual([3, 3, 1]);
    // each worker holds one sort: baseline + 8 MB + its overhead
    expect(query.workerBytes).toBeLessThan(BACKEND_BASELINE_BYTES[15] + 2 * 8 * MiB);
    expect(query.workersBytes).toBe(4 * query.workerBytes);
    expect(model.parallel.instanceWorkers).toBe(4);
  });

  it('a group runs its own queries', () => {
    const groups: ClientGroup[] = [
      { name: 'api', connections: 10, overrides: [], workload: { queries: [{ source: 'api', nodes: [] }] } },
      { name: 'batch', connections: 2, overrides: [] },
    ];
    const { report } = analyze({
      version: 17,
      build: 'embedded',
      assignments: [],
      defaults: 'initdb',
      clients: null,
      groups,
      workload: { ...DEFAULT_WORKLOAD, tempBuffers: false },
      ramBytes: null,
    });
    const [api, batch] = report.topology.groups;
    expect(api).toMatchObject({
      hungriestQuery: 'api',
      ownWorkload: true,
      perBackendBytes: BACKEND_BASELINE_BYTES[17],
    });
    expect(batch).toMatchObject({ hungriestQuery: 'flags', ownWorkload: false });
    expect(batch!.perBackendBytes).toBe(report.perBackend.worstCaseBytes);
  });

  it('an Incremental Sort counts one work_mem, as a sort does: its full-sort tuplesort hands off past 64 tuples', () => {
    const one = (kind: 'sort' | 'incremental-sort') =>
      plan({
        version: 15,
        clients: 1,
        settings: { work_mem: '16MB' },
        workload: { queries: [{ source: kind, nodes: [node(kind)] }] },
      }).model.perBackend;
    expect(one('incremental-sort').worstCaseBytes).toBe(one('sort').worstCaseBytes);
    expect(component(one('incremental-sort').components, 'sort-nodes')).toBe(16 * MiB);
  });

  it('JIT: a term per backend and worker on LLVM builds with jit = on, by the tier the plan compiles at, none below jit_above_cost', () => {
    const jit = (options: Parameters<typeof plan>[0]) =>
      plan({ version: 15, clients: 1, ...options }).report.perBackend.components.find((c) => c.id === 'jit')?.bytes ??
      0;
    expect(jit({ build: 'distribution' })).toBe(JIT_BYTES);
    expect(jit({ build: 'distribution', settings: { jit: 'off' } })).toBe(0);
    expect(jit({ build: 'embedded' })).toBe(0);
    const cheap: QueryShape = { source: 'cheap', nodes: [node('sort')], jit: false };
    expect(jit({ build: 'distribution', workload: { queries: [cheap] } })).toBe(0);
    // From a plan's cost, as standard_planner decides: JIT only above jit_above_cost (100000 by default).
    const costing = (planCost: number, jitFlag?: boolean): QueryShape => ({
      source: 'plan',
      nodes: [node('sort')],
      planCost,
      ...(jitFlag !== undefined && { jit: jitFlag }),
    });
    expect(jit({ build: 'distribution', workload: { queries: [costing(100_000)] } })).toBe(0);
    expect(jit({ build: 'distribution', workload: { queries: [costing(100_000.5)] } })).toBe(JIT_TIER_BYTES.plain);
    expect(
      jit({ build: 'distribution', settings: { jit_above_cost: '1000' }, workload: { queries: [costing(2481.77)] } }),
    ).toBe(JIT_TIER_BYTES.plain);
    expect(
      jit({ build: 'distribution', settings: { jit_above_cost: '-1' }, workload: { queries: [costing(1e9)] } }),
    ).toBe(0);
    // A plan whose EXPLAIN shows a JIT section JITs, whatever its cost.
    expect(jit({ build: 'distribution', workload: { queries: [costing(10, true)] } })).toBe(JIT_TIER_BYTES.plain);
    // The tier follows the plan: its JIT section's Options, else its cost against
    // jit_optimize_above_cost and jit_inline_above_cost (500000 by default), as standard_planner sets them.
    expect(jit({ build: 'distribution', workload: { queries: [costing(200_000)] } })).toBe(15 * MiB);
    expect(jit({ build: 'distribution', workload: { queries: [costing(655_000)] } })).toBe(30 * MiB);
    expect(
      jit({
        build: 'distribution',
        settings: { jit_optimize_above_cost: '100000', jit_inline_above_cost: '-1' },
        workload: { queries: [costing(200_000)] },
      }),
    ).toBe(17 * MiB);
    expect(
      jit({
        build: 'distribution',
        settings: { jit_inline_above_cost: '100000', jit_optimize_above_cost: '1e6' },
        workload: { queries: [costing(200_000)] },
      }),
    ).toBe(26 * MiB);
    const tiered = (inline: boolean, optimize: boolean): QueryShape => ({
      ...costing(1e9, true),
      jitTier: { inline, optimize },
    });
    expect(jit({ build: 'distribution', workload: { queries: [tiered(false, false)] } })).toBe(15 * MiB);
    expect(jit({ build: 'distribution', workload: { queries: [tiered(true, true)] } })).toBe(30 * MiB);
    // Counts (no plan) keep the top tier; the backend takes its hungriest query's tier.
    expect(JIT_BYTES).toBe(JIT_TIER_BYTES.full);
    expect(jit({ build: 'distribution', workload: { queries: [tiered(false, false), costing(655_000)] } })).toBe(
      30 * MiB,
    );
    const { model } = plan({ version: 15, build: 'distribution', clients: 1, workload: { tempBuffers: false } });
    expect(model.parallel.bytesPerWorker).toBe(model.perBackend.worstCaseBytes - model.perBackend.sessionHeapBytes);
  });

  it('the idle baseline follows the build: Debian 15 measured, other versions shifted by the same amount', () => {
    expect(backendBaselineBytes(15, 'distribution')).toBe(DISTRIBUTION_15_BASELINE_BYTES);
    expect(backendBaselineBytes(15, 'embedded')).toBe(BACKEND_BASELINE_BYTES[15]);
    expect(backendBaselineBytes(18, 'distribution') - BACKEND_BASELINE_BYTES[18]).toBe(
      DISTRIBUTION_15_BASELINE_BYTES - BACKEND_BASELINE_BYTES[15],
    );
  });

  it('a Parallel Hash holds its table in DSM at hash_mem × (planned workers + 1), launched or not', () => {
    const ph: QueryShape = { source: 'phj', nodes: [node('parallel-hash', 2, 'g')] };
    const { report, model } = plan({
      version: 16,
      clients: 10,
      settings: { work_mem: '32MB', max_parallel_workers: '0' },
      workload: { queries: [ph], tempBuffers: false },
    });
    const table = Math.ceil(64 * MiB * 3 * PARALLEL_HASH_DSM.factor + PARALLEL_HASH_DSM.bytes);
    expect(model.perBackend.sharedHashBytes).toBe(table);
    expect(model.parallel.instanceWorkers).toBe(0);
    expect(report.totals.dynamicSharedBytes).toBe(10 * table);
    expect(component(report.perBackend.components, 'hash-nodes')).toBe(0);
  });
});
