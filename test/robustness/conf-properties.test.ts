/**
 * Property tests of the postgresql.conf reader: on any text or bytes, and on any file set of
 * includes (cycles, directories, missing files, deep nesting), it returns a well-formed result and
 * never throws: every problem is an issue in the result. Fixed seeds, bounded runs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConfText, readConfiguration, type ConfFileSystem, type ConfIssue } from '../../src/input/conf/index.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { memoryFs as memoryFsAt } from '../support/memory-fs.js';

const ISSUE_KINDS = new Set(['syntax', 'include', 'unknown-setting', 'invalid-value', 'cannot-change', 'limit']);

function expectWellFormedIssue(issue: ConfIssue): void {
  expect(ISSUE_KINDS.has(issue.kind)).toBe(true);
  expect(typeof issue.file).toBe('string');
  // guc-file.l names ConfigFileLineno - 1 for an error at the end of a file without a final newline: line 0 is possible.
  expect(issue.line === null || (Number.isInteger(issue.line) && issue.line >= 0)).toBe(true);
  expect(typeof issue.message).toBe('string');
  expect(issue.message.length).toBeGreaterThan(0);
}

/** An in-memory file system: paths ending in "/" are directories; relative main files from /d. */
const memoryFs = (tree: Record<string, string | Uint8Array>): ConfFileSystem => memoryFsAt(tree, '/d');

const version = fc.constantFrom(...(SUPPORTED_VERSIONS as readonly PgVersion[]));

// Lines built from postgresql.conf's own tokens, so that generated files reach the lexer's and
// the reader's deeper paths (quotes, escapes, units, includes) rather than failing on line 1.
const FILES = [
  '/d/postgresql.conf',
  '/d/a.conf',
  '/d/b.conf',
  '/d/conf.d/x.conf',
  '/d/conf.d/',
  '/d/missing.conf',
  '/dev/zero',
];
const name = fc.constantFrom(
  'work_mem',
  'shared_buffers',
  'max_connections',
  'huge_pages',
  'Work_Mem',
  'sort_mem',
  'myext.knob',
  'bogus',
  'a.b.c',
  '',
);
const value = fc.oneof(
  fc.constantFrom(
    '4MB',
    '64kB',
    '1GB',
    '100',
    '-1',
    '1e3',
    '0x10',
    'on',
    'off',
    'try',
    "'4MB'",
    "'it''s'",
    "'a\\'b'",
    "'unterminated",
    '"x"',
    '1.5',
    '10 MB',
    '1TB',
    '9999999999999',
  ),
  fc.string({ maxLength: 12 }),
);
const confLine = fc.oneof(
  fc
    .tuple(name, fc.constantFrom(' = ', '=', ' ', ' =  '), value, fc.constantFrom('', ' # comment', '#', ' junk'))
    .map((t) => t.join('')),
  fc
    .tuple(
      fc.constantFrom('include', 'include_if_exists', 'include_dir', 'INCLUDE'),
      fc.constantFrom(...FILES, 'a.conf', 'conf.d', '', ' '),
    )
    .map(([directive, file]) => `${directive} '${file}'`),
  fc.constantFrom('', '# just a comment', '   ', '\t', '=', "''", '\\', '\r'),
  fc.string({ maxLength: 20 }),
);
const confText = fc.array(confLine, { maxLength: 15 }).map((lines) => lines.join('\n'));

describe('parseConfText on anything', () => {
  it('returns a well-formed result on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        // The reader reports every problem as an issue: any throw fails the property.
        const r = parseConfText(text, '/d/postgresql.conf');
        expect(typeof r.ok).toBe('boolean');
        expect(r.ok).toBe(r.issues.length === 0);
        r.issues.forEach(expectWellFormedIssue);
        for (const a of r.assignments) expect(a.line).toBeGreaterThanOrEqual(1);
      }),
      { seed: 7001, numRuns: 400 },
    );
  });

  it('returns a well-formed result on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        // The reader reports every problem as an issue: any throw fails the property.
        const r = parseConfText(bytes, '/d/postgresql.conf');
        r.issues.forEach(expectWellFormedIssue);
      }),
      { seed: 7002, numRuns: 400 },
    );
  });

  it('returns a well-formed result on configuration-shaped text', () => {
    fc.assert(
      fc.property(confText, (text) => {
        // The reader reports every problem as an issue: any throw fails the property.
        const r = parseConfText(text, '/d/postgresql.conf');
        r.issues.forEach(expectWellFormedIssue);
        // Every assignment and include sits on a line that exists.
        const lines = text.split('\n').length;
        for (const a of r.assignments) expect(a.line).toBeLessThanOrEqual(lines);
        for (const i of r.includes) expect(i.line).toBeLessThanOrEqual(lines);
      }),
      { seed: 7003, numRuns: 500 },
    );
  });
});

describe('readConfiguration on any file set', () => {
  it('returns a well-formed result whatever the includes do (cycles, directories, missing files)', () => {
    const tree = fc.record({
      main: confText,
      a: confText,
      b: confText,
      x: confText,
      garbage: fc.uint8Array({ maxLength: 200 }),
    });
    fc.assert(
      fc.property(version, tree, fc.boolean(), (v, t, withAuto) => {
        const fs = memoryFs({
          '/d/postgresql.conf': t.main,
          '/d/a.conf': t.a,
          '/d/b.conf': t.b,
          '/d/conf.d/x.conf': t.x,
          '/d/conf.d/garbage.conf': t.garbage,
          '/dev/zero': new Uint8Array(64),
          ...(withAuto && { '/d/postgresql.auto.conf': t.b }),
        });
        // The reader reports every problem as an issue: any throw fails the property.
        const r = readConfiguration(v, '/d/postgresql.conf', fs);
        r.issues.forEach(expectWellFormedIssue);
        // Every file it read exists in the tree, and each effective value came from one of them.
        for (const f of r.files) expect(f.startsWith('/d/') || f === '/dev/zero').toBe(true);
        for (const [key, e] of r.effective) {
          expect(key).toBe(key.toLowerCase());
          expect(r.files).toContain(e.file);
        }
      }),
      { seed: 7004, numRuns: 300 },
    );
  });

  it('stops self-including and mutually including files with an include issue', () => {
    fc.assert(
      fc.property(
        version,
        fc.constantFrom('include', 'include_if_exists'),
        fc.integer({ min: 1, max: 30 }),
        (v, directive, chain) => {
          // a0 → a1 → … → a(chain-1) → a0: a cycle of any length.
          const tree: Record<string, string> = { '/d/postgresql.conf': `${directive} 'a0.conf'\n` };
          for (let i = 0; i < chain; i++)
            tree[`/d/a${i}.conf`] = `work_mem = ${i + 1}MB\n${directive} 'a${(i + 1) % chain}.conf'\n`;
          const r = readConfiguration(v, '/d/postgresql.conf', memoryFs(tree));
          expect(r.issues.length).toBeGreaterThan(0);
          expect(r.issues.every((i) => i.kind === 'include')).toBe(true);
          expect(r.issues[0]!.message).toMatch(/recursion|maximum nesting depth exceeded/);
        },
      ),
      { seed: 7005, numRuns: 60 },
    );
  });
});
