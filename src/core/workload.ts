/**
 * The workload vocabulary shared by flags, presets, topology apps and EXPLAIN plans: which plan
 * nodes hold memory, how PostgreSQL budgets each, and in how many processes each runs. The model
 * costs a query from its nodes; every input (--sort-ops/--hash-ops, --workload, --plans) produces
 * query shapes in these terms.
 */

/**
 * How PostgreSQL sizes a plan node's memory, by what its executor code asks for:
 * - work_mem: tuplesort, tuplestore and tidbitmap users (get_hash_memory_limit() is not called);
 * - hash_mem: callers of get_hash_memory_limit(), work_mem × hash_mem_multiplier;
 * - estimate: nodes bounded only by the planner's estimate, counted at hash_mem and flagged.
 */
export type NodeBudget = 'work_mem' | 'hash_mem' | 'estimate';

/** A memory-holding node class. Each has its own measured allowance over its budget. */
export type NodeKind =
  /** Sort; also each sort an Aggregate runs for grouping sets or DISTINCT/ORDER BY aggregates. */
  | 'sort'
  /** Incremental Sort: a prefix tuplesort of work_mem, and a full-sort one of at most 65 tuples. */
  | 'incremental-sort'
  /** Hash (under Hash Join), private to the process. */
  | 'hash-join'
  /** Parallel Hash: one shared table of hash_mem × participants, in dynamic shared memory. */
  | 'parallel-hash'
  /** HashAggregate, MixedAggregate, Aggregate with Strategy Hashed. */
  | 'hash-aggregate'
  /** Memoize's cache. */
  | 'memoize'
  /** Materialize, CTE Scan, WindowAgg, Recursive Union, Function Scan, Table Function Scan. */
  | 'tuplestore'
  /** Bitmap Index Scan, BitmapAnd, BitmapOr (tidbitmap). */
  | 'bitmap'
  /** Hashed SetOp, hashed SubPlan: bounded by the planner's estimate only. */
  | 'hashed-estimate'
  /** A sort-like node of unknown type (--sort-ops): the largest work_mem allowance. */
  | 'generic-sort'
  /** A hash node of unknown type (--hash-ops): the largest hash_mem allowance. */
  | 'generic-hash'
  /** A node type pgmem does not know: counted at hash_mem with the largest allowance, and reported. */
  | 'unknown';

/** The budget each node kind is given. */
export const NODE_BUDGET: Readonly<Record<NodeKind, NodeBudget>> = {
  sort: 'work_mem',
  'incremental-sort': 'work_mem',
  'hash-join': 'hash_mem',
  'parallel-hash': 'hash_mem',
  'hash-aggregate': 'hash_mem',
  memoize: 'hash_mem',
  tuplestore: 'work_mem',
  bitmap: 'work_mem',
  'hashed-estimate': 'estimate',
  'generic-sort': 'work_mem',
  'generic-hash': 'hash_mem',
  unknown: 'estimate',
};

/** One memory-holding node of a query. */
export interface WorkloadNode {
  readonly kind: NodeKind;
  /** The node's type as EXPLAIN names it ("Sort", "Hash", "Aggregate"…), or the flag it came from. */
  readonly nodeType: string;
  /**
   * Workers Planned of the Gather / Gather Merge above it (0 outside parallel plans). The node runs
   * in workers + 1 processes; a Parallel Hash sizes its one shared table by workers + 1 instead.
   */
  readonly workers: number;
  /** Where the node sits in its plan, for reports ("Plan > Plans[0] > Plans[1]"); absent for flags. */
  readonly path?: string;
  /** With EXPLAIN ANALYZE: the memory the node reported (Sort Space Used, Peak Memory Usage, …). */
  readonly measuredBytes?: number;
  /**
   * Which Gather / Gather Merge it runs under (its path, or any key unique within the query), so
   * that the workers of two Gathers are counted apart; absent, nodes with the same `workers` are
   * taken to share one Gather.
   */
  readonly gather?: string;
}

/** One query's memory nodes: what a backend running it holds at once. */
export interface QueryShape {
  /** Where it came from: a file and plan index, a preset, or "flags". */
  readonly source: string;
  readonly nodes: readonly WorkloadNode[];
  /**
   * The plan is not known (flags, presets, topology counts): any node may run under one Gather of
   * max_parallel_workers_per_gather workers when parallel query is allowed, and each worker may hold
   * every node. The nodes' own `workers` are 0 then.
   */
  readonly planUnknown?: boolean;
  /**
   * Whether the query can JIT: false when its plan is known to cost less than jit_above_cost (or
   * EXPLAIN shows no JIT section); absent, it may (JIT's term applies when jit = on on LLVM builds).
   */
  readonly jit?: boolean;
  /**
   * What the plan's JIT section says it does (EXPLAIN's "Options": Inlining, Optimization). Absent,
   * the model decides from planCost against jit_inline_above_cost and jit_optimize_above_cost, and
   * without a cost takes the top tier (inlined and optimized).
   */
  readonly jitTier?: JitTier;
  /**
   * The plan's estimated total cost (the top node's "Total Cost"). Without `jit`, the model JITs the
   * query only where the planner would: jit_above_cost >= 0 and the cost above it (planner.c,
   * standard_planner).
   */
  readonly planCost?: number;
}

/** A JIT tier: whether LLVM inlines (jit_inline_above_cost) and optimizes (jit_optimize_above_cost). */
export interface JitTier {
  readonly inline: boolean;
  readonly optimize: boolean;
}

/** Where a flag-made shape comes from, when no other source is named. */
export const FLAG_SOURCE = 'flags';

/**
 * The one query shape of node counts (--sort-ops/--hash-ops/--ops-per-query, a topology's sortOps
 * and hashOps, recommend's profiles): `sortOps` generic-sort nodes and `hashOps` generic-hash nodes,
 * plan unknown.
 */
export function countsShape(sortOps: number, hashOps: number, source: string = FLAG_SOURCE): QueryShape {
  const nodes: WorkloadNode[] = [];
  for (let i = 0; i < sortOps; i++) nodes.push({ kind: 'generic-sort', nodeType: '--sort-ops', workers: 0 });
  for (let i = 0; i < hashOps; i++) nodes.push({ kind: 'generic-hash', nodeType: '--hash-ops', workers: 0 });
  return { source, nodes, planUnknown: true };
}

/** Nodes of a shape by budget: work_mem nodes and hash_mem (or estimate-bound) nodes. */
export function budgetCounts(shape: QueryShape): { readonly workMem: number; readonly hashMem: number } {
  let workMem = 0;
  for (const node of shape.nodes) if (NODE_BUDGET[node.kind] === 'work_mem') workMem++;
  return { workMem, hashMem: shape.nodes.length - workMem };
}

/**
 * Where a workload came from, as the report records it per group:
 * - `flags`: node counts given as flags (--sort-ops, --hash-ops, --ops-per-query);
 * - `preset`: a preset (--workload, an app's `workload: olap`, or pgmem's default, mixed);
 * - `counts`: node counts a topology gives (its `workload:` section or an app's sortOps/hashOps);
 * - `plans`: EXPLAIN plans (--plans, an app's `workload.plans`);
 * - `statements`: the server's own statements (inspect --statements), with any --plans files.
 */
export type WorkloadSourceKind = 'flags' | 'preset' | 'counts' | 'plans' | 'statements';

/** Who gave the workload: flags, the topology's `workload:` section, an app of the topology, or nobody. */
export type WorkloadOrigin = 'flags' | 'topology' | 'app' | 'default';

/** A workload's source. */
export interface WorkloadSource {
  readonly kind: WorkloadSourceKind;
  readonly origin: WorkloadOrigin;
  /** The app whose workload it is (origin `app`). */
  readonly app?: string;
  /** The preset (kind `preset`). */
  readonly preset?: 'oltp' | 'olap' | 'mixed';
  /** The plan files read (kind `plans`, and `statements` with --plans). */
  readonly files?: readonly string[];
}

/** The workload pgmem assumes when nothing says otherwise: the mixed preset's node counts. */
export const DEFAULT_WORKLOAD_SOURCE: WorkloadSource = { kind: 'preset', origin: 'default', preset: 'mixed' };
