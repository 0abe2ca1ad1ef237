/**
 * POSIX path handling exactly as the server does it for configuration files (src/port/path.c:
 * canonicalize_path, join_path_components, get_parent_directory; utils/misc/conffiles.c
 * AbsoluteConfigLocation). Pure string code: the names PostgreSQL prints in its messages depend on it.
 */
import { versionProfile, type PgVersion } from '../../core/versions.js';

/** True for an absolute POSIX path (path.c is_absolute_path). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/');
}

/** path.c trim_directory: drops the last component (and the separators before it), keeps a leading '/'. */
export function trimDirectory(path: string): string {
  if (path === '') return path;
  let p = path.length - 1;
  while (path[p] === '/' && p > 0) p--;
  while (path[p] !== '/' && p > 0) p--;
  while (p > 0 && path[p - 1] === '/') p--;
  if (p === 0 && path[0] === '/') p = 1;
  return path.slice(0, p);
}

/** path.c trim_trailing_separator. */
function trimTrailingSeparator(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

/** path.c join_path_components: head + '/' + tail, skipping leading "./" in the tail. */
export function joinPathComponents(head: string, tail: string): string {
  let t = tail;
  while (t.startsWith('./')) t = t.slice(2);
  if (t === '') return head;
  return head + (head !== '' ? '/' : '') + t;
}

/**
 * path.c canonicalize_path. PostgreSQL 15 rewrote it (every "." and ".." component is resolved);
 * 13 and 14 only resolve "." and ".." at the end of the path ("/a/../b" stays as written).
 */
export function canonicalizePath(version: PgVersion, path: string): string {
  // Remove a trailing slash and collapse adjacent separators (both versions).
  const collapsed = trimTrailingSeparator(path).replace(/\/{2,}/g, '/');
  return versionProfile(version).features.canonicalizeInnerDots
    ? canonicalizeModern(collapsed)
    : canonicalizeLegacy(collapsed);
}

function canonicalizeLegacy(input: string): string {
  let path = input;
  let pendingStrips = 0;
  for (;;) {
    const len = path.length;
    if (len >= 2 && path.endsWith('/.')) path = trimDirectory(path);
    else if (path === '.') {
      // Leave "." alone, but "./.." has to become ".."
      if (pendingStrips > 0) path = '';
      break;
    } else if ((len >= 3 && path.endsWith('/..')) || path === '..') {
      path = trimDirectory(path);
      pendingStrips++;
    } else if (pendingStrips > 0 && path !== '') {
      path = trimDirectory(path);
      pendingStrips--;
      if (path === '') path = '.';
    } else break;
  }
  if (pendingStrips > 0) {
    while (--pendingStrips > 0) path += '../';
    path += '..';
  }
  return path;
}

function canonicalizeModern(path: string): string {
  if (path === '') return path;
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  let depth = 0; // normal components that a ".." may remove
  for (const part of (absolute ? path.slice(1) : path).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (depth > 0) {
        parts.pop();
        depth--;
      } else if (!absolute) {
        parts.push('..'); // irreducible in a relative path; ignored right after the root
      }
    } else {
      parts.push(part);
      depth++;
    }
  }
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * conffiles.c AbsoluteConfigLocation: an absolute location is returned unchanged (not canonicalized);
 * a relative one is joined to the directory of the calling file, or to the data directory.
 */
export function absoluteConfigLocation(
  version: PgVersion,
  location: string,
  callingFile: string | null,
  dataDir: string,
): string {
  if (isAbsolutePath(location)) return location;
  const base = callingFile !== null ? trimDirectory(callingFile) : dataDir;
  return canonicalizePath(version, joinPathComponents(base, location));
}
