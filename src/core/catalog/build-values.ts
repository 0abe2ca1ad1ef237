/**
 * Setting values that exist only when the server was built with an option. The generated catalogs
 * (pg13.ts … pg18.ts) come from the embedded builds, which have none of these options; a
 * distribution build's enum lists carry the extra entries, in the server's own order, because the
 * config_enum_entry arrays compile them in under #ifdef. Everything the server says about such a
 * value (the "Available values" hint, pg_settings.enumvals) follows from the list.
 */
import type { BuildFeatures } from '../build.js';
import type { PgVersion } from '../versions.js';

/** Entries a build option adds to one enum setting, inserted after `after`. */
export interface BuildEnumValues {
  readonly setting: string;
  /** The first major version with these entries. */
  readonly since: PgVersion;
  /** The entry they follow in the server's list. */
  readonly after: string;
  readonly values: readonly { readonly value: string; readonly feature: keyof BuildFeatures }[];
}

/** Every build-dependent enum entry of 13–18. */
export const BUILD_ENUM_VALUES: readonly BuildEnumValues[] = [
  // access/common/toast_compression.c (14+), default_toast_compression_options in guc.c / guc_tables.c:
  // {"pglz", …}, #ifdef USE_LZ4 {"lz4", …} #endif.
  { setting: 'default_toast_compression', since: 14, after: 'pglz', values: [{ value: 'lz4', feature: 'lz4' }] },
  // wal_compression_options (15+, guc.c / guc_tables.c): {"pglz"}, #ifdef USE_LZ4 {"lz4"}, #ifdef
  // USE_ZSTD {"zstd"}, then "on", "off" and the hidden bool spellings. In 13–14 it is a bool.
  {
    setting: 'wal_compression',
    since: 15,
    after: 'pglz',
    values: [
      { value: 'lz4', feature: 'lz4' },
      { value: 'zstd', feature: 'zstd' },
    ],
  },
  // io_method_options (18, storage/aio/aio.c): {"sync"}, {"worker"}, #ifdef IOMETHOD_IO_URING_ENABLED
  // (USE_LIBURING, not EXEC_BACKEND) {"io_uring"}.
  { setting: 'io_method', since: 18, after: 'worker', values: [{ value: 'io_uring', feature: 'liburing' }] },
];
