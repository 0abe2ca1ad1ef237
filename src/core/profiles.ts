/**
 * What differs between PostgreSQL major versions, one profile per version: the struct sizes the
 * *ShmemSize() functions multiply, the auxiliary processes and slots, the features a version has and
 * the wording of the messages pgmem reproduces. The code reads these fields instead of comparing
 * version numbers. Each version's profile is the one before it with what that major changed, so
 * supporting a new major is one `after(...)` entry here plus its generated catalog
 * (scripts/generate-catalog.ts) and measured baselines (src/core/baselines.ts); the supported versions
 * are the keys of VERSION_PROFILES.
 *
 * Sizes are for x86-64 Linux builds. They are not numbers in the source: they were derived from each
 * version's struct definitions and confirmed on the real servers (pg_shmem_allocations and the exact
 * segment size the postmaster logs at DEBUG3; test/support/shmem-oracle.mjs).
 */

/** sizeof() and fixed parts of the structures in the main shared memory segment (x86-64). */
export interface StructSizes {
  /** MAXALIGN(sizeof(HASHHDR)) (dynahash.c); 13 still had the ffactor field. */
  readonly hashHeader: number;
  /** sizeof(XLogCtlData) (xlog.c). */
  readonly xlogCtl: number;
  /** MAXALIGN(sizeof(SlruSharedData)) (slru.h). */
  readonly slruShared: number;
  /** The page_number[] entry of an SLRU slot (slru.h): int (13–16) or int64 (17+). */
  readonly slruPageNumber: number;
  /** A buffer's I/O interlock (buf_init.c): LWLockMinimallyPadded (13) or ConditionVariableMinimallyPadded (14+). */
  readonly bufferIoLock: number;
  /** The I/O alignment BufferShmemSize() adds to the buffer pool: PG_IO_ALIGN_SIZE (16+), else 0. */
  readonly bufferPoolAlignment: number;
  /** sizeof(PROC_HDR) (proc.h). */
  readonly procHdr: number;
  /** sizeof(PGPROC) (proc.h). */
  readonly pgproc: number;
  /** Per-PGPROC dense arrays: PGXACT (13) or xids + subxidStates + statusFlags (14+). */
  readonly perProcDense: number;
  /** offsetof(ProcArrayStruct, pgprocnos) (procarray.c). */
  readonly procArrayHeader: number;
  /** PredXactListElementDataSize (13–15) or sizeof(SERIALIZABLEXACT) (16+) (predicate.c). */
  readonly sxactElement: number;
  /** sizeof(SerialControlData) (predicate.c). */
  readonly serialControl: number;
  /** NUM_INDIVIDUAL_LWLOCKS (lwlocknames.txt). */
  readonly individualLWLocks: number;
  /** sizeof(GlobalTransactionData) (twophase.c). */
  readonly globalTransaction: number;
  /** sizeof(BackgroundWorkerSlot) (bgworker.c). */
  readonly bgworkerSlot: number;
  /** sizeof(PgBackendStatus), sizeof(PgBackendSSLStatus) (backend_status.h). */
  readonly backendStatus: number;
  readonly backendSslStatus: number;
  /** sizeof(PgBackendGSSStatus) (backend_status.h; pgstat.h in 13): gss_princ[NAMEDATALEN], gss_auth, gss_enc, 16+ gss_deleg. */
  readonly backendGssStatus: number;
  /** sizeof(ProcSignalSlot) (procsignal.c). */
  readonly procSignalSlot: number;
  /** SInvalShmemSize() (sinvaladt.c): the 4096-message ring with its header, and a ProcState per slot. */
  readonly sinvalHeader: number;
  readonly sinvalProcState: number;
  /** CheckpointerShmemSize() (checkpointer.c): offsetof(CheckpointerShmemStruct, requests), sizeof(CheckpointerRequest). */
  readonly checkpointerHeader: number;
  readonly checkpointerRequest: number;
  /** MultiXactShmemSize() (multixact.c): the MultiXactStateData header and its per-slot arrays, per backend and per prepared transaction. */
  readonly multixactHeader: number;
  readonly multixactPerBackend: number;
  readonly multixactPerPrepared: number;
  /** AsyncShmemSize() (async.c): offsetof(AsyncQueueControl, backend), sizeof(QueueBackendStatus). */
  readonly asyncHeader: number;
  readonly asyncBackend: number;
  /** sizeof(AutoVacuumShmemStruct) MAXALIGNed, sizeof(WorkerInfoData) (autovacuum.c). */
  readonly autovacuumBase: number;
  readonly autovacuumWorker: number;
  /** sizeof(ReplicationSlot) (slot.h). */
  readonly replicationSlot: number;
  /** offsetof(WalSndCtlData, walsnds), sizeof(WalSnd) (walsender_private.h). */
  readonly walSndBase: number;
  readonly walSnd: number;
  /** sizeof(WalRcvData) (walreceiver.h). */
  readonly walRcv: number;
  /** MAXALIGN(sizeof(LogicalRepCtxStruct)), sizeof(LogicalRepWorker) (launcher.c). */
  readonly launcherBase: number;
  readonly launcherWorker: number;
  /** SlotSyncShmemSize() (slotsync.c, 17+), else 0. */
  readonly slotSync: number;
  /** PgArchShmemSize() (pgarch.c, 14+), else 0. */
  readonly pgArch: number;
  /** XLogPrefetchShmemSize() (xlogprefetcher.c) and XLogRecoveryShmemSize() (xlogrecovery.c), 15+, else 0. */
  readonly xlogPrefetch: number;
  readonly xlogRecovery: number;
  /** StatsShmemSize() (pgstat_shmem.c, 15+): MAXALIGN(sizeof(PgStat_ShmemControl)) + 256 kB DSA area; 0 before. */
  readonly stats: number;
  /** VarsupShmemSize() (varsup.c), DSMRegistryShmemSize() (dsm_registry.c), WalSummarizerShmemSize() (walsummarizer.c): 17+, else 0. */
  readonly varsup: number;
  readonly dsmRegistry: number;
  readonly walSummarizer: number;
}

/** Coefficients of MaxLivePostmasterChildren() (postmaster.c; pmchild.c in 18): a PMSignal flag per child. */
export interface PostmasterChildren {
  readonly connections: number;
  readonly walSenders: number;
  readonly autovacuumWorkers: number;
  readonly workerProcesses: number;
  readonly constant: number;
}

/** The processes and slots a version sizes beyond the settings. */
export interface ProcessLayout {
  /** NUM_AUXILIARY_PROCS (proc.h): PGPROCs of auxiliary processes (18: 6 + MAX_IO_WORKERS). */
  readonly auxiliaryProcs: number;
  /** MAX_IO_WORKERS (aio_subsys.h, 18): the I/O worker PGPROCs among the auxiliary ones; 0 before. */
  readonly maxIoWorkers: number;
  /** NumBackendStatSlots / NumProcSignalSlots beyond MaxBackends: NUM_AUXPROCTYPES (13–16) or NUM_AUXILIARY_PROCS (17+). */
  readonly statusSlotsExtra: number;
  /** Workers InitializeMaxBackends() (postinit.c) adds: the autovacuum launcher, 17+ also the slot sync worker (NUM_SPECIAL_WORKER_PROCS). */
  readonly specialWorkers: number;
  /** SInvalShmemSize(): a ProcState per backend (13–16) or per PGPROC, auxiliary ones included (17+). */
  readonly sinvalPerProc: boolean;
  readonly postmasterChildren: PostmasterChildren;
}

/** Features that change what the server sizes, runs or accepts. */
export interface VersionFeatures {
  /** min_dynamic_shared_memory reserved in the main segment (dsm.c, 14+). */
  readonly dsmReserve: boolean;
  /** huge_page_size (14+). */
  readonly hugePageSize: boolean;
  /** old_snapshot_threshold and its SnapMgrShmemSize() map (13–16). */
  readonly oldSnapshotThreshold: boolean;
  /** Cumulative statistics in shared memory (15+); before, a stats collector process. */
  readonly sharedStatistics: boolean;
  /** reserved_connections (16+). */
  readonly reservedConnections: boolean;
  /** SLRU caches in banks of 16 pages sized by the *_buffers settings (slru.c, 17+). */
  readonly slruBanks: boolean;
  /** Vacuum's TidStore grows up to the memory setting (17+); before, one dead-tuple array capped at 1 GB. */
  readonly tidStore: boolean;
  /** The WAL summarizer process (summarize_wal, 17+). */
  readonly walSummarizer: boolean;
  /** Custom wait events in shared memory (wait_event.c, 17+). */
  readonly customWaitEvents: boolean;
  /** autovacuum_worker_slots sizes autovacuum, autovacuum_max_workers caps the running workers (18). */
  readonly autovacuumWorkerSlots: boolean;
  /** max_active_replication_origins sizes replication origins (18); before, max_replication_slots. */
  readonly maxActiveReplicationOrigins: boolean;
  /** Fast-path lock arrays sized from max_locks_per_transaction (InitializeFastPathLocks(), 18). */
  readonly fastPathLockGroups: boolean;
  /** Asynchronous I/O: AioShmemSize() and io_method = worker's I/O workers (18). */
  readonly asyncIo: boolean;
  /** check_max_connections & co. reject a MAX_BACKENDS overflow per setting (13–17); 18 checks at start. */
  readonly backendSlotCheckHooks: boolean;
  /** The planner may sort an Aggregate's input for one ordered aggregate (aggpresorted, 16+). */
  readonly presortedAggregates: boolean;
  /** canonicalize_path() (path.c) resolves every "." and ".." component (15+); before, only trailing ones. */
  readonly canonicalizeInnerDots: boolean;
  /** MERGE exists and EXPLAIN can plan it (15+). */
  readonly mergeStatement: boolean;
  /** EXPLAIN (GENERIC_PLAN) plans a statement with parameters without values (16+). */
  readonly explainGenericPlan: boolean;
}

/** How the server words the messages pgmem reproduces. */
export interface MessageStyle {
  /** Out-of-range bounds printed with their unit (guc.c parse_and_validate_value, 17+). */
  readonly rangeWithUnits: boolean;
  /** GUC_check_errdetail sentences end with a period (18). */
  readonly detailPeriod: boolean;
  /** Setting names in double quotes (18's postmaster messages). */
  readonly quotedNames: boolean;
  /** set_config_option names a parameter by its own name (18); before, as the file wrote it. */
  readonly canonicalSettingNames: boolean;
}

/** Limits of settings that changed between versions. */
export interface SettingLimits {
  /** The floor check_autovacuum_work_mem raises small values to, kB: maintenance_work_mem's minimum. */
  readonly autovacuumWorkMemMinKb: number;
}

/**
 * SLRU buffer counts of versions without the *_buffers settings (13–16): fixed, but commit_ts's
 * CommitTsShmemBuffers() (commit_ts.c) is Min(commitTsMax, Max(4, NBuffers / commitTsDivisor)).
 */
export interface FixedSlruBuffers {
  readonly commitTsMax: number;
  readonly commitTsDivisor: number;
}

/** Everything pgmem knows that differs for one PostgreSQL major version. */
export interface VersionProfile {
  readonly structs: StructSizes;
  /** null where the *_buffers settings size the SLRU caches (features.slruBanks). */
  readonly fixedSlruBuffers: FixedSlruBuffers | null;
  readonly processes: ProcessLayout;
  readonly features: VersionFeatures;
  readonly messages: MessageStyle;
  readonly limits: SettingLimits;
}

/** What a major version changed from the one before it: only the fields that differ. */
interface ProfileChanges {
  readonly structs?: Partial<StructSizes>;
  readonly fixedSlruBuffers?: FixedSlruBuffers | null;
  readonly processes?: Partial<ProcessLayout>;
  readonly features?: Partial<VersionFeatures>;
  readonly messages?: Partial<MessageStyle>;
  readonly limits?: Partial<SettingLimits>;
}

/** The profile of a version: its predecessor's, with what the version changed. */
function after(previous: VersionProfile, changes: ProfileChanges): VersionProfile {
  return {
    structs: { ...previous.structs, ...changes.structs },
    fixedSlruBuffers: changes.fixedSlruBuffers === undefined ? previous.fixedSlruBuffers : changes.fixedSlruBuffers,
    processes: { ...previous.processes, ...changes.processes },
    features: { ...previous.features, ...changes.features },
    messages: { ...previous.messages, ...changes.messages },
    limits: { ...previous.limits, ...changes.limits },
  };
}

const PG13: VersionProfile = {
  structs: {
    hashHeader: 856,
    xlogCtl: 528,
    slruShared: 88,
    slruPageNumber: 4,
    bufferIoLock: 32,
    bufferPoolAlignment: 0,
    procHdr: 104,
    pgproc: 856,
    perProcDense: 12,
    procArrayHeader: 40,
    sxactElement: 168,
    serialControl: 12,
    individualLWLocks: 48,
    globalTransaction: 256,
    bgworkerSlot: 560,
    backendStatus: 424,
    backendSslStatus: 328,
    backendGssStatus: 66,
    procSignalSlot: 64,
    sinvalHeader: 65560,
    sinvalProcState: 32,
    checkpointerHeader: 64,
    checkpointerRequest: 24,
    multixactHeader: 52,
    multixactPerBackend: 8,
    multixactPerPrepared: 8,
    asyncHeader: 32,
    asyncBackend: 20,
    autovacuumBase: 5176,
    autovacuumWorker: 64,
    replicationSlot: 248,
    walSndBase: 80,
    walSnd: 96,
    walRcv: 2248,
    launcherBase: 8,
    launcherWorker: 104,
    slotSync: 0,
    pgArch: 0,
    xlogPrefetch: 0,
    xlogRecovery: 0,
    stats: 0,
    varsup: 0,
    dsmRegistry: 0,
    walSummarizer: 0,
  },
  fixedSlruBuffers: {
    commitTsMax: 16,
    commitTsDivisor: 1024,
  },
  processes: {
    auxiliaryProcs: 4,
    maxIoWorkers: 0,
    statusSlotsExtra: 7,
    specialWorkers: 1,
    sinvalPerProc: false,
    postmasterChildren: { connections: 2, walSenders: 2, autovacuumWorkers: 2, workerProcesses: 2, constant: 2 },
  },
  features: {
    dsmReserve: false,
    hugePageSize: false,
    oldSnapshotThreshold: true,
    sharedStatistics: false,
    reservedConnections: false,
    slruBanks: false,
    tidStore: false,
    walSummarizer: false,
    customWaitEvents: false,
    autovacuumWorkerSlots: false,
    maxActiveReplicationOrigins: false,
    fastPathLockGroups: false,
    asyncIo: false,
    backendSlotCheckHooks: true,
    presortedAggregates: false,
    canonicalizeInnerDots: false,
    mergeStatement: false,
    explainGenericPlan: false,
  },
  messages: {
    rangeWithUnits: false,
    detailPeriod: false,
    quotedNames: false,
    canonicalSettingNames: false,
  },
  limits: {
    autovacuumWorkMemMinKb: 1024,
  },
};

const PG14 = after(PG13, {
  structs: {
    hashHeader: 848,
    xlogCtl: 544,
    bufferIoLock: 16,
    procHdr: 120,
    pgproc: 880,
    perProcDense: 7,
    backendStatus: 432,
    backendSslStatus: 324,
    procSignalSlot: 80,
    replicationSlot: 264,
    walRcv: 2264,
    pgArch: 8,
  },
  processes: {
    auxiliaryProcs: 5,
    statusSlotsExtra: 8,
  },
  features: {
    dsmReserve: true,
    hugePageSize: true,
  },
});

const PG15 = after(PG14, {
  structs: {
    xlogCtl: 456,
    procHdr: 104,
    launcherWorker: 112,
    xlogPrefetch: 72,
    xlogRecovery: 104,
    stats: 263312,
  },
  fixedSlruBuffers: { commitTsMax: 256, commitTsDivisor: 256 },
  processes: {
    statusSlotsExtra: 6,
  },
  features: {
    sharedStatistics: true,
    canonicalizeInnerDots: true,
    mergeStatement: true,
  },
});

const PG16 = after(PG15, {
  structs: {
    bufferPoolAlignment: 4096,
    procHdr: 136,
    backendGssStatus: 67,
    procSignalSlot: 88,
    autovacuumBase: 5184,
    autovacuumWorker: 48,
    walSndBase: 104,
    walSnd: 104,
    launcherBase: 16,
    launcherWorker: 120,
    stats: 277880,
  },
  features: {
    reservedConnections: true,
    presortedAggregates: true,
    explainGenericPlan: true,
  },
});

const PG17 = after(PG16, {
  structs: {
    slruShared: 104,
    slruPageNumber: 8,
    pgproc: 888,
    procArrayHeader: 36,
    serialControl: 16,
    individualLWLocks: 53,
    bgworkerSlot: 1488,
    sinvalHeader: 65568,
    sinvalProcState: 20,
    checkpointerHeader: 56,
    checkpointerRequest: 32,
    multixactHeader: 48,
    multixactPerPrepared: 4,
    asyncHeader: 24,
    asyncBackend: 32,
    replicationSlot: 280,
    walSndBase: 112,
    launcherWorker: 128,
    slotSync: 24,
    stats: 279992,
    varsup: 72,
    dsmRegistry: 16,
    walSummarizer: 48,
  },
  fixedSlruBuffers: null,
  processes: {
    auxiliaryProcs: 6,
    specialWorkers: 2,
    sinvalPerProc: true,
  },
  features: {
    oldSnapshotThreshold: false,
    slruBanks: true,
    tidStore: true,
    walSummarizer: true,
    customWaitEvents: true,
  },
  messages: {
    rangeWithUnits: true,
  },
  limits: {
    autovacuumWorkMemMinKb: 64,
  },
});

const PG18 = after(PG17, {
  structs: {
    procHdr: 128,
    pgproc: 832,
    individualLWLocks: 54,
    backendStatus: 440,
    procSignalSlot: 128,
    autovacuumBase: 5192,
    replicationSlot: 288,
    walSnd: 96,
    walRcv: 2248,
    stats: 315552,
  },
  processes: {
    auxiliaryProcs: 38,
    maxIoWorkers: 32,
    statusSlotsExtra: 38,
    // pmchild.c: 2 × (max_connections + max_wal_senders) + autovacuum_worker_slots + max_worker_processes
    // + MAX_IO_WORKERS (32) + 12 other children.
    postmasterChildren: { connections: 2, walSenders: 2, autovacuumWorkers: 1, workerProcesses: 1, constant: 44 },
  },
  features: {
    autovacuumWorkerSlots: true,
    maxActiveReplicationOrigins: true,
    fastPathLockGroups: true,
    asyncIo: true,
    backendSlotCheckHooks: false,
  },
  messages: {
    detailPeriod: true,
    quotedNames: true,
    canonicalSettingNames: true,
  },
});

/** The profile of each supported major version: the keys are the supported versions. */
export const VERSION_PROFILES = {
  13: PG13,
  14: PG14,
  15: PG15,
  16: PG16,
  17: PG17,
  18: PG18,
} satisfies Readonly<Record<number, VersionProfile>>;
