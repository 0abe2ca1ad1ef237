/**
 * Flag values as people type them: counts, sizes, NAME=VALUE pairs. Pure; errors name the flag.
 */
import { UsageError } from '../errors.js';
import { isSupportedVersion, SUPPORTED_VERSIONS, type PgVersion } from '../core/versions.js';

/** A whole number within bounds, e.g. `--pods 5`. */
export function parseCount(flag: string, raw: string, { min = 0, max = 10_000_000 } = {}): number {
  const text = raw.trim();
  if (!/^[+]?\d+$/.test(text)) {
    throw new UsageError(`expected a whole number, got "${raw}"`, flag);
  }
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`expected a whole number from ${min} to ${max}, got ${value}`, flag);
  }
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * A memory size such as `16GB`, `16GiB`, `16G`, `512MB` or `1.5TB`. Like PostgreSQL and like
 * Kubernetes' `Gi`, every unit is a power of 1024 (`16GB` is 16 GiB), which is what RAM is sold in.
 * Kubernetes' `Mi`/`Gi`/`Ti` suffixes are accepted too; a bare number is bytes.
 */
export function parseSize(flag: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  const unitText = match?.[2]?.toLowerCase() ?? '';
  const unit = SIZE_UNITS[unitText] ?? SIZE_UNITS[`${unitText}b`];
  if (!match || unit === undefined || (unitText.endsWith('i') && unitText.length !== 2)) {
    throw new UsageError(`expected a size such as 16GB, 16GiB or 512MB, got "${raw}"`, flag);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new UsageError(`expected a positive size, got "${raw}"`, flag);
  }
  return bytes;
}

/**
 * Below this a number without a unit cannot be the memory of a machine: `--ram 16` meant 16GB, not
 * 16 bytes. (A server needs megabytes for shared memory alone.)
 */
export const MIN_BARE_RAM_BYTES = 1024 ** 2;

/**
 * The memory of a machine or container, as parseSize reads it; a bare number (bytes, as Kubernetes
 * reads one) too small to be RAM is refused with the unit it most likely lacks.
 */
export function parseRam(flag: string, raw: string): number {
  const bytes = parseSize(flag, raw);
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(raw) && bytes < MIN_BARE_RAM_BYTES) {
    // 16 was meant as GB; 4096 more likely as MB.
    const unit = bytes < 1024 ? 'GB' : 'MB';
    throw new UsageError(
      `"${raw.trim()}" without a unit means ${bytes} bytes; write the unit, such as ${raw.trim()}${unit}`,
      flag,
    );
  }
  return bytes;
}

/** A supported PostgreSQL major version, e.g. `--pg-version 16`. */
export function parseVersion(flag: string, raw: string): PgVersion {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`expected a major version such as ${SUPPORTED_VERSIONS.at(-1)}, got "${raw}"`, flag);
  }
  const value = Number(text);
  if (!isSupportedVersion(value)) {
    throw new UsageError(`PostgreSQL ${value} is not supported; use one of ${SUPPORTED_VERSIONS.join(', ')}`, flag);
  }
  return value;
}

/** A `NAME=VALUE` pair, e.g. `--set work_mem=64MB`. The value keeps PostgreSQL's syntax. */
export function parseAssignment(flag: string, raw: string): { name: string; value: string } {
  const eq = raw.indexOf('=');
  const name = eq > 0 ? raw.slice(0, eq).trim() : '';
  if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(name)) {
    throw new UsageError(`expected NAME=VALUE such as work_mem=64MB, got "${raw}"`, flag);
  }
  return { name: name.toLowerCase(), value: raw.slice(eq + 1).trim() };
}
