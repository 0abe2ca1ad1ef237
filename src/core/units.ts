/**
 * PostgreSQL's value syntax: how the server reads the text of a setting, exactly as
 * src/backend/utils/misc/guc.c does it (parse_int, parse_real, convert_to_base_unit, parse_bool,
 * config_enum_lookup_by_name and the range checks of parse_and_validate_value), plus the check
 * hooks of the memory and connection settings. Pure: no I/O.
 */
import type { GucDefinition, GucUnit } from './catalog/types.js';
import { versionProfile, type PgVersion } from './versions.js';

/** The outcome of reading one value: the base-unit setting, or the server's error lines. */
export type ParsedSetting =
  | {
      readonly ok: true;
      /** The value as pg_settings.setting and `postgres -C` show it (integers in the base unit). */
      readonly setting: string;
      readonly value: number | string | boolean;
    }
  | { readonly ok: false; readonly message: string; readonly hint?: string; readonly detail?: string };

/** Values of other settings a check hook consults, by lower-case name (boot values when absent). */
export type OtherSettings = Readonly<Record<string, number | undefined>>;

// guc.c: memory_units_hint / time_units_hint.
const MEMORY_UNITS_HINT = 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".';
const TIME_UNITS_HINT = 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".';

const KB = 1024;
const BLCKSZ = 8192;

/** guc.c memory_unit_conversion_table, per base unit, largest unit first (order matters for rounding). */
const MEMORY_UNITS: Readonly<Record<'B' | 'kB' | 'MB' | '8kB', readonly (readonly [string, number])[]>> = {
  B: [
    ['TB', KB * KB * KB * KB],
    ['GB', KB * KB * KB],
    ['MB', KB * KB],
    ['kB', KB],
    ['B', 1],
  ],
  kB: [
    ['TB', KB * KB * KB],
    ['GB', KB * KB],
    ['MB', KB],
    ['kB', 1],
    ['B', 1 / KB],
  ],
  MB: [
    ['TB', KB * KB],
    ['GB', KB],
    ['MB', 1],
    ['kB', 1 / KB],
    ['B', 1 / (KB * KB)],
  ],
  // GUC_UNIT_BLOCKS (and GUC_UNIT_XBLOCKS, identical with XLOG_BLCKSZ = BLCKSZ = 8192).
  '8kB': [
    ['TB', (KB * KB * KB) / (BLCKSZ / KB)],
    ['GB', (KB * KB) / (BLCKSZ / KB)],
    ['MB', KB / (BLCKSZ / KB)],
    ['kB', 1 / (BLCKSZ / KB)],
    ['B', 1 / BLCKSZ],
  ],
};

/** guc.c time_unit_conversion_table, per base unit, largest unit first. */
const TIME_UNITS: Readonly<Record<'us' | 'ms' | 's' | 'min', readonly (readonly [string, number])[]>> = {
  us: [
    ['d', 1000 * 1000 * 60 * 60 * 24],
    ['h', 1000 * 1000 * 60 * 60],
    ['min', 1000 * 1000 * 60],
    ['s', 1000 * 1000],
    ['ms', 1000],
    ['us', 1],
  ],
  ms: [
    ['d', 1000 * 60 * 60 * 24],
    ['h', 1000 * 60 * 60],
    ['min', 1000 * 60],
    ['s', 1000],
    ['ms', 1],
    ['us', 1 / 1000],
  ],
  s: [
    ['d', 60 * 60 * 24],
    ['h', 60 * 60],
    ['min', 60],
    ['s', 1],
    ['ms', 1 / 1000],
    ['us', 1 / (1000 * 1000)],
  ],
  min: [
    ['d', 60 * 24],
    ['h', 60],
    ['min', 1],
    ['s', 1 / 60],
    ['ms', 1 / (1000 * 60)],
    ['us', 1 / (1000 * 1000 * 60)],
  ],
};

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
/** storage/procnumber.h (postmaster.h before 17): MAX_BACKENDS = 2^18 - 1. */
const MAX_BACKENDS = 0x3ffff;
/** access/slru.h (17+): SLRU_BANK_SIZE. */
const SLRU_BANK_SIZE = 16;

/** C isspace in the "C" locale. */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

/** C rint(): round to nearest, ties to even. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return Math.round(x);
}

interface NumberScan {
  readonly value: number;
  /** Index just past the number; equal to the start when nothing was parsed. */
  readonly end: number;
  readonly erange: boolean;
}

function skipSpace(s: string, i: number): number {
  while (isSpace(s[i])) i++;
  return i;
}

/** glibc strtol(s, &end, 0) with a 64-bit long: whitespace, sign, 0x hex, leading-0 octal, decimal. */
function strtol(s: string): NumberScan {
  let i = skipSpace(s, 0);
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') {
    base = 8;
  }
  const digits = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  const start = i;
  const limit = negative ? 2n ** 63n : 2n ** 63n - 1n;
  let magnitude = 0n;
  let overflow = false;
  while (i < s.length && digits.test(s[i]!)) {
    // Past the limit only the end matters: stop growing the number, so a long run of digits stays linear.
    if (!overflow) {
      magnitude = magnitude * BigInt(base) + BigInt(parseInt(s[i]!, 16));
      overflow = magnitude > limit;
    }
    i++;
  }
  if (i === start) return { value: 0, end: 0, erange: false };
  if (overflow) return { value: negative ? -(2 ** 63) : 2 ** 63 - 1, end: i, erange: true };
  return { value: Number(negative ? -magnitude : magnitude), end: i, erange: false };
}

const DBL_MIN = 2.2250738585072014e-308;

/** glibc strtod(s, &end) in the "C" locale: decimal, hex floats, inf/infinity, nan; ERANGE on over/underflow. */
function strtod(s: string): NumberScan {
  const i = skipSpace(s, 0);
  const rest = s.slice(i);
  const special = /^([+-]?)(infinity|inf|nan(\([0-9A-Za-z_]*\))?)/i.exec(rest);
  if (special) {
    const nan = special[2]!.toLowerCase().startsWith('nan');
    const value = nan ? NaN : special[1] === '-' ? -Infinity : Infinity;
    return { value, end: i + special[0].length, erange: false };
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?/.exec(rest);
  if (hex) {
    const [whole = '', frac = ''] = hex[2]!.split('.');
    let mantissa = 0;
    for (const d of whole + frac) mantissa = mantissa * 16 + parseInt(d, 16);
    const exponent = (hex[3] ? parseInt(hex[3].slice(1), 10) : 0) - 4 * frac.length;
    const magnitude = mantissa * 2 ** exponent;
    return withRange(hex[1] === '-' ? -magnitude : magnitude, mantissa !== 0, i + hex[0].length);
  }
  const dec = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/.exec(rest);
  if (!dec) return { value: 0, end: 0, erange: false };
  const value = Number(dec[0].endsWith('.') ? dec[0].slice(0, -1) : dec[0]);
  return withRange(value, /[1-9]/.test(dec[1]!), i + dec[0].length);
}

function withRange(value: number, nonzeroDigits: boolean, end: number): NumberScan {
  const underflow = nonzeroDigits && Math.abs(value) < DBL_MIN;
  return { value, end, erange: !Number.isFinite(value) || underflow };
}

/** guc.c convert_to_base_unit: the unit word (at most 3 characters), then only whitespace. */
function convertToBaseUnit(value: number, text: string, base: Exclude<GucUnit, null>): number | null {
  let i = 0;
  let word = '';
  while (i < text.length && !isSpace(text[i]) && word.length < 3) word += text[i++];
  i = skipSpace(text, i);
  if (i < text.length) return null; // unit too long, or garbage after it
  const table =
    base in MEMORY_UNITS
      ? MEMORY_UNITS[base as keyof typeof MEMORY_UNITS]
      : TIME_UNITS[base as keyof typeof TIME_UNITS];
  for (let k = 0; k < table.length; k++) {
    const [name, multiplier] = table[k]!;
    if (name !== word) continue;
    let converted = value * multiplier;
    // "30.1GB" is rounded to a multiple of the next smaller unit, when there is one.
    const next = table[k + 1];
    if (next) converted = rint(converted / next[1]) * next[1];
    return converted;
  }
  return null;
}

type NumberResult = { ok: true; value: number } | { ok: false; hint?: string };

function unitsHint(unit: GucUnit): string {
  return unit === 'B' || unit === 'kB' || unit === 'MB' || unit === '8kB' ? MEMORY_UNITS_HINT : TIME_UNITS_HINT;
}

/** Applies a unit suffix (after optional whitespace) the way parse_int and parse_real do. */
function applyUnit(value: number, raw: string, end: number, unit: GucUnit): NumberResult {
  const at = skipSpace(raw, end);
  if (at === raw.length) return { ok: true, value };
  if (unit === null) return { ok: false }; // this setting does not accept a unit
  const converted = convertToBaseUnit(value, raw.slice(at), unit);
  return converted === null ? { ok: false, hint: unitsHint(unit) } : { ok: true, value: converted };
}

/** guc.c parse_int: strtol base 0, re-read with strtod at '.', 'e' or overflow, unit, rint, int32 check. */
function parseInt32(raw: string, unit: GucUnit): NumberResult {
  let scan: NumberScan = strtol(raw);
  const stop = raw[scan.end];
  if (stop === '.' || stop === 'e' || stop === 'E' || scan.erange) scan = strtod(raw);
  if (scan.end === 0 || scan.erange || Number.isNaN(scan.value)) return { ok: false };
  const converted = applyUnit(scan.value, raw, scan.end, unit);
  if (!converted.ok) return converted;
  const rounded = rint(converted.value);
  if (rounded > INT_MAX || rounded < INT_MIN) return { ok: false, hint: 'Value exceeds integer range.' };
  return { ok: true, value: rounded === 0 ? 0 : rounded };
}

/** guc.c parse_real: strtod, unit. */
function parseReal(raw: string, unit: GucUnit): NumberResult {
  const scan = strtod(raw);
  if (scan.end === 0 || scan.erange || Number.isNaN(scan.value)) return { ok: false };
  return applyUnit(scan.value, raw, scan.end, unit);
}

/** utils/adt/bool.c parse_bool: on/off/true/false/yes/no/1/0 and unambiguous prefixes, no whitespace. */
export function parseBool(raw: string): boolean | null {
  const len = raw.length;
  const lower = raw.toLowerCase();
  // pg_strncasecmp(value, word, n) with n beyond the word's length fails on the extra characters.
  const prefixOf = (word: string, n: number): boolean => n <= word.length && lower.slice(0, n) === word.slice(0, n);
  switch (lower[0]) {
    case 't':
      return prefixOf('true', len) ? true : null;
    case 'f':
      return prefixOf('false', len) ? false : null;
    case 'y':
      return prefixOf('yes', len) ? true : null;
    case 'n':
      return prefixOf('no', len) ? false : null;
    case 'o': // 'o' alone is not unique enough
      if (prefixOf('on', Math.max(len, 2))) return true;
      if (prefixOf('off', Math.max(len, 2))) return false;
      return null;
    case '1':
      return len === 1 ? true : null;
    case '0':
      return len === 1 ? false : null;
    default:
      return null;
  }
}

/**
 * printf("%g") as the server's own snprintf does it (src/port/snprintf.c): 6 significant digits, exponent form
 * below 1e-4 or from 1e6, trailing zeros dropped; "NaN", "Infinity" and "-Infinity" for the special values.
 */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(5).split('e')[1]);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = x.toExponential(5).split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${strip(mantissa)}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return strip(x.toFixed(5 - exp));
}

/** The unit name guc.c prints in range messages (get_config_unit_name): pages print as "8kB". */
function unitSuffix(unit: GucUnit): string {
  return unit === null ? '' : ` ${unit}`;
}

function invalidValue(def: GucDefinition, raw: string, hint?: string): ParsedSetting {
  const message = `invalid value for parameter "${def.name}": "${raw}"`;
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}

/** The out-of-range message: 13–16 print the bounds bare, 17+ with the unit (guc.c parse_and_validate_value). */
function outOfRange(
  version: PgVersion,
  def: GucDefinition,
  shown: string,
  format: (n: number) => string,
): ParsedSetting {
  const u = unitSuffix(def.unit);
  const lo = format(def.min!);
  const hi = format(def.max!);
  const range = versionProfile(version).messages.rangeWithUnits ? `${lo}${u} .. ${hi}${u}` : `${lo} .. ${hi}`;
  return { ok: false, message: `${shown}${u} is outside the valid range for parameter "${def.name}" (${range})` };
}

/** A failed check hook: guc.c call_int_check_hook's default message, with the hook's DETAIL. */
function hookFailure(def: GucDefinition, value: number, detail?: string): ParsedSetting {
  const message = `invalid value for parameter "${def.name}": ${value}`;
  return detail === undefined ? { ok: false, message } : { ok: false, message, detail };
}

/** 18 ends GUC_check_errdetail sentences with a period; 16–17 did not. */
function sentence(version: PgVersion, text: string): string {
  return versionProfile(version).messages.detailPeriod ? `${text}.` : text;
}

const SLRU_AUTOTUNED = new Set(['transaction_buffers', 'subtransaction_buffers', 'commit_timestamp_buffers']);
const SLRU_FIXED = new Set([
  'multixact_offset_buffers',
  'multixact_member_buffers',
  'notify_buffers',
  'serializable_buffers',
]);
const BACKEND_SLOTS = ['max_connections', 'autovacuum_max_workers', 'max_worker_processes', 'max_wal_senders'];
const BACKEND_SLOT_BOOT: Readonly<Record<string, number>> = {
  max_connections: 100,
  autovacuum_max_workers: 3,
  max_worker_processes: 8,
  max_wal_senders: 10,
};

/**
 * The check hooks of memory and connection settings: they may reject a value in range, or replace it.
 * Returns the (possibly adjusted) value, or the failure.
 */
function checkHook(
  version: PgVersion,
  def: GucDefinition,
  value: number,
  others: OtherSettings,
): number | ParsedSetting {
  const name = def.name;
  const { features, limits } = versionProfile(version);
  // access/transam/slru.c check_slru_buffers (17+): SLRU sizes are whole banks; 0 = autotune for some.
  if (features.slruBanks && (SLRU_AUTOTUNED.has(name) || SLRU_FIXED.has(name)) && value % SLRU_BANK_SIZE !== 0) {
    return hookFailure(def, value, sentence(version, `"${name}" must be a multiple of ${SLRU_BANK_SIZE}`));
  }
  // access/transam/xlog.c check_wal_buffers: -1 stays (autotuned later), below 4 is raised to 4.
  if (name === 'wal_buffers') return value === -1 ? value : Math.max(value, 4);
  // commands/vacuum.c check_autovacuum_work_mem: -1 falls back to maintenance_work_mem; small values
  // are raised to the minimum of maintenance_work_mem (1 MB in 13–16, 64 kB from 17).
  if (name === 'autovacuum_work_mem') return value === -1 ? value : Math.max(value, limits.autovacuumWorkMemMinKb);
  // commands/vacuum.c check_vacuum_buffer_usage_limit (16+): 0 or MIN/MAX_BAS_VAC_RING_SIZE_KB.
  if (name === 'vacuum_buffer_usage_limit' && value !== 0 && (value < 128 || value > 16777216)) {
    return hookFailure(
      def,
      value,
      sentence(version, `"vacuum_buffer_usage_limit" must be 0 or between 128 kB and 16777216 kB`),
    );
  }
  // guc.c / postmaster check_max_connections & co. (13–17): the regular backends, autovacuum workers,
  // the autovacuum launcher, background workers and WAL senders must fit in MAX_BACKENDS. 18 checks
  // this at postmaster start instead ("too many server processes configured").
  if (features.backendSlotCheckHooks && BACKEND_SLOTS.includes(name)) {
    let total = value + 1;
    for (const other of BACKEND_SLOTS) if (other !== name) total += others[other] ?? BACKEND_SLOT_BOOT[other]!;
    if (total > MAX_BACKENDS) return hookFailure(def, value);
  }
  return value;
}

/**
 * Reads one value for a setting as the server does when it comes from a configuration file or `-c`:
 * the base-unit setting it resolves to, or the server's error (message, HINT, DETAIL) for that
 * version. `others` supplies the values cross-setting check hooks consult (boot values otherwise).
 */
export function parseSettingValue(
  version: PgVersion,
  def: GucDefinition,
  raw: string,
  others: OtherSettings = {},
): ParsedSetting {
  switch (def.type) {
    case 'integer': {
      const parsed = parseInt32(raw, def.unit);
      if (!parsed.ok) return invalidValue(def, raw, parsed.hint);
      if (def.min !== undefined && def.max !== undefined && (parsed.value < def.min || parsed.value > def.max)) {
        return outOfRange(version, def, String(parsed.value), String);
      }
      const checked = checkHook(version, def, parsed.value, others);
      if (typeof checked !== 'number') return checked;
      return { ok: true, setting: String(checked), value: checked };
    }
    case 'real': {
      const parsed = parseReal(raw, def.unit);
      if (!parsed.ok) return invalidValue(def, raw, parsed.hint);
      if (def.min !== undefined && def.max !== undefined && (parsed.value < def.min || parsed.value > def.max)) {
        return outOfRange(version, def, formatG(parsed.value), formatG);
      }
      return { ok: true, setting: formatG(parsed.value), value: parsed.value };
    }
    case 'bool': {
      const parsed = parseBool(raw);
      if (parsed === null) return { ok: false, message: `parameter "${def.name}" requires a Boolean value` };
      return { ok: true, setting: parsed ? 'on' : 'off', value: parsed };
    }
    case 'enum': {
      // guc.c config_enum_lookup_by_name: whole-word, case-insensitive match, hidden entries included.
      const lower = raw.toLowerCase();
      const visible = def.enumValues ?? [];
      const match =
        visible.find((v) => v.toLowerCase() === lower) ??
        (def.hiddenEnumValues ?? []).find((v) => v.toLowerCase() === lower);
      if (match === undefined) {
        return invalidValue(def, raw, `Available values: ${visible.join(', ')}.`);
      }
      // The server shows the first entry with the same internal value (config_enum_lookup_by_value).
      const shown = def.enumCanonical?.[match.toLowerCase()] ?? match;
      return { ok: true, setting: shown, value: shown };
    }
    case 'string':
      return { ok: true, setting: raw, value: raw };
  }
}

/** Bytes in one base unit of a memory setting: '8kB' → 8192, 'kB' → 1024, 'MB' → 1048576, 'B' → 1; null otherwise. */
export function unitBytes(unit: GucUnit): number | null {
  switch (unit) {
    case 'B':
      return 1;
    case 'kB':
      return KB;
    case 'MB':
      return KB * KB;
    case '8kB':
      return BLCKSZ;
    default:
      return null;
  }
}

/** The size in bytes of a memory setting's base-unit value (e.g. shared_buffers '16384' → 134217728); null if not memory or not a number. */
export function settingBytes(def: GucDefinition, setting: string): number | null {
  const per = unitBytes(def.unit);
  if (per === null || !/^-?\d+$/.test(setting.trim())) return null;
  return Number(setting.trim()) * per;
}
