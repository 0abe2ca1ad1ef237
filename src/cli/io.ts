/** The process surface the CLI touches, handed in so tests can run it in-process. */
import type { ConfFileSystem } from '../input/conf/types.js';

/** A writable text stream (process.stdout or a test double). */
export interface TextSink {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything `run` may touch. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin?: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Where input files (configurations, topologies, pgbouncer.ini, plans) are read from; node:fs
   * (relative to cwd) unless a test or the library hands one in.
   */
  readonly confFs?: ConfFileSystem;
}

/**
 * Whether to colour output: --no-color and NO_COLOR (any non-empty value) switch it off,
 * FORCE_COLOR (other than "0") switches it on, otherwise only when stdout is a terminal.
 */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return io.stdout.isTTY === true;
}
