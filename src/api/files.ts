/**
 * The files the library reads: in-memory files (by path) in front of the disk, or in-memory files
 * alone. Both are ConfFileSystems, which the configuration reader and the CLI's input loaders take.
 */
import { dirname, resolve } from 'node:path';
import { nodeConfFileSystem } from '../cli/conf-fs.js';
import { ConfFsError, type ConfFileSystem } from '../input/conf/types.js';

/** In-memory files by path (relative to the working directory, or absolute), as text or bytes. */
export type MemoryFiles = Readonly<Record<string, string | Uint8Array>>;

const encoder = new TextEncoder();

/**
 * `files` (paths relative to `cwd`) over `disk`: a path in `files` is read from memory, any other
 * from the disk, or from nowhere when `disk` is null.
 */
export function memoryFileSystem(files: MemoryFiles, cwd: string, disk: ConfFileSystem | null): ConfFileSystem {
  const contents = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const absolute = resolve(cwd, path);
    contents.set(absolute, typeof content === 'string' ? encoder.encode(content) : content);
    for (let d = dirname(absolute); !dirs.has(d); d = dirname(d)) {
      dirs.add(d);
      if (d === dirname(d)) break;
    }
  }
  const norm = (path: string): string => resolve(cwd, path);
  return {
    cwd,
    readFile(path) {
      const p = norm(path);
      const content = contents.get(p);
      if (content) return content;
      if (disk) return disk.readFile(p);
      throw new ConfFsError(dirs.has(p) ? 'EISDIR' : 'ENOENT');
    },
    readDir(path) {
      const p = norm(path);
      const names = new Set<string>();
      for (const entry of [...contents.keys(), ...dirs]) {
        if (entry !== p && dirname(entry) === p) names.add(entry.slice(p.endsWith('/') ? p.length : p.length + 1));
      }
      if (disk && disk.stat(p)?.kind === 'directory') for (const name of disk.readDir(p)) names.add(name);
      else if (!dirs.has(p)) throw new ConfFsError(contents.has(p) ? 'ENOTDIR' : 'ENOENT');
      return [...names];
    },
    stat(path) {
      const p = norm(path);
      if (contents.has(p)) return { kind: 'file' };
      const onDisk = disk?.stat(p) ?? null;
      return onDisk ?? (dirs.has(p) ? { kind: 'directory' } : null);
    },
  };
}

/** The file system for the library's options: the disk, with `files` in front when given. */
export function fileSystemFor(cwd: string, files: MemoryFiles | undefined): ConfFileSystem | undefined {
  return files && Object.keys(files).length > 0 ? memoryFileSystem(files, cwd, nodeConfFileSystem(cwd)) : undefined;
}
