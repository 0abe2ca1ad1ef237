/**
 * The password file (~/.pgpass, PGPASSFILE) as libpq reads it, through the `pgpass` package's line
 * parser and matcher (the reader `pg` itself recommends for a password function). What libpq does
 * beyond it is kept here: a line starting with `#` is a comment, a short line is read too, a CRLF
 * line ends before its CR, and a Unix-socket connection matches as "localhost" (fe-connect.c
 * passwordFromFile).
 */
import { isValidEntry, match, parseLine } from 'pgpass/lib/helper.js';
import { isSocketHost } from '../input/socket-host.js';

/** The fields of a password-file lookup. */
export interface PgpassKey {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** The password of the first matching line of a password file, or null. */
export function pgpassPassword(text: string, key: PgpassKey): string | null {
  const host = key.host === '' || isSocketHost(key.host) ? 'localhost' : key.host;
  const wanted = { host, port: key.port, database: key.database, user: key.user };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    // pgpass skips lines under 11 characters, which libpq reads (`*:*:*:*:pw`): the password is the
    // rest of the line after the fourth colon, so padding the line pads only the password.
    const pad = Math.max(0, 11 - line.length);
    const entry = parseLine(line + ' '.repeat(pad));
    if (entry === null) continue;
    entry.password = entry.password.slice(0, entry.password.length - pad);
    if (isValidEntry(entry) && match(wanted, entry)) return entry.password;
  }
  return null;
}
