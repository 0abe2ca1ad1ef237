/** Size formatting shared by the model's details and the renderers. Pure. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * A byte count in binary units with up to one decimal: 1536 → "1.5 KiB", 134217728 → "128 MiB".
 * Negative values keep their sign.
 */
export function formatSize(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 ? String(value) : (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, '');
  return `${sign}${rounded} ${UNITS[unit]}`;
}

/**
 * A size in postgresql.conf syntax, in the largest unit that keeps it whole, rounded down to kB:
 * 4294967296 → "4GB", 286261248 → "273MB". PostgreSQL's units are powers of 1024.
 */
export function formatPgSize(bytes: number): string {
  const kB = Math.floor(bytes / 1024);
  for (const [unit, factor] of [
    ['TB', 1024 ** 3],
    ['GB', 1024 ** 2],
    ['MB', 1024],
  ] as const) {
    if (kB >= factor && kB % factor === 0) return `${kB / factor}${unit}`;
  }
  return `${kB}kB`;
}

/** A count with its noun, singular for exactly one: "1 backend", "2 backends", "0 backends". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
