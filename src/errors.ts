/**
 * pgmem's error classes and exit codes. A known error prints one line and no stack trace;
 * the exit code tells "your input is wrong" (2) from "pgmem broke" (3).
 */

/** Process exit codes, documented in the README. */
export const ExitCode = {
  /** Nothing reached the --fail-on threshold. */
  Ok: 0,
  /** A finding reached the --fail-on threshold. */
  Findings: 1,
  /** The input must be fixed: flags, unreadable or invalid files, a server that cannot be reached. */
  Usage: 2,
  /** pgmem itself failed. */
  Internal: 3,
} as const;

/** One of the documented exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class of errors pgmem reports as one line. */
export abstract class PgmemError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** A stable machine-readable code, e.g. "invalid-flag". */
  abstract readonly code: string;
}

/** A flag or argument the user must correct. */
export class UsageError extends PgmemError {
  readonly exitCode = ExitCode.Usage;
  readonly code = 'usage';
  constructor(
    message: string,
    /** The flag at fault, e.g. "--pods". */
    readonly flag?: string,
  ) {
    super(flag ? `${flag}: ${message}` : message);
    this.name = 'UsageError';
  }
}

/** An input file (configuration, topology) that cannot be read or understood. */
export class InputError extends PgmemError {
  readonly exitCode = ExitCode.Usage;
  readonly code = 'input';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${line ? `${file}:${line}` : file}: ${message}` : message);
    this.name = 'InputError';
  }
}

/** A live server that cannot be reached or queried. */
export class ConnectionError extends PgmemError {
  readonly exitCode = ExitCode.Usage;
  readonly code = 'connection';
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}
