/**
 * A resolved set of server settings for one major version: every value validated with the
 * server's own rules, stored as `pg_settings.setting` shows it, with where it came from.
 */
import { DEFAULT_BUILD, type BuildName } from './build.js';
import { findGuc, getCatalog, INITDB_SETTINGS } from './catalog/index.js';
import type { GucDefinition, GucUnit } from './catalog/types.js';
import { parseSettingValue, settingBytes, type ParsedSetting } from './units.js';
import type { PgVersion } from './versions.js';

/** Where a value came from: "default", "initdb", "flag", "topology" or "<file>:<line>". */
export type SettingSource = string;

/** One setting after resolution. */
export interface ResolvedSetting {
  readonly name: string;
  /** As pg_settings.setting shows it, in the base unit ("16384" for 128MB of shared_buffers). */
  readonly setting: string;
  readonly unit: GucUnit;
  readonly source: SettingSource;
  readonly definition: GucDefinition;
}

/** A value to apply on top of the defaults, as the user wrote it. */
export interface SettingAssignment {
  readonly name: string;
  readonly value: string;
  readonly source: SettingSource;
}

/** Why an assignment could not be applied, in the server's words. */
export interface SettingProblem {
  readonly name: string;
  readonly value: string;
  readonly source: SettingSource;
  readonly kind: 'unknown-setting' | 'invalid-value';
  readonly message: string;
  readonly hint?: string;
  readonly detail?: string;
}

/**
 * Which defaults apply to settings nobody set: "initdb" is a fresh cluster (initdb writes
 * shared_buffers and max_connections into postgresql.conf), "boot" the server's built-in values,
 * which is what a setting absent from a configuration file that is read gets.
 */
export type DefaultsBase = 'initdb' | 'boot';

/**
 * The server's validation of values in the order it applies them (guc.c set_config_option): each
 * value parsed for its version, and the cross-setting check hooks (MAX_BACKENDS, …) given the values
 * applied before it. The one validator behind configuration files, flags, topology and role settings,
 * and live servers' values: the same values give the same verdict whichever way they come.
 */
export class SettingValidator {
  private readonly applied: Record<string, number> = {};

  constructor(
    readonly version: PgVersion,
    earlier: Iterable<ResolvedSetting> = [],
  ) {
    for (const setting of earlier) this.record(setting.name, setting.setting, setting.definition);
  }

  /** Validates one value after those before it; a valid one is remembered for the next checks. */
  check(definition: GucDefinition, raw: string): ParsedSetting {
    const parsed = parseSettingValue(this.version, definition, raw, this.applied);
    if (parsed.ok) this.record(definition.name, parsed.setting, definition);
    return parsed;
  }

  private record(name: string, setting: string, definition: GucDefinition): void {
    if (definition.type === 'integer' && /^-?\d+$/.test(setting)) this.applied[name] = Number(setting);
  }
}

/**
 * Validated settings of one version and build; values not set fall back to the chosen defaults. The
 * build decides which values the server accepts (wal_compression = lz4 needs --with-lz4) and what
 * the model adds for it (JIT, the GSS status buffer).
 */
export class Settings {
  private constructor(
    readonly version: PgVersion,
    private readonly values: ReadonlyMap<string, ResolvedSetting>,
    /** The build profile the settings were validated for. */
    readonly build: BuildName,
  ) {}

  /**
   * Resolves assignments in order (the last one for a name wins), on top of defaults, for a build.
   * Unknown names and invalid values are returned as problems and leave the previous value.
   */
  static resolve(
    version: PgVersion,
    assignments: readonly SettingAssignment[],
    base: DefaultsBase = 'initdb',
    build: BuildName = DEFAULT_BUILD,
  ): { settings: Settings; problems: SettingProblem[] } {
    const initdb =
      base === 'initdb'
        ? Object.entries(INITDB_SETTINGS).map(([name, value]) => ({ name, value, source: 'initdb' }))
        : [];
    return new Settings(version, new Map(), build).apply([...initdb, ...assignments]);
  }

  /**
   * These settings with role-level overrides applied (ALTER ROLE … SET), e.g. a reporting role's
   * work_mem. Invalid overrides throw: callers validate user input first.
   */
  withOverrides(overrides: readonly SettingAssignment[]): Settings {
    const { settings, problems } = this.apply(overrides);
    const problem = problems[0];
    if (problem)
      throw new Error(`invalid override ${problem.name}=${problem.value} (${problem.source}): ${problem.message}`);
    return settings;
  }

  /** New settings: these plus the assignments in order, each validated as the server validates it. */
  private apply(assignments: readonly SettingAssignment[]): { settings: Settings; problems: SettingProblem[] } {
    const values = new Map(this.values);
    const problems: SettingProblem[] = [];
    const validator = new SettingValidator(this.version, this.values.values());
    for (const assignment of assignments) {
      const definition = findGuc(this.version, assignment.name, this.build);
      // A qualified name the server does not know is a placeholder for an extension's setting
      // (guc.c, valid_custom_variable_name): accepted, and nothing pgmem models.
      if (!definition && assignment.name.includes('.')) continue;
      if (!definition) {
        problems.push({
          ...assignment,
          kind: 'unknown-setting',
          message: `unrecognized configuration parameter "${assignment.name}"`,
        });
        continue;
      }
      const parsed = validator.check(definition, assignment.value);
      if (!parsed.ok) {
        problems.push({
          ...assignment,
          name: definition.name,
          kind: 'invalid-value',
          message: parsed.message,
          ...(parsed.hint !== undefined && { hint: parsed.hint }),
          ...(parsed.detail !== undefined && { detail: parsed.detail }),
        });
        continue;
      }
      values.set(definition.name, {
        name: definition.name,
        setting: parsed.setting,
        unit: definition.unit,
        source: assignment.source,
        definition,
      });
    }
    return { settings: new Settings(this.version, values, this.build), problems };
  }

  /** The setting, explicit or default. Throws for a name the version does not have. */
  get(name: string): ResolvedSetting {
    const explicit = this.values.get(name);
    if (explicit) return explicit;
    const definition = getCatalog(this.version, this.build).gucs.get(name);
    if (!definition) throw new Error(`PostgreSQL ${this.version} has no setting "${name}"`);
    return { name, setting: definition.boot, unit: definition.unit, source: 'default', definition };
  }

  /** Whether the version has this setting at all. */
  has(name: string): boolean {
    return getCatalog(this.version, this.build).gucs.has(name);
  }

  /** A numeric setting in its base unit. */
  num(name: string): number {
    const value = Number(this.get(name).setting);
    if (!Number.isFinite(value)) throw new Error(`setting "${name}" is not numeric`);
    return value;
  }

  /** A numeric setting in its base unit, or the fallback when the version lacks it. */
  numOr(name: string, fallback: number): number {
    return this.has(name) ? this.num(name) : fallback;
  }

  /** A string, enum or bool setting as pg_settings shows it. */
  str(name: string): string {
    return this.get(name).setting;
  }

  /** A memory setting in bytes, or null for -1 style "use another setting" values. */
  bytes(name: string): number | null {
    const resolved = this.get(name);
    return settingBytes(resolved.definition, resolved.setting);
  }

  /** Names set explicitly (by initdb, flags or files), in insertion order. */
  explicitNames(): string[] {
    return [...this.values.keys()];
  }
}
