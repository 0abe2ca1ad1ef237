import { VERSION_PROFILES, type VersionProfile } from './profiles.js';

/** A PostgreSQL major version pgmem models: one with a profile in VERSION_PROFILES. */
export type PgVersion = keyof typeof VERSION_PROFILES;

/** PostgreSQL major versions pgmem models, oldest first: the keys of VERSION_PROFILES. */
export const SUPPORTED_VERSIONS: readonly PgVersion[] = Object.keys(VERSION_PROFILES)
  .map(Number)
  .sort((a, b) => a - b) as PgVersion[];

/** The oldest and newest supported majors: ranges in schemas, help and messages come from these. */
export const MIN_VERSION: PgVersion = SUPPORTED_VERSIONS[0]!;
export const MAX_VERSION: PgVersion = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]!;
/** The supported range as text, e.g. "13–18". */
export const VERSION_RANGE = `${MIN_VERSION}–${MAX_VERSION}`;

/** The version `plan` assumes when none is given: the newest supported major. */
export const DEFAULT_VERSION: PgVersion = MAX_VERSION;

/** Narrows a number to a supported major version. */
export function isSupportedVersion(value: number): value is PgVersion {
  return Object.hasOwn(VERSION_PROFILES, value);
}

/** What differs in a supported major version: struct sizes, processes, features, messages. */
export function versionProfile(version: PgVersion): VersionProfile {
  return VERSION_PROFILES[version];
}
