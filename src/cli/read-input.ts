/**
 * Input files other than postgresql.conf (topology documents), and standard input, under the same
 * limits as configuration files: a regular file or a pipe (`<(cat file)`), at most
 * CONF_MAX_FILE_BYTES. Directories and devices (/dev/zero) are refused before reading.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { ConfFsError, type ConfFileSystem } from '../input/conf/types.js';
import { CONF_MAX_FILE_BYTES, readBounded } from './conf-fs.js';
import type { CliIo } from './io.js';

const MIB = 1024 * 1024;

function tooLarge(label: string, limit: number): InputError {
  return new InputError(`too large: more than ${limit % MIB === 0 ? `${limit / MIB} MiB` : `${limit} bytes`}`, label);
}

/** Standard input as text, refused once it passes `limit` bytes (`yes | pgmem …` ends). */
export async function readStdinText(io: CliIo, flag: string, limit = CONF_MAX_FILE_BYTES): Promise<string> {
  if (!io.stdin) throw new UsageError('no standard input to read from', flag);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) {
      (io.stdin as Partial<NodeJS.ReadStream>).destroy?.();
      throw tooLarge('<stdin>', limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A named input file as text: a regular file or a pipe, at most `limit` bytes. */
export function readInputFile(file: string, io: CliIo, limit = CONF_MAX_FILE_BYTES): string {
  const path = resolve(io.cwd, file);
  if (io.confFs) return readFromFileSystem(io.confFs, file, path, limit);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new InputError(readFailure((error as NodeJS.ErrnoException).code), file);
  }
  if (stats.isDirectory()) throw new InputError('is a directory', file);
  if (!stats.isFile() && !stats.isFIFO() && !stats.isSocket())
    throw new InputError('not a regular file or a pipe', file);
  try {
    return Buffer.from(readBounded(path, limit)).toString('utf8');
  } catch (error) {
    if (error instanceof ConfFsError && error.code === 'EFBIG') throw tooLarge(file, limit);
    throw new InputError(
      readFailure(error instanceof ConfFsError ? error.code : (error as NodeJS.ErrnoException).code),
      file,
    );
  }
}

/** The same from the file system the caller handed in (the library's in-memory files). */
function readFromFileSystem(fs: ConfFileSystem, file: string, path: string, limit: number): string {
  const stat = fs.stat(path);
  if (stat === null) throw new InputError('no such file', file);
  if (stat.kind === 'directory') throw new InputError('is a directory', file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFile(path);
  } catch (error) {
    if (error instanceof ConfFsError && error.code === 'EFBIG') throw tooLarge(file, limit);
    throw new InputError(readFailure(error instanceof ConfFsError ? error.code : undefined), file);
  }
  if (bytes.length > limit) throw tooLarge(file, limit);
  return Buffer.from(bytes).toString('utf8');
}

function readFailure(code: string | undefined): string {
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a directory'
        : `cannot read (${code})`;
}
