/** Paths as reports show them. */
import { isAbsolute, relative } from 'node:path';

/** A path relative to `cwd` when it lies below it, else as it is. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
