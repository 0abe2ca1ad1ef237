/** The password file through the pgpass package, with libpq's rules around it. */
import { describe, expect, it } from 'vitest';
import { pgpassPassword } from '../../src/cli/pgpass.js';

describe('pgpassPassword', () => {
  const key = { host: 'db', port: 5432, database: 'app', user: 'me' };

  it('returns the first matching line, with * wildcards', () => {
    const text = ['other:5432:app:me:no', 'db:5432:*:me:first', '*:*:*:*:second'].join('\n');
    expect(pgpassPassword(text, key)).toBe('first');
    expect(pgpassPassword(text, { ...key, host: 'elsewhere' })).toBe('second');
    expect(pgpassPassword('db:5433:app:me:x', key)).toBeNull();
  });

  it('takes a line shorter than 11 characters, as libpq does', () => {
    expect(pgpassPassword('*:*:*:*:pw', key)).toBe('pw');
  });

  it('unescapes \\: and \\\\, skips comments, short lines and CRLF', () => {
    const text = '# db:5432:app:me:commented\r\ndb:5432\r\ndb:5432:app:me:a\\:b\\\\c:d\r\n';
    expect(pgpassPassword(text, key)).toBe('a:b\\c:d');
    expect(pgpassPassword('db\\:1:5432:app:me:x', { ...key, host: 'db:1' })).toBe('x');
  });

  it('matches a Unix-socket connection as localhost', () => {
    expect(pgpassPassword('localhost:5432:app:me:sock', { ...key, host: '/var/run/postgresql' })).toBe('sock');
    expect(pgpassPassword('localhost:5432:app:me:sock', key)).toBeNull();
  });
});
