/** The node:fs side of the postgresql.conf reader: ConfFileSystem over the real file system. */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { ConfFsError, type ConfFileSystem } from '../input/conf/types.js';

/** Largest configuration file pgmem reads (a guard against /dev/zero and the like; the server has none). */
export const CONF_MAX_FILE_BYTES = 64 * 1024 * 1024;

function fsError(error: unknown): ConfFsError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  return new ConfFsError(code, error instanceof Error ? error.message : String(error));
}

/** Reads at most `limit` bytes, however large or endless the file (FIFOs, character devices). */
export function readBounded(path: string, limit: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fsError(error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new ConfFsError('EISDIR', 'Is a directory');
    if (stats.isFile()) {
      // A regular file's size is known: one read into a buffer of that size.
      if (stats.size > limit) throw new ConfFsError('EFBIG', `larger than ${limit} bytes`);
      try {
        return readFileSync(fd);
      } catch (error) {
        throw fsError(error);
      }
    }
    // Devices and FIFOs (/dev/zero, a pipe) may never end: read in chunks up to the limit.
    // Buffers sized to the file (one byte more, to see the end in one read): a fresh 1 MiB buffer
    // per read made `check` on 1,000 small files spend most of its time zero-filling memory.
    const chunkBytes = Math.min(Math.max(stats.size + 1, 64 * 1024), 1 << 20);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(chunkBytes, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw fsError(error);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) throw new ConfFsError('EFBIG', `larger than ${limit} bytes`);
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** ConfFileSystem over node:fs; relative main files are taken relative to `cwd`. */
export function nodeConfFileSystem(cwd: string = process.cwd(), maxFileBytes = CONF_MAX_FILE_BYTES): ConfFileSystem {
  return {
    cwd,
    readFile: (path) => readBounded(path, maxFileBytes),
    readDir: (path) => {
      try {
        return readdirSync(path);
      } catch (error) {
        throw fsError(error);
      }
    },
    stat: (path) => {
      try {
        const st = statSync(path);
        return { kind: st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other' };
      } catch {
        return null;
      }
    },
  };
}
