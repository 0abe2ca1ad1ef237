/** An in-memory ConfFileSystem for reader tests: paths ending in '/' are directories. */
import { dirname } from 'node:path';
import { ConfFsError, type ConfFileSystem } from '../../src/input/conf/index.js';

const enc = new TextEncoder();

/** A file system holding `tree`, with relative main files taken from `cwd`. */
export function memoryFs(tree: Record<string, string | Uint8Array>, cwd = '/work'): ConfFileSystem {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['/']);
  const addDirs = (path: string) => {
    for (let d = dirname(path); d !== '/'; d = dirname(d)) dirs.add(d);
  };
  for (const [path, content] of Object.entries(tree)) {
    if (path.endsWith('/')) {
      dirs.add(path.slice(0, -1));
      addDirs(path.slice(0, -1));
    } else {
      files.set(path, typeof content === 'string' ? enc.encode(content) : content);
      addDirs(path);
    }
  }
  const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p).replace(/\/+/g, '/');
  return {
    cwd,
    readFile(path) {
      const p = norm(path);
      if (dirs.has(p)) throw new ConfFsError('EISDIR');
      const f = files.get(p);
      if (!f) throw new ConfFsError('ENOENT');
      return f;
    },
    readDir(path) {
      const p = norm(path);
      if (!dirs.has(p)) throw new ConfFsError(files.has(p) ? 'ENOTDIR' : 'ENOENT');
      const names = new Set<string>();
      for (const entry of [...files.keys(), ...dirs]) {
        if (entry !== p && dirname(entry) === p) names.add(entry.slice(p === '/' ? 1 : p.length + 1));
      }
      return [...names];
    },
    stat(path) {
      const p = norm(path);
      return dirs.has(p) ? { kind: 'directory' } : files.has(p) ? { kind: 'file' } : null;
    },
  };
}
