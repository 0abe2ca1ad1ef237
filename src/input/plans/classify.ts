/**
 * An EXPLAIN plan's memory nodes, in the workload vocabulary of src/core/workload.ts. Walks every node
 * of the tree (InitPlans, SubPlans and CTEs are children with a "Parent Relationship" of their own),
 * and classifies each by what its executor code asks for, per PostgreSQL version. Pure.
 *
 * Sources (src/backend/executor/ unless noted, 13–18):
 * - nodeSort.c tuplesort_begin_heap(work_mem); nodeIncrementalSort.c: a full-sort and a prefix-sort
 *   tuplesort of work_mem each, but the full one moves its tuples to the prefix one past
 *   DEFAULT_MAX_FULL_SORT_GROUP_SIZE (64) tuples, so one work_mem is filled.
 * - nodeHash.c ExecChooseHashTableSize: hash_table_bytes = get_hash_memory_limit(); a parallel-aware
 *   Hash sizes one shared table of that × (nworkers + 1) (try_combined_hash_mem), in DSA.
 * - nodeAgg.c hash_agg_set_limits: one hash_mem limit for every hash table of the node; the sort of
 *   the next grouping-set phase (sort_out) fills while the current one (sort_in) is read, so at most
 *   two phase sorts live at once; per-aggregate sortstates for DISTINCT / ORDER BY aggregates
 *   (aggsortrequired = !aggpresorted from 16), one per grouping set; orderedsetaggs.c: one tuplesort
 *   per ordered-set aggregate.
 * - nodeMemoize.c: mem_limit = get_hash_memory_limit().
 * - nodeMaterial.c, nodeWindowAgg.c, nodeTableFuncscan.c: one tuplestore of work_mem;
 *   nodeCtescan.c: one tuplestore per CTE, shared by its CTE Scans; nodeRecursiveunion.c: working and
 *   intermediate tables (work_mem each), and for UNION a TupleHashTable sized by the planner's
 *   numGroups that never spills; nodeFunctionscan.c: one tuplestore per function (execSRF.c).
 * - nodeBitmapIndexscan.c / nodeBitmapOr.c: tbm_create(work_mem) (tidbitmap.c keeps within it by
 *   going lossy); a BitmapOr's Bitmap Index Scan children add into the BitmapOr's bitmap; a
 *   BitmapAnd intersects each child's bitmap into the first and frees it. A parallel Bitmap Heap
 *   Scan builds one shared bitmap (DSA).
 * - nodeSetOp.c (hashed) and nodeSubplan.c buildSubPlanHash: BuildTupleHashTable with no memory
 *   limit; the planner admits them only when its estimate fits hash_mem (subselect.c
 *   subplan_is_hashable, prepunion.c / pathnode.c).
 * - Unique, Group, Merge Join, Nested Loop, Limit, Append, scans and the rest hold no work_mem.
 * - Parallel query (parallel.sgml): the part below a Gather / Gather Merge runs in every worker and
 *   the leader: Workers Planned + 1 processes.
 */
import { InputError } from '../../errors.js';
import type { NodeKind, QueryShape, WorkloadNode } from '../../core/workload.js';
import { versionProfile, type PgVersion } from '../../core/versions.js';
import type { PlanDocument } from './read.js';

/** A plan's memory nodes plus what the report says about it. */
export interface PlanWorkload extends QueryShape {
  readonly queryText: string | null;
  /** EXPLAIN ANALYZE: nodes carry their measured figures. */
  readonly analyzed: boolean;
  /** The largest Workers Planned of its Gathers (0: not parallel). */
  readonly workersPlanned: number;
  /** Node types pgmem does not know, counted as `unknown` nodes. */
  readonly unknownTypes: readonly string[];
  /** What the plan could not show (e.g. DISTINCT aggregates without VERBOSE). */
  readonly notes: readonly string[];
  /** EXPLAIN (SETTINGS) values the plan ran with. */
  readonly settings: Readonly<Record<string, string>>;
}

/** Node types EXPLAIN prints (explain.c ExplainNode), with the first version that has them. */
const NODE_TYPES: Readonly<Record<string, PgVersion>> = {
  Result: 13,
  ProjectSet: 13,
  ModifyTable: 13,
  Append: 13,
  'Merge Append': 13,
  'Recursive Union': 13,
  BitmapAnd: 13,
  BitmapOr: 13,
  'Nested Loop': 13,
  'Merge Join': 13,
  'Hash Join': 13,
  'Seq Scan': 13,
  'Sample Scan': 13,
  Gather: 13,
  'Gather Merge': 13,
  'Index Scan': 13,
  'Index Only Scan': 13,
  'Bitmap Index Scan': 13,
  'Bitmap Heap Scan': 13,
  'Tid Scan': 13,
  'Tid Range Scan': 14,
  'Subquery Scan': 13,
  'Function Scan': 13,
  'Table Function Scan': 13,
  'Values Scan': 13,
  'CTE Scan': 13,
  'Named Tuplestore Scan': 13,
  'WorkTable Scan': 13,
  'Foreign Scan': 13,
  'Custom Scan': 13,
  Materialize: 13,
  Memoize: 14,
  Sort: 13,
  'Incremental Sort': 13,
  Group: 13,
  Aggregate: 13,
  WindowAgg: 13,
  Unique: 13,
  SetOp: 13,
  LockRows: 13,
  Limit: 13,
  Hash: 13,
};

/** One plan node with where it sits. */
interface Visit {
  readonly node: Record<string, unknown>;
  readonly path: string;
  readonly parent: Record<string, unknown> | null;
  /** Workers Planned of the Gather above (0 above any Gather). */
  readonly workers: number;
  /** The path of the Gather above, if any. */
  readonly gather: string | null;
}

/** Every node of a plan tree, depth first, with the Workers Planned of the Gather above it. */
export function walkPlan(root: Record<string, unknown>): Visit[] {
  const visits: Visit[] = [];
  const visit = (
    node: Record<string, unknown>,
    path: string,
    parent: Record<string, unknown> | null,
    workers: number,
    gather: string | null,
  ): void => {
    visits.push({ node, path, parent, workers, gather });
    const type = node['Node Type'];
    const isGather = type === 'Gather' || type === 'Gather Merge';
    const below = isGather ? count(node['Workers Planned']) : workers;
    const gatherBelow = isGather ? path : gather;
    const children = node.Plans;
    if (!Array.isArray(children)) return;
    children.forEach((child, i) => {
      if (child && typeof child === 'object' && !Array.isArray(child))
        visit(child as Record<string, unknown>, `${path}.Plans[${i}]`, node, below, gatherBelow);
    });
  };
  visit(root, 'Plan', null, 0, null);
  return visits;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

const KB = 1024;

/** The node's own figure in kB, or the largest of its workers' (each process reports its own). */
function perProcessKb(
  node: Record<string, unknown>,
  read: (n: Record<string, unknown>) => number | null,
): number | null {
  let best = read(node);
  const workers = node.Workers;
  if (Array.isArray(workers)) {
    for (const w of workers) {
      if (w && typeof w === 'object') {
        const v = read(w as Record<string, unknown>);
        if (v !== null && (best === null || v > best)) best = v;
      }
    }
  }
  return best;
}

const num = (n: Record<string, unknown>, key: string): number | null =>
  typeof n[key] === 'number' ? (n[key] as number) : null;

/** Sort Space Used, when the sort stayed in memory (Sort Space Type "Memory"). */
const sortSpace = (n: Record<string, unknown>): number | null =>
  n['Sort Space Type'] === 'Memory' ? num(n, 'Sort Space Used') : null;
const peakMemory = (n: Record<string, unknown>): number | null => num(n, 'Peak Memory Usage');
/** PG18's Maximum Storage (Material, WindowAgg, CTE Scan, Table Function Scan, Recursive Union), in memory. */
const storage = (n: Record<string, unknown>): number | null =>
  n.Storage === 'Memory' ? num(n, 'Maximum Storage') : null;
/** Incremental Sort: both tuplesorts' peaks ("Full-sort Groups", "Pre-sorted Groups"). */
const incrementalPeak = (n: Record<string, unknown>): number | null => {
  let total: number | null = null;
  for (const group of ['Full-sort Groups', 'Pre-sorted Groups']) {
    const g = n[group] as Record<string, unknown> | undefined;
    const memory = g?.['Sort Space Memory'] as Record<string, unknown> | undefined;
    const peak = memory ? num(memory, 'Peak Sort Space Used') : null;
    if (peak !== null) total = (total ?? 0) + peak;
  }
  return total;
};

/** Classifies one plan for a PostgreSQL version. Unknown node types count as `unknown`; types of another version are an error. */
export function classifyPlan(doc: PlanDocument, version: PgVersion): PlanWorkload {
  const visits = walkPlan(doc.plan);
  const nodes: WorkloadNode[] = [];
  const unknownTypes: string[] = [];
  const notes = new Set<string>();
  const ctes = new Set<string>();
  const hashedSubplans = hashedSubplanNames(visits);
  const file = doc.source.replace(/#\d+$/, '');
  let workersPlanned = 0;

  const add = (
    visit: Visit,
    kind: NodeKind,
    nodeType: string,
    measuredKb: number | null = null,
    workers = visit.workers,
  ): void => {
    nodes.push({
      kind,
      nodeType,
      workers,
      path: visit.path,
      ...(measuredKb !== null && { measuredBytes: Math.round(measuredKb * KB) }),
      ...(workers > 0 && visit.gather !== null && { gather: visit.gather }),
    });
  };

  for (const visit of visits) {
    const { node } = visit;
    const type = node['Node Type'];
    if (typeof type !== 'string')
      throw new InputError(`plan ${planIndex(doc)}, ${visit.path}: a plan node without "Node Type"`, file, doc.line);
    const since = NODE_TYPES[type];
    if (since === undefined) {
      unknownTypes.push(type);
      add(visit, 'unknown', type);
      continue;
    }
    if (since > version) {
      throw new InputError(
        `plan ${planIndex(doc)}, ${visit.path}: ${type} nodes exist from PostgreSQL ${since}, not in ${version}; give the server's version (--pg-version)`,
        file,
        doc.line,
      );
    }
    if (type === 'Gather' || type === 'Gather Merge')
      workersPlanned = Math.max(workersPlanned, count(node['Workers Planned']));
    const subplanName = node['Subplan Name'];
    if (typeof subplanName === 'string' && hashedSubplans.has(subplanName)) {
      add(visit, 'hashed-estimate', 'SubPlan (hashed)');
    }
    switch (type) {
      case 'Sort':
        add(visit, 'sort', type, perProcessKb(node, sortSpace));
        break;
      case 'Incremental Sort':
        add(visit, 'incremental-sort', type, perProcessKb(node, incrementalPeak));
        break;
      case 'Hash':
        if (node['Parallel Aware'] === true) add(visit, 'parallel-hash', type, peakMemory(node));
        else add(visit, 'hash-join', type, perProcessKb(node, peakMemory));
        break;
      case 'Aggregate':
        classifyAggregate(visit, version, add, notes);
        break;
      case 'Memoize':
        add(visit, 'memoize', type, perProcessKb(node, peakMemory));
        break;
      case 'Materialize':
      case 'WindowAgg':
      case 'Table Function Scan':
        add(visit, 'tuplestore', type, perProcessKb(node, storage));
        break;
      case 'CTE Scan': {
        // One tuplestore per CTE, whichever of its scans reads it (nodeCtescan.c, the leader's cte_table).
        const name = typeof node['CTE Name'] === 'string' ? (node['CTE Name'] as string) : visit.path;
        if (!ctes.has(name)) {
          ctes.add(name);
          add(visit, 'tuplestore', type, perProcessKb(node, storage));
        }
        break;
      }
      case 'Recursive Union': {
        // Working and intermediate tables; Maximum Storage (18) reports their sum, kept on the first.
        add(visit, 'tuplestore', type, perProcessKb(node, storage));
        add(visit, 'tuplestore', type);
        // UNION (not ALL) also keeps a hash table of the rows seen; EXPLAIN does not say which, the query text does.
        if (doc.queryText === null || /\bunion\b(?!\s+all\b)/i.test(doc.queryText))
          add(visit, 'hashed-estimate', 'Recursive Union (hash table)');
        break;
      }
      case 'Function Scan': {
        const call = node['Function Call'];
        const functions = typeof call === 'string' ? topLevelItems(call) : 1;
        if (typeof call !== 'string' && node['Function Name'] === undefined)
          notes.add('Function Scan without VERBOSE: ROWS FROM with several functions counts as one');
        for (let i = 0; i < functions; i++) add(visit, 'tuplestore', type);
        break;
      }
      case 'Bitmap Index Scan':
      case 'BitmapAnd':
      case 'BitmapOr': {
        const parentType = visit.parent?.['Node Type'];
        if (parentType === 'BitmapAnd' || parentType === 'BitmapOr') break; // counted at the top of the bitmap tree
        // A parallel Bitmap Heap Scan builds one shared bitmap, once (nodeBitmapHeapscan.c, DSA).
        const shared = visit.parent?.['Node Type'] === 'Bitmap Heap Scan' && visit.parent['Parallel Aware'] === true;
        const bitmaps = bitmapPeak(node);
        for (let i = 0; i < bitmaps; i++) add(visit, 'bitmap', type, null, shared ? 0 : visit.workers);
        break;
      }
      case 'SetOp':
        if (node.Strategy === 'Hashed') add(visit, 'hashed-estimate', 'SetOp (hashed)');
        break;
      default:
        break;
    }
  }

  const totalCost = doc.plan['Total Cost'];
  return {
    source: doc.source,
    nodes,
    // A JIT section says the planner JITs it; without one, the model compares the plan's cost with
    // the server's jit_above_cost (the planner's own test), since EXPLAIN may have run with jit off.
    ...(doc.jit && { jit: true }),
    // Its Options say the tier (inlined, optimized); without them the costs decide, as the planner does.
    ...(doc.jitTier && { jitTier: doc.jitTier }),
    ...(typeof totalCost === 'number' && Number.isFinite(totalCost) && { planCost: totalCost }),
    queryText: doc.queryText,
    analyzed: doc.analyzed,
    workersPlanned,
    unknownTypes,
    notes: [...notes],
    settings: doc.settings,
  };
}

function planIndex(doc: PlanDocument): string {
  return doc.source.slice(doc.source.lastIndexOf('#') + 1);
}

/** Aggregate: hash tables (Hashed, Mixed), grouping-set phase sorts, and per-aggregate sorts. */
function classifyAggregate(
  visit: Visit,
  version: PgVersion,
  add: (visit: Visit, kind: NodeKind, nodeType: string, measuredKb?: number | null) => void,
  notes: Set<string>,
): void {
  const { node } = visit;
  const strategy = node.Strategy;
  if (strategy === 'Hashed' || strategy === 'Mixed') {
    add(
      visit,
      'hash-aggregate',
      strategy === 'Mixed' ? 'MixedAggregate' : 'HashAggregate',
      perProcessKb(node, peakMemory),
    );
  }
  const sets = Array.isArray(node['Grouping Sets']) ? (node['Grouping Sets'] as Record<string, unknown>[]) : [];
  // Each later phase with its own "Sort Key" re-sorts inside the node; sort_in and sort_out live together.
  const phaseSorts = Math.min(sets.filter((s) => s && typeof s === 'object' && Array.isArray(s['Sort Key'])).length, 2);
  for (let i = 0; i < phaseSorts; i++) add(visit, 'sort', 'Aggregate (grouping set sort)');

  const exprs = [node.Output, node.Filter]
    .flatMap((v) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []))
    .filter((v): v is string => typeof v === 'string');
  if (!Array.isArray(node.Output)) {
    notes.add('Aggregate without VERBOSE: sorts of DISTINCT / ORDER BY aggregates are not visible');
    return;
  }
  let ordered = orderedAggregates(exprs);
  // 16+: the planner may sort the input for one such aggregate (aggpresorted); its Sort node shows
  // keys beyond the group keys.
  if (versionProfile(version).features.presortedAggregates && ordered > 0) {
    const child = (node.Plans as Record<string, unknown>[] | undefined)?.find(
      (c) => c['Parent Relationship'] === 'Outer',
    );
    const groupKeys = Array.isArray(node['Group Key']) ? node['Group Key'].length : 0;
    const sortKeys =
      child &&
      (child['Node Type'] === 'Sort' || child['Node Type'] === 'Incremental Sort') &&
      Array.isArray(child['Sort Key'])
        ? child['Sort Key'].length
        : 0;
    if (sets.length === 0 && sortKeys > groupKeys) ordered--;
  }
  // One sort state per aggregate and grouping set.
  const perSet = Math.max(
    1,
    sets.reduce(
      (n, s) =>
        n +
        (Array.isArray(s['Group Keys'])
          ? s['Group Keys'].length
          : Array.isArray(s['Hash Keys'])
            ? s['Hash Keys'].length
            : 0),
      0,
    ),
  );
  for (let i = 0; i < ordered * perSet; i++) add(visit, 'sort', 'Aggregate (DISTINCT / ORDER BY aggregate)');
}

/**
 * Aggregate calls that sort their input, in deparsed expressions (ruleutils.c get_agg_expr):
 * `f(DISTINCT …)`, `f(… ORDER BY …)`, `f(…) WITHIN GROUP (ORDER BY …)`. Identical calls count once.
 */
export function orderedAggregates(exprs: readonly string[]): number {
  const calls = new Set<string>();
  for (const expr of exprs) {
    const stack: { start: number; sorts: boolean }[] = [];
    let lastClosed = 0;
    for (let i = 0; i < expr.length; i++) {
      const c = expr[i]!;
      if (c === "'" || c === '"') {
        for (i++; i < expr.length && !(expr[i] === c && expr[i + 1] !== c); i++) if (expr[i] === c) i++;
        continue;
      }
      if (c === '(') {
        // WITHIN GROUP (ORDER BY …) belongs to the call just closed before it.
        const start = expr.slice(0, i).endsWith(') WITHIN GROUP ') ? lastClosed : callStart(expr, i);
        stack.push({ start, sorts: expr.startsWith('DISTINCT ', i + 1) || expr.startsWith('ORDER BY ', i + 1) });
      } else if (c === ')') {
        const group = stack.pop();
        if (group) lastClosed = group.start;
        if (group?.sorts) calls.add(expr.slice(group.start, i + 1));
      } else if (c === ' ' && expr.startsWith(' ORDER BY ', i) && stack.length > 0) {
        stack[stack.length - 1]!.sorts = true;
      }
    }
  }
  return calls.size;
}

/** Where the function name before an opening parenthesis at `open` starts. */
function callStart(expr: string, open: number): number {
  let i = open;
  while (i > 0 && /[\w."$]/.test(expr[i - 1]!)) i--;
  return i;
}

/** Comma-separated items at the top level of an expression list ("f(1, 2), g(3)" → 2). */
function topLevelItems(text: string): number {
  let depth = 0;
  let items = text.trim() === '' ? 0 : 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      for (i++; i < text.length && !(text[i] === "'" && text[i + 1] !== "'"); i++) if (text[i] === "'") i++;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) items++;
  }
  return items;
}

/** Bitmaps alive at once while a bitmap tree runs (nodeBitmapAnd.c, nodeBitmapOr.c). */
function bitmapPeak(node: Record<string, unknown>): number {
  const children = (Array.isArray(node.Plans) ? node.Plans : []) as Record<string, unknown>[];
  switch (node['Node Type']) {
    case 'BitmapOr':
      // Its own bitmap; Bitmap Index Scan children add into it, other children are built, merged and freed.
      return 1 + Math.max(0, ...children.filter((c) => c['Node Type'] !== 'Bitmap Index Scan').map(bitmapPeak));
    case 'BitmapAnd': {
      // The first child's bitmap is the result; each later child's is built, intersected and freed.
      const [first, ...rest] = children.map(bitmapPeak);
      return Math.max(first ?? 0, (first === undefined ? 0 : 1) + Math.max(0, ...rest));
    }
    default:
      return 1;
  }
}

/** Names of SubPlans some expression uses hashed ("hashed SubPlan 2", ruleutils.c). */
function hashedSubplanNames(visits: readonly Visit[]): Set<string> {
  const names = new Set<string>();
  const scan = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/hashed (SubPlan \d+)/g)) names.add(m[1]!);
    } else if (Array.isArray(value)) value.forEach(scan);
  };
  for (const { node } of visits) {
    for (const [key, value] of Object.entries(node)) if (key !== 'Plans' && key !== 'Subplan Name') scan(value);
  }
  return names;
}

/** Reads and classifies every plan of a file. */
export function classifyPlans(docs: readonly PlanDocument[], version: PgVersion): PlanWorkload[] {
  return docs.map((doc) => classifyPlan(doc, version));
}
