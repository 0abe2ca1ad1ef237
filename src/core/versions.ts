/** PostgreSQL major versions pgmem models. */
export const SUPPORTED_VERSIONS = [13, 14, 15, 16, 17, 18] as const;

/** The oldest and newest supported majors: ranges in schemas, help and messages come from these. */
export const MIN_VERSION = SUPPORTED_VERSIONS[0];
export const MAX_VERSION = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]!;
/** The supported range as text, e.g. "13–18". */
export const VERSION_RANGE = `${MIN_VERSION}–${MAX_VERSION}`;

/** A PostgreSQL major version pgmem models. */
export type PgVersion = (typeof SUPPORTED_VERSIONS)[number];

/** The version `plan` assumes when none is given: the newest supported major. */
export const DEFAULT_VERSION: PgVersion = 18;

/** Narrows a number to a supported major version. */
export function isSupportedVersion(value: number): value is PgVersion {
  return (SUPPORTED_VERSIONS as readonly number[]).includes(value);
}
