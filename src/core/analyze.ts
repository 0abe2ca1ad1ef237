/**
 * The engine's entry point: settings assignments, topology and workload in, the JSON report out.
 */
import { collectFindings } from './findings/index.js';
import {
  computeModel,
  DEFAULT_WORKLOAD,
  type ClientGroup,
  type MemoryModel,
  type QueryCost,
  type Workload,
} from './model.js';
import { DEFAULT_WORKLOAD_SOURCE, type WorkloadSource } from './workload.js';
import type { Finding, PlanReport } from './report-schema.js';
import { SCHEMA_VERSION } from './schema-version.js';
import { Settings, type DefaultsBase, type SettingAssignment, type SettingProblem } from './settings.js';
import type { ContainerSpec, ResolvedTopology } from './topology.js';
import { effectiveSlruBuffers, effectiveWalBuffers } from './shmem.js';
import type { PgVersion } from './versions.js';
import { DEFAULT_BUILD, type BuildName } from './build.js';

/** Settings that size memory or connections: the ones every report lists. */
export const MEMORY_SETTINGS = [
  'shared_buffers',
  'wal_buffers',
  'work_mem',
  'hash_mem_multiplier',
  'maintenance_work_mem',
  'autovacuum_work_mem',
  'logical_decoding_work_mem',
  'temp_buffers',
  'effective_cache_size',
  'max_connections',
  'superuser_reserved_connections',
  'reserved_connections',
  'autovacuum_max_workers',
  'autovacuum_worker_slots',
  'max_worker_processes',
  'max_parallel_workers',
  'max_parallel_workers_per_gather',
  'max_parallel_maintenance_workers',
  'max_wal_senders',
  'max_replication_slots',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'max_pred_locks_per_transaction',
  'track_activity_query_size',
  'min_dynamic_shared_memory',
  'huge_pages',
  'huge_page_size',
  'transaction_buffers',
  'subtransaction_buffers',
  'multixact_offset_buffers',
  'multixact_member_buffers',
  'notify_buffers',
  'serializable_buffers',
  'commit_timestamp_buffers',
  'io_method',
  'io_workers',
  'io_max_concurrency',
  'io_max_combine_limit',
] as const;

/** Everything `analyze` needs. */
export interface AnalyzeInput {
  readonly version: PgVersion;
  /** The build the server runs (default distribution): which values it accepts, what it allocates. */
  readonly build?: BuildName;
  /** Values in the order they apply (files first, then flags); the last one for a name wins. */
  readonly assignments: readonly SettingAssignment[];
  /** Defaults for settings nobody set. */
  readonly defaults: DefaultsBase;
  /** Client connections the applications open; null assumes every max_connections slot in use. */
  readonly clients: number | null;
  /** Client groups with role overrides (a topology); when given, `clients` is ignored. */
  readonly groups?: readonly ClientGroup[] | null;
  readonly workload: Workload;
  /** Where the server's workload came from; absent, taken from the workload itself. */
  readonly workloadSource?: WorkloadSource;
  readonly ramBytes: number | null;
  /** The topology behind the groups, echoed in the report. */
  readonly topology?: ResolvedTopology | null;
  /** The container the server runs in: its memory limit is the budget. */
  readonly container?: ContainerSpec | null;
  /** Replication connections the topology reserves (walsenders). */
  readonly replicationConnections?: number;
  /**
   * The managed service the server runs on, as findings name it ("Amazon RDS"), or null for a server
   * of one's own: findings then give no advice only the host's administrator could follow.
   */
  readonly managed?: string | null;
  /** Problems found before resolution (e.g. syntax errors in a configuration file), reported as findings. */
  readonly extraFindings?: readonly Finding[];
}

/** The report and the model behind it (for renderers that need more than the JSON). */
export interface Analysis {
  readonly report: PlanReport;
  readonly model: MemoryModel;
  readonly problems: readonly SettingProblem[];
}

/** Resolves settings, runs the model and the findings, and maps the result to the JSON contract. */
export function analyze(input: AnalyzeInput): Analysis {
  const { settings, problems } = Settings.resolve(
    input.version,
    input.assignments,
    input.defaults,
    input.build ?? DEFAULT_BUILD,
  );
  const model = computeModel({
    settings,
    clients: input.clients,
    groups: input.groups ?? null,
    workload: input.workload,
    ramBytes: input.ramBytes,
  });
  const topology = input.topology ?? null;
  const container = input.container ?? null;
  const findings = [
    ...(input.extraFindings ?? []),
    ...collectFindings({
      model,
      problems,
      topology,
      container,
      replicationConnections: input.replicationConnections ?? 0,
      managed: input.managed ?? null,
    }),
  ];
  const sources = workloadSources(input);
  return { report: toReport(model, findings, topology, container, sources), model, problems };
}

/** The server's workload source and each group's (in the model's group order). */
interface Sources {
  readonly server: WorkloadSource;
  readonly groups: readonly (readonly WorkloadSource[])[];
}

function workloadSources(input: AnalyzeInput): Sources {
  const { workload } = input;
  const server: WorkloadSource =
    input.workloadSource ??
    (workload.queries?.some((q) => !q.planUnknown)
      ? {
          kind: 'plans',
          origin: 'flags',
          files: [...new Set(workload.queries.filter((q) => !q.planUnknown).map((q) => q.source.replace(/#\d+$/, '')))],
        }
      : !workload.queries &&
          workload.sortOps === DEFAULT_WORKLOAD.sortOps &&
          workload.hashOps === DEFAULT_WORKLOAD.hashOps
        ? DEFAULT_WORKLOAD_SOURCE
        : { kind: 'flags', origin: 'flags' });
  const groups = (input.groups ?? []).map((g) => {
    const own = g.workload;
    if (!own) return [server];
    const sources = own.sources ?? [];
    return own.withServerQueries ? [...sources, server] : sources;
  });
  return { server, groups };
}

function sourceReport(source: WorkloadSource): PlanReport['workload']['source'] {
  return {
    kind: source.kind,
    origin: source.origin,
    app: source.app ?? null,
    preset: source.preset ?? null,
    files: [...(source.files ?? [])],
  };
}

function queryReport(q: QueryCost, hungriest: boolean): PlanReport['workload']['queries'][number] {
  return {
    source: q.source,
    planUnknown: q.planUnknown,
    hungriest,
    backendBytes: q.queryBytes,
    workers: q.workers,
    workersBytes: q.workersBytes,
    nodes: q.nodes.map((n) => ({
      kind: n.kind,
      nodeType: n.nodeType,
      budget: n.budget,
      budgetBytes: n.budgetBytes,
      workers: n.workers,
      processes: n.processes,
      ...(n.path !== undefined && { path: n.path }),
      ...(n.measuredBytes !== undefined && { measuredBytes: n.measuredBytes }),
    })),
  };
}

/** Maps the model to the report field by field, so a refactor cannot change the contract by accident. */
function toReport(
  model: MemoryModel,
  findings: Finding[],
  topology: ResolvedTopology | null,
  container: ContainerSpec | null,
  sources: Sources,
): PlanReport {
  const s = model.input.settings;
  const settings: PlanReport['settings'] = {};
  for (const name of MEMORY_SETTINGS) {
    if (!s.has(name)) continue;
    const resolved = s.get(name);
    const bytes = resolvedBytes(model, name);
    settings[name] = {
      setting: resolved.setting,
      unit: resolved.unit,
      ...(bytes !== null && { bytes }),
      source: resolved.source,
    };
  }
  const { workload } = model.input;
  const server = model.perBackend;
  const hungriest = server.queries[server.hungriest]!;
  const sortNodes = hungriest.nodes.filter((n) => n.budget === 'work_mem').length;
  return {
    schemaVersion: SCHEMA_VERSION,
    pgVersion: s.version,
    build: s.build,
    settings,
    workload: {
      sortOps: sortNodes,
      hashOps: hungriest.nodes.length - sortNodes,
      parallel: model.parallel.workersPerQuery > 0,
      parallelWorkersPerQuery: model.parallel.workersPerQuery,
      tempBuffers: workload.tempBuffers,
      maintenanceOps: workload.maintenanceOps,
      logicalSenders: model.logicalSenders,
      backendBaselineBytes: model.perBackend.baselineBytes,
      source: sourceReport(sources.server),
      queries: server.queries.map((q, i) => queryReport(q, i === server.hungriest)),
      groups: model.groups.map((g, i) => ({
        name: g.name,
        sources: (sources.groups[i] ?? [sources.server]).map(sourceReport),
        perBackendBytes: g.perBackend.worstCaseBytes,
        hungriestQuery: g.perBackend.queries[g.perBackend.hungriest]!.source,
        queries: g.ownWorkload ? g.perBackend.queries.map((q, j) => queryReport(q, j === g.perBackend.hungriest)) : [],
      })),
    },
    connections: { ...model.connections },
    sharedMemory: {
      totalBytes: model.shared.totalBytes,
      sizeMB: model.shared.sizeMB,
      hugePages: model.shared.hugePages,
      hugePageSizeBytes: model.shared.hugePageSizeBytes,
      components: model.shared.components.map((c) => ({
        id: c.id,
        name: c.name,
        bytes: c.bytes,
        ...(c.detail !== undefined && { detail: c.detail }),
        ...(c.formula !== undefined && { formula: c.formula }),
        ...(c.measured !== undefined && { measured: c.measured }),
      })),
    },
    perBackend: {
      worstCaseBytes: model.perBackend.worstCaseBytes,
      withParallelBytes: model.perBackend.withParallelBytes,
      components: model.perBackend.components.map((c) => ({ ...c })),
    },
    background: {
      worstCaseBytes: model.background.worstCaseBytes,
      components: model.background.components.map((c) => ({ ...c })),
    },
    dynamicSharedMemory: {
      worstCaseBytes: model.dynamicShared.worstCaseBytes,
      components: model.dynamicShared.components.map((c) => ({ ...c })),
    },
    totals: { ...model.totals },
    topology: {
      groups: model.groups.map((g) => ({
        name: g.name,
        connections: g.connections,
        backends: g.backends,
        perBackendBytes: g.perBackend.worstCaseBytes,
        bytes: g.bytes,
        hungriestQuery: g.perBackend.queries[g.perBackend.hungriest]!.source,
        ownWorkload: g.ownWorkload,
      })),
      apps: (topology?.apps ?? []).map((a) => ({ ...a })),
      poolers: (topology?.poolers ?? []).map((p) => ({ ...p, pools: p.pools.map((pool) => ({ ...pool })) })),
      adminConnections: topology?.adminConnections ?? 0,
      container: container ? { memoryLimitBytes: container.memoryLimitBytes, shmBytes: container.shmBytes } : null,
    },
    findings,
  };
}

/** 17+ SLRU settings whose 0 means "size from shared_buffers". */
const AUTOTUNED_SLRU = new Set(['transaction_buffers', 'commit_timestamp_buffers', 'subtransaction_buffers']);

/** A memory setting's size in bytes with the server's auto rules applied; null for non-memory settings. */
function resolvedBytes(model: MemoryModel, name: string): number | null {
  const s = model.input.settings;
  if (name === 'wal_buffers') {
    return effectiveWalBuffers({ wal_buffers: s.num('wal_buffers'), shared_buffers: s.num('shared_buffers') }) * 8192;
  }
  if (name === 'autovacuum_work_mem' && s.num(name) === -1) return s.bytes('maintenance_work_mem');
  if (AUTOTUNED_SLRU.has(name)) {
    return effectiveSlruBuffers({ [name]: s.num(name), shared_buffers: s.num('shared_buffers') }, name) * 8192;
  }
  const unit = s.get(name).unit;
  if (unit !== 'B' && unit !== 'kB' && unit !== 'MB' && unit !== '8kB') return null;
  const bytes = s.bytes(name);
  return bytes !== null && bytes >= 0 ? bytes : null;
}
