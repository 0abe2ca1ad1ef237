/**
 * Reads a postgresql.conf file set the way the postmaster does at start (src/backend/utils/misc/
 * guc-file.l ParseConfigFile / ParseConfigDirectory / ProcessConfigFileInternal, and conffiles.c):
 * includes in place, postgresql.auto.conf last, then the name check, then every value through the
 * version's value parser. Pure: the file system is handed in.
 */
import { DEFAULT_BUILD, type BuildName } from '../../core/build.js';
import { findGuc } from '../../core/catalog/index.js';
import type { GucDefinition } from '../../core/catalog/types.js';
import { SettingValidator } from '../../core/settings.js';
import { versionProfile, type PgVersion } from '../../core/versions.js';
import { asciiLower, parseConfBytes, type IncludeKind } from './parse.js';
import { absoluteConfigLocation, canonicalizePath, isAbsolutePath, joinPathComponents, trimDirectory } from './path.js';
import {
  ConfFsError,
  type ConfAssignment,
  type ConfFileSystem,
  type ConfIssue,
  type ConfReadResult,
  type EffectiveSetting,
  type ReadConfigurationOptions,
} from './types.js';

/** conffiles.h CONF_FILE_MAX_DEPTH: includes nest at most this deep. */
export const CONF_FILE_MAX_DEPTH = 10;
/** Guards against hostile file sets (pgmem's, not the server's): files opened and bytes read in total. */
export const CONF_MAX_FILES = 10_000;
export const CONF_MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/** strerror() texts of the errno values a configuration file read can meet (glibc wording). */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

function strerror(error: unknown): string {
  if (error instanceof ConfFsError) return STRERROR[error.code] ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** C strcmp order of two names (byte-wise on their UTF-8 encoding). */
function strcmp(a: string, b: string): number {
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}
const encoder = new TextEncoder();

const isBlank = (s: string): boolean => /^[ \t\r\n]*$/.test(s);

class Reader {
  readonly files: string[] = [];
  readonly items: ConfAssignment[] = [];
  readonly issues: ConfIssue[] = [];
  private totalBytes = 0;
  private aborted = false;

  constructor(
    private readonly version: PgVersion,
    private readonly fs: ConfFileSystem,
    private readonly dataDir: string,
  ) {}

  /** guc-file.l ParseConfigFile. */
  parseFile(
    configFile: string,
    strict: boolean,
    callingFile: string | null,
    callingLine: number,
    depth: number,
  ): boolean {
    if (this.aborted) return false;
    const at = { file: callingFile ?? configFile, line: callingFile ? callingLine : null };
    // Reject a file name that is all blank (including empty).
    if (isBlank(configFile)) {
      this.issue({ kind: 'include', ...at, message: `empty configuration file name: "${configFile}"` });
      return false;
    }
    // Reject too-deep include nesting depth.
    if (depth > CONF_FILE_MAX_DEPTH) {
      this.issue({
        kind: 'include',
        ...at,
        message: `could not open configuration file "${configFile}": maximum nesting depth exceeded`,
      });
      return false;
    }
    const absPath = absoluteConfigLocation(this.version, configFile, callingFile, this.dataDir);
    // Reject direct recursion (indirect recursion runs into the depth limit).
    if (callingFile !== null && absPath === callingFile) {
      this.issue({ kind: 'include', ...at, message: `configuration file recursion in "${callingFile}"` });
      return false;
    }
    if (this.files.length >= CONF_MAX_FILES) return this.abort(at, `more than ${CONF_MAX_FILES} configuration files`);
    let bytes: Uint8Array;
    try {
      bytes = this.fs.readFile(absPath);
    } catch (error) {
      if (error instanceof ConfFsError && error.code === 'EISDIR') {
        // fopen() of a directory succeeds on Linux; the first read fails inside the flex scanner.
        this.files.push(absPath);
        this.issue({
          kind: 'include',
          file: absPath,
          line: 1,
          message: `input in flex scanner failed at file "${absPath}" line 1`,
        });
        return false;
      }
      if (error instanceof ConfFsError && error.code === 'EFBIG') {
        return this.abort(at, `configuration file "${absPath}" is too large: ${error.message}`);
      }
      if (strict) {
        this.issue({
          kind: 'include',
          ...at,
          message: `could not open configuration file "${absPath}": ${strerror(error)}`,
        });
        return false;
      }
      return true; // LOG: skipping missing configuration file
    }
    this.totalBytes += bytes.length;
    if (this.totalBytes > CONF_MAX_TOTAL_BYTES)
      return this.abort(at, `configuration files exceed ${CONF_MAX_TOTAL_BYTES} bytes in total`);
    this.files.push(absPath);
    return parseConfBytes(bytes, absPath, {
      assignment: (item) => this.items.push(item),
      issue: (issue) => this.issue(issue),
      include: (kind, value, file, line) => this.include(kind, value, file, line, depth),
    });
  }

  private include(kind: IncludeKind, value: string, file: string, line: number, depth: number): boolean {
    if (kind === 'include_dir') return this.parseDirectory(value, file, line, depth + 1);
    return this.parseFile(value, kind === 'include', file, line, depth + 1);
  }

  /** guc-file.l ParseConfigDirectory with conffiles.c GetConfFilesInDir. */
  private parseDirectory(includeDir: string, callingFile: string, callingLine: number, depth: number): boolean {
    if (this.aborted) return false;
    const at = { file: callingFile, line: callingLine };
    // Reject a directory name that is all blank: it would read the containing directory.
    if (isBlank(includeDir)) {
      this.issue({ kind: 'include', ...at, message: `empty configuration directory name: "${includeDir}"` });
      return false;
    }
    const directory = absoluteConfigLocation(this.version, includeDir, callingFile, this.dataDir);
    let entries: string[];
    try {
      entries = this.fs.readDir(directory);
    } catch (error) {
      this.issue({
        kind: 'include',
        ...at,
        message: `could not open configuration directory "${directory}": ${strerror(error)}`,
      });
      return false;
    }
    const filenames: string[] = [];
    for (const name of entries) {
      // Only names ending in ".conf", not starting with "." (hidden files, editor debris).
      if (encoder.encode(name).length < 6 || name.startsWith('.') || !name.endsWith('.conf')) continue;
      const filename = canonicalizePath(this.version, joinPathComponents(directory, name));
      const stat = this.fs.stat(filename);
      if (stat === null) {
        this.issue({ kind: 'include', ...at, message: `could not stat file "${filename}": No such file or directory` });
        return false;
      }
      if (stat.kind !== 'directory') filenames.push(filename);
    }
    filenames.sort(strcmp);
    for (const filename of filenames) {
      if (!this.parseFile(filename, true, callingFile, callingLine, depth)) return false;
    }
    return true;
  }

  issue(issue: ConfIssue): void {
    this.issues.push(issue);
  }

  private abort(at: { file: string; line: number | null }, message: string): false {
    this.aborted = true;
    this.issue({ kind: 'limit', ...at, message });
    return false;
  }
}

/**
 * Reads the main configuration file (relative to fs.cwd unless absolute), its includes and postgresql.auto.conf, and
 * validates every value as the postmaster does at start for that major version and build.
 */
export function readConfiguration(
  version: PgVersion,
  mainFile: string,
  fs: ConfFileSystem,
  options: ReadConfigurationOptions = {},
): ConfReadResult {
  // The postmaster makes config_file absolute and canonical (SelectConfigFiles → make_absolute_path).
  const absolute = (path: string): string =>
    canonicalizePath(version, isAbsolutePath(path) ? path : joinPathComponents(fs.cwd ?? '/', path));
  const main = absolute(mainFile);
  const dataDir = options.dataDir ?? trimDirectory(main);
  const reader = new Reader(version, fs, dataDir);
  const result = (effective = new Map<string, EffectiveSetting>()): ConfReadResult => ({
    files: reader.files,
    assignments: reader.items,
    effective,
    issues: reader.issues,
  });

  if (!fs.stat(main)) {
    reader.issue({
      kind: 'include',
      file: main,
      line: null,
      message: `could not access the server configuration file "${main}": No such file or directory`,
    });
    return result();
  }
  // Syntax errors (and failed includes) in the main file set stop everything else.
  if (!reader.parseFile(main, true, null, 0, 0)) return result();
  // PG_AUTOCONF_FILENAME, after the main file, relative to the data directory, skipped when missing.
  const autoConf =
    options.autoConf === undefined
      ? 'postgresql.auto.conf'
      : options.autoConf === null
        ? null
        : absolute(options.autoConf);
  if (autoConf !== null && !reader.parseFile(autoConf, false, null, 0, 0)) return result();

  // ProcessConfigFileInternal, first pass: every name must be known or a custom (dotted) one; an
  // earlier occurrence spelled exactly the same as a later one is ignored (strcmp, so case matters).
  const items = reader.items;
  const seen = new Set<string>();
  let unknown = false;
  // Per item, by index (no copies, no per-item maps: a file of a million lines has as many items).
  const defs: (GucDefinition | undefined)[] = new Array<GucDefinition | undefined>(items.length);
  const ignored = new Uint8Array(items.length);
  // The last occurrence not yet ignored, by exact spelling: marking it from the next one keeps the
  // pass linear (scanning every earlier item for each repeat took minutes on a 100,000-line file).
  const pending = new Map<string, number>();
  const build = options.build ?? DEFAULT_BUILD;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const def = lookup(version, item.name, build);
    if (def) {
      defs[i] = def;
      const earlier = pending.get(item.name);
      if (earlier !== undefined && seen.has(def.name)) ignored[earlier] = 1;
      pending.set(item.name, i);
      seen.add(def.name);
    } else if (!item.name.includes('.')) {
      unknown = true;
      reader.issue({
        kind: 'unknown-setting',
        file: item.file,
        line: item.line,
        setting: item.name,
        message: `unrecognized configuration parameter "${item.name}" in file "${item.file}" line ${item.line}`,
      });
    }
  }
  if (unknown) return result();

  // Second pass: set_config_option for every remaining item, in order; errors do not stop the pass.
  const effective = new Map<string, EffectiveSetting>();
  const validator = new SettingValidator(version);
  // set_config_option names the parameter as written, or by its own name where the version does.
  const canonicalNames = versionProfile(version).messages.canonicalSettingNames;
  for (let i = 0; i < items.length; i++) {
    if (ignored[i]) continue;
    const item = items[i]!;
    const def = defs[i];
    const base = { name: item.name, rawValue: item.rawValue, file: item.file, line: item.line };
    if (!def) {
      // A placeholder for an extension's setting: any value is kept as a string.
      effective.set(asciiLower(item.name), { ...base, setting: item.rawValue, known: false });
      continue;
    }
    const shownName = canonicalNames ? def.name : item.name;
    if (def.context === 'internal') {
      reader.issue({
        kind: 'cannot-change',
        file: item.file,
        line: item.line,
        setting: def.name,
        message: `parameter "${shownName}" cannot be changed`,
      });
      continue;
    }
    const value =
      options.evaluate && (def.type === 'integer' || def.type === 'real')
        ? options.evaluate(item, def.name)
        : item.rawValue;
    const parsed = validator.check(def, value);
    if (!parsed.ok) {
      reader.issue({
        kind: 'invalid-value',
        file: item.file,
        line: item.line,
        setting: def.name,
        message: renameInMessage(parsed.message, def.name, shownName),
        ...(parsed.hint !== undefined ? { hint: parsed.hint } : {}),
        ...(parsed.detail !== undefined ? { detail: parsed.detail } : {}),
      });
      continue;
    }
    effective.set(def.name, {
      ...base,
      setting: parsed.setting,
      known: true,
      ...(value !== item.rawValue && { rawValue: value, written: item.rawValue }),
    });
  }
  return result(effective);
}

/**
 * Puts the name as written into a value error (guc.c parse_and_validate_value reports the name it was
 * called with). Check-hook failures (call_*_check_hook: `invalid value for parameter "x": 3`, the
 * value unquoted) always use the setting's own name, so they are left alone.
 */
function renameInMessage(message: string, name: string, shown: string): string {
  if (name === shown || /^invalid value for parameter "[^"]*": [^"]/.test(message)) return message;
  return message.replace(`parameter "${name}"`, `parameter "${shown}"`);
}

/** The catalog entry for a name as written (ASCII case-insensitive, old names mapped); undefined if unknown. */
function lookup(version: PgVersion, name: string, build: BuildName): GucDefinition | undefined {
  // Catalog names are ASCII; keep Unicode case folding (e.g. U+212A KELVIN SIGN → "k") out of the lookup.
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined;
  return findGuc(version, asciiLower(name), build);
}
