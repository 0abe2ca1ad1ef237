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

/** RssAnon of an idle auxiliary process (checkpointer, walwriter, launchers, …), upper end per version. */
export const AUX_PROCESS_BYTES: Readonly<Record<PgVersion, number>> = {
  13: Math.ceil(1.8 * MiB),
  14: Math.ceil(1.5 * MiB),
  15: Math.ceil(1.6 * MiB),
  16: Math.ceil(1.5 * MiB),
  17: Math.ceil(1.5 * MiB),
  18: Math.ceil(1.9 * MiB),
};
