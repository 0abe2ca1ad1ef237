/** Types for shmem-oracle.mjs: the real PostgreSQL server as the oracle for the shared-memory model. */
import type { BuildName } from '../../src/core/build.js';
import type { PgVersion } from '../../src/core/versions.js';
import type { TestServer } from './pg-binaries.mjs';

/** Result of one server run: the exact segment size, or the server's complaint about the settings. */
export type ServerShmemResult = { ok: true; bytes: number } | { ok: false; error: string };

/** Directory holding the `postgres` binary of a major version and build (default embedded), or null. */
export function oracleBinDir(version: PgVersion, build?: BuildName): string | null;
/** Versions 13–18 whose embedded binaries are installed. */
export function oracleVersions(): PgVersion[];
/** The servers the oracle runs on (embedded 13–18, Debian's); missing ones fail in CI, are reported outside it. */
export function oracleServers(suite: string): (TestServer & { version: PgVersion })[];
/** True when the host has huge pages reserved, which defeats the failing-mmap method. */
export function hugePagesReserved(): boolean;
/** Exact size in bytes of the segment the postmaster requests for `settings` (values as for `-c`). */
export function serverShmemBytes(
  version: PgVersion,
  settings: Record<string, string | number>,
  build?: BuildName,
): ServerShmemResult;
/** `postgres -C name` (15+): shared_memory_size, shared_memory_size_in_huge_pages. */
export function serverShowComputed(
  version: PgVersion,
  name: string,
  settings: Record<string, string | number>,
  build?: BuildName,
): string;
/** Boot values (initdb's shared_buffers and max_connections) of the settings that size shared memory, base units. */
export function shmemDefaults(version: PgVersion): Record<string, string | number>;
/** A seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number;
/** A random configuration, accepted by the server, of every setting that sizes shared memory for `version`. */
export function randomShmemSettings(version: PgVersion, random: () => number): Record<string, string | number>;
