/**
 * Probes of bench/backend-memory (`--probes`): one query per memory-node kind (sort, incremental
 * sort, hash join, HashAggregate, Memoize, tuplestore, Parallel Hash, stacked sorts), each run several times in one session, with JIT on and off where the build has LLVM,
 * on the embedded builds 13–18 and on Debian's 15 (distribution build). For each run the peak
 * RssAnon of the backend and of its workers, and the peak of the dynamic shared memory segments it
 * maps (/dev/shm/PostgreSQL.*, allocated blocks), are set beside pgmem's figures for the same
 * query shape and settings: perBackend.worstCaseBytes, parallel.bytesPerWorker and the Parallel
 * Hash DSM term.
 */
import { statSync } from 'node:fs';
import type pg from 'pg';
import { analyze } from '../src/core/analyze.js';
import type { BuildName } from '../src/core/build.js';
import { DEFAULT_WORKLOAD } from '../src/core/model.js';
import type { PgVersion } from '../src/core/versions.js';
import type { NodeKind, QueryShape, WorkloadNode } from '../src/core/workload.js';
import {
  findBuilds,
  mappedDsmSegments,
  processMemory,
  startLoadServer,
  type LoadServer,
  type ServerBuild,
} from '../test/support/real-load.js';

const MiB = 1024 * 1024;

/** One probe: a query whose plan holds known memory nodes. */
export interface Probe {
  readonly id: string;
  readonly sql: string;
  /** Session settings (planner switches) the probe needs. */
  readonly planner: Readonly<Record<string, string>>;
  /** The memory nodes pgmem is given (and the plan must contain). */
  readonly nodes: readonly { readonly kind: NodeKind; readonly workers?: number }[];
  /** Node types the plan must contain (EXPLAIN's names), checked before running. */
  readonly planHas: readonly string[];
  /** Whether its budgets are filled (the 1.5× target applies). */
  readonly fills: boolean;
  /** First version that has the node (Memoize: 14). */
  readonly since?: PgVersion;
  /** The work_mem values it runs at, in place of the run's (`--work-mem`). */
  readonly workMems?: readonly string[];
}

const SERIAL = { max_parallel_workers_per_gather: '0' };
const HASH_ONLY = { enable_mergejoin: 'off', enable_nestloop: 'off' };
const PARALLEL = {
  max_parallel_workers_per_gather: '2',
  parallel_setup_cost: '0',
  parallel_tuple_cost: '0',
  min_parallel_table_scan_size: '0',
};

/** The probes, over t (id, k md5, v = id % 1000, w = id % 4; indexes on v and w) and o (20k rows). */
export const PROBES: readonly Probe[] = [
  {
    id: 'sort',
    sql: 'SELECT count(*) FROM (SELECT k, v FROM t ORDER BY k OFFSET 0) s',
    planner: SERIAL,
    nodes: [{ kind: 'sort' }],
    planHas: ['Sort'],
    fills: true,
  },
  {
    id: '3 sorts',
    sql:
      'SELECT count(*) FROM ((SELECT k, v FROM t ORDER BY k OFFSET 0) UNION ALL ' +
      '(SELECT k, v FROM t ORDER BY v, k OFFSET 0) UNION ALL (SELECT k, v FROM t ORDER BY k DESC OFFSET 0)) s',
    planner: SERIAL,
    nodes: [{ kind: 'sort' }, { kind: 'sort' }, { kind: 'sort' }],
    planHas: ['Sort'],
    // External sorts under one Append do not hold their whole budgets at once during the merge.
    fills: false,
  },
  {
    id: 'incremental sort',
    sql: 'SELECT count(*) FROM (SELECT w, k FROM t ORDER BY w, k OFFSET 0) s',
    planner: { ...SERIAL, enable_seqscan: 'off', enable_bitmapscan: 'off', enable_sort: 'off' },
    nodes: [{ kind: 'incremental-sort' }],
    planHas: ['Incremental Sort'],
    fills: true,
  },
  {
    id: 'hash join',
    sql: 'SELECT count(*) FROM t a JOIN t b ON a.k = b.k',
    planner: { ...SERIAL, ...HASH_ONLY },
    nodes: [{ kind: 'hash-join' }],
    planHas: ['Hash Join'],
    // Power-of-two batches leave the in-memory batch at 60–80% of hash_mem.
    fills: false,
  },
  {
    id: 'HashAggregate (text keys)',
    sql: 'SELECT count(*) FROM (SELECT k, count(*) FROM t GROUP BY k OFFSET 0) s',
    planner: { ...SERIAL, enable_sort: 'off' },
    nodes: [{ kind: 'hash-aggregate' }],
    planHas: ['Aggregate'],
    fills: true,
  },
  {
    id: 'HashAggregate (int keys)',
    sql: 'SELECT count(*) FROM (SELECT id, count(*) FROM t GROUP BY id OFFSET 0) s',
    planner: { ...SERIAL, enable_sort: 'off' },
    nodes: [{ kind: 'hash-aggregate' }],
    planHas: ['Aggregate'],
    fills: true,
  },
  {
    // The bucket array doubles while the table is full (HASH_AGGREGATE_FACTOR): where that happens
    // depends on hash_mem; these are the work_mem values where each version peaks highest.
    id: 'HashAggregate (int keys, array doubling)',
    sql: 'SELECT count(*) FROM (SELECT id, count(*) FROM t GROUP BY id OFFSET 0) s',
    planner: { ...SERIAL, enable_sort: 'off' },
    nodes: [{ kind: 'hash-aggregate' }],
    planHas: ['Aggregate'],
    fills: true,
    workMems: ['9MB', '14MB', '16MB', '18MB'],
  },
  {
    id: 'Memoize',
    sql: 'SELECT count(*), max(length(b.k)) FROM o JOIN t b ON b.v = o.x',
    planner: { ...SERIAL, enable_hashjoin: 'off', enable_mergejoin: 'off', enable_material: 'off' },
    nodes: [{ kind: 'memoize' }],
    planHas: ['Memoize'],
    fills: true,
    since: 14,
  },
  {
    id: 'tuplestore (CTE read twice)',
    sql: 'WITH c AS MATERIALIZED (SELECT k, v FROM t) SELECT (SELECT count(*) FROM c), (SELECT max(k) FROM c)',
    planner: SERIAL,
    nodes: [{ kind: 'tuplestore' }],
    planHas: ['CTE Scan'],
    fills: true,
  },
  {
    id: 'Parallel Hash, workers exhausted',
    sql: 'SELECT count(*) FROM t a JOIN t b ON a.k = b.k WHERE b.v % 10 >= 0',
    planner: { ...HASH_ONLY, ...PARALLEL, max_parallel_workers: '0', enable_parallel_hash: 'on' },
    nodes: [{ kind: 'parallel-hash', workers: 2 }],
    planHas: ['Parallel Hash'],
    fills: true,
  },
  {
    id: 'Parallel Hash, 2 workers',
    sql: 'SELECT count(*) FROM t a JOIN t b ON a.k = b.k WHERE b.v % 10 >= 0',
    planner: { ...HASH_ONLY, ...PARALLEL, max_parallel_workers: '8', enable_parallel_hash: 'on' },
    nodes: [{ kind: 'parallel-hash', workers: 2 }],
    planHas: ['Parallel Hash'],
    fills: true,
  },
];

/** One probe's measured run set. */
export interface ProbeResult {
  readonly server: string;
  readonly build: BuildName;
  readonly version: PgVersion;
  readonly probe: string;
  readonly workMem: string;
  readonly jit: boolean;
  /** Whether JIT compiled anything (EXPLAIN ANALYZE's JIT section). */
  readonly jitUsed: boolean;
  readonly idleBytes: number;
  /** Backend peak RssAnon of each run, in order (one session). */
  readonly runs: readonly number[];
  readonly workerPeakBytes: number;
  readonly workersLaunched: number;
  readonly dsmPeakBytes: number;
  readonly leaderBoundBytes: number;
  readonly workerBoundBytes: number;
  readonly dsmBoundBytes: number;
  readonly fills: boolean;
  readonly nodeReports: readonly string[];
  /** What pgmem was given, so the bounds can be recomputed from a saved run (rebound). */
  readonly settings: Readonly<Record<string, string>>;
  readonly nodes: readonly WorkloadNode[];
  /**
   * What the probe's plain EXPLAIN (FORMAT JSON) says, as pgmem reads it with --plans: the plan's
   * Total Cost, and whether it has a JIT section (the planner JITs it). Absent in older saved runs.
   */
  readonly planCost?: number;
  readonly planJit?: boolean;
  /** The plain EXPLAIN's JIT options (Inlining, Optimization) and planned Functions, when it JITs. */
  readonly planJitTier?: JitTier;
  /** A JIT tier forced through the jit_*_above_cost settings (`--jit-tiers`); absent: the server's. */
  readonly forcedTier?: string;
}

/** What a plan's JIT section says: whether it inlines and optimizes, and how many functions. */
export interface JitTier {
  readonly inline: boolean;
  readonly optimize: boolean;
  readonly functions: number;
}

/** `--jit-tiers`: each tier forced through jit_above_cost, jit_inline_above_cost, jit_optimize_above_cost. */
export const JIT_TIERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  plain: { jit_above_cost: '0', jit_inline_above_cost: '-1', jit_optimize_above_cost: '-1' },
  optimize: { jit_above_cost: '0', jit_inline_above_cost: '-1', jit_optimize_above_cost: '0' },
  inline: { jit_above_cost: '0', jit_inline_above_cost: '0', jit_optimize_above_cost: '-1' },
  full: { jit_above_cost: '0', jit_inline_above_cost: '0', jit_optimize_above_cost: '0' },
};

/** The same results with pgmem's figures computed again by the current model. */
export function rebound(results: readonly ProbeResult[]): ProbeResult[] {
  const kB = (size: string): number => Number(size.replace(/MB$/, '')) * 1024;
  return results.map((r) => {
    const bound = probeBound(
      r.version,
      r.build,
      r.settings,
      probeShape(r.probe, r.nodes, r.planCost, r.planJit, r.planJitTier),
    );
    const smallest = Math.min(
      ...results.filter((o) => o.server === r.server && o.probe === r.probe).map((o) => kB(o.workMem)),
    );
    const probe = PROBES.find((p) => p.id === r.probe);
    return {
      ...r,
      fills: (probe?.fills ?? r.fills) && (probe?.workMems !== undefined || kB(r.workMem) === smallest),
      leaderBoundBytes: bound.leaderBytes,
      workerBoundBytes: bound.workerBytes,
      dsmBoundBytes: bound.dsmBytes,
    };
  });
}

/**
 * The query shape pgmem is given for a probe: its nodes, and what its plan says of JIT as
 * `pgmem --plans` reads it (src/input/plans/classify.ts): a JIT section means the planner JITs it,
 * at the tier its Options say; without one, the plan's Total Cost against the jit_*_above_cost settings decides.
 */
export function probeShape(
  source: string,
  nodes: readonly WorkloadNode[],
  planCost?: number,
  planJit?: boolean,
  planJitTier?: JitTier,
): QueryShape {
  return {
    source,
    nodes,
    ...(planJit && { jit: true }),
    ...(planJitTier && { jitTier: { inline: planJitTier.inline, optimize: planJitTier.optimize } }),
    ...(planCost !== undefined && Number.isFinite(planCost) && { planCost }),
  };
}

/** pgmem's figures for a probe's shape under the session's settings. */
export function probeBound(
  version: PgVersion,
  build: BuildName,
  settings: Readonly<Record<string, string>>,
  shape: QueryShape,
): { leaderBytes: number; workerBytes: number; dsmBytes: number } {
  const { model, problems } = analyze({
    version,
    build,
    assignments: Object.entries(settings).map(([name, value]) => ({ name, value, source: 'bench' })),
    defaults: 'initdb',
    clients: 1,
    workload: {
      ...DEFAULT_WORKLOAD,
      sortOps: 0,
      hashOps: 0,
      queries: [shape],
      tempBuffers: false,
      maintenanceOps: 0,
      logicalSenders: 0,
    },
    ramBytes: null,
  });
  if (problems.length > 0) throw new Error(`engine rejected settings: ${problems.map((p) => p.message).join('; ')}`);
  return {
    leaderBytes: model.perBackend.worstCaseBytes,
    workerBytes: model.parallel.bytesPerWorker,
    dsmBytes: model.perBackend.queries[model.perBackend.hungriest]!.sharedHashBytes,
  };
}

/** Allocated bytes of the DSM segments a process maps. */
function dsmBytes(pid: number): number {
  let total = 0;
  for (const path of mappedDsmSegments(pid)) {
    try {
      total += statSync(path).blocks * 512;
    } catch {
      // gone
    }
  }
  return total;
}

interface PlanJit {
  Functions?: number;
  Options?: { Inlining?: boolean; Optimization?: boolean };
}

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
  'Workers Launched'?: number;
  'Sort Space Used'?: number;
  'Peak Memory Usage'?: number;
  [key: string]: unknown;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Runs every probe on one server build. */
export async function probeServer(
  build: ServerBuild,
  options: {
    workMems: readonly string[];
    /** work_mem values for the probes that have their own (Probe.workMems), to sweep them. */
    probeWorkMems?: readonly string[];
    runs: number;
    rows: number;
    only?: readonly string[];
    /** Also run each probe at its first work_mem under every JIT tier (JIT_TIERS). */
    jitTiers?: boolean;
    log: (line: string) => void;
  },
): Promise<ProbeResult[]> {
  const hasLlvm = build.build === 'distribution';
  const server: LoadServer = await startLoadServer(
    build,
    { shared_buffers: '128MB', autovacuum: 'off', fsync: 'off', max_parallel_workers: '8', max_worker_processes: '8' },
    null,
  );
  const results: ProbeResult[] = [];
  const monitor = await server.connect();
  try {
    await monitor.query(
      `CREATE TABLE t AS SELECT g AS id, md5(g::text) AS k, g % 1000 AS v, g % 4 AS w FROM generate_series(1, ${options.rows}) g`,
    );
    await monitor.query('CREATE INDEX ON t (v); CREATE INDEX ON t (w)');
    await monitor.query('CREATE TABLE o AS SELECT g AS id, g % 1000 AS x FROM generate_series(1, 20000) g');
    await monitor.query('VACUUM ANALYZE t');
    await monitor.query('VACUUM ANALYZE o');
    for (const probe of PROBES) {
      if (probe.since && build.version < probe.since) continue;
      if (options.only && !options.only.includes(probe.id)) continue;
      const workMems = probe.workMems ? (options.probeWorkMems ?? probe.workMems) : options.workMems;
      for (const workMem of workMems) {
        for (const jit of hasLlvm ? [true, false] : [false]) {
          if (jit && probe.id !== 'sort' && probe.id !== '3 sorts' && workMem !== workMems[0]) continue;
          const result = await runProbe(workMems[0]!, server, monitor, probe, workMem, jit, options.runs);
          if (result) {
            results.push(result);
            options.log(`  ${build.id} ${probe.id} work_mem=${workMem} jit=${jit}: ${probeLine(result)}`);
          }
        }
        if (!hasLlvm || !options.jitTiers || workMem !== workMems[0]) continue;
        for (const [tier, settings] of Object.entries(JIT_TIERS)) {
          const result = await runProbe(
            workMems[0]!,
            server,
            monitor,
            probe,
            workMem,
            true,
            options.runs,
            tier,
            settings,
          );
          if (result) {
            results.push(result);
            options.log(`  ${build.id} ${probe.id} work_mem=${workMem} jit tier ${tier}: ${probeLine(result)}`);
          }
        }
      }
    }
  } finally {
    await monitor.end().catch(() => undefined);
    await server.stop();
  }
  return results;
}

async function runProbe(
  smallestWorkMem: string,
  server: LoadServer,
  monitor: pg.Client,
  probe: Probe,
  workMem: string,
  jit: boolean,
  runs: number,
  forcedTier?: string,
  tierSettings: Readonly<Record<string, string>> = {},
): Promise<ProbeResult | null> {
  const build = server.build;
  const session: Record<string, string> = {
    work_mem: workMem,
    hash_mem_multiplier: '2',
    jit: jit ? 'on' : 'off',
    ...probe.planner,
    ...tierSettings,
  };
  const client = await server.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await client.query('SELECT 1');
    const idleBytes = processMemory(pid)?.anonBytes ?? 0;
    for (const [name, value] of Object.entries(session)) await client.query(`SET ${name} = '${value}'`);
    const explain = await client.query<{ 'QUERY PLAN': { Plan: PlanNode; JIT?: PlanJit | null }[] }>(
      `EXPLAIN (FORMAT JSON) ${probe.sql}`,
    );
    const planned = explain.rows[0]!['QUERY PLAN'][0]!;
    const planCost =
      typeof planned.Plan['Total Cost'] === 'number' ? (planned.Plan['Total Cost'] as number) : undefined;
    const planJit = planned.JIT !== undefined && planned.JIT !== null;
    const planJitTier: JitTier | undefined = planned.JIT
      ? {
          inline: planned.JIT.Options?.Inlining === true,
          optimize: planned.JIT.Options?.Optimization === true,
          functions: planned.JIT.Functions ?? 0,
        }
      : undefined;
    const types = new Set<string>();
    walk(explain.rows[0]!['QUERY PLAN'][0]!.Plan, (n) => types.add(n['Node Type']));
    const missing = probe.planHas.filter((t) => !types.has(t) && !(t === 'Parallel Hash' && types.has('Hash')));
    if (
      missing.length > 0 ||
      (probe.planHas.includes('Parallel Hash') && !types.has('Parallel Hash Join') && !types.has('Hash'))
    ) {
      process.stderr.write(
        `  ${build.id} ${probe.id}: plan lacks ${missing.join(', ')} (${[...types].join(', ')}); skipped\n`,
      );
      return null;
    }
    const peaks: number[] = [];
    let workerPeak = 0;
    let dsmPeak = 0;
    let workersLaunched = 0;
    let jitUsed = false;
    const nodeReports: string[] = [];
    // Every backend maps the server's own segments; the query's are what comes on top.
    const dsmIdle = dsmBytes(pid);
    for (let run = 0; run < runs; run++) {
      let leader = processMemory(pid)?.anonBytes ?? 0;
      const workers = new Set<number>();
      let done = false;
      const sample = (): void => {
        leader = Math.max(leader, processMemory(pid)?.anonBytes ?? 0);
        for (const w of workers) workerPeak = Math.max(workerPeak, processMemory(w)?.anonBytes ?? 0);
        dsmPeak = Math.max(dsmPeak, dsmBytes(pid) - dsmIdle);
      };
      const timer = setInterval(sample, 3);
      const watch = (async () => {
        while (!done) {
          const { rows } = await monitor.query<{ pid: number }>(
            'SELECT pid FROM pg_stat_activity WHERE leader_pid = $1',
            [pid],
          );
          for (const row of rows) workers.add(row.pid);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode; JIT?: { Functions?: number } }[] }>(
          `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${probe.sql}`,
        );
        sample();
        const top = rows[0]!['QUERY PLAN'][0]!;
        if ((top.JIT?.Functions ?? 0) > 0) jitUsed = true;
        if (run === 0) {
          walk(top.Plan, (n) => {
            if (n['Workers Launched'] !== undefined) workersLaunched = Math.max(workersLaunched, n['Workers Launched']);
            if (n['Sort Space Used'] !== undefined)
              nodeReports.push(`${n['Node Type']} ${n['Sort Space Type']} ${n['Sort Space Used']}kB`);
            if (n['Peak Memory Usage'] !== undefined)
              nodeReports.push(`${n['Node Type']} peak ${n['Peak Memory Usage']}kB`);
          });
        }
      } finally {
        done = true;
        clearInterval(timer);
        await watch;
      }
      peaks.push(leader);
    }
    const nodes: WorkloadNode[] = probe.nodes.map((n) => ({
      kind: n.kind,
      nodeType: n.kind,
      workers: n.workers ?? 0,
      ...(n.workers ? { gather: 'Gather' } : {}),
    }));
    const engineSettings: Record<string, string> = {
      work_mem: workMem,
      hash_mem_multiplier: '2',
      jit: session.jit!,
      max_parallel_workers_per_gather: session.max_parallel_workers_per_gather ?? '2',
      max_parallel_workers: session.max_parallel_workers ?? '8',
      ...tierSettings,
    };
    const bound = probeBound(
      build.version,
      build.build,
      engineSettings,
      probeShape(probe.id, nodes, planCost, planJit, planJitTier),
    );
    return {
      server: build.id,
      build: build.build,
      version: build.version,
      probe: probe.id,
      workMem,
      jit,
      jitUsed,
      idleBytes,
      runs: peaks,
      workerPeakBytes: workerPeak,
      workersLaunched,
      dsmPeakBytes: dsmPeak,
      leaderBoundBytes: bound.leaderBytes,
      workerBoundBytes: bound.workerBytes,
      dsmBoundBytes: bound.dsmBytes,
      // At the smallest work_mem every filling probe spills; at larger ones some data fits (a probe
      // with work_mem values of its own spills at each).
      fills: probe.fills && (probe.workMems !== undefined || workMem === smallestWorkMem),
      nodeReports,
      settings: engineSettings,
      nodes,
      ...(planCost !== undefined && { planCost }),
      planJit,
      ...(planJitTier && { planJitTier }),
      ...(forcedTier && { forcedTier }),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const mib = (bytes: number): string => (bytes / MiB).toFixed(1);

/** The largest backend peak of a probe's runs. */
export function leaderPeak(r: ProbeResult): number {
  return Math.max(...r.runs);
}

/** Whether pgmem bounds every process and the DSM of a probe. */
export function bounded(r: ProbeResult): boolean {
  return (
    leaderPeak(r) <= r.leaderBoundBytes &&
    r.workerPeakBytes <= r.workerBoundBytes &&
    r.dsmPeakBytes <= Math.max(r.dsmBoundBytes, 0)
  );
}

function probeLine(r: ProbeResult): string {
  return (
    `runs ${r.runs.map(mib).join(', ')} MiB (idle ${mib(r.idleBytes)}), bound ${mib(r.leaderBoundBytes)}; ` +
    `workers ${r.workersLaunched} peak ${mib(r.workerPeakBytes)} bound ${mib(r.workerBoundBytes)}; ` +
    `dsm ${mib(r.dsmPeakBytes)} bound ${mib(r.dsmBoundBytes)}; jit used ${r.jitUsed}; ${r.nodeReports.join('; ')}`
  );
}

/** Column headers of the probe table. */
export const PROBE_COLUMNS = [
  'server',
  'probe',
  'work_mem',
  'jit',
  'idle (MiB)',
  'first run (MiB)',
  'peak of runs (MiB)',
  'pgmem backend (MiB)',
  'bound/peak',
  'workers peak / bound (MiB)',
  'DSM peak / bound (MiB)',
  'bounded',
] as const;

/** One table row. */
export function probeRow(r: ProbeResult): string[] {
  const peak = leaderPeak(r);
  const ratio =
    r.dsmPeakBytes > 0 ? (r.leaderBoundBytes + r.dsmBoundBytes) / (peak + r.dsmPeakBytes) : r.leaderBoundBytes / peak;
  return [
    r.server,
    r.probe,
    r.workMem,
    r.jit ? `${r.forcedTier ? `${r.forcedTier} ` : ''}${r.jitUsed ? 'on (used)' : 'on (unused)'}` : 'off',
    mib(r.idleBytes),
    mib(r.runs[0]!),
    mib(peak),
    mib(r.leaderBoundBytes),
    ratio.toFixed(2),
    r.workersLaunched > 0 ? `${mib(r.workerPeakBytes)} / ${mib(r.workerBoundBytes)}` : '–',
    r.dsmPeakBytes > 0 || r.dsmBoundBytes > 0 ? `${mib(r.dsmPeakBytes)} / ${mib(r.dsmBoundBytes)}` : '–',
    bounded(r) ? 'yes' : 'NO',
  ];
}

/** A Markdown table of probe results. */
export function probeMarkdown(results: readonly ProbeResult[]): string {
  return [
    `| ${PROBE_COLUMNS.join(' | ')} |`,
    `|${PROBE_COLUMNS.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...results.map((r) => `| ${probeRow(r).join(' | ')} |`),
  ].join('\n');
}

/** Summary: bounded count and the bound/peak range over probes that fill their budgets. */
export function probeSummary(results: readonly ProbeResult[]): string {
  const filling = results.filter((r) => r.fills);
  const ratios = filling.map((r) => Number(probeRow(r)[8]));
  const unbounded = results.filter((r) => !bounded(r));
  return (
    `bounded: ${results.length - unbounded.length} of ${results.length}; bound/peak where budgets fill: ` +
    `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, over 1.5×: ${ratios.filter((x) => x > 1.5).length}` +
    unbounded.map((r) => `\n  not bounded: ${r.server} ${r.probe} ${r.workMem} jit=${r.jit}`).join('')
  );
}

/** The builds `--servers` names, the installed ones. */
export function probeBuilds(ids: readonly string[]): ServerBuild[] {
  const { builds, missing } = findBuilds(ids);
  if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')}`);
  return builds;
}
