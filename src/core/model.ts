/**
 * The worst-case memory model: settings, connection topology and workload assumptions in,
 * one plain result out. Pure: no I/O.
 */
import { AUX_PROCESS_BYTES, BACKEND_BASELINE_BYTES, NODE_ALLOWANCE } from './baselines.js';
import type { SettingAssignment, Settings } from './settings.js';
import { estimateSharedMemory, SHMEM_SETTINGS, type SharedMemoryEstimate, type ShmemSettings } from './shmem.js';
import type { MemoryComponent } from './report-schema.js';
import { formatSize } from './format.js';

/** What the queries do: how many memory-hungry plan nodes run at once, and what else runs. */
export interface Workload {
  /** Sort-like nodes per query (Sort, Incremental Sort, Materialize, bitmap heap, window, …): work_mem each. */
  readonly sortOps: number;
  /** Hash nodes per query (Hash Join, HashAggregate, Memoize, hashed SubPlan): work_mem × hash_mem_multiplier each. */
  readonly hashOps: number;
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
}

/** A client group after slots are handed out. */
export interface GroupModel {
  readonly name: string;
  readonly connections: number;
  /** Backends it gets in the worst case. */
  readonly backends: number;
  readonly perBackend: BackendCost;
  readonly bytes: number;
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
  readonly background: { readonly worstCaseBytes: number; readonly components: MemoryComponent[] };
  readonly totals: {
    readonly sharedBytes: number;
    readonly backendsBytes: number;
    readonly backgroundBytes: number;
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
          { name: 'reserved', connections: maxConnections - Math.max(usableSlots, 0), overrides: [], reservedSlots: true },
        ]);
  const clients = groupInputs.reduce((total, g) => total + g.connections, 0);
  const backends = Math.min(clients, maxConnections);
  // Ordinary roles get the usable slots; superuser sessions may also take the reserved ones.
  const adminClients = groupInputs.filter((g) => g.reservedSlots).reduce((total, g) => total + g.connections, 0);
  const appClients = clients - adminClients;
  const appAdmitted = Math.min(appClients, Math.max(usableSlots, 0));
  const refused = appClients - appAdmitted + Math.max(0, adminClients - (maxConnections - appAdmitted));

  const shared = estimateSharedMemory(version, shmemSettings(s));
  const baselineBytes = workload.backendBaselineBytes ?? BACKEND_BASELINE_BYTES[version];

  // Each group's backends run with its role's settings (ALTER ROLE … SET work_mem, …).
  const costed = groupInputs.map((group) => {
    const settings = group.overrides.length ? s.withOverrides(group.overrides) : s;
    return { group, cost: backendCost(settings, workload, baselineBytes) };
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
  }));
  const serverCost = backendCost(s, workload, baselineBytes);

  // Parallel query: each worker is a process with its own work_mem per node (docs, "Parallel Query");
  // a Gather gets at most max_parallel_workers_per_gather, the instance at most max_parallel_workers,
  // all of them taken from max_worker_processes. Workers run the hungriest group's queries.
  const workerPool = Math.min(s.num('max_parallel_workers'), s.num('max_worker_processes'));
  const workersPerQuery = workload.parallel ? Math.min(s.num('max_parallel_workers_per_gather'), workerPool) : 0;
  const instanceWorkers = Math.min(backends * workersPerQuery, workerPool);
  const hungriest = groups.filter((g) => g.backends > 0).map((g) => g.perBackend);
  const bytesPerWorker = baselineBytes + Math.max(serverCost.queryBytes, ...hungriest.map((c) => c.queryBytes));

  // Background: autovacuum workers (autovacuum.c; PG18 runs at most autovacuum_max_workers of
  // autovacuum_worker_slots), each with autovacuum_work_mem, else maintenance_work_mem (vacuumlazy.c).
  const autovacuumWorkers =
    version >= 18
      ? Math.min(s.num('autovacuum_max_workers'), s.num('autovacuum_worker_slots'))
      : s.num('autovacuum_max_workers');
  const autovacuumSetting = s.num('autovacuum_work_mem');
  const configuredVacuumBytes =
    autovacuumSetting === -1 ? (s.bytes('maintenance_work_mem') ?? 0) : autovacuumSetting * 1024;
  // Before 17 the dead-tuple array is one allocation capped at MaxAllocSize (1 GB), and
  // autovacuum_work_mem below 1 MB is raised to 1 MB; 17's TidStore grows up to the setting.
  const vacuumMem =
    version < 17 ? Math.max(Math.min(configuredVacuumBytes, GiB), 1024 * 1024) : configuredVacuumBytes;
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
  const pageTableBytes = hugePagesOn
    ? 0
    : processesBeforePageTables * Math.ceil(shared.totalBytes / OS_PAGE) * 8;

  const backgroundComponents: MemoryComponent[] = [
    {
      name: 'Parallel workers',
      bytes: instanceWorkers * bytesPerWorker,
      detail: `${instanceWorkers} × ${formatSize(bytesPerWorker)} (baseline + query nodes)`,
    },
    {
      name: 'Autovacuum workers',
      bytes: autovacuumWorkers * autovacuumPerWorker,
      detail: `${autovacuumWorkers} × (${formatSize(vacuumMem)} vacuum memory + baseline)`,
    },
    {
      name: 'Maintenance commands',
      bytes: maintenanceBytes,
      detail: `${workload.maintenanceOps} × (maintenance_work_mem ${formatSize(s.bytes('maintenance_work_mem') ?? 0)} + baseline)`,
    },
    {
      name: 'Walsenders',
      bytes: maxWalSenders * baselineBytes + logicalSenders * logicalDecodingBytes,
      detail:
        logicalSenders > 0
          ? `${maxWalSenders} × baseline + ${logicalSenders} logical × logical_decoding_work_mem ${formatSize(logicalDecodingBytes)}`
          : `${maxWalSenders} × baseline (no logical decoding)`,
    },
    {
      name: 'Server processes',
      bytes: fixed.reduce((sum, p) => sum + p.bytes, 0),
      detail: fixed.map((p) => p.name).join(', '),
    },
    {
      name: 'Page tables',
      bytes: pageTableBytes,
      detail: hugePagesOn
        ? 'huge_pages = on'
        : `${processesBeforePageTables} processes × ${formatSize(Math.ceil(shared.totalBytes / OS_PAGE) * 8)} to map shared memory in 4 kB pages`,
    },
  ];
  const backgroundBytes = sum(backgroundComponents);
  const backendsBytes = groups.reduce((total, g) => total + g.bytes, 0);
  const worst = shared.totalBytes + backendsBytes + backgroundBytes;

  // The rule of thumb users know: shared_buffers + work_mem × max_connections × operations per query.
  const ruleOfThumbBytes =
    (s.bytes('shared_buffers') ?? 0) + serverCost.workMemBytes * maxConnections * (workload.sortOps + workload.hashOps);

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
    background: { worstCaseBytes: backgroundBytes, components: backgroundComponents },
    totals: {
      sharedBytes: shared.totalBytes,
      backendsBytes,
      backgroundBytes,
      worstCaseBytes: worst,
      ramBytes: input.ramBytes,
      headroomBytes: input.ramBytes === null ? null : input.ramBytes - worst,
      ruleOfThumbBytes,
    },
  };
}

/**
 * One backend's worst case: work_mem per sort node; hash nodes get work_mem × hash_mem_multiplier
 * (get_hash_memory_limit() in nodeHash.c: floor(work_mem kB × multiplier × 1024)); temp_buffers once
 * the session touches temporary tables (localbuf.c); the idle private baseline; and what the nodes
 * were measured to hold beyond their budgets (NODE_ALLOWANCE).
 */
function backendCost(s: Settings, workload: Workload, baselineBytes: number): BackendCost {
  const workMemBytes = s.bytes('work_mem') ?? 0;
  const multiplier = s.num('hash_mem_multiplier');
  const hashMem = Math.floor(s.num('work_mem') * multiplier * 1024);
  const sortBytes = workload.sortOps * workMemBytes;
  const hashBytes = workload.hashOps * hashMem;
  const allowance = NODE_ALLOWANCE[s.version];
  const nodeOverheadBytes = Math.ceil(
    workload.sortOps * (workMemBytes * (allowance.sort - 1) + allowance.bytes) +
      workload.hashOps * (hashMem * (allowance.hash - 1) + allowance.bytes),
  );
  const tempBuffersBytes = workload.tempBuffers ? (s.bytes('temp_buffers') ?? 0) : 0;
  const nodes = workload.sortOps + workload.hashOps;
  const components: MemoryComponent[] = [
    { name: 'Private baseline', bytes: baselineBytes, detail: 'idle backend, measured RssAnon' },
    { name: 'Sort nodes', bytes: sortBytes, detail: `${workload.sortOps} × work_mem ${formatSize(workMemBytes)}` },
    {
      name: 'Hash nodes',
      bytes: hashBytes,
      detail: `${workload.hashOps} × work_mem ${formatSize(workMemBytes)} × hash_mem_multiplier ${multiplier}`,
    },
    {
      name: 'Node overhead',
      bytes: nodeOverheadBytes,
      detail:
        allowance.sort === allowance.hash
          ? `${nodes} nodes × (${Math.round((allowance.sort - 1) * 100)}% of budget + ${formatSize(allowance.bytes)}), measured`
          : `sorts ${Math.round((allowance.sort - 1) * 100)}%, hashes ${Math.round((allowance.hash - 1) * 100)}% of budget, + ${formatSize(allowance.bytes)} per node, measured`,
    },
  ];
  if (workload.tempBuffers) {
    components.push({ name: 'temp_buffers', bytes: tempBuffersBytes, detail: 'temporary tables' });
  }
  const queryBytes = sortBytes + hashBytes + nodeOverheadBytes;
  return {
    baselineBytes,
    workMemBytes,
    sortBytes,
    hashBytes,
    nodeOverheadBytes,
    queryBytes,
    tempBuffersBytes,
    worstCaseBytes: baselineBytes + queryBytes + tempBuffersBytes,
    components,
  };
}

function sum(components: readonly MemoryComponent[]): number {
  return components.reduce((total, c) => total + c.bytes, 0);
}

/** The processes every instance runs besides backends and workers, with their idle private memory. */
function fixedProcesses(s: Settings): { name: string; count: number; bytes: number }[] {
  const v = s.version;
  const each = AUX_PROCESS_BYTES[v];
  const names = ['postmaster', 'checkpointer', 'background writer', 'walwriter', 'autovacuum launcher'];
  if (v <= 14) names.push('stats collector'); // cumulative statistics moved to shared memory in 15
  if (s.num('max_logical_replication_workers') > 0) names.push('logical replication launcher');
  if (s.str('archive_mode') !== 'off') names.push('archiver');
  if (v >= 17 && s.str('summarize_wal') === 'on') names.push('WAL summarizer');
  const processes = names.map((name) => ({ name, count: 1, bytes: each }));
  if (v >= 18 && s.str('io_method') === 'worker') {
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
