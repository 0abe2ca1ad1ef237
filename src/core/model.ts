/**
 * The worst-case memory model: settings, connection topology and workload assumptions in,
 * one plain result out. Pure: no I/O.
 */
import {
  AUX_PROCESS_BYTES,
  backendBaselineBytes,
  HASH_CLASS,
  jitTierBytes,
  MEASURED_BY,
  NODE_ALLOWANCES,
  PARALLEL_HASH_DSM,
  SESSION_HEAP_SHARE,
  HASH_SESSION_HEAP_SHARE,
  SORT_CLASS,
  type Allowance,
  type AllowanceKind,
} from './baselines.js';
import type { SettingAssignment, Settings } from './settings.js';
import { estimateSharedMemory, SHMEM_SETTINGS, type SharedMemoryEstimate, type ShmemSettings } from './shmem.js';
import type { MemoryComponent } from './report-schema.js';
import { formatSize } from './format.js';
import { BUILD_FEATURES } from './build.js';
import {
  countsShape,
  NODE_BUDGET,
  type NodeBudget,
  type JitTier,
  type NodeKind,
  type QueryShape,
  type WorkloadNode,
  type WorkloadSource,
} from './workload.js';
import { versionProfile, type PgVersion } from './versions.js';

/** What the queries do: how many memory-hungry plan nodes run at once, and what else runs. */
export interface Workload {
  /** Sort-like nodes per query (Sort, Incremental Sort, Materialize, bitmap heap, window, …): work_mem each. */
  readonly sortOps: number;
  /** Hash nodes per query (Hash Join, HashAggregate, Memoize, hashed SubPlan): work_mem × hash_mem_multiplier each. */
  readonly hashOps: number;
  /**
   * The queries the backends run, as plan-node shapes (EXPLAIN plans, presets). Absent or null: the
   * one shape of `sortOps` generic-sort and `hashOps` generic-hash nodes (countsShape).
   */
  readonly queries?: readonly QueryShape[] | null;
  /** Whether parallel query may run (also needs max_parallel_workers_per_gather > 0). */
  readonly parallel: boolean;
  /** Whether every session may fill its temp_buffers with temporary tables. */
  readonly tempBuffers: boolean;
  /** Concurrent CREATE INDEX / manual VACUUM commands, each up to maintenance_work_mem. */
  readonly maintenanceOps: number;
  /** Walsenders doing logical decoding; null derives it from wal_level (logical: every possible slot). */
  readonly logicalSenders: number | null;
  /** Private memory of an idle backend; null uses the measured figure for the version. */
  readonly backendBaselineBytes: number | null;
}

/** The workload assumed when the user says nothing: a mixed OLTP/reporting query. */
export const DEFAULT_WORKLOAD: Workload = {
  sortOps: 2,
  hashOps: 2,
  parallel: true,
  tempBuffers: true,
  maintenanceOps: 1,
  logicalSenders: null,
  backendBaselineBytes: null,
};

/** The query shapes of a workload: its own, or the one shape of its node counts. */
export function workloadQueries(workload: Pick<Workload, 'sortOps' | 'hashOps' | 'queries'>): readonly QueryShape[] {
  return workload.queries ?? [countsShape(workload.sortOps, workload.hashOps)];
}

/** A client group's own workload (a topology app's queries); what it leaves out comes from the model's. */
export interface GroupWorkload {
  readonly queries: readonly QueryShape[];
  /** Whether parallel query may run for this group's queries. */
  readonly parallel?: boolean;
  /** Whether this group's sessions may fill temp_buffers. */
  readonly tempBuffers?: boolean;
  /** Its backends may also run the model's workload (a pool shared with apps that have none of their own). */
  readonly withServerQueries?: boolean;
  /** Where its queries came from, for the report. */
  readonly sources?: readonly WorkloadSource[];
}

/** Everything the model needs. */
export interface ModelInput {
  readonly settings: Settings;
  /** Connections the application side can open (pods × pool, summed over apps); null: every slot. */
  readonly clients: number | null;
  /** Client groups with their own role settings; when given, `clients` is ignored. */
  readonly groups?: readonly ClientGroup[] | null;
  readonly workload: Workload;
  /** Memory budget of the machine or container, if known. */
  readonly ramBytes: number | null;
}

/** Connections that share one role's settings: an app tier, a pooler's server connections, admins. */
export interface ClientGroup {
  readonly name: string;
  /** Connections this group can open to the server. */
  readonly connections: number;
  /** Role-level settings (ALTER ROLE … SET), applied on top of the server's. */
  readonly overrides: readonly SettingAssignment[];
  /** Superuser sessions, which may also take the superuser-reserved slots. */
  readonly reservedSlots?: boolean;
  /** The group's own queries; absent, it runs the model's workload. */
  readonly workload?: GroupWorkload | null;
}

/** One memory node of a query, costed. */
export interface NodeCost extends WorkloadNode {
  readonly budget: NodeBudget;
  /** Its budget: work_mem, or work_mem × hash_mem_multiplier (estimate-bound nodes too). */
  readonly budgetBytes: number;
  /** What each process holding it keeps privately (0 for a Parallel Hash: its table is in DSM). */
  readonly privateBytes: number;
  /** Processes that hold it: the backend, plus its Gather's workers when parallel query runs. */
  readonly processes: number;
}

/** One query shape, costed for one backend and its parallel workers. */
export interface QueryCost {
  readonly source: string;
  readonly planUnknown: boolean;
  readonly nodes: readonly NodeCost[];
  /** Budgets of the work_mem nodes the backend holds. */
  readonly sortBytes: number;
  /** Budgets of the hash_mem nodes the backend holds. */
  readonly hashBytes: number;
  /** Measured overhead of the backend's nodes beyond their budgets (NODE_ALLOWANCE). */
  readonly nodeOverheadBytes: number;
  /** Node memory of the backend running it: sorts + hashes + overhead. */
  readonly queryBytes: number;
  /** JIT's term for each of its processes (0 when jit is off, the build has no LLVM, or it stays below jit_above_cost). */
  readonly jitBytes: number;
  /** Parallel workers it launches (0 when parallel query cannot run). */
  readonly workers: number;
  /** The largest of its workers: baseline + the nodes under its Gather + their overhead. */
  readonly workerBytes: number;
  /** All its workers together. */
  readonly workersBytes: number;
  /**
   * Hash nodes that may build one Parallel Hash table in dynamic shared memory (parallel-hash nodes;
   * any hash node of a plan-unknown query), and those tables' size: hash_mem × (workers + 1) each
   * (nodeHash.c, ExecChooseHashTableSize), however many workers launch.
   */
  readonly sharedHashNodes: number;
  readonly sharedHashBytes: number;
  /** What those tables add to the worst case beyond the private copies the backend already counts. */
  readonly dsmBytes: number;
}

/** What one backend can use while running the worst query. */
export interface BackendCost {
  readonly baselineBytes: number;
  readonly workMemBytes: number;
  readonly sortBytes: number;
  readonly hashBytes: number;
  /** Measured overhead of those nodes beyond their budgets (NODE_ALLOWANCE). */
  readonly nodeOverheadBytes: number;
  /** Node memory of one process running the query: sorts + hashes. */
  readonly queryBytes: number;
  readonly tempBuffersBytes: number;
  readonly worstCaseBytes: number;
  readonly components: MemoryComponent[];
  /** Every query shape, costed; the per-backend figures above are the hungriest one's. */
  readonly queries: readonly QueryCost[];
  /** Index in `queries` of the hungriest query (the most node memory in the backend). */
  readonly hungriest: number;
  /** Most workers one of its queries launches, and the largest worker process among its queries. */
  readonly workers: number;
  readonly workerBytes: number;
  /** Freed heap later queries of the session reuse fragmented. */
  readonly sessionHeapBytes: number;
  /** JIT's term (0 without). */
  readonly jitBytes: number;
  /** DSM its queries add at most (Parallel Hash tables beyond the private copies), and the tables' size. */
  readonly dsmBytes: number;
  readonly sharedHashBytes: number;
}

/** A client group after slots are handed out. */
export interface GroupModel {
  readonly name: string;
  readonly connections: number;
  /** Backends it gets in the worst case. */
  readonly backends: number;
  readonly perBackend: BackendCost;
  readonly bytes: number;
  /** Whether it runs its own queries (ClientGroup.workload). */
  readonly ownWorkload: boolean;
}

/** The computed model, before findings. All sizes are integer bytes. */
export interface MemoryModel {
  readonly input: ModelInput;
  readonly connections: {
    readonly clients: number;
    readonly usableSlots: number;
    readonly maxConnections: number;
    readonly backends: number;
    readonly refused: number;
  };
  readonly shared: SharedMemoryEstimate;
  /** One backend with the server's settings (roles without overrides). */
  readonly perBackend: BackendCost & { readonly withParallelBytes: number };
  readonly groups: readonly GroupModel[];
  readonly parallel: {
    /** Workers one query can get: min(per gather, max_parallel_workers, max_worker_processes). */
    readonly workersPerQuery: number;
    /** Workers that can run at once across the instance. */
    readonly instanceWorkers: number;
    readonly bytesPerWorker: number;
  };
  readonly autovacuum: { readonly workers: number; readonly memoryPerWorker: number; readonly configuredBytes: number };
  readonly logicalSenders: number;
  readonly processes: number;
  readonly background: {
    readonly worstCaseBytes: number;
    /** The page tables processes need to map shared memory without huge pages (0 with huge_pages = on). */
    readonly pageTableBytes: number;
    readonly components: MemoryComponent[];
  };
  /** Parallel Hash tables in dynamic shared memory, beyond what the backends count privately. */
  readonly dynamicShared: { readonly worstCaseBytes: number; readonly components: MemoryComponent[] };
  readonly totals: {
    readonly sharedBytes: number;
    readonly backendsBytes: number;
    readonly backgroundBytes: number;
    readonly dynamicSharedBytes: number;
    readonly worstCaseBytes: number;
    readonly ramBytes: number | null;
    readonly headroomBytes: number | null;
    readonly ruleOfThumbBytes: number;
  };
}

const GiB = 1024 ** 3;
const OS_PAGE = 4096;

/** Runs the model. */
export function computeModel(input: ModelInput): MemoryModel {
  const { settings: s, workload } = input;
  const version = s.version;

  // Connections: reserved slots are carved out of max_connections (postinit.c, InitPostgres).
  const maxConnections = s.num('max_connections');
  const reserved = s.num('superuser_reserved_connections') + s.numOr('reserved_connections', 0);
  const usableSlots = maxConnections - reserved;
  // Without a topology: the given client count, or every slot in use (superusers in the reserved ones).
  const groupInputs: readonly ClientGroup[] =
    input.groups ??
    (input.clients !== null
      ? [{ name: 'clients', connections: input.clients, overrides: [] }]
      : [
          { name: 'clients', connections: Math.max(usableSlots, 0), overrides: [] },
          {
            name: 'reserved',
            connections: maxConnections - Math.max(usableSlots, 0),
            overrides: [],
            reservedSlots: true,
          },
        ]);
  const clients = groupInputs.reduce((total, g) => total + g.connections, 0);
  const backends = Math.min(clients, maxConnections);
  // Ordinary roles get the usable slots; superuser sessions may also take the reserved ones.
  const adminClients = groupInputs.filter((g) => g.reservedSlots).reduce((total, g) => total + g.connections, 0);
  const appClients = clients - adminClients;
  const appAdmitted = Math.min(appClients, Math.max(usableSlots, 0));
  const refused = appClients - appAdmitted + Math.max(0, adminClients - (maxConnections - appAdmitted));

  const shared = estimateSharedMemory(version, shmemSettings(s), s.build);
  const build = s.build;
  const baselineBytes = workload.backendBaselineBytes ?? backendBaselineBytes(version, build);
  // JIT compiles in every process that runs a query over jit_above_cost (backends, parallel workers).
  const jit = BUILD_FEATURES[build].llvm && s.str('jit') === 'on';

  // Parallel query: each worker is a process with its own work_mem per node (docs, "Parallel Query");
  // a Gather gets at most max_parallel_workers_per_gather, the instance at most max_parallel_workers,
  // all of them taken from max_worker_processes.
  const workerPool = Math.min(s.num('max_parallel_workers'), s.num('max_worker_processes'));
  const perGather = Math.min(s.num('max_parallel_workers_per_gather'), workerPool);
  const context = { baselineBytes, workerPool, perGather, jit };
  const serverQueries = workloadQueries(workload);

  // Each group's backends run with its role's settings (ALTER ROLE … SET work_mem, …) and its own
  // queries when it has them.
  const costed = groupInputs.map((group) => {
    const settings = group.overrides.length ? s.withOverrides(group.overrides) : s;
    const own = group.workload;
    const cost = backendCost(
      settings,
      {
        queries: own ? (own.withServerQueries ? [...own.queries, ...serverQueries] : own.queries) : serverQueries,
        parallel: own?.parallel ?? workload.parallel,
        tempBuffers: own?.tempBuffers ?? workload.tempBuffers,
      },
      context,
    );
    return { group, cost };
  });
  // When clients outnumber max_connections, the worst case gives the slots to the hungriest groups.
  let slotsLeft = maxConnections;
  const byCost = [...costed].sort((a, b) => b.cost.worstCaseBytes - a.cost.worstCaseBytes);
  const backendsOf = new Map<ClientGroup, number>();
  for (const { group } of byCost) {
    const taken = Math.min(group.connections, slotsLeft);
    backendsOf.set(group, taken);
    slotsLeft -= taken;
  }
  const groups: GroupModel[] = costed.map(({ group, cost }) => ({
    name: group.name,
    connections: group.connections,
    backends: backendsOf.get(group)!,
    perBackend: cost,
    bytes: backendsOf.get(group)! * cost.worstCaseBytes,
    ownWorkload: Boolean(group.workload),
  }));
  const serverCost = backendCost(
    s,
    { queries: serverQueries, parallel: workload.parallel, tempBuffers: workload.tempBuffers },
    context,
  );

  // Workers run the hungriest group's queries: every worker is counted at the largest worker process.
  const running = groups.filter((g) => g.backends > 0);
  // The server's workload counts unless every running group runs queries of its own only.
  const serverRuns =
    running.length === 0 ||
    costed.some(({ group }) => backendsOf.get(group)! > 0 && (!group.workload || group.workload.withServerQueries));
  const serverWorkers = serverRuns ? serverCost.workers : 0;
  const workersPerQuery = Math.max(serverWorkers, ...running.map((g) => g.perBackend.workers));
  const instanceWorkers = Math.min(
    running.reduce((total, g) => total + g.backends * g.perBackend.workers, 0),
    workerPool,
  );
  const bytesPerWorker = Math.max(
    serverRuns ? serverCost.workerBytes : 0,
    ...running.map((g) => g.perBackend.workerBytes),
  );

  // Background: autovacuum workers (autovacuum.c; PG18 runs at most autovacuum_max_workers of
  // autovacuum_worker_slots), each with autovacuum_work_mem, else maintenance_work_mem (vacuumlazy.c).
  const features = versionProfile(version).features;
  const autovacuumWorkers = features.autovacuumWorkerSlots
    ? Math.min(s.num('autovacuum_max_workers'), s.num('autovacuum_worker_slots'))
    : s.num('autovacuum_max_workers');
  const autovacuumSetting = s.num('autovacuum_work_mem');
  const configuredVacuumBytes =
    autovacuumSetting === -1 ? (s.bytes('maintenance_work_mem') ?? 0) : autovacuumSetting * 1024;
  // Before 17 the dead-tuple array is one allocation capped at MaxAllocSize (1 GB), and
  // autovacuum_work_mem below 1 MB is raised to 1 MB; 17's TidStore grows up to the setting.
  const vacuumMem = features.tidStore
    ? configuredVacuumBytes
    : Math.max(Math.min(configuredVacuumBytes, GiB), 1024 * 1024);
  // An autovacuum worker is a backend of its own (catalog caches and all): a backend's baseline.
  const autovacuumPerWorker = baselineBytes + vacuumMem;

  const maintenanceBytes = workload.maintenanceOps * ((s.bytes('maintenance_work_mem') ?? 0) + baselineBytes);

  const maxWalSenders = s.num('max_wal_senders');
  const logicalSenders = Math.min(
    maxWalSenders,
    workload.logicalSenders ??
      (s.str('wal_level') === 'logical' ? Math.min(maxWalSenders, s.num('max_replication_slots')) : 0),
  );
  const logicalDecodingBytes = s.bytes('logical_decoding_work_mem') ?? 0;

  const fixed = fixedProcesses(s);
  const processesBeforePageTables =
    backends +
    instanceWorkers +
    autovacuumWorkers +
    workload.maintenanceOps +
    maxWalSenders +
    fixed.reduce((count, p) => count + p.count, 0);

  // Without huge pages every process that touches shared memory maps it with its own page tables:
  // 8 bytes per 4 kB page (x86-64), up to the whole segment.
  const hugePagesOn = s.str('huge_pages') === 'on';
  const pageTableBytes = hugePagesOn ? 0 : processesBeforePageTables * Math.ceil(shared.totalBytes / OS_PAGE) * 8;

  const backgroundComponents: MemoryComponent[] = [
    {
      id: 'parallel-workers',
      name: 'Parallel workers',
      bytes: instanceWorkers * bytesPerWorker,
      detail: `${instanceWorkers} × ${formatSize(bytesPerWorker)} (baseline + query nodes${jit ? ' + JIT' : ''})`,
    },
    {
      id: 'autovacuum-workers',
      name: 'Autovacuum workers',
      bytes: autovacuumWorkers * autovacuumPerWorker,
      detail: `${autovacuumWorkers} × (${formatSize(vacuumMem)} vacuum memory + baseline)`,
    },
    {
      id: 'maintenance-commands',
      name: 'Maintenance commands',
      bytes: maintenanceBytes,
      detail: `${workload.maintenanceOps} × (maintenance_work_mem ${formatSize(s.bytes('maintenance_work_mem') ?? 0)} + baseline)`,
    },
    {
      id: 'walsenders',
      name: 'Walsenders',
      bytes: maxWalSenders * baselineBytes + logicalSenders * logicalDecodingBytes,
      detail:
        logicalSenders > 0
          ? `${maxWalSenders} × baseline + ${logicalSenders} logical × logical_decoding_work_mem ${formatSize(logicalDecodingBytes)}`
          : `${maxWalSenders} × baseline (no logical decoding)`,
    },
    {
      id: 'server-processes',
      name: 'Server processes',
      bytes: fixed.reduce((sum, p) => sum + p.bytes, 0),
      detail: fixed.map((p) => p.name).join(', '),
    },
    {
      id: 'page-tables',
      name: 'Page tables',
      bytes: pageTableBytes,
      detail: hugePagesOn
        ? 'huge_pages = on'
        : `${processesBeforePageTables} processes × ${formatSize(Math.ceil(shared.totalBytes / OS_PAGE) * 8)} to map shared memory in 4 kB pages`,
    },
  ];
  const backgroundBytes = sum(backgroundComponents);
  const backendsBytes = groups.reduce((total, g) => total + g.bytes, 0);
  // Dynamic shared memory: every backend may run its query with the largest Parallel Hash tables,
  // sized by the planned workers whether or not any launch.
  const dsmComponents: MemoryComponent[] = groups
    .filter((g) => g.backends > 0 && g.perBackend.dsmBytes > 0)
    .map((g) => ({
      id: 'parallel-hash-dsm',
      name: `Parallel Hash tables (${g.name})`,
      bytes: g.backends * g.perBackend.dsmBytes,
      detail: `${g.backends} backends × ${formatSize(g.perBackend.dsmBytes)} beyond their private hash copies (tables ${formatSize(g.perBackend.sharedHashBytes)})`,
      formula: `hash_mem × (Workers Planned + 1) × ${PARALLEL_HASH_DSM.factor} + ${formatSize(PARALLEL_HASH_DSM.bytes)} per Parallel Hash, launched or not`,
      measured: MEASURED_BY,
    }));
  const dynamicSharedBytes = sum(dsmComponents);
  const worst = shared.totalBytes + backendsBytes + backgroundBytes + dynamicSharedBytes;

  // The rule of thumb users know: shared_buffers + work_mem × max_connections × operations per query.
  const ruleOfThumbBytes =
    (s.bytes('shared_buffers') ?? 0) +
    serverCost.workMemBytes * maxConnections * serverCost.queries[serverCost.hungriest]!.nodes.length;

  return {
    input,
    connections: { clients, usableSlots, maxConnections, backends, refused },
    shared,
    perBackend: { ...serverCost, withParallelBytes: serverCost.worstCaseBytes + workersPerQuery * bytesPerWorker },
    groups,
    parallel: { workersPerQuery, instanceWorkers, bytesPerWorker },
    autovacuum: { workers: autovacuumWorkers, memoryPerWorker: vacuumMem, configuredBytes: configuredVacuumBytes },
    logicalSenders,
    processes: processesBeforePageTables,
    background: { worstCaseBytes: backgroundBytes, pageTableBytes, components: backgroundComponents },
    dynamicShared: { worstCaseBytes: dynamicSharedBytes, components: dsmComponents },
    totals: {
      sharedBytes: shared.totalBytes,
      backendsBytes,
      backgroundBytes,
      dynamicSharedBytes,
      worstCaseBytes: worst,
      ramBytes: input.ramBytes,
      headroomBytes: input.ramBytes === null ? null : input.ramBytes - worst,
      ruleOfThumbBytes,
    },
  };
}

/** What backendCost needs beyond the settings: the queries and the instance's parallel limits. */
interface CostContext {
  readonly baselineBytes: number;
  /** min(max_parallel_workers, max_worker_processes). */
  readonly workerPool: number;
  /** min(max_parallel_workers_per_gather, workerPool): the workers of a plan-unknown query. */
  readonly perGather: number;
  /** Whether queries may JIT: jit = on and the build has LLVM. */
  readonly jit: boolean;
}

/**
 * One backend's worst case: its hungriest query's nodes, each at its budget — work_mem, or
 * work_mem × hash_mem_multiplier for hash nodes (get_hash_memory_limit() in nodeHash.c:
 * floor(work_mem kB × multiplier × 1024)) — plus what each kind of node was measured to hold beyond
 * its budget (NODE_ALLOWANCES); the heap earlier queries of the session left fragmented
 * (SESSION_HEAP_SHARE); JIT (when on and the build has LLVM); temp_buffers once the session touches
 * temporary tables (localbuf.c); and the build's idle private baseline.
 */
function backendCost(
  s: Settings,
  workload: { readonly queries: readonly QueryShape[]; readonly parallel: boolean; readonly tempBuffers: boolean },
  context: CostContext,
): BackendCost {
  const { baselineBytes } = context;
  const workMemBytes = s.bytes('work_mem') ?? 0;
  const multiplier = s.num('hash_mem_multiplier');
  const shapes = workload.queries.length > 0 ? workload.queries : [{ source: 'no memory nodes', nodes: [] }];
  const queries = shapes.map((shape) => queryCost(s, shape, workload.parallel, context));
  let hungriest = 0;
  queries.forEach((q, i) => {
    if (q.queryBytes > queries[hungriest]!.queryBytes) hungriest = i;
  });
  const query = queries[hungriest]!;
  const tempBuffersBytes = workload.tempBuffers ? (s.bytes('temp_buffers') ?? 0) : 0;
  // JIT's memory comes and goes with each query; any query of the backend that can JIT brings it.
  const jitBytes = Math.max(...queries.map((q) => q.jitBytes));
  const sortNodes = query.nodes.filter((n) => n.budget === 'work_mem').length;
  const hashNodes = query.nodes.length - sortNodes;
  // The session term, once per backend: a share of the largest sort-like budget of its queries, or
  // of the largest hash budget, whichever is more.
  const allNodes = queries.flatMap((q) => q.nodes);
  const largestBudget = Math.max(0, ...allNodes.filter((n) => n.budget === 'work_mem').map((n) => n.privateBytes));
  const largestHash = Math.max(0, ...allNodes.filter((n) => n.budget !== 'work_mem').map((n) => n.privateBytes));
  const sessionShare = SESSION_HEAP_SHARE[s.version];
  const sessionHeapBytes = Math.ceil(Math.max(largestBudget * sessionShare, largestHash * HASH_SESSION_HEAP_SHARE));
  const components: MemoryComponent[] = [
    {
      id: 'private-baseline',
      name: 'Private baseline',
      bytes: baselineBytes,
      detail: 'idle backend, measured RssAnon',
      formula: 'RssAnon of a fresh backend after SELECT 1',
      measured: MEASURED_BY,
    },
    {
      id: 'sort-nodes',
      name: 'Sort nodes',
      bytes: query.sortBytes,
      detail: `${sortNodes} × work_mem ${formatSize(workMemBytes)}`,
      formula: 'Σ work_mem nodes × work_mem',
    },
    {
      id: 'hash-nodes',
      name: 'Hash nodes',
      bytes: query.hashBytes,
      detail: `${hashNodes} × work_mem ${formatSize(workMemBytes)} × hash_mem_multiplier ${multiplier}`,
      formula: 'Σ private hash nodes × work_mem × hash_mem_multiplier (a Parallel Hash table is in DSM)',
    },
    {
      id: 'node-overhead',
      name: 'Node overhead',
      bytes: query.nodeOverheadBytes,
      detail: overheadDetail(s.version, query.nodes),
      formula: 'Σ nodes (budget × (factor − 1) + bytes), per node kind and version',
      measured: MEASURED_BY,
    },
    {
      id: 'session-heap',
      name: 'Heap kept between queries',
      bytes: sessionHeapBytes,
      detail: `${Math.round(sessionShare * 100)}% of the largest sort-like budget ${formatSize(largestBudget)} (or ${Math.round(HASH_SESSION_HEAP_SHARE * 100)}% of the largest hash budget): freed heap reused fragmented by later queries of the session`,
      formula: 'max(share × largest work_mem node, 5% × largest hash_mem node), once per backend',
      measured: MEASURED_BY,
    },
  ];
  if (jitBytes > 0) {
    components.push({
      id: 'jit',
      name: 'JIT',
      bytes: jitBytes,
      detail: 'jit = on and the build has LLVM: code generation and inlining in the backend',
      formula: 'per process that can JIT (backends, parallel workers)',
      measured: `${MEASURED_BY}, Debian's postgresql-15`,
    });
  }
  if (workload.tempBuffers) {
    components.push({ id: 'temp-buffers', name: 'temp_buffers', bytes: tempBuffersBytes, detail: 'temporary tables' });
  }
  const worstCaseBytes = baselineBytes + query.queryBytes + sessionHeapBytes + jitBytes + tempBuffersBytes;
  return {
    baselineBytes,
    workMemBytes,
    sortBytes: query.sortBytes,
    hashBytes: query.hashBytes,
    nodeOverheadBytes: query.nodeOverheadBytes,
    queryBytes: query.queryBytes,
    sessionHeapBytes,
    jitBytes,
    tempBuffersBytes,
    worstCaseBytes,
    components,
    queries,
    hungriest,
    workers: Math.max(...queries.map((q) => q.workers)),
    workerBytes: Math.max(...queries.map((q) => q.workerBytes)),
    dsmBytes: Math.max(...queries.map((q) => q.dsmBytes)),
    sharedHashBytes: Math.max(...queries.map((q) => q.sharedHashBytes)),
  };
}

/** The overhead line: each kind's allowance as the version has it. */
function overheadDetail(version: PgVersion, nodes: readonly NodeCost[]): string {
  const counts = new Map<NodeKind, number>();
  for (const n of nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  if (counts.size === 0) return 'no memory nodes';
  return [...counts]
    .map(([kind, count]) => {
      const al = allowanceOf(version, kind);
      return `${count} ${kind} × (${al.factor === 0 ? 'table in DSM' : `${Math.round((al.factor - 1) * 100)}% of budget`} + ${formatSize(al.bytes)})`;
    })
    .join(', ');
}

/** A node kind's allowance: its own, or the largest of its class for nodes of unknown type. */
export function allowanceOf(version: PgVersion, kind: NodeKind): Allowance {
  const table = NODE_ALLOWANCES[version];
  const largest = (kinds: readonly AllowanceKind[]): Allowance => ({
    factor: Math.max(...kinds.map((k) => table[k].factor)),
    bytes: Math.max(...kinds.map((k) => table[k].bytes)),
  });
  switch (kind) {
    case 'generic-sort':
      return largest(SORT_CLASS);
    case 'generic-hash':
      return largest(HASH_CLASS);
    case 'unknown':
    case 'hashed-estimate':
      return largest([...SORT_CLASS, ...HASH_CLASS]);
    default:
      return table[kind];
  }
}

/** A node's budget in bytes under the settings. */
function budgetBytes(s: Settings, budget: NodeBudget): number {
  if (budget === 'work_mem') return s.bytes('work_mem') ?? 0;
  return Math.floor(s.num('work_mem') * s.num('hash_mem_multiplier') * 1024);
}

/**
 * Whether a query may JIT: not when its shape says so, nor when its plan costs no more than
 * jit_above_cost (or jit_above_cost = -1): standard_planner sets PGJIT_PERFORM only when
 * jit_above_cost >= 0 and the plan's total cost exceeds it. Without a plan cost, it may.
 */
function queryMayJit(s: Settings, shape: QueryShape): boolean {
  if (shape.jit !== undefined) return shape.jit;
  if (shape.planCost === undefined) return true;
  const above = s.num('jit_above_cost');
  return above >= 0 && shape.planCost > above;
}

/**
 * The JIT tier a query compiles at: what its plan's JIT section says; else, from its cost, what
 * standard_planner sets (PGJIT_OPT3 when jit_optimize_above_cost >= 0 and the cost exceeds it,
 * PGJIT_INLINE likewise with jit_inline_above_cost); without a plan, the top tier.
 */
export function queryJitTier(s: Settings, shape: QueryShape): JitTier {
  if (shape.jitTier) return shape.jitTier;
  const cost = shape.planCost;
  if (cost === undefined) return { inline: true, optimize: true };
  const over = (name: string): boolean => {
    const limit = s.num(name);
    return limit >= 0 && cost > limit;
  };
  return { inline: over('jit_inline_above_cost'), optimize: over('jit_optimize_above_cost') };
}

/** Measured overhead of a set of nodes beyond their budgets. */
function nodesOverhead(s: Settings, nodes: readonly NodeCost[]): number {
  let total = 0;
  for (const n of nodes) {
    const al = allowanceOf(s.version, n.kind);
    total += n.privateBytes * Math.max(al.factor - 1, 0) + al.bytes;
  }
  return Math.ceil(total);
}

/**
 * One query: the backend holds every node (a Gather's leader runs the plan below it too); each
 * Gather's workers hold the nodes under it. A plan-unknown query may put every node under one
 * Gather of max_parallel_workers_per_gather workers. Workers come from the instance's pool.
 * A Parallel Hash builds one table in DSM of hash_mem × (Workers Planned + 1), however many workers
 * launch; any hash node of a plan-unknown query may be one.
 */
function queryCost(s: Settings, shape: QueryShape, parallel: boolean, context: CostContext): QueryCost {
  // Worker processes per Gather, and the nodes each Gather's workers hold.
  const gathers = new Map<string, { workers: number; nodes: NodeCost[] }>();
  const costedNodes: NodeCost[] = [];
  const allWorkers = shape.planUnknown && parallel ? context.perGather : 0;
  const jitBytes = context.jit && queryMayJit(s, shape) ? jitTierBytes(queryJitTier(s, shape)) : 0;
  for (const node of shape.nodes) {
    const budget = NODE_BUDGET[node.kind];
    const workers = shape.planUnknown ? allWorkers : parallel ? Math.min(node.workers, context.workerPool) : 0;
    // An Incremental Sort holds one work_mem: its full-sort tuplesort never grows past a few dozen
    // tuples (nodeIncrementalSort.c, ExecIncrementalSort: "if (nTuples > DEFAULT_MAX_FULL_SORT_GROUP_SIZE
    // && node->execution_status != INCSORT_READFULLSORT)" sorts them and calls
    // switchToPresortedPrefixMode, which moves them to the prefix tuplesort; DEFAULT_MAX_FULL_SORT_GROUP_SIZE
    // is 2 × DEFAULT_MIN_GROUP_SIZE = 64). Only the prefix tuplesort, filled "until we encounter a tuple
    // whose prefix keys don't match", reaches work_mem; what the full one keeps (65 tuples, its
    // arrays) is within the allowance over work_mem (NODE_ALLOWANCES).
    const nodeBudget = budgetBytes(s, budget);
    const costed: NodeCost = {
      ...node,
      budget,
      budgetBytes: nodeBudget,
      privateBytes: node.kind === 'parallel-hash' ? 0 : nodeBudget,
      processes: 1 + workers,
    };
    costedNodes.push(costed);
    if (workers === 0) continue;
    const key = shape.planUnknown ? 'plan' : (node.gather ?? `workers:${node.workers}`);
    const gather = gathers.get(key) ?? { workers, nodes: [] };
    gather.nodes.push(costed);
    gathers.set(key, gather);
  }
  if (allWorkers > 0 && gathers.size === 0) gathers.set('plan', { workers: allWorkers, nodes: [] });
  const sortBytes = costedNodes.filter((n) => n.budget === 'work_mem').reduce((t, n) => t + n.privateBytes, 0);
  const hashBytes = costedNodes.filter((n) => n.budget !== 'work_mem').reduce((t, n) => t + n.privateBytes, 0);
  const nodeOverheadBytes = nodesOverhead(s, costedNodes);

  // Parallel Hash tables in DSM. A plan-unknown hash node may be one (with workers to plan) or a
  // private table: the DSM term counts what the shared table holds beyond the private copy already
  // counted in the backend.
  let sharedHashNodes = 0;
  let sharedHashBytes = 0;
  let dsmBytes = 0;
  for (const n of costedNodes) {
    const planned = shape.planUnknown ? allWorkers : n.workers;
    const candidate = n.kind === 'parallel-hash' || (shape.planUnknown && n.kind === 'generic-hash' && planned > 0);
    if (!candidate) continue;
    const table = Math.ceil(n.budgetBytes * (planned + 1) * PARALLEL_HASH_DSM.factor + PARALLEL_HASH_DSM.bytes);
    const counted =
      n.privateBytes + (n.kind === 'parallel-hash' ? 0 : n.privateBytes * (allowanceOf(s.version, n.kind).factor - 1));
    sharedHashNodes++;
    sharedHashBytes += table;
    dsmBytes += Math.max(0, table - Math.floor(counted));
  }

  let workers = 0;
  let workerBytes = 0;
  let workersBytes = 0;
  for (const gather of gathers.values()) {
    const launched = Math.min(gather.workers, context.workerPool - workers);
    if (launched <= 0) continue;
    const each =
      context.baselineBytes +
      jitBytes +
      gather.nodes.reduce((t, n) => t + n.privateBytes, 0) +
      nodesOverhead(s, gather.nodes);
    workers += launched;
    workerBytes = Math.max(workerBytes, each);
    workersBytes += launched * each;
  }
  // With parallel query off, what one worker would hold is still reported.
  if (workers === 0) workerBytes = context.baselineBytes + jitBytes + sortBytes + hashBytes + nodeOverheadBytes;
  return {
    source: shape.source,
    planUnknown: shape.planUnknown === true,
    nodes: costedNodes,
    sortBytes,
    hashBytes,
    nodeOverheadBytes,
    queryBytes: sortBytes + hashBytes + nodeOverheadBytes,
    jitBytes,
    workers,
    workerBytes,
    workersBytes,
    sharedHashNodes,
    sharedHashBytes,
    dsmBytes,
  };
}

function sum(components: readonly MemoryComponent[]): number {
  return components.reduce((total, c) => total + c.bytes, 0);
}

/** The processes every instance runs besides backends and workers, with their idle private memory. */
function fixedProcesses(s: Settings): { name: string; count: number; bytes: number }[] {
  const each = AUX_PROCESS_BYTES[s.version];
  const features = versionProfile(s.version).features;
  const names = ['postmaster', 'checkpointer', 'background writer', 'walwriter', 'autovacuum launcher'];
  if (!features.sharedStatistics) names.push('stats collector');
  if (s.num('max_logical_replication_workers') > 0) names.push('logical replication launcher');
  if (s.str('archive_mode') !== 'off') names.push('archiver');
  if (features.walSummarizer && s.str('summarize_wal') === 'on') names.push('WAL summarizer');
  const processes = names.map((name) => ({ name, count: 1, bytes: each }));
  if (features.asyncIo && s.str('io_method') === 'worker') {
    const ioWorkers = s.num('io_workers');
    processes.push({ name: `${ioWorkers} I/O workers`, count: ioWorkers, bytes: ioWorkers * each });
  }
  return processes;
}

/** The subset of settings the shared-memory estimate reads, in base units. */
function shmemSettings(s: Settings): ShmemSettings {
  const values: Record<string, number | string> = {};
  for (const name of SHMEM_SETTINGS) {
    if (!s.has(name)) continue;
    const def = s.get(name).definition;
    values[name] = def.type === 'integer' || def.type === 'real' ? s.num(name) : s.str(name);
  }
  return values;
}
