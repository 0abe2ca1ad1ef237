/**
 * Private memory (RssAnon) of idle PostgreSQL processes, per major version. These are measured
 * figures, not settings: see /proc/PID/status on a fresh cluster, and `bench/backend-memory`,
 * which re-measures the client backend's baseline. Users can override the backend baseline.
 */
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

/**
 * What a sort or hash node holds beyond its budget (work_mem, or work_mem × hash_mem_multiplier):
 * allocator overhead, merge and batch buffers, and heap glibc keeps after an earlier node frees it.
 * Measured by `bench/backend-memory` (RssAnon peaks of real queries, docs/backend-memory.md):
 * in 13–16 a node peaks at most 6.7% plus 0.4 MiB over its budget; in 17 and 18 a plan of two sorts
 * under a hash join peaks about 1.5 × its budgets, and 18's HashAggregate reports up to 22% over its
 * own limit (RssAnon 44%). Per node: budget × factor + bytes.
 */
export const NODE_ALLOWANCE: Readonly<Record<PgVersion, { readonly sort: number; readonly hash: number; readonly bytes: number }>> = {
  13: { sort: 1.07, hash: 1.05, bytes: MiB / 2 },
  14: { sort: 1.07, hash: 1.05, bytes: MiB / 2 },
  15: { sort: 1.07, hash: 1.05, bytes: MiB / 2 },
  16: { sort: 1.07, hash: 1.05, bytes: MiB / 2 },
  17: { sort: 1.5, hash: 1.5, bytes: MiB / 2 },
  18: { sort: 1.5, hash: 1.5, bytes: MiB / 2 },
};
