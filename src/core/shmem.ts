/**
 * The main shared memory segment, byte for byte as the postmaster sizes it: CalculateShmemSize() in
 * src/backend/storage/ipc/ipci.c (PG15+; in 13/14 the same sum inline in CreateSharedMemoryAndSemaphores()),
 * and every *ShmemSize() function it adds up, per major version, for x86-64 Linux builds with 8 kB blocks,
 * 16 MB WAL segments, native spinlocks, unnamed POSIX semaphores and OpenSSL, with or without GSSAPI as the build
 * profile says (the embedded builds have none, distribution builds have it), without shared_preload_libraries.
 *
 * Struct sizes are not numbers in the source: they were derived from the struct definitions of each version and
 * confirmed on the real servers (named allocations in pg_shmem_allocations, and the exact segment size the
 * postmaster logs at DEBUG3, changing one setting at a time). See test/support/shmem-oracle.mjs.
 */
import { BUILD_FEATURES, type BuildName } from './build.js';
import type { VersionFeatures } from './profiles.js';
import { SUPPORTED_VERSIONS, versionProfile, type PgVersion } from './versions.js';

/** Settings that size shared memory, in pg_settings base units; enum/bool ones as strings. */
export type ShmemSettings = Readonly<Record<string, number | string>>;

/** One named part of the segment. */
export interface ShmemComponent {
  /** Stable kebab-case id, e.g. "buffer-pool-pages". */
  id: string;
  name: string;
  bytes: number;
  /** How it was computed for these settings, e.g. "142 processes × …". */
  detail?: string;
  /** The rule behind the figure, with its PostgreSQL source. */
  formula?: string;
  /** Where the figure was confirmed; "from source, not measured" where no server here can confirm it. */
  measured?: string;
}

/** The segment size and its parts for one version and configuration. */
export interface SharedMemoryEstimate {
  /** The segment size PostgreSQL requests (after its rounding to 8192 bytes). */
  totalBytes: number;
  /** shared_memory_size as `postgres -C` reports it: MB, rounded up. */
  sizeMB: number;
  /** shared_memory_size_in_huge_pages for the given huge_page_size (0 means the 2 MB default): floor + 1. */
  hugePages: number;
  /** The huge page size used for hugePages, in bytes. */
  hugePageSizeBytes: number;
  /** Parts of the segment, summing to totalBytes (the last is PostgreSQL's own slack and rounding). */
  components: ShmemComponent[];
  /** MaxBackends as the version computes it (PGPROC slots for processes that run transactions). */
  maxBackends: number;
}

const BLCKSZ = 8192;
/** XLOG_BLCKSZ (pg_config.h) and the 16 MB WAL segment size the builds use. */
const XLOG_BLCKSZ = 8192;
const WAL_SEGMENT_SIZE = 16 * 1024 * 1024;
const MAXIMUM_ALIGNOF = 8;
/** ALIGNOF_BUFFER (pg_config_manual.h): BUFFERALIGN(). */
const ALIGNOF_BUFFER = 32;
/** PG_CACHE_LINE_SIZE (pg_config_manual.h). */
const PG_CACHE_LINE_SIZE = 128;
/** sizeof(LWLockPadded) (lwlock.h): LWLOCK_PADDED_SIZE = PG_CACHE_LINE_SIZE. */
const LWLOCK_PADDED_SIZE = 128;
/** NAMEDATALEN (pg_config_manual.h). */
const NAMEDATALEN = 64;
const DEFAULT_HUGE_PAGE_SIZE = 2 * 1024 * 1024;

const maxAlign = (n: number): number => Math.ceil(n / MAXIMUM_ALIGNOF) * MAXIMUM_ALIGNOF;
const bufferAlign = (n: number): number => Math.ceil(n / ALIGNOF_BUFFER) * ALIGNOF_BUFFER;
const div = (a: number, b: number): number => Math.trunc(a / b);
/** next_pow2_long() in dynahash.c: smallest power of two >= n (1 for n <= 1). */
function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const COMMON_SETTINGS = [
  'shared_buffers',
  'wal_buffers',
  'max_connections',
  'max_worker_processes',
  'max_wal_senders',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'max_pred_locks_per_transaction',
  'track_activity_query_size',
  'max_replication_slots',
  'max_logical_replication_workers',
  'hot_standby',
];
/** The SLRU buffer settings of versions with SLRU banks (17+). */
const SLRU_SETTINGS = [
  'transaction_buffers',
  'commit_timestamp_buffers',
  'subtransaction_buffers',
  'multixact_offset_buffers',
  'multixact_member_buffers',
  'notify_buffers',
  'serializable_buffers',
];

/** The settings a version's computation reads (names as in pg_settings), from its profile's features. */
function shmemSettingsOf(version: PgVersion): readonly string[] {
  const f = versionProfile(version).features;
  return [
    ...COMMON_SETTINGS,
    f.autovacuumWorkerSlots ? 'autovacuum_worker_slots' : 'autovacuum_max_workers',
    ...(f.oldSnapshotThreshold ? ['old_snapshot_threshold'] : []),
    ...(f.dsmReserve ? ['min_dynamic_shared_memory'] : []),
    ...(f.hugePageSize ? ['huge_page_size'] : []),
    ...(f.slruBanks ? SLRU_SETTINGS : []),
    ...(f.maxActiveReplicationOrigins ? ['max_active_replication_origins'] : []),
    ...(f.asyncIo ? ['io_method', 'io_max_concurrency', 'io_max_combine_limit'] : []),
  ];
}

/** The settings each version's computation reads (names as in pg_settings). */
export const SHMEM_SETTINGS_BY_VERSION: Readonly<Record<PgVersion, readonly string[]>> = Object.fromEntries(
  SUPPORTED_VERSIONS.map((v) => [v, shmemSettingsOf(v)]),
) as Record<PgVersion, readonly string[]>;

/** Every setting any version's computation reads (union over SHMEM_SETTINGS_BY_VERSION). */
export const SHMEM_SETTINGS: readonly string[] = [...new Set(Object.values(SHMEM_SETTINGS_BY_VERSION).flat())];

function num(settings: ShmemSettings, name: string): number {
  const value = settings[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new Error(`shared memory: setting "${name}" missing or not a number`);
}

function bool(settings: ShmemSettings, name: string): boolean {
  const value = settings[name];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return /^(on|true|yes|1|t|y)$/i.test(value.trim());
  throw new Error(`shared memory: setting "${name}" missing`);
}

/**
 * wal_buffers in 8 kB pages as the server sizes them: -1 is XLOGChooseNumBuffers() (xlog.c),
 * shared_buffers / 32 clamped to 8 .. one WAL segment; explicit values below 4 become 4
 * (check_wal_buffers()).
 */
export function effectiveWalBuffers(settings: ShmemSettings): number {
  const configured = num(settings, 'wal_buffers');
  const pages =
    configured === -1
      ? Math.min(WAL_SEGMENT_SIZE / XLOG_BLCKSZ, Math.max(8, div(num(settings, 'shared_buffers'), 32)))
      : configured;
  return Math.max(pages, 4);
}

/**
 * hash_estimate_size() (src/backend/utils/hash/dynahash.c): header, directory, 256-bucket segments for a
 * power-of-two bucket count, and elements allocated in chunks of choose_nelem_alloc() entries.
 */
export function hashEstimateSize(version: PgVersion, numEntries: number, entrySize: number): number {
  const DEF_SEGSIZE = 256;
  const DEF_DIRSIZE = 256;
  const nBuckets = nextPow2(numEntries);
  const nSegments = nextPow2(div(nBuckets - 1, DEF_SEGSIZE) + 1);
  let nDirEntries = DEF_DIRSIZE;
  while (nDirEntries < nSegments) nDirEntries *= 2;
  // sizeof(HASHELEMENT) = 16: a link pointer and a uint32 hash value, MAXALIGNed.
  const elementSize = 16 + maxAlign(entrySize);
  // choose_nelem_alloc(): at least 32 elements, rounded so the chunk is a power of two or just under.
  let allocSize = 32 * 4;
  let nelemAlloc: number;
  do {
    allocSize *= 2;
    nelemAlloc = div(allocSize, elementSize);
  } while (nelemAlloc < 32);
  const nElementAllocs = div(numEntries - 1, nelemAlloc) + 1;
  return (
    versionProfile(version).structs.hashHeader +
    nDirEntries * 8 +
    nSegments * maxAlign(DEF_SEGSIZE * 8) +
    nElementAllocs * nelemAlloc * elementSize
  );
}

/** SimpleLruShmemSize() (src/backend/access/transam/slru.c); 17+ adds banks and 64-bit page numbers. */
function slruShmemSize(version: PgVersion, nslots: number, nlsns: number): number {
  const { structs: s, features } = versionProfile(version);
  let sz = s.slruShared;
  sz += maxAlign(nslots * 8); // page_buffer[]
  sz += maxAlign(nslots * 4); // page_status[]
  sz += maxAlign(nslots * 1); // page_dirty[]
  sz += maxAlign(nslots * s.slruPageNumber); // page_number[]
  sz += maxAlign(nslots * 4); // page_lru_count[]
  sz += maxAlign(nslots * LWLOCK_PADDED_SIZE); // buffer_locks[]
  if (features.slruBanks) {
    const nbanks = div(nslots, 16); // SLRU_BANK_SIZE
    sz += maxAlign(nbanks * LWLOCK_PADDED_SIZE); // bank_locks[]
    sz += maxAlign(nbanks * 4); // bank_cur_lru_count[]
  }
  if (nlsns > 0) sz += maxAlign(nslots * nlsns * 8); // group_lsn[]
  return bufferAlign(sz) + BLCKSZ * nslots;
}

/** SimpleLruAutotuneBuffers() (slru.c, 17+): NBuffers/divisor in whole 16-page banks, clamped. */
function slruAutotune(nbuffers: number, divisor: number, max: number): number {
  const n = div(nbuffers, divisor);
  return Math.min(max - (max % 16), Math.max(16, n - (n % 16)));
}

/**
 * Pages of a 17+ SLRU buffer setting as the server sizes them: 0 autotunes to shared_buffers / 512
 * in whole banks of 16, between 16 and 1024 (transaction_buffers, commit_timestamp_buffers and
 * subtransaction_buffers); CLOGShmemBuffers() (clog.c) also caps transaction_buffers at
 * CLOG_MAX_ALLOWED_BUFFERS, the 65536 pages covering 2^31 transactions.
 */
export function effectiveSlruBuffers(settings: ShmemSettings, name: string): number {
  const configured = num(settings, name);
  const pages = configured === 0 ? slruAutotune(num(settings, 'shared_buffers'), 512, 1024) : configured;
  return name === 'transaction_buffers' ? Math.min(pages, 65536) : pages;
}

/** MaxBackends per InitializeMaxBackends() (src/backend/utils/init/postinit.c). */
export function computeMaxBackends(version: PgVersion, settings: ShmemSettings): number {
  const { processes, features } = versionProfile(version);
  // + the autovacuum workers (18: autovacuum_worker_slots replaces autovacuum_max_workers) + the launcher,
  // 17+ also the slot sync worker (NUM_SPECIAL_WORKER_PROCS).
  return (
    num(settings, 'max_connections') +
    num(settings, 'max_worker_processes') +
    num(settings, 'max_wal_senders') +
    num(settings, autovacuumSlotsSetting(features)) +
    processes.specialWorkers
  );
}

/** The setting that sizes autovacuum's slots: autovacuum_worker_slots where the version has it. */
function autovacuumSlotsSetting(features: VersionFeatures): string {
  return features.autovacuumWorkerSlots ? 'autovacuum_worker_slots' : 'autovacuum_max_workers';
}

/**
 * io_max_concurrency as the server sets it (AioChooseMaxConcurrency(), storage/aio/aio_init.c, 18): -1 is
 * NBuffers / (MaxBackends + NUM_AUXILIARY_PROCS), between 1 and 64.
 */
export function effectiveIoMaxConcurrency(version: PgVersion, settings: ShmemSettings, maxBackends: number): number {
  const configured = num(settings, 'io_max_concurrency');
  if (configured !== -1) return configured;
  const procs = maxBackends + versionProfile(version).processes.auxiliaryProcs;
  return Math.min(64, Math.max(1, div(num(settings, 'shared_buffers'), procs)));
}

/** The system page size, sysconf(_SC_PAGESIZE) on x86-64 Linux. */
const OS_PAGE_SIZE = 4096;
const pageAlign = (n: number): number => Math.ceil(n / OS_PAGE_SIZE) * OS_PAGE_SIZE;

/**
 * sizeof(PgAioUringContext) (method_io_uring.c, 18): an LWLock (16 B: tranche, state, waiters list) and liburing's
 * struct io_uring (216 B on x86-64 in every liburing from 2.3 to 2.15: an io_uring_sq of 104 B, an io_uring_cq of
 * 88 B and 24 B of flags, fds and padding), the whole aligned to PG_CACHE_LINE_SIZE: 256 B.
 */
export const IO_URING_CONTEXT_BYTES = Math.ceil((16 + 216) / PG_CACHE_LINE_SIZE) * PG_CACHE_LINE_SIZE;

/**
 * The bytes one ring takes of the memory io_uring_queue_init_mem() is handed (its return value, which
 * pgaio_uring_check_capabilities() records as mem_init_size), for io_max_concurrency entries: io_uring_alloc_huge()
 * in liburing's setup.c rounds the submission entries up to a power of two and gives the completion queue twice as
 * many. Layouts differ by liburing release and kernel; this is the largest of them, liburing 2.9–2.14 on a kernel
 * that refuses IORING_SETUP_NO_SQARRAY (6.5): page_align(64 B ring header + page_align(sq × (64 B SQE + 4 B SQ
 * index)) + cq × 16 B CQE). liburing 2.5 (page_align(page_align(sq × 64) + cq × 16 + sq × 4)), 2.9+ with
 * NO_SQARRAY (6.6+ kernels) and 2.15 need the same or one page less.
 */
export function ioUringRingBytes(entries: number): number {
  const sq = nextPow2(entries);
  const cq = 2 * sq;
  return pageAlign(64 + pageAlign(sq * (64 + 4)) + cq * 16);
}

interface IoUringShmem {
  readonly bytes: number;
  readonly processes: number;
  readonly concurrency: number;
  readonly ringBytes: number;
}

/**
 * pgaio_uring_shmem_size() (storage/aio/method_io_uring.c, 18), io_method = io_uring: a PgAioUringContext for
 * each of pgaio_uring_procs() = MaxBackends + NUM_AUXILIARY_PROCS − MAX_IO_WORKERS processes (io workers never run
 * beside io_uring), and, where io_uring_queue_init_mem() works (liburing 2.5+, kernel 6.5+), every process's ring
 * in the segment too, after one page of alignment. Where it does not, the kernel maps each ring on its own, about
 * as large: counted here all the same, so the figure bounds the memory either way.
 */
function ioUringShmem(version: PgVersion, maxBackends: number, concurrency: number): IoUringShmem {
  const { auxiliaryProcs, maxIoWorkers } = versionProfile(version).processes;
  const processes = maxBackends + auxiliaryProcs - maxIoWorkers;
  const ringBytes = ioUringRingBytes(concurrency);
  return {
    bytes: processes * IO_URING_CONTEXT_BYTES + OS_PAGE_SIZE + processes * ringBytes,
    processes,
    concurrency,
    ringBytes,
  };
}

function ioUringNotes(u: IoUringShmem): Pick<ShmemComponent, 'detail' | 'formula' | 'measured'> {
  return {
    detail:
      `${u.processes} processes × (${IO_URING_CONTEXT_BYTES} B context + ${u.ringBytes / 1024} KiB ring of ` +
      `io_max_concurrency ${u.concurrency}) + 4 KiB alignment; from source, not measured`,
    formula:
      '(MaxBackends + 6) × (sizeof(PgAioUringContext) + ring for io_max_concurrency entries) + one page: ' +
      'pgaio_uring_shmem_size() (storage/aio/method_io_uring.c) and io_uring_alloc_huge() (liburing setup.c)',
    measured: 'from source, not measured (no server here is built with liburing)',
  };
}

/** The parts of the segment as the report names them, with their stable ids. */
const GROUP_IDS = {
  'Buffer pool pages': 'buffer-pool-pages',
  'Buffer descriptors and lookup table': 'buffer-descriptors',
  'WAL buffers': 'wal-buffers',
  'SLRU caches': 'slru-caches',
  'Lock tables': 'lock-tables',
  'Predicate lock tables': 'predicate-lock-tables',
  'PGPROC and per-backend arrays': 'per-backend-arrays',
  'Asynchronous I/O': 'asynchronous-io',
  'io_uring contexts and rings': 'io-uring',
  'Shared statistics': 'shared-statistics',
  'Dynamic shared memory reserve': 'dynamic-shared-memory-reserve',
  Replication: 'replication',
  'Other fixed structures': 'other-fixed-structures',
  'Fixed allowance for small structures': 'fixed-allowance',
  'Other (allowance and rounding)': 'allowance-and-rounding',
} as const;
type Group = Exclude<keyof typeof GROUP_IDS, 'Other (allowance and rounding)'>;

/**
 * Computes the main shared memory segment for a version, its settings (pg_settings base units) and the
 * build the server runs.
 */
export function estimateSharedMemory(
  version: PgVersion,
  settings: ShmemSettings,
  build: BuildName,
): SharedMemoryEstimate {
  const { structs: s, processes, features: f, fixedSlruBuffers } = versionProfile(version);
  const parts = new Map<Group, number>();
  const add = (group: Group, bytes: number): void => {
    parts.set(group, (parts.get(group) ?? 0) + bytes);
  };

  const nbuffers = num(settings, 'shared_buffers');
  const maxBackends = computeMaxBackends(version, settings);
  const aux = processes.auxiliaryProcs;
  const prepared = num(settings, 'max_prepared_transactions');
  const maxWorkers = num(settings, 'max_worker_processes');
  const walSenders = num(settings, 'max_wal_senders');
  const avWorkers = num(settings, autovacuumSlotsSetting(f));
  const replicationSlots = num(settings, 'max_replication_slots');
  // NumBackendStatSlots / NumProcSignalSlots.
  const slots = maxBackends + processes.statusSlotsExtra;

  // ipci.c: "100K for the stuff that's too small to bother with estimating".
  add('Fixed allowance for small structures', 100_000);

  // PGSemaphoreShmemSize(ProcGlobalSemas()) (posix_sema.c): one cache-line padded sem_t per PGPROC that can sleep;
  // SpinlockSemaSize() is 0 with native spinlocks.
  add('PGPROC and per-backend arrays', (maxBackends + aux) * PG_CACHE_LINE_SIZE);

  // ipci.c: hash_estimate_size(SHMEM_INDEX_SIZE = 64, sizeof(ShmemIndexEnt) = 48-byte key + 3 words).
  add('Other fixed structures', hashEstimateSize(version, 64, 72));

  // dsm_estimate_size() (dsm.c, 14+): min_dynamic_shared_memory MB pre-reserved in the main segment.
  if (f.dsmReserve) add('Dynamic shared memory reserve', num(settings, 'min_dynamic_shared_memory') * 1024 * 1024);

  // BufferShmemSize() (bufmgr/buf_init.c): descriptors (64 B, cache-line padded) + alignment, pages (+ I/O
  // alignment in 16+), I/O locks (13: LWLockMinimallyPadded 32 B) or condition variables (14+: 16 B) + alignment,
  // checkpoint sort array (CkptSortItem, 20 B); StrategyShmemSize() (freelist.c): buffer lookup hash table for
  // NBuffers + NUM_BUFFER_PARTITIONS entries of BufferLookupEnt (24 B) + BufferStrategyControl.
  add('Buffer pool pages', nbuffers * BLCKSZ + s.bufferPoolAlignment);
  add(
    'Buffer descriptors and lookup table',
    nbuffers * 64 +
      PG_CACHE_LINE_SIZE +
      nbuffers * s.bufferIoLock +
      PG_CACHE_LINE_SIZE +
      nbuffers * 20 +
      hashEstimateSize(version, nbuffers + 128, 24) +
      maxAlign(28),
  );

  // LockShmemSize() (lmgr/lock.c): LOCK (152 B) and PROCLOCK (64 B, twice as many) hash tables for
  // NLOCKENTS() = max_locks_per_transaction * (MaxBackends + max_prepared_transactions), plus 10 %.
  {
    const nlocks = num(settings, 'max_locks_per_transaction') * (maxBackends + prepared);
    let size = hashEstimateSize(version, nlocks, 152) + hashEstimateSize(version, nlocks * 2, 64);
    size += div(size, 10);
    add('Lock tables', size);
  }

  // PredicateLockShmemSize() (lmgr/predicate.c): PREDICATELOCKTARGET (32 B) and PREDICATELOCK (56 B) tables + 10 %,
  // 10 SERIALIZABLEXACTs per backend, SERIALIZABLEXID table, 5 RWConflicts (48 B) per SERIALIZABLEXACT, list heads,
  // SerialControlData and the serializable SLRU.
  {
    const ntargets = num(settings, 'max_pred_locks_per_transaction') * (maxBackends + prepared);
    let size = hashEstimateSize(version, ntargets, 32) + hashEstimateSize(version, ntargets * 2, 56);
    size += div(size, 10);
    const nxacts = (maxBackends + prepared) * 10;
    size += 88 + nxacts * s.sxactElement; // PredXactListDataSize + elements
    size += hashEstimateSize(version, nxacts, 16); // SERIALIZABLEXID
    size += 24 + nxacts * 5 * 48; // RWConflictPoolHeaderDataSize + RWConflictData
    size += 16; // FinishedSerializableTransactions list head
    size += s.serialControl;
    add('Predicate lock tables', size);
    add('SLRU caches', slruShmemSize(version, f.slruBanks ? num(settings, 'serializable_buffers') : 16, 0));
  }

  // ProcGlobalShmemSize() (lmgr/proc.c): PROC_HDR, PGPROCs for MaxBackends + auxiliary processes + prepared
  // transactions, the ProcStructLock spinlock, and the dense per-proc arrays (PGXACT in 13; xids, subxidStates,
  // statusFlags in 14+); 18 adds the fast-path lock arrays sized from max_locks_per_transaction.
  {
    const totalProcs = maxBackends + aux + prepared;
    let size = s.procHdr + totalProcs * s.pgproc + 1 + totalProcs * s.perProcDense;
    if (f.fastPathLockGroups) {
      // InitializeFastPathLocks() (postinit.c): groups of 16 slots, a power of two covering max_locks_per_transaction,
      // at most 1024; FastPathLockShmemSize(): a uint64 bitmap per group and an Oid per slot, each MAXALIGNed.
      const mlpx = num(settings, 'max_locks_per_transaction');
      let groups = 1;
      while (groups < 1024 && groups * 16 < mlpx) groups *= 2;
      size += totalProcs * (maxAlign(groups * 8) + maxAlign(groups * 16 * 4));
    }
    add('PGPROC and per-backend arrays', size);
  }

  // XLOGShmemSize() (access/transam/xlog.c): XLogCtlData, NUM_XLOGINSERT_LOCKS + 1 padded insert locks,
  // an LSN per page, one page of alignment, the pages. wal_buffers = -1: XLOGChooseNumBuffers() = NBuffers / 32
  // clamped to 8 .. one WAL segment; explicit values below 4 become 4 (check_wal_buffers()).
  {
    const walBuffers = effectiveWalBuffers(settings);
    add('WAL buffers', s.xlogCtl + 9 * PG_CACHE_LINE_SIZE + walBuffers * 8 + XLOG_BLCKSZ + walBuffers * XLOG_BLCKSZ);
  }

  // SLRU caches: CLOGShmemSize() (clog.c, with 1024 group LSNs per page), CommitTsShmemSize() (commit_ts.c,
  // + CommitTimestampShared), SUBTRANSShmemSize() (subtrans.c), MultiXactShmemSize() (multixact.c, two SLRUs +
  // the per-backend oldest-member/oldest-visible arrays), and the NOTIFY SLRU inside AsyncShmemSize() (async.c).
  {
    let clog: number;
    let commitTs: number;
    let subtrans: number;
    let mxOffsets: number;
    let mxMembers: number;
    let notify: number;
    if (fixedSlruBuffers === null) {
      clog = effectiveSlruBuffers(settings, 'transaction_buffers');
      commitTs = effectiveSlruBuffers(settings, 'commit_timestamp_buffers');
      subtrans = effectiveSlruBuffers(settings, 'subtransaction_buffers');
      mxOffsets = num(settings, 'multixact_offset_buffers');
      mxMembers = num(settings, 'multixact_member_buffers');
      notify = num(settings, 'notify_buffers');
    } else {
      clog = Math.min(128, Math.max(4, div(nbuffers, 512)));
      const { commitTsMax, commitTsDivisor } = fixedSlruBuffers;
      commitTs = Math.min(commitTsMax, Math.max(4, div(nbuffers, commitTsDivisor)));
      subtrans = 32;
      mxOffsets = 8;
      mxMembers = 16;
      notify = 8;
    }
    let size = slruShmemSize(version, clog, 1024);
    size += slruShmemSize(version, commitTs, 0) + 32;
    size += slruShmemSize(version, subtrans, 0);
    size += slruShmemSize(version, mxOffsets, 0) + slruShmemSize(version, mxMembers, 0);
    size += slruShmemSize(version, notify, 0);
    add('SLRU caches', size);
    add(
      'Other fixed structures',
      s.multixactHeader + s.multixactPerBackend * maxBackends + s.multixactPerPrepared * prepared,
    );
  }

  // TwoPhaseShmemSize() (twophase.c): header + pointer array (MAXALIGNed) + GlobalTransactionData per slot.
  add('PGPROC and per-backend arrays', maxAlign(16 + prepared * 8) + prepared * s.globalTransaction);

  // BackgroundWorkerShmemSize() (bgworker.c).
  add('Other fixed structures', 16 + maxWorkers * s.bgworkerSlot);

  // LWLockShmemSize() (lwlock.c): individual + buffer-mapping (128) + lock-manager (16) + predicate-lock (16)
  // partition locks, padded, + a counter and alignment slop.
  add('Other fixed structures', (s.individualLWLocks + 128 + 16 + 16) * LWLOCK_PADDED_SIZE + 4 + LWLOCK_PADDED_SIZE);

  // ProcArrayShmemSize() (procarray.c): pgprocnos[], and with hot_standby the KnownAssignedXids array and its
  // valid flags for (PGPROC_MAX_CACHED_SUBXIDS + 1) xids per proc.
  {
    const procs = maxBackends + prepared;
    let size = s.procArrayHeader + 4 * procs;
    if (bool(settings, 'hot_standby')) size += 65 * procs * 4 + 65 * procs;
    add('PGPROC and per-backend arrays', size);
  }

  // BackendStatusShmemSize() (pgstat.c in 13, backend_status.c in 14+): status, application name, client
  // host name, activity (track_activity_query_size) and SSL status per slot.
  add(
    'PGPROC and per-backend arrays',
    slots * (s.backendStatus + NAMEDATALEN * 2 + num(settings, 'track_activity_query_size') + s.backendSslStatus),
  );
  // Same function, #ifdef ENABLE_GSS (--with-gssapi): the "Backend GSS Status Buffer", a PgBackendGSSStatus per
  // slot (8,448 B = 128 × 66 on Debian's 15 at initdb defaults).
  if (BUILD_FEATURES[build].gssapi) add('PGPROC and per-backend arrays', slots * s.backendGssStatus);

  // SInvalShmemSize() (sinvaladt.c): 4096-message ring + ProcState per backend (13–16) or per proc (17+).
  add(
    'PGPROC and per-backend arrays',
    s.sinvalHeader + s.sinvalProcState * (maxBackends + (processes.sinvalPerProc ? aux : 0)),
  );

  // PMSignalShmemSize() (pmsignal.c): a flag per possible postmaster child, MaxLivePostmasterChildren().
  {
    const c = processes.postmasterChildren;
    const children =
      c.connections * num(settings, 'max_connections') +
      c.walSenders * walSenders +
      c.autovacuumWorkers * avWorkers +
      c.workerProcesses * maxWorkers +
      c.constant;
    add('PGPROC and per-backend arrays', 40 + 4 * children);
  }

  // ProcSignalShmemSize() (procsignal.c).
  add('PGPROC and per-backend arrays', 8 + slots * s.procSignalSlot);

  // CheckpointerShmemSize() (checkpointer.c): fsync request queue, one CheckpointerRequest per buffer, at most
  // MAX_CHECKPOINT_REQUESTS (10,000,000; in the current minor releases of every supported branch).
  {
    const requests = Math.min(nbuffers, 10_000_000);
    add('Other fixed structures', s.checkpointerHeader + s.checkpointerRequest * requests);
  }

  // AutoVacuumShmemSize() (autovacuum.c).
  add('Other fixed structures', s.autovacuumBase + avWorkers * s.autovacuumWorker);

  // ReplicationSlotsShmemSize() (slot.c), ReplicationOriginShmemSize() (origin.c; 18: max_active_replication_origins),
  // WalSndShmemSize() (walsender.c), WalRcvShmemSize() (walreceiverfuncs.c), ApplyLauncherShmemSize() (launcher.c),
  // 17+: SlotSyncShmemSize() (slotsync.c).
  {
    let size = replicationSlots > 0 ? replicationSlots * s.replicationSlot : 0;
    const origins = f.maxActiveReplicationOrigins ? num(settings, 'max_active_replication_origins') : replicationSlots;
    if (origins > 0) size += 8 + 56 * origins;
    size += s.walSndBase + walSenders * s.walSnd;
    size += s.walRcv;
    size += s.launcherBase + num(settings, 'max_logical_replication_workers') * s.launcherWorker;
    size += s.slotSync;
    add('Replication', size);
  }

  // PgArchShmemSize() (pgarch.c, 14+).
  add('Other fixed structures', s.pgArch);

  // SnapMgrShmemSize() (snapmgr.c, 13–16): OldSnapshotControlData, plus the xid-by-minute map when
  // old_snapshot_threshold > 0 (threshold + OLD_SNAPSHOT_PADDING_ENTRIES entries).
  if (f.oldSnapshotThreshold) {
    const ost = num(settings, 'old_snapshot_threshold');
    add('Other fixed structures', 68 + (ost > 0 ? 4 * (ost + 10) : 0));
  }

  // BTreeShmemSize() (nbtutils.c): a vacuum cycle slot per backend.
  add('Other fixed structures', 12 + 12 * maxBackends);
  // SyncScanShmemSize() (syncscan.c): 20 scan locations.
  add('Other fixed structures', 656);
  // AsyncShmemSize() (async.c): AsyncQueueControl with a QueueBackendStatus per backend + 1.
  add('Other fixed structures', s.asyncHeader + s.asyncBackend * (maxBackends + 1));

  // 15+: XLogPrefetchShmemSize() (xlogprefetcher.c), XLogRecoveryShmemSize() (xlogrecovery.c), StatsShmemSize().
  add('Other fixed structures', s.xlogPrefetch + s.xlogRecovery);
  if (f.sharedStatistics) add('Shared statistics', s.stats);

  // 17+: VarsupShmemSize() (varsup.c), DSMRegistryShmemSize() (dsm_registry.c), WalSummarizerShmemSize()
  // (walsummarizer.c), WaitEventCustomShmemSize() (wait_event.c: counter + two 128-entry hash tables).
  add('Other fixed structures', s.varsup + s.dsmRegistry + s.walSummarizer);
  if (f.customWaitEvents) {
    add('Other fixed structures', 8 + hashEstimateSize(version, 128, 72) + hashEstimateSize(version, 128, 72));
  }

  // AioShmemSize() (storage/aio/aio_init.c, 18): control struct, a PgAioBackend per process, io_max_concurrency
  // handles per process (auto: NBuffers / processes, between 1 and 64), an iovec and a uint64 per handle per
  // io_max_combine_limit page, plus the method's own part: pgaio_worker_shmem_size() (method_worker.c) for
  // io_method = worker, the submission queue (16 B + 64 ints) and control (8 B + MAX_IO_WORKERS 32 × 16 B slots);
  // nothing for sync; pgaio_uring_shmem_size() for io_uring (ioUringShmem()).
  let uring: IoUringShmem | undefined;
  if (f.asyncIo) {
    const procs = maxBackends + aux;
    const concurrency = effectiveIoMaxConcurrency(version, settings, maxBackends);
    const handles = procs * concurrency;
    let size = 56 + procs * 328 + handles * 144 + handles * num(settings, 'io_max_combine_limit') * (16 + 8);
    const method = String(settings.io_method ?? 'worker');
    if (method === 'worker') size += 272 + 520;
    add('Asynchronous I/O', size);
    if (method === 'io_uring') {
      uring = ioUringShmem(version, maxBackends, concurrency);
      add('io_uring contexts and rings', uring.bytes);
    }
  }

  const sum = [...parts.values()].reduce((a, b) => a + b, 0);
  // ipci.c: "might as well round it off to a multiple of a typical page size" — always adds, even when aligned.
  const totalBytes = sum + (8192 - (sum % 8192));
  const components: ShmemComponent[] = [...parts.entries()]
    .filter(([name]) => name !== 'Fixed allowance for small structures')
    .map(([name, bytes]) => ({
      id: GROUP_IDS[name],
      name,
      bytes,
      ...(name === 'io_uring contexts and rings' && uring !== undefined && ioUringNotes(uring)),
    }));
  components.push({
    id: GROUP_IDS['Other (allowance and rounding)'],
    name: 'Other (allowance and rounding)',
    bytes: totalBytes - sum + 100_000,
  });

  const hugePageKb = f.hugePageSize ? num(settings, 'huge_page_size') : 0;
  const hugePageSizeBytes = hugePageKb > 0 ? hugePageKb * 1024 : DEFAULT_HUGE_PAGE_SIZE;
  return {
    totalBytes,
    // InitializeShmemGUCs() (ipci.c, 15+): shared_memory_size rounds up to whole MB.
    sizeMB: Math.ceil(totalBytes / (1024 * 1024)),
    // InitializeShmemGUCs() (ipci.c): size_b / hp_size + 1, one page too many when the size is an exact multiple.
    hugePages: div(totalBytes, hugePageSizeBytes) + 1,
    hugePageSizeBytes,
    components,
    maxBackends,
  };
}
