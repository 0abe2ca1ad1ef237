/** Types for shmem-oracle.mjs: the real PostgreSQL server as the oracle for the shared-memory model. */
import type { PgVersion } from '../../src/core/versions.js';

/** Result of one server run: the exact segment size, or the server's complaint about the settings. */
export type ServerShmemResult = { ok: true; bytes: number } | { ok: false; error: string };

/** Directory holding the `postgres` binary of a major version, or null. */
export function oracleBinDir(version: PgVersion): string | null;
/** Versions 13–18 whose binaries are installed. */
export function oracleVersions(): PgVersion[];
/** True when the host has huge pages reserved, which defeats the failing-mmap method. */
export function hugePagesReserved(): boolean;
/** Exact size in bytes of the segment the postmaster requests for `settings` (values as for `-c`). */
export function serverShmemBytes(version: PgVersion, settings: Record<string, string | number>): ServerShmemResult;
/** `postgres -C name` (15+): shared_memory_size, shared_memory_size_in_huge_pages. */
export function serverShowComputed(version: PgVersion, name: string, settings: Record<string, string | number>): string;
/** Boot values (initdb's shared_buffers and max_connections) of the settings that size shared memory, base units. */
export function shmemDefaults(version: PgVersion): Record<string, string | number>;
/** A seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number;
/** A random configuration, accepted by the server, of every setting that sizes shared memory for `version`. */
export function randomShmemSettings(version: PgVersion, random: () => number): Record<string, string | number>;
