/** Types of the postgresql.conf reader: the file system it is handed, and what it returns. */
import type { BuildName } from '../../core/build.js';

/** The file system the reader works on (src/cli/conf-fs.ts implements it over node:fs). Paths are absolute. */
export interface ConfFileSystem {
  /** The directory a relative main file (or auto.conf option) is relative to, as the postmaster's getcwd(). */
  readonly cwd?: string;
  /** The file's bytes; throws ConfFsError (code ENOENT, EACCES, EISDIR, EFBIG for a file over the size limit, …). */
  readFile(path: string): Uint8Array;
  /** Entry names of a directory (no "." or ".."); throws ConfFsError (ENOENT, ENOTDIR, EACCES, …). */
  readDir(path: string): string[];
  /** What a path is, following symbolic links; null when it cannot be stat'ed. */
  stat(path: string): { kind: 'file' | 'directory' | 'other' } | null;
}

/** A file-system failure with its errno name, as ConfFileSystem implementations throw it. */
export class ConfFsError extends Error {
  constructor(
    /** errno name: ENOENT, EACCES, ENOTDIR, EISDIR, ELOOP, EFBIG, … */
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'ConfFsError';
  }
}

/** One `name = value` line, with the file and line it came from. */
export interface ConfAssignment {
  /** The name as written (case preserved). */
  readonly name: string;
  /** The value after quote and escape processing (guc-file.l GUC_scanstr). */
  readonly rawValue: string;
  readonly file: string;
  readonly line: number;
}

/** An assignment that took effect: `setting` is the value as pg_settings shows it (base unit). */
export interface EffectiveSetting extends ConfAssignment {
  readonly setting: string;
  /** False for a custom (dotted) name the server keeps as a placeholder. */
  readonly known: boolean;
  /** The value as written, when ReadConfigurationOptions.evaluate replaced it (an AWS parameter formula). */
  readonly written?: string;
}

/** What makes the server refuse the configuration. */
export type ConfIssueKind = 'syntax' | 'include' | 'unknown-setting' | 'invalid-value' | 'cannot-change' | 'limit';

/** One complaint, worded as the server logs it, in the server's order. */
export interface ConfIssue {
  readonly kind: ConfIssueKind;
  /** The file the complaint is about (for include failures: the file holding the directive). */
  readonly file: string;
  /** The line the server names (or the directive's line for include failures); null when none. */
  readonly line: number | null;
  readonly setting?: string;
  readonly message: string;
  readonly hint?: string;
  readonly detail?: string;
}

/** The result of reading a configuration file set. */
export interface ConfReadResult {
  /** Every file read, in the order it was opened. */
  readonly files: string[];
  /** Every assignment, in order (includes expanded in place, auto.conf last). */
  readonly assignments: ConfAssignment[];
  /** Validated values by lower-case name, last assignment wins. */
  readonly effective: Map<string, EffectiveSetting>;
  /** Everything that would make the server refuse to start; empty when it would accept the files. */
  readonly issues: ConfIssue[];
}

/** Options of readConfiguration. */
export interface ReadConfigurationOptions {
  /**
   * The postgresql.auto.conf to read after the main file: a path (relative to the file system's cwd),
   * or null for none. Default: the
   * file beside the main file (the data directory's, when postgresql.conf lives in the data directory).
   */
  readonly autoConf?: string | null;
  /** The data directory, against which a relative autoConf is resolved. Default: the main file's directory. */
  readonly dataDir?: string;
  /** The server's build, which decides some accepted values (wal_compression = lz4). Default: distribution. */
  readonly build?: BuildName;
  /**
   * Replaces a numeric setting's value before it is validated (AWS parameter formulas such as
   * `{DBInstanceClassMemory/32768}`, evaluated for an instance class); may throw to refuse it.
   * Called for the assignments that take effect, in order. Default: values are taken as written.
   */
  readonly evaluate?: (item: ConfAssignment, setting: string) => string;
}
