/**
 * Settings for a machine and a connection topology whose worst case stays within RAM minus a reserve
 * for the OS and page cache. work_mem is solved with the engine itself, so the guarantee is the
 * engine's: feeding the result back into `analyze` gives a worst case within the budget. Pure.
 */
import { analyze, type Analysis } from './analyze.js';
import { findGuc } from './catalog/index.js';
import { AUTOVACUUM_MAX_SHARE } from './findings/autovacuum-memory.js';
import { HUGE_PAGES_THRESHOLD_BYTES, hugePagesReservation } from './findings/huge-pages.js';
import { MIN_HEADROOM_SHARE } from './findings/low-headroom.js';
import { formatPgSize, formatSize, plural } from './format.js';
import { DEFAULT_WORKLOAD, type ClientGroup, type Workload } from './model.js';
import { Settings, type SettingAssignment } from './settings.js';
import { largestFitting } from './solve.js';
import type { ContainerSpec, ResolvedTopology } from './topology.js';
import type { PgVersion } from './versions.js';
import { effectiveWalBuffers } from './shmem.js';
import { countsShape, type WorkloadSource } from './workload.js';
import { JIT_BYTES } from './baselines.js';
import { WORKLOAD_PROFILES, type WorkloadKind } from './presets.js';
import type { BuildName } from './build.js';

export { WORKLOAD_KINDS, WORKLOAD_PROFILES, type WorkloadKind, type WorkloadProfile } from './presets.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** The reserve for the OS and page cache when none is given: the low-headroom finding's share. */
export const DEFAULT_RESERVE_SHARE = MIN_HEADROOM_SHARE;

/** Everything a recommendation needs. */
export interface RecommendInput {
  readonly version: PgVersion;
  /** The server's build profile (default distribution). */
  readonly build?: BuildName;
  /** RAM of the machine, or the container's memory limit. */
  readonly ramBytes: number;
  readonly cpus: number;
  readonly workload: WorkloadKind;
  /** Share of RAM kept out of the worst case for the OS and page cache, 0 ≤ share < 1. */
  readonly reserveShare: number;
  /** Client connections (pods × pool); ignored when groups are given. */
  readonly clients: number | null;
  readonly groups?: readonly ClientGroup[] | null;
  readonly topology?: ResolvedTopology | null;
  readonly container?: ContainerSpec | null;
  readonly replicationConnections?: number;
  /** Settings that stay as they are (e.g. a topology file's), applied before the recommendation. */
  readonly baseAssignments?: readonly SettingAssignment[];
  /** Workload assumptions other than sort and hash nodes (temp tables, maintenance commands, …). */
  readonly workloadOverrides?: Partial<Workload>;
  /** What the server's node counts are called in the report (absent: "recommend --workload KIND"). */
  readonly serverWorkloadLabel?: string;
  /** Where the workload came from, for the plan's report; absent, the preset `workload`. */
  readonly workloadSource?: WorkloadSource;
}

/** One recommended setting: its value in postgresql.conf syntax and why. */
export interface RecommendedSetting {
  readonly name: string;
  readonly value: string;
  readonly reason: string;
}

/** Why no safe recommendation exists. */
export type RecommendFailureCode = 'shared-memory-over-budget' | 'backends-over-budget' | 'invalid-setting';

/** The outcome: safe settings with the plan they produce, or why there are none. */
export type RecommendResult =
  | {
      readonly ok: true;
      readonly settings: readonly RecommendedSetting[];
      readonly budgetBytes: number;
      readonly workload: Workload;
      /** The plan of the recommendation, with the same topology. */
      readonly analysis: Analysis;
    }
  | {
      readonly ok: false;
      readonly code: RecommendFailureCode;
      readonly message: string;
      readonly budgetBytes: number;
      /** The plan at the smallest settings tried, when there is one. */
      readonly analysis: Analysis | null;
    };

/** work_mem's minimum in kB, 13–18 (guc_tables.c: 64). */
const WORK_MEM_MIN_KB = 64;

/** A size rounded down to whole MB (whole kB below 1 MB), in postgresql.conf syntax. */
export function roundedPgSize(bytes: number): string {
  return formatPgSize(bytes >= MiB ? Math.floor(bytes / MiB) * MiB : Math.floor(bytes / KiB) * KiB);
}

/** Budget for the worst case: RAM × (1 − reserve), whole bytes. */
export function budgetFor(ramBytes: number, reserveShare: number): number {
  return Math.floor(ramBytes * (1 - reserveShare));
}

/** Computes the recommendation. */
export function recommend(input: RecommendInput): RecommendResult {
  const { version, ramBytes, cpus } = input;
  const budgetBytes = budgetFor(ramBytes, input.reserveShare);
  const reservePct = `${round(input.reserveShare * 100)}%`;
  const ram = formatSize(ramBytes);
  const profile = WORKLOAD_PROFILES[input.workload];
  const rows: RecommendedSetting[] = [];
  const add = (name: string, value: string, reason: string): void => {
    rows.push({ name, value, reason });
  };

  // Connections: the topology's backends, superusers' reserved slots, and a margin for clients the
  // topology does not list (postinit.c InitPostgres refuses ordinary roles beyond max_connections −
  // superuser_reserved_connections − reserved_connections).
  const groups = input.groups ?? null;
  if (groups === null && input.clients === null) throw new Error('recommend needs clients or a topology');
  const appClients = groups
    ? groups.filter((g) => !g.reservedSlots).reduce((n, g) => n + g.connections, 0)
    : input.clients!;
  const adminClients = groups ? groups.filter((g) => g.reservedSlots).reduce((n, g) => n + g.connections, 0) : 0;
  const reserved = Math.max(3, adminClients);
  const margin = Math.max(3, Math.ceil(appClients * 0.05));
  const maxConnections = appClients + reserved + margin;
  add(
    'max_connections',
    String(maxConnections),
    `${plural(appClients, 'topology backend')} + ${reserved} superuser_reserved_connections + ${margin} margin (5%, at least 3), every slot budgeted`,
  );
  // Every slot is budgeted, as `check` of these settings counts them: the margin for clients the
  // topology does not list, and the reserved slots its admin sessions leave free, at the server's
  // settings. Without a topology that is the model's own "every slot in use" (clients = null).
  const budgetGroups: readonly ClientGroup[] | null = groups
    ? [
        ...groups,
        { name: 'margin (unlisted clients)', connections: margin, overrides: [] },
        ...(reserved > adminClients
          ? [
              {
                name: 'superuser-reserved slots',
                connections: reserved - adminClients,
                overrides: [],
                reservedSlots: true,
              },
            ]
          : []),
      ]
    : null;
  if (reserved !== 3) {
    add(
      'superuser_reserved_connections',
      String(reserved),
      `${adminClients} admin sessions of the topology use the reserved slots`,
    );
  }

  // shared_buffers: 25% of RAM, the documentation's starting point ("Resource Consumption").
  const sharedBuffersBytes = Math.floor(ramBytes / 4 / MiB) * MiB || Math.floor(ramBytes / 4 / 8192) * 8192;
  add('shared_buffers', roundedPgSize(sharedBuffersBytes), `25% of RAM ${ram}, whole MB`);
  add(
    'effective_cache_size',
    roundedPgSize(Math.floor((ramBytes * 3) / 4)),
    `75% of RAM ${ram}: shared_buffers plus the page cache the reserve keeps; planner estimate only, allocates nothing`,
  );

  // wal_buffers: what -1 chooses (xlog.c XLOGChooseNumBuffers: shared_buffers / 32, 64 kB .. 16 MB),
  // written out so the value is visible.
  const walPages = effectiveWalBuffers({ wal_buffers: -1, shared_buffers: Math.floor(sharedBuffersBytes / 8192) });
  add(
    'wal_buffers',
    formatPgSize(walPages * 8192),
    `shared_buffers / 32 within 64kB .. 16MB (xlog.c XLOGChooseNumBuffers)`,
  );

  // Parallel query: every worker is a process from max_worker_processes (bgworker.c), and with its
  // own work_mem per node (docs, "Parallel Query"); the engine counts them.
  const workerProcesses = Math.max(8, cpus);
  const perGather = profile.workersPerGather(cpus);
  const maintenanceWorkers = Math.min(4, Math.floor(cpus / 2));
  add('max_worker_processes', String(workerProcesses), `max(8 (default), ${plural(cpus, 'CPU')})`);
  add('max_parallel_workers', String(cpus), `one per CPU (${cpus})`);
  add('max_parallel_workers_per_gather', String(perGather), profile.why);
  add('max_parallel_maintenance_workers', String(maintenanceWorkers), `half the CPUs, at most 4`);

  // Autovacuum: a worker per 4 CPUs within 3 .. 8; each may use autovacuum_work_mem (vacuumlazy.c).
  const autovacuumWorkers = Math.min(8, Math.max(3, Math.floor(cpus / 4)));
  add('autovacuum_max_workers', String(autovacuumWorkers), `${plural(cpus, 'CPU')} / 4, within 3 .. 8`);

  // maintenance_work_mem: RAM / 16 up to 2 GB, the common rule (CREATE INDEX sorts in memory up to it).
  const maintenanceBytes = Math.max(MiB, Math.min(2 * GiB, Math.floor(ramBytes / 16)));
  add('maintenance_work_mem', roundedPgSize(maintenanceBytes), `RAM ${ram} / 16, at most 2GB, at least 1MB`);

  // autovacuum_work_mem: all workers together within half the autovacuum-memory finding's share of
  // RAM, at most 1 GB (before 17 vacuum's dead-TID array is capped at 1 GB; 17's TidStore covers far
  // larger tables in 1 GB), at least 1 MB (check_autovacuum_work_mem raises smaller values in 13–16).
  const autovacuumShare = AUTOVACUUM_MAX_SHARE / 2;
  const autovacuumBytes = Math.max(MiB, Math.min(GiB, Math.floor((ramBytes * autovacuumShare) / autovacuumWorkers)));
  add(
    'autovacuum_work_mem',
    roundedPgSize(autovacuumBytes),
    `${round(autovacuumShare * 100)}% of RAM ${ram} / ${autovacuumWorkers} workers, within 1MB .. 1GB`,
  );

  // temp_buffers: each session keeps what it fills until it ends (localbuf.c), so temporary tables of
  // all backends together may take at most an eighth of the budget; never above the 8 MB default,
  // never below the 100-buffer minimum (guc_tables.c).
  const sessions = maxConnections;
  const tempPages = Math.max(100, Math.min(1024, Math.floor(budgetBytes / 8 / Math.max(sessions, 1) / 8192)));
  add(
    'temp_buffers',
    formatPgSize(tempPages * 8192),
    tempPages === 1024
      ? "the 8MB default: all sessions' temporary tables fit in an eighth of the budget"
      : `an eighth of the budget over ${plural(sessions, 'session')} (every slot), whole 8kB buffers, at least 100 (800kB)`,
  );

  // hash_mem_multiplier: 2.0, the default since 15 (guc_tables.c); hash nodes spill less than sorts
  // tolerate. The engine counts work_mem × multiplier per hash node.
  add('hash_mem_multiplier', '2', 'the default from PostgreSQL 15 on; hash nodes get 2 × work_mem');

  // jit: on LLVM builds a query over jit_above_cost compiles in its backend and in each worker, up to
  // JIT_BYTES per process (the top tier; its measurements are with JIT_TIER_BYTES); every backend at
  // once would leave work_mem little.
  add(
    'jit',
    'off',
    `JIT holds up to ${formatSize(JIT_BYTES)} per backend and parallel worker on LLVM builds; turn it on where that fits`,
  );

  // The server's workload (groups without one of their own, the margin, the reserved slots): the
  // preset's node counts unless the input gives others (a topology's workload section).
  const sortOps = input.workloadOverrides?.sortOps ?? profile.sortOps;
  const hashOps = input.workloadOverrides?.hashOps ?? profile.hashOps;
  const workload: Workload = {
    ...DEFAULT_WORKLOAD,
    ...input.workloadOverrides,
    sortOps,
    hashOps,
    queries: input.workloadOverrides?.queries ?? [
      countsShape(sortOps, hashOps, input.serverWorkloadLabel ?? `recommend --workload ${input.workload}`),
    ],
    parallel: perGather > 0,
  };
  const assignmentsWith = (extra: readonly RecommendedSetting[]): SettingAssignment[] => [
    ...(input.baseAssignments ?? []),
    ...[...rows, ...extra].map((r) => ({ name: r.name, value: r.value, source: 'recommend' })),
  ];
  const run = (extra: readonly RecommendedSetting[]): Analysis =>
    analyze({
      version,
      ...(input.build !== undefined && { build: input.build }),
      workloadSource: input.workloadSource ?? { kind: 'preset', origin: 'flags', preset: input.workload },
      assignments: assignmentsWith(extra),
      defaults: 'initdb',
      clients: null,
      groups: budgetGroups,
      topology: input.topology ?? null,
      container: input.container ?? null,
      replicationConnections: input.replicationConnections ?? 0,
      workload,
      ramBytes,
    });
  // With a topology, also every slot at the server's settings: roles that lower work_mem must not
  // hide what others may use. Without workloads of the groups' own that is what `check` of the
  // configuration file alone counts; with them, each group still runs its own queries (what `check`
  // with the topology counts, were its roles dropped): a tier of index lookups holds no sort or hash.
  const ownWorkloads = budgetGroups?.some((g) => g.workload) ?? false;
  const atServerSettings: readonly ClientGroup[] | null =
    budgetGroups && ownWorkloads ? budgetGroups.map((g) => ({ ...g, overrides: [] })) : null;
  const worstCase = (extra: readonly RecommendedSetting[], analysis: Analysis): number =>
    budgetGroups === null
      ? analysis.report.totals.worstCaseBytes
      : Math.max(
          analysis.report.totals.worstCaseBytes,
          analyze({
            version,
            ...(input.build !== undefined && { build: input.build }),
            assignments: assignmentsWith(extra),
            defaults: 'initdb',
            clients: null,
            groups: atServerSettings,
            container: input.container ?? null,
            replicationConnections: atServerSettings ? (input.replicationConnections ?? 0) : 0,
            workload,
            ramBytes,
          }).report.totals.worstCaseBytes,
        );

  // Huge pages: from the huge-pages finding's threshold on, page tables of 4 kB pages cost more than
  // reserving the pages (the engine drops them from the worst case with huge_pages = on).
  const probe = run([{ name: 'work_mem', value: `${WORK_MEM_MIN_KB}kB`, reason: '' }]);
  const sharedBytes = probe.report.sharedMemory.totalBytes;
  const hugeOn = sharedBytes >= HUGE_PAGES_THRESHOLD_BYTES;
  add('huge_pages', hugeOn ? 'on' : 'try', ''); // reason filled in once the final plan is known

  const invalid = validate(version, rows);
  if (invalid) return { ok: false, code: 'invalid-setting', message: invalid, budgetBytes, analysis: null };

  const workMemRow = (kB: number): RecommendedSetting[] => [{ name: 'work_mem', value: `${kB}kB`, reason: '' }];
  const at = (kB: number): Analysis => run(workMemRow(kB));
  const worstAt = (kB: number): number => worstCase(workMemRow(kB), at(kB));
  const atMinimum = at(WORK_MEM_MIN_KB);
  const budgetText = `${formatSize(budgetBytes)} (RAM ${ram} − ${reservePct} reserve)`;
  if (atMinimum.report.sharedMemory.totalBytes > budgetBytes) {
    return {
      ok: false,
      code: 'shared-memory-over-budget',
      message: `shared memory alone (${formatSize(atMinimum.report.sharedMemory.totalBytes)}) exceeds the budget ${budgetText}`,
      budgetBytes,
      analysis: atMinimum,
    };
  }
  if (worstAt(WORK_MEM_MIN_KB) > budgetBytes) {
    const backends = atMinimum.report.connections.backends;
    return {
      ok: false,
      code: 'backends-over-budget',
      message:
        `${plural(backends, 'backend')} (every max_connections slot) do not fit even at work_mem = ${WORK_MEM_MIN_KB}kB (the minimum): worst case ` +
        `${formatSize(worstAt(WORK_MEM_MIN_KB))} > budget ${budgetText}; fewer connections (a pooler) or more RAM`,
      budgetBytes,
      analysis: atMinimum,
    };
  }

  // work_mem: the largest value whose worst case fits, by binary search over kB (the worst case grows
  // with work_mem); then rounded down to whole MB from 1 MB on, which keeps it within the budget.
  const workMemMax = findGuc(version, 'work_mem')!.max!;
  const high = Math.max(WORK_MEM_MIN_KB, Math.min(workMemMax, Math.floor(budgetBytes / KiB)));
  const fittingKb = largestFitting(WORK_MEM_MIN_KB, high, (kB) => worstAt(kB) <= budgetBytes)!;
  const roundKb = (kB: number): number => (kB >= 1024 ? Math.floor(kB / 1024) * 1024 : kB);
  // Then capped at what the workload can defend: a server-wide work_mem is a budget for every sort
  // and hash node of every query at once, so what fits for few connections or vast RAM is no reason
  // to hand it out. Sessions that need more get it per role or per session.
  const capKb = profile.workMemCapBytes / KiB;
  const workMemKb = roundKb(Math.min(fittingKb, capKb));
  // What one backend of the server's workload holds: its node counts, or its hungriest plan's nodes.
  const perQuery = input.workloadOverrides?.queries
    ? nodesText(hungriest(atMinimum.report.workload.queries))
    : `${sortOps} sort + ${hashOps} hash nodes × 2`;
  const backends = ownWorkloads
    ? perGroupBackends(budgetGroups!, atMinimum, perQuery)
    : `${plural(atMinimum.report.connections.backends, 'backend')} × (${perQuery})`;
  add(
    'work_mem',
    formatPgSize(workMemKb * KiB),
    fittingKb <= capKb
      ? `the largest value whose worst case fits the budget ${budgetText} with ${backends} and parallel workers`
      : `the ${input.workload} cap, ${formatPgSize(profile.workMemCapBytes)}: ${profile.capWhy}; the budget would allow ` +
          `${formatPgSize(roundKb(fittingKb) * KiB)} for ${backends}, but work_mem applies to every sort and hash node of every ` +
          `query at once; give more to the sessions that need it (ALTER ROLE … SET work_mem)`,
  );

  const analysis = run([]);
  const shm = analysis.report.sharedMemory;
  const pages = `shared memory ${formatSize(shm.totalBytes)} = ${plural(shm.hugePages, 'huge page')} of ${formatSize(shm.hugePageSizeBytes)}`;
  const reservation = hugePagesReservation(shm.hugePages, shm.hugePageSizeBytes);
  const hugeIndex = rows.findIndex((r) => r.name === 'huge_pages');
  rows[hugeIndex] = {
    name: 'huge_pages',
    value: hugeOn ? 'on' : 'try',
    reason: hugeOn
      ? `${pages}: reserve them (${reservation}); at ${formatSize(HUGE_PAGES_THRESHOLD_BYTES)} and more, 4 kB page tables cost more`
      : `${pages} (${reservation} to use them); below ${formatSize(HUGE_PAGES_THRESHOLD_BYTES)} try is enough`,
  };

  const lateInvalid =
    validate(version, rows) ??
    (analysis.problems[0] ? `${analysis.problems[0].name}: ${analysis.problems[0].message}` : null);
  if (lateInvalid) return { ok: false, code: 'invalid-setting', message: lateInvalid, budgetBytes, analysis };
  // Defence in depth: never hand out settings whose own plan exceeds the budget.
  if (worstCase([], analysis) > budgetBytes) {
    return {
      ok: false,
      code: 'backends-over-budget',
      message: `the worst case ${formatSize(worstCase([], analysis))} exceeds the budget ${budgetText}`,
      budgetBytes,
      analysis,
    };
  }
  return { ok: true, settings: sortSettings(rows), budgetBytes, workload, analysis };
}

/**
 * The backends of each group and what one of them holds, for work_mem's reason: a group with a
 * workload of its own by the nodes of its hungriest query, the others (margin, reserved slots, apps
 * without one) by the server's.
 */
function perGroupBackends(groups: readonly ClientGroup[], analysis: Analysis, serverQuery: string): string {
  const reported = new Map(analysis.report.workload.groups.map((g) => [g.name, g]));
  const own: string[] = [];
  let others = 0;
  for (const group of groups) {
    const queries = group.workload ? reported.get(group.name)?.queries : undefined;
    if (!queries) {
      others += group.connections;
      continue;
    }
    own.push(`${group.name} ${group.connections} × (${nodesText(hungriest(queries))})`);
  }
  const total = groups.reduce((n, g) => n + g.connections, 0);
  return `${plural(total, 'backend')}: ${[...own, ...(others > 0 ? [`${others} others × (${serverQuery})`] : [])].join(', ')}`;
}

type ReportedQuery = Analysis['report']['workload']['queries'][number];

/** The query the report marks hungriest (the first when none is). */
function hungriest(queries: readonly ReportedQuery[]): ReportedQuery | undefined {
  return queries.find((q) => q.hungriest) ?? queries[0];
}

/** "no memory node", "7 nodes: 3 at work_mem + 4 at hash_mem". */
function nodesText(query: ReportedQuery | undefined): string {
  const nodes = query?.nodes ?? [];
  const workMem = nodes.filter((n) => n.budget === 'work_mem').length;
  return nodes.length === 0
    ? 'no memory node'
    : `${plural(nodes.length, 'node')}: ${workMem} at work_mem + ${nodes.length - workMem} at hash_mem`;
}

/** Every value must be one the server accepts for this version (range, units, check hooks), in order. */
function validate(version: PgVersion, rows: readonly RecommendedSetting[]): string | null {
  const { problems } = Settings.resolve(
    version,
    rows.map((r) => ({ name: r.name, value: r.value, source: 'recommend' })),
    'boot',
  );
  const problem = problems[0];
  if (!problem) return null;
  return problem.kind === 'unknown-setting'
    ? `PostgreSQL ${version} has no setting "${problem.name}"`
    : `${problem.name} = ${problem.value}: ${problem.message}`;
}

const ORDER = [
  'max_connections',
  'superuser_reserved_connections',
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'hash_mem_multiplier',
  'jit',
  'temp_buffers',
  'maintenance_work_mem',
  'autovacuum_work_mem',
  'autovacuum_max_workers',
  'max_worker_processes',
  'max_parallel_workers',
  'max_parallel_workers_per_gather',
  'max_parallel_maintenance_workers',
  'wal_buffers',
  'huge_pages',
];

function sortSettings(rows: readonly RecommendedSetting[]): RecommendedSetting[] {
  return [...rows].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
