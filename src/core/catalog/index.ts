import { BUILD_FEATURES, DEFAULT_BUILD, type BuildName } from '../build.js';
import type { PgVersion } from '../versions.js';
import { BUILD_ENUM_VALUES } from './build-values.js';
import { PG13_ALIASES, PG13_GUCS, PG13_INITDB_CONF } from './pg13.js';
import { PG14_ALIASES, PG14_GUCS, PG14_INITDB_CONF } from './pg14.js';
import { PG15_ALIASES, PG15_GUCS, PG15_INITDB_CONF } from './pg15.js';
import { PG16_ALIASES, PG16_GUCS, PG16_INITDB_CONF } from './pg16.js';
import { PG17_ALIASES, PG17_GUCS, PG17_INITDB_CONF } from './pg17.js';
import { PG18_ALIASES, PG18_GUCS, PG18_INITDB_CONF } from './pg18.js';
import type { GucDefinition, VersionCatalog } from './types.js';

export type { GucContext, GucDefinition, GucType, GucUnit, VersionCatalog } from './types.js';

interface GeneratedCatalog {
  readonly gucs: readonly GucDefinition[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly initdb: Readonly<Record<string, string>>;
}

// Functions, so that a version's data is touched only when that version is asked for.
const GENERATED: Readonly<Record<PgVersion, () => GeneratedCatalog>> = {
  13: () => ({ gucs: PG13_GUCS, aliases: PG13_ALIASES, initdb: PG13_INITDB_CONF }),
  14: () => ({ gucs: PG14_GUCS, aliases: PG14_ALIASES, initdb: PG14_INITDB_CONF }),
  15: () => ({ gucs: PG15_GUCS, aliases: PG15_ALIASES, initdb: PG15_INITDB_CONF }),
  16: () => ({ gucs: PG16_GUCS, aliases: PG16_ALIASES, initdb: PG16_INITDB_CONF }),
  17: () => ({ gucs: PG17_GUCS, aliases: PG17_ALIASES, initdb: PG17_INITDB_CONF }),
  18: () => ({ gucs: PG18_GUCS, aliases: PG18_ALIASES, initdb: PG18_INITDB_CONF }),
};

const catalogs = new Map<string, VersionCatalog>();

/** A generated definition with the enum entries the build's options compile in. */
function forBuild(version: PgVersion, build: BuildName, definition: GucDefinition): GucDefinition {
  const features = BUILD_FEATURES[build];
  let enumValues = definition.enumValues;
  for (const extra of BUILD_ENUM_VALUES) {
    if (extra.setting !== definition.name || version < extra.since || !enumValues) continue;
    const added = extra.values.filter((v) => features[v.feature]).map((v) => v.value);
    const at = enumValues.indexOf(extra.after);
    if (at < 0) throw new Error(`catalog ${version}: ${definition.name} has no "${extra.after}" entry`);
    enumValues = [...enumValues.slice(0, at + 1), ...added, ...enumValues.slice(at + 1)];
  }
  return enumValues === definition.enumValues ? definition : { ...definition, enumValues };
}

/**
 * The settings of one major version as a build has them, keyed by lower-case name (built once per
 * version and build).
 */
export function getCatalog(version: PgVersion, build: BuildName = DEFAULT_BUILD): VersionCatalog {
  const key = `${version}:${build}`;
  const cached = catalogs.get(key);
  if (cached) return cached;
  const generated = GENERATED[version]();
  const catalog: VersionCatalog = {
    version,
    gucs: new Map(generated.gucs.map((g) => [g.name, forBuild(version, build, g)])),
    aliases: new Map(Object.entries(generated.aliases)),
  };
  catalogs.set(key, catalog);
  return catalog;
}

/**
 * Looks a setting up by name, case-insensitively, following old names the server still maps
 * (guc.c find_option → map_old_guc_names: `sort_mem` is `work_mem`), with the enum values the build
 * accepts. Undefined when unknown.
 */
export function findGuc(version: PgVersion, name: string, build: BuildName = DEFAULT_BUILD): GucDefinition | undefined {
  const catalog = getCatalog(version, build);
  const lower = name.toLowerCase();
  return catalog.gucs.get(lower) ?? catalog.gucs.get(catalog.aliases.get(lower) ?? '');
}

/**
 * Every non-comment setting initdb writes into a fresh postgresql.conf for a version, as read from an
 * initdb'd data directory. The locale and time zone lines mirror the generating host (C, Etc/UTC).
 */
export function initdbConf(version: PgVersion): Readonly<Record<string, string>> {
  return GENERATED[version]().initdb;
}

/**
 * The initdb-written settings that matter for memory, identical in 13–18. Every other line initdb
 * writes (max_wal_size, min_wal_size, dynamic_shared_memory_type, autovacuum_worker_slots in 18, …)
 * equals its boot value. initdb probes the host before choosing these (initdb.c
 * test_config_settings: max_connections 100 down to 25, shared_buffers 128MB down to 128kB), so they
 * are the values on any host able to run the defaults.
 */
export const INITDB_SETTINGS: Readonly<Record<string, string>> = {
  max_connections: '100',
  shared_buffers: '128MB',
};
