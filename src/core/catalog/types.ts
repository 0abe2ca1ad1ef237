import type { PgVersion } from '../versions.js';

/** The value type of a setting, as `pg_settings.vartype` names it. */
export type GucType = 'bool' | 'integer' | 'real' | 'string' | 'enum';

/**
 * The base unit of a setting, exactly as `pg_settings.unit` shows it.
 * Memory: B, kB, MB, 8kB (pages). Time: us, ms, s, min. Null when unitless.
 */
export type GucUnit = 'B' | 'kB' | 'MB' | '8kB' | 'us' | 'ms' | 's' | 'min' | null;

/** The GUC context, as `pg_settings.context` names it. */
export type GucContext = 'internal' | 'postmaster' | 'sighup' | 'superuser-backend' | 'backend' | 'superuser' | 'user';

/** One server setting of one PostgreSQL major version. */
export interface GucDefinition {
  /** Lower-case name, as in pg_settings.name. */
  readonly name: string;
  readonly type: GucType;
  readonly unit: GucUnit;
  readonly context: GucContext;
  /** Built-in (boot) value, as pg_settings.boot_val shows it, in the base unit. */
  readonly boot: string;
  /** Range for integer and real settings, in the base unit. */
  readonly min?: number;
  readonly max?: number;
  /** Accepted enum values (visible ones first, as pg_settings.enumvals lists them). */
  readonly enumValues?: readonly string[];
  /** Enum spellings the server also accepts but does not list (e.g. "true" for huge_pages). */
  readonly hiddenEnumValues?: readonly string[];
  /**
   * Enum spellings (lower-case) the server shows as another value, because several entries share one
   * internal value (huge_pages "true" → "on", wal_compression "on" → "pglz" in 15+).
   */
  readonly enumCanonical?: Readonly<Record<string, string>>;
  /** True for GUC_NO_SHOW_ALL settings: absent from pg_settings, yet a configuration file may name them. */
  readonly hidden?: boolean;
}

/** All settings of one major version, keyed by lower-case name. */
export interface VersionCatalog {
  readonly version: PgVersion;
  readonly gucs: ReadonlyMap<string, GucDefinition>;
  /** Old names the server maps to current ones (guc.c map_old_guc_names), lower-case old → new. */
  readonly aliases: ReadonlyMap<string, string>;
}
