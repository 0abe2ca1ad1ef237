/**
 * Private memory (RssAnon) of idle PostgreSQL processes, per major version. These are measured
 * figures, not settings: see /proc/PID/status on a fresh cluster, and `bench/backend-memory`,
 * which re-measures the client backend's baseline. Users can override the backend baseline.
 */
import type { BuildName } from './build.js';
import type { PgVersion } from './versions.js';

const MiB = 1024 * 1024;

/** RssAnon of a fresh, idle client backend, rounded up to 0.1 MiB. */
export const BACKEND_BASELINE_BYTES: Readonly<Record<PgVersion, number>> = {
  13: Math.ceil(1.9 * MiB),
  14: Math.ceil(1.9 * MiB),
  15: Math.ceil(2.0 * MiB),
  16: Math.ceil(2.0 * MiB),
  17: Math.ceil(2.0 * MiB),
  18: Math.ceil(2.2 * MiB),
};

/**
 * RssAnon of an idle auxiliary process (postmaster, checkpointer, background writer, walwriter,
 * launchers, stats collector, I/O workers), the largest of them, rounded up to 0.1 MiB. Measured on
 * fresh clusters of the embedded builds (/proc/PID/status of every child of the postmaster, 2026-11-23:
 * 1.43, 1.42, 1.48, 1.52, 1.51 and 1.55 MiB for 13–18) and kept at least at the figures of
 * pg-memory.md §3.6, where the checkpointer had run (13: 1.8 MiB stats collector, 18: 1.9 MiB checkpointer).
 */
export const AUX_PROCESS_BYTES: Readonly<Record<PgVersion, number>> = {
  13: Math.ceil(1.8 * MiB),
  14: Math.ceil(1.5 * MiB),
  15: Math.ceil(1.6 * MiB),
  16: Math.ceil(1.6 * MiB),
  17: Math.ceil(1.6 * MiB),
  18: Math.ceil(1.9 * MiB),
};

/** Idle backend RssAnon of Debian's postgresql-15 (LLVM, lz4, zstd, GSSAPI), rounded up to 0.1 MiB. */
export const DISTRIBUTION_15_BASELINE_BYTES = Math.ceil(3.1 * MiB);

/**
 * RssAnon of a fresh, idle client backend of a build. Embedded: measured per version. Distribution:
 * measured on Debian's 15 (3.0–3.1 MiB against 2.0 MiB embedded: the shared libraries of LLVM,
 * GSSAPI, lz4 and zstd relocate and initialise private pages); other versions take the embedded
 * figure plus the difference measured on 15.
 */
export function backendBaselineBytes(version: PgVersion, build: BuildName): number {
  if (build === 'embedded') return BACKEND_BASELINE_BYTES[version];
  return BACKEND_BASELINE_BYTES[version] + (DISTRIBUTION_15_BASELINE_BYTES - BACKEND_BASELINE_BYTES[15]);
}

/** Where a model term was measured, shown beside its formula. */
export const MEASURED_BY = 'bench/backend-memory --probes (docs/backend-memory.md)';

/** The node classes that have an allowance of their own. */
export type AllowanceKind =
  | 'sort'
  | 'incremental-sort'
  | 'tuplestore'
  | 'bitmap'
  | 'hash-join'
  | 'hash-aggregate'
  | 'memoize'
  | 'parallel-hash';

/** Budget × factor + bytes: what a node was measured to hold at most. */
export interface Allowance {
  readonly factor: number;
  readonly bytes: number;
}

const a = (factor: number, bytes = MiB / 2): Allowance => ({ factor, bytes });

/**
 * HashAggregate's factor over hash_mem. The spill check (nodeAgg.c, hash_agg_check_limits) counts the
 * bucket array with the entries, but when the array doubles (simplehash's grow: the new array is
 * allocated and filled before the old one is freed) the old and new arrays and the entries are held at
 * once. Where that happens depends on how many entries fit, so the peak cycles between 1.0 × and the
 * factor below as hash_mem grows, repeating at each doubling of it, and is highest where the entries
 * are smallest (narrow keys: the array is the larger share). RssAnon over the idle backend, 1M int keys,
 * work_mem 4MB to 32MB in 1MB steps × hash_mem_multiplier 2 (bench/backend-memory --probes --only
 * "HashAggregate (int keys, array doubling)" --probe-work-mem …): highest 1.73–1.75 × hash_mem on 15
 * (16MB, 31MB; 13 as 15 at 16MB), 1.84 × on 16 and 17 (7MB, 14MB, 28MB), 1.88 × on 18 (9MB, 18MB);
 * a 20-byte key 1.49 (15) to 1.65 × (18), an md5 text key up to 1.44 ×, at other work_mem. SELECT
 * DISTINCT (no aggregate) peaks as int keys with count(*).
 */
export const HASH_AGGREGATE_FACTOR: Readonly<Record<PgVersion, number>> = {
  13: 1.75,
  14: 1.75,
  15: 1.75,
  16: 1.9,
  17: 1.9,
  18: 1.9,
};

/**
 * What a node holds at most, per kind and version, as budget × factor + bytes, measured by
 * `bench/backend-memory --probes` (RssAnon peaks of the first run in a session; later runs are the
 * session term below). The budget is work_mem (hash_mem for hash kinds; an Incremental Sort's is
 * its prefix tuplesort's; the full-sort one keeps at most 65 tuples, within the allowance). A Parallel Hash's private part is its bytes alone:
 * its table lives in dynamic shared memory (PARALLEL_HASH_DSM).
 */
export const NODE_ALLOWANCES: Readonly<Record<PgVersion, Readonly<Record<AllowanceKind, Allowance>>>> = {
  13: upTo16(1.6, HASH_AGGREGATE_FACTOR[13]),
  14: upTo16(1.6, HASH_AGGREGATE_FACTOR[14]),
  15: upTo16(1.6, HASH_AGGREGATE_FACTOR[15]),
  16: upTo16(1.4, HASH_AGGREGATE_FACTOR[16]),
  17: from17(HASH_AGGREGATE_FACTOR[17]),
  18: from17(HASH_AGGREGATE_FACTOR[18]),
};

/**
 * 13–16. Sort, tuplestore, incremental sort: first runs peak 1.02–1.03 × work_mem + 0.4 MiB (6.7% at
 * 64MB on 13 and 14). Hash join: 60–80% of hash_mem (power-of-two batches). HashAggregate:
 * HASH_AGGREGATE_FACTOR. Memoize: the cache's accounting leaves out allocator rounding, 1.57 ×
 * hash_mem at 16MB × 2 on 14 and 15, 1.34 on 16.
 */
function upTo16(memoize: number, hashAggregate: number): Readonly<Record<AllowanceKind, Allowance>> {
  return {
    sort: a(1.07),
    'incremental-sort': a(1.07),
    tuplestore: a(1.07),
    bitmap: a(1.07),
    'hash-join': a(1.05),
    'hash-aggregate': a(hashAggregate, MiB),
    memoize: a(memoize),
    'parallel-hash': a(0, MiB),
  };
}

/**
 * 17–18. A single sort's first run peaks 1.03 × work_mem + 0.4 MiB; two sorts under a hash join
 * 1.13 × their budgets (bench/backend-memory's grid). HashAggregate: HASH_AGGREGATE_FACTOR.
 * Memoize 1.34 ×.
 */
function from17(hashAggregate: number): Readonly<Record<AllowanceKind, Allowance>> {
  return {
    sort: a(1.12),
    'incremental-sort': a(1.12),
    tuplestore: a(1.12),
    bitmap: a(1.12),
    'hash-join': a(1.05),
    'hash-aggregate': a(hashAggregate, MiB),
    memoize: a(1.4),
    'parallel-hash': a(0, MiB),
  };
}

/** The kinds whose largest allowance a node of unknown type takes. */
export const SORT_CLASS: readonly AllowanceKind[] = ['sort', 'incremental-sort', 'tuplestore', 'bitmap'];
export const HASH_CLASS: readonly AllowanceKind[] = ['hash-join', 'hash-aggregate', 'memoize'];

/**
 * Repeated queries in one session: glibc keeps the heap an earlier query freed and the next one
 * reuses it fragmented, so later runs peak above the first. Measured as (peak of later runs − peak
 * of the first) / the node's budget, once per backend (three stacked sorts do not add it up):
 * sorts 0.59 (16MB) and 0.35 (64MB) on 15, 0.37 and 0.25 on 18; tuplestores 0.11–0.12. Hash nodes grow
 * by at most 0.03 of hash_mem (HASH_SESSION_HEAP_SHARE).
 */
export const SESSION_HEAP_SHARE: Readonly<Record<PgVersion, number>> = {
  13: 0.6,
  14: 0.6,
  15: 0.6,
  16: 0.6,
  17: 0.4,
  18: 0.4,
};

/** The session term of hash nodes: the share of the largest hash budget. */
export const HASH_SESSION_HEAP_SHARE = 0.05;

/**
 * A Parallel Hash's shared table in dynamic shared memory: hash_mem × (Workers Planned + 1) × factor +
 * bytes per node (nodeHash.c, ExecChooseHashTableSize; batch growth keeps old and new buckets).
 */
export const PARALLEL_HASH_DSM: Allowance = { factor: 1.35, bytes: MiB / 2 };
// Measured: a table planned at one batch that fills it, 95.4 MiB for 16MB × 2 × 3 = 96 MiB (1.0×),
// launched or not; under load (bench/real-load) the batches double and peak at 125 MiB per query
// for the same budget (1.31×).

/**
 * JIT compilation (LLVM): what a process that compiles a query holds beyond the same query without
 * JIT, RssAnon, on Debian's 15, by the tier its plan's JIT section shows (bench/backend-memory
 * --probes --jit-tiers: eleven probes of 4–15 planned functions, jit off and each tier forced through
 * the jit_*_above_cost settings, 3 runs each). Largest deltas: expressions and deforming alone
 * +8.2–13.4 MiB (most +9.4–9.9; 13.4 for three sorts), optimized +15.4, inlined +23.8, inlined and
 * optimized +27.8 (three sorts; the others 20.2–24.0). Inlining is what costs: LLVM loads the
 * bitcode of the functions it inlines. Parallel workers measured the same (+9.8 plain, +23.2 full).
 * Applies to every backend and parallel worker when jit = on and the build has LLVM.
 */
export const JIT_TIER_BYTES = {
  /** Expressions and deforming only (cost below jit_optimize_above_cost and jit_inline_above_cost). */
  plain: 15 * MiB,
  /** Optimized (PGJIT_OPT3), not inlined. */
  optimized: 17 * MiB,
  /** Inlined (PGJIT_INLINE), not optimized. */
  inlined: 26 * MiB,
  /** Inlined and optimized: the top tier. */
  full: 30 * MiB,
} as const;

/** JIT's term for a tier. */
export function jitTierBytes(tier: { readonly inline: boolean; readonly optimize: boolean }): number {
  if (tier.inline) return tier.optimize ? JIT_TIER_BYTES.full : JIT_TIER_BYTES.inlined;
  return tier.optimize ? JIT_TIER_BYTES.optimized : JIT_TIER_BYTES.plain;
}

/** The top tier: what pgmem counts where it does not know the plan (counts, presets). */
export const JIT_BYTES = JIT_TIER_BYTES.full;
