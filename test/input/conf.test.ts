import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfLexer, ConfToken, unescapeConfString } from '../../src/input/conf/lexer.js';
import { canonicalizePath } from '../../src/input/conf/path.js';
import {
  ConfFsError,
  parseConfText,
  readConfiguration,
  type ConfFileSystem,
  type ConfIssue,
} from '../../src/input/conf/index.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { memoryFs } from '../support/memory-fs.js';

const enc = new TextEncoder();

function tokens(text: string): [string, string][] {
  const bytes = enc.encode(text);
  const lexer = new ConfLexer(bytes);
  const out: [string, string][] = [];
  const names = Object.fromEntries(Object.entries(ConfToken).map(([k, v]) => [v, k]));
  for (let t = lexer.next(); t.type !== ConfToken.Eof; t = lexer.next()) {
    out.push([names[t.type]!, new TextDecoder().decode(bytes.subarray(t.start, t.end))]);
  }
  return out;
}

const messages = (issues: ConfIssue[]) => issues.map((i) => i.message);

describe('scanner (guc-file.l token classes, longest match then first rule)', () => {
  it('tells the token classes apart', () => {
    expect(tokens("a a.b a.b.c 'x' /x 128MB 0x1F 0xZ 1.5 .5 1e4 1.5e3 - = #c\n")).toEqual([
      ['Id', 'a'],
      ['QualifiedId', 'a.b'],
      ['UnquotedString', 'a.b.c'], // longer than the QUALIFIED_ID a.b
      ['String', "'x'"],
      ['Error', '/'],
      ['Id', 'x'], // ID and UNQUOTED_STRING tie: the first rule wins
      ['Integer', '128MB'],
      ['Integer', '0x1F'],
      ['Integer', '0xZ'], // 0 followed by unit letters
      ['Real', '1.5'],
      ['Real', '.5'],
      ['Integer', '1e'],
      ['Integer', '4'],
      ['Real', '1.5e3'],
      ['Error', '-'],
      ['Equals', '='],
      ['Eol', '\n'],
    ]);
  });

  it('takes the longest STRING, with doubled quotes and backslash escapes', () => {
    expect(tokens("'a''b' 'c\\'d' 'e'")).toEqual([
      ['String', "'a''b'"],
      ['String', "'c\\'d'"],
      ['String', "'e'"],
    ]);
    expect(tokens("'open")[0]).toEqual(['Error', "'"]);
  });

  it('treats bytes 0x80–0xFF as letters', () => {
    expect(tokens('my.café')).toEqual([['QualifiedId', 'my.café']]);
  });

  it('unescapes as GUC_scanstr does, stopping at a NUL', () => {
    const un = (s: string | Uint8Array) =>
      new TextDecoder().decode(unescapeConfString(typeof s === 'string' ? enc.encode(s) : s));
    expect(un("'a''b'")).toBe("a'b");
    expect(un("'\\b\\f\\n\\r\\t'")).toBe('\b\f\n\r\t');
    expect(un("'a\\101b\\7777'")).toBe('aAb\u00ff7'.replace('\u00ff', '\ufffd')); // \777 → byte 0xFF
    expect(un("'x\\qy'")).toBe('xqy');
    expect(un(Uint8Array.from([0x27, 0x35, 0x4d, 0x00, 0x42, 0x27]))).toBe('5'); // '5M\0B' → "5"
  });
});

describe('line grammar (ParseConfigFp)', () => {
  it('reads name [=] value with comments, tabs, CRLF and a last line without newline', () => {
    const r = parseConfText("a = 1\r\nb\t2 # c\n\n# only a comment\nc.d 'x # y'\nE=3", '/f.conf');
    expect(r.issues).toEqual([]);
    expect(r.assignments.map((a) => [a.name, a.rawValue, a.line])).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c.d', 'x # y', 5],
      ['E', '3', 6],
    ]);
  });

  it('reports the line PostgreSQL reports, near a token or near the end of line', () => {
    expect(messages(parseConfText('a\nb = 1 2\n= 3\nc =', '/f').issues)).toEqual([
      'syntax error in file "/f" line 1, near end of line',
      'syntax error in file "/f" line 2, near token "2"',
      'syntax error in file "/f" line 3, near token "="',
      'syntax error in file "/f" line 3, near end of line', // EOF mid-line: the previous line number
    ]);
  });

  it('gives up after 100 syntax errors in a file', () => {
    const r = parseConfText('x\n'.repeat(150), '/f');
    expect(r.issues).toHaveLength(101);
    expect(r.issues[100]!.message).toBe('too many syntax errors found, abandoning file "/f"');
  });

  it('hands include directives to the caller, case-insensitively', () => {
    expect(parseConfText("INCLUDE 'a.conf'\ninclude_dir d\nInclude_If_Exists 'b'", '/f').includes).toEqual([
      { kind: 'include', value: 'a.conf', line: 1 },
      { kind: 'include_dir', value: 'd', line: 2 },
      { kind: 'include_if_exists', value: 'b', line: 3 },
    ]);
  });
});

describe('paths (src/port/path.c canonicalize_path)', () => {
  it('resolves dot components everywhere from 15 on, only at the end in 13 and 14', () => {
    expect(canonicalizePath(15, '/a/sub/../b.conf')).toBe('/a/b.conf');
    expect(canonicalizePath(13, '/a/sub/../b.conf')).toBe('/a/sub/../b.conf');
    expect(canonicalizePath(13, '/a/sub/..')).toBe('/a');
    expect(canonicalizePath(14, '/a//b/./')).toBe('/a/b');
    expect(canonicalizePath(18, '/../x')).toBe('/x');
    expect(canonicalizePath(18, '../a/../../b')).toBe('../../b');
  });
});

describe('readConfiguration', () => {
  it('expands includes in place, applies postgresql.auto.conf last, last assignment wins', () => {
    const fs = memoryFs({
      '/d/postgresql.conf': "work_mem = 1MB\ninclude 'sub/a.conf'\nshared_buffers = 256MB\ninclude_dir 'conf.d'\n",
      '/d/sub/a.conf': "work_mem = 2MB\ninclude 'b.conf'\n", // relative to sub/
      '/d/sub/b.conf': 'maintenance_work_mem = 128MB\n',
      '/d/conf.d/10.conf': 'shared_buffers = 1GB\n',
      '/d/conf.d/2.conf': 'shared_buffers = 2GB\n', // strcmp order: 10.conf < 2.conf < Z.conf
      '/d/conf.d/Z.conf': 'temp_buffers = 16MB\n',
      '/d/conf.d/.hidden.conf': 'work_mem = 99MB\n',
      '/d/conf.d/x.conf.bak': 'work_mem = 98MB\n',
      '/d/conf.d/y.conf/': '',
      '/d/postgresql.auto.conf': "work_mem = '9MB'\n",
    });
    const r = readConfiguration(18, '/d/postgresql.conf', fs);
    expect(r.issues).toEqual([]);
    expect(r.files).toEqual([
      '/d/postgresql.conf',
      '/d/sub/a.conf',
      '/d/sub/b.conf',
      '/d/conf.d/10.conf',
      '/d/conf.d/2.conf',
      '/d/conf.d/Z.conf',
      '/d/postgresql.auto.conf',
    ]);
    expect(r.effective.get('work_mem')).toMatchObject({ setting: '9216', file: '/d/postgresql.auto.conf', line: 1 });
    expect(r.effective.get('shared_buffers')).toMatchObject({ setting: '262144', file: '/d/conf.d/2.conf' });
    expect(r.effective.get('maintenance_work_mem')?.setting).toBe('131072');
    expect(r.effective.get('temp_buffers')?.setting).toBe('2048');
    expect(readConfiguration(18, '/d/postgresql.conf', fs, { autoConf: null }).effective.get('work_mem')?.setting).toBe(
      '2048',
    );
  });

  it('reports include failures as the server does', () => {
    const fs = memoryFs({
      '/d/postgresql.conf':
        "include 'missing.conf'\ninclude_if_exists 'missing2.conf'\ninclude_dir 'nodir'\ninclude 'postgresql.conf'\ninclude ''\ninclude_dir ' '\ninclude 'adir'\ninclude 'loop.conf'\nwork_mem = 1 2\n",
      '/d/adir/': '',
      '/d/loop.conf': "include 'loop.conf'\n",
    });
    expect(messages(readConfiguration(16, '/d/postgresql.conf', fs).issues)).toEqual([
      'could not open configuration file "/d/missing.conf": No such file or directory',
      'could not open configuration directory "/d/nodir": No such file or directory',
      'configuration file recursion in "/d/postgresql.conf"',
      'empty configuration file name: ""',
      'empty configuration directory name: " "',
      'input in flex scanner failed at file "/d/adir" line 1',
      'configuration file recursion in "/d/loop.conf"',
      'syntax error in file "/d/postgresql.conf" line 9, near token "2"',
    ]);
  });

  it('refuses nesting deeper than 10 levels, naming the file as written', () => {
    const tree: Record<string, string> = { '/d/postgresql.conf': "include 'f1.conf'\n" };
    for (let i = 1; i <= 12; i++) tree[`/d/f${i}.conf`] = `include 'f${i + 1}.conf'\n`;
    expect(messages(readConfiguration(13, '/d/postgresql.conf', memoryFs(tree)).issues)).toEqual([
      'could not open configuration file "f11.conf": maximum nesting depth exceeded',
    ]);
  });

  it('checks names before values, and values with the version wording', () => {
    const fs = memoryFs({ '/d/postgresql.conf': 'shared_bufferz = 1\nwork_mem = bogus\nmyext.x = 1\n' });
    expect(readConfiguration(17, '/d/postgresql.conf', fs).issues).toEqual([
      {
        kind: 'unknown-setting',
        file: '/d/postgresql.conf',
        line: 1,
        setting: 'shared_bufferz',
        message: 'unrecognized configuration parameter "shared_bufferz" in file "/d/postgresql.conf" line 1',
      },
    ]);
    const values = memoryFs({
      '/d/postgresql.conf': "WORK_MEM = 12parsecs\nshared_buffers = 1\nmyext.x = 'anything'\n",
    });
    const r13 = readConfiguration(13, '/d/postgresql.conf', values);
    expect(r13.issues.map((i) => [i.kind, i.line, i.message, i.hint])).toEqual([
      [
        'invalid-value',
        1,
        'invalid value for parameter "WORK_MEM": "12parsecs"',
        'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
      ],
      [
        'invalid-value',
        2,
        '1 8kB is outside the valid range for parameter "shared_buffers" (16 .. 1073741823)',
        undefined,
      ],
    ]);
    expect(r13.effective.get('myext.x')).toMatchObject({ setting: 'anything', known: false });
    expect(messages(readConfiguration(18, '/d/postgresql.conf', values).issues)[0]).toBe(
      'invalid value for parameter "work_mem": "12parsecs"',
    );
  });

  it('ignores an earlier duplicate spelled exactly the same, but validates one spelled differently', () => {
    const same = memoryFs({ '/d/postgresql.conf': 'work_mem = bogus\nwork_mem = 4MB\n' });
    expect(readConfiguration(15, '/d/postgresql.conf', same).issues).toEqual([]);
    const other = memoryFs({ '/d/postgresql.conf': 'Work_Mem = bogus\nwork_mem = 4MB\n' });
    expect(messages(readConfiguration(15, '/d/postgresql.conf', other).issues)).toEqual([
      'invalid value for parameter "Work_Mem": "bogus"',
    ]);
  });

  it('resolves a relative main file against the file system cwd and stops at a missing one', () => {
    const fs = memoryFs({ '/work/pg/postgresql.conf': 'work_mem = 8MB\n' });
    expect(readConfiguration(18, 'pg/postgresql.conf', fs).effective.get('work_mem')?.file).toBe(
      '/work/pg/postgresql.conf',
    );
    expect(readConfiguration(18, '/nope.conf', fs).issues[0]?.kind).toBe('include');
  });

  it('stays bounded on a hostile file set', () => {
    const fs = memoryFs({ '/d/postgresql.conf': "include '/d/big.conf'\n" });
    const big: ConfFileSystem = {
      ...fs,
      readFile: (p) => {
        if (p === '/d/big.conf') throw new ConfFsError('EFBIG', 'larger than 67108864 bytes');
        return fs.readFile(p);
      },
    };
    expect(readConfiguration(18, '/d/postgresql.conf', big).issues.map((i) => i.kind)).toEqual(['limit']);
    const longLine = memoryFs({
      '/d/postgresql.conf': `myext.x = '${'9'.repeat(1_000_000)}' # ${'#'.repeat(1_000_000)}\nwork_mem = 4MB\n`,
    });
    const r = readConfiguration(18, '/d/postgresql.conf', longLine);
    expect([r.issues, r.effective.get('myext.x')?.setting.length, r.effective.get('work_mem')?.line]).toEqual([
      [],
      1_000_000,
      2,
    ]);
  });
});

describe('regression corpus (expected outcomes from the real servers, see conf-corpus/regenerate.sh)', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'conf-corpus');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.conf'))) {
    const expected = JSON.parse(readFileSync(join(dir, name.replace(/\.conf$/, '.expected.json')), 'utf8')) as Record<
      string,
      { ok: boolean; lines?: string[]; values?: Record<string, string> }
    >;
    it(name, () => {
      const bytes = readFileSync(join(dir, name));
      const file = '/corpus/postgresql.conf';
      let checked = 0;
      for (const version of SUPPORTED_VERSIONS) {
        const want = expected[String(version)];
        if (!want) continue;
        const r = readConfiguration(version as PgVersion, file, memoryFs({ [file]: new Uint8Array(bytes) }));
        const lines = r.issues.flatMap((i) => [
          i.message,
          ...(i.detail ? [i.detail] : []),
          ...(i.hint ? [i.hint] : []),
        ]);
        expect({ version, ok: r.issues.length === 0, lines: lines.map((l) => l.replaceAll(file, '$FILE')) }).toEqual({
          version,
          ok: want.ok,
          lines: want.lines ?? [],
        });
        for (const [setting, value] of Object.entries(want.values ?? {})) {
          expect([version, setting, r.effective.get(setting)?.setting]).toEqual([version, setting, value]);
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
