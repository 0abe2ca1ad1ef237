/**
 * A seeded generator of tricky postgresql.conf file sets for the differential test against real
 * servers: every construct of guc-file.l (comments, optional '=', token classes, quoting and
 * escapes, dotted names, case, CRLF, NUL and high bytes), broken lines, unknown names, bad units,
 * out-of-range values, and include / include_if_exists / include_dir layouts with missing files,
 * recursion and too-deep nesting. No dependency: a small PRNG (mulberry32).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { seededRandom } from './prng.mjs';

/** mulberry32: a tiny deterministic PRNG. */
export const prng = seededRandom;

/** One generated file set: paths relative to the case directory, which also serves as data directory. */
export interface ConfCase {
  readonly id: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Directories to create even when empty (include_dir targets, directories named like files). */
  readonly dirs: readonly string[];
}

/** Settings the differential test compares (those a version lacks are unknown names there). */
export const MEMORY_SETTINGS = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'wal_buffers',
  'temp_buffers',
  'max_connections',
  'autovacuum_work_mem',
  'logical_decoding_work_mem',
  'effective_cache_size',
  'max_wal_size',
  'hash_mem_multiplier',
  'max_worker_processes',
  'max_wal_senders',
  'autovacuum_max_workers',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'huge_pages',
  'track_activity_query_size',
  'min_dynamic_shared_memory',
  'autovacuum_worker_slots',
  'commit_timestamp_buffers',
  'vacuum_buffer_usage_limit',
  'io_workers',
] as const;

const KB_SETTINGS = [
  'work_mem',
  'maintenance_work_mem',
  'autovacuum_work_mem',
  'logical_decoding_work_mem',
  'vacuum_buffer_usage_limit',
];
const PAGE_SETTINGS = [
  'shared_buffers',
  'wal_buffers',
  'temp_buffers',
  'effective_cache_size',
  'commit_timestamp_buffers',
];
const MB_SETTINGS = ['max_wal_size', 'min_dynamic_shared_memory'];
const COUNT_SETTINGS = [
  'max_connections',
  'max_worker_processes',
  'max_wal_senders',
  'autovacuum_max_workers',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'autovacuum_worker_slots',
  'io_workers',
];

class Gen {
  /** A clean case: only values and layouts every version accepts, to compare resolved values. */
  clean = false;
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
}

function nameSpelling(g: Gen, name: string): string {
  const r = g.int(10);
  if (r === 0) return name.toUpperCase();
  if (r === 1) return name.replace(/(^|_)([a-z])/g, (_m, s: string, c: string) => s + c.toUpperCase());
  if (r === 2 && name === 'work_mem') return g.pick(['sort_mem', 'SORT_MEM']);
  if (r === 2 && name === 'maintenance_work_mem') return 'vacuum_mem';
  return name;
}

function memoryValue(g: Gen, base: 'kB' | '8kB' | 'MB'): string {
  if (g.clean) {
    const ok =
      base === 'MB'
        ? ['64', '1024', "'2GB'", '512MB', '1GB', "'1.5GB'", '0x40', '010', "' 100MB '"]
        : base === '8kB'
          ? [
              '128MB',
              "'256MB'",
              '16384',
              '1GB',
              "'1.5GB'",
              '4096kB',
              '0x4000',
              "'64 MB'",
              '8MB',
              '32768B',
              '02000',
              "'1000.4'",
              '1000.5',
              '1001.5',
              "'132kB'",
            ]
          : [
              '4MB',
              "'64MB'",
              '65536',
              '1GB',
              "'1.5MB'",
              '4096kB',
              "'256 MB'",
              '0x1000',
              '1048576B',
              '+8MB',
              '020000',
              '1024.5',
              '1025.5',
              "'1500B'",
              "'2.5e3'",
              "'1TB'",
            ];
    return g.pick(ok);
  }
  const numbers =
    base === 'MB'
      ? [0, 1, 2, 32, 64, 1024, 2147483647, 2147483648]
      : [0, 1, 15, 16, 63, 64, 65, 100, 128, 1000, 1024, 4096, 65536, 1073741823, 2147483647, 99999999999];
  const units = ['', '', 'B', 'kB', 'kB', 'MB', 'MB', 'MB', 'GB', 'TB', 'mb', 'KB', 'Mb', 'k', 'M', 'bytes', 'min'];
  if (g.chance(0.55)) {
    // Plausible values, mostly accepted, in the spellings people write.
    const plain =
      base === 'MB'
        ? ['64', '1024', "'2GB'", '512MB', '1GB', "'1.5GB'", '0x40']
        : base === '8kB'
          ? [
              '128MB',
              "'256MB'",
              '16384',
              '1GB',
              "'1.5GB'",
              '4096kB',
              '-1',
              '0x4000',
              "'64 MB'",
              '8MB',
              '32768B',
              '02000',
            ]
          : [
              '4MB',
              "'64MB'",
              '65536',
              '1GB',
              "'1.5MB'",
              '4096kB',
              '-1',
              "'256 MB'",
              '0x1000',
              '1048576B',
              '+8MB',
              '020000',
              '1024.5',
            ];
    return g.pick(plain);
  }
  const n = g.pick(numbers);
  const u = g.pick(units);
  switch (g.int(14)) {
    case 0:
      return `'${n}${u}'`;
    case 1:
      return `'${n} ${u}'`;
    case 2:
      return `' ${n}${u} '`;
    case 3:
      return `0x${n.toString(16)}${g.chance(0.5) ? u : ''}`;
    case 4:
      return `0${n.toString(8)}${g.chance(0.3) ? u : ''}`;
    case 5:
      return `${g.pick(['+', '-'])}${n}${u}`;
    case 6:
      return `'${n}.${g.pick([5, 25, 75, 4999])}${u}'`;
    case 7:
      return `${n}.${g.pick([5, 25, 0])}`; // REAL token, no unit possible
    case 8:
      return g.pick([
        `${n}.5${u || 'MB'}`,
        `${n}e3`,
        `'${n}e3'`,
        `.5`,
        `'-1'`,
        `-1`,
        `'${n}\\115B'`,
        `'${n}''MB'`,
        `''`,
        `'0x${n.toString(16)}kB'`,
      ]);
    default:
      return `${n}${u}`;
  }
}

function countValue(g: Gen): string {
  if (g.clean) return g.pick(['10', "'20'", '8', '0x10', '010', '5.4', "'3.5'", '12', '2.5', '3.5']);
  if (g.chance(0.6)) return g.pick(['100', '10', "'20'", '8', '64', '0x10', '010', '5.4', "'3.5'", '200', '2']);
  const n = g.pick([0, 1, 2, 3, 5, 10, 16, 64, 100, 262143, 8388607, 2147483648]);
  return g.pick([
    `${n}`,
    `${n}`,
    `'${n}'`,
    `0${n.toString(8)}`,
    `0x${n.toString(16)}`,
    `${n}.5`,
    `'${n}.5'`,
    `${n}kB`,
    `-${n}`,
  ]);
}

const ALL_VERSION_SETTINGS = MEMORY_SETTINGS.filter(
  (n) =>
    ![
      'autovacuum_worker_slots',
      'commit_timestamp_buffers',
      'vacuum_buffer_usage_limit',
      'io_workers',
      'max_connections',
      'max_wal_senders',
      'max_worker_processes',
      'autovacuum_max_workers',
    ].includes(n),
);

function settingLine(g: Gen): string {
  const name = g.clean ? g.pick(ALL_VERSION_SETTINGS) : g.pick(MEMORY_SETTINGS);
  let value: string;
  if (KB_SETTINGS.includes(name)) value = memoryValue(g, 'kB');
  else if (PAGE_SETTINGS.includes(name)) value = memoryValue(g, '8kB');
  else if (MB_SETTINGS.includes(name)) value = memoryValue(g, 'MB');
  else if (COUNT_SETTINGS.includes(name)) value = countValue(g);
  else if (name === 'hash_mem_multiplier' && g.clean)
    value = g.pick(['1', '2', '1.5', "'2.5'", "'1e1'", '1000', '8.0']);
  else if (name === 'huge_pages' && g.clean)
    value = g.pick(['on', 'off', 'try', "'TRUE'", 'FALSE', '1', '0', 'yes', 'On']);
  else if (name === 'track_activity_query_size' && g.clean)
    value = g.pick(['1024', '100', '1MB', "'2kB'", '1048576', "'4096B'"]);
  else if (name === 'hash_mem_multiplier')
    value = g.pick(['1', '2', '1.5', `'2.5'`, '0.5', `'1e1'`, '1000', '1000.0', '1001', `'abc'`, '3MB']);
  else if (name === 'huge_pages')
    value = g.pick(['on', 'off', 'try', `'TRUE'`, 'FALSE', '1', '0', 'yes', 'maybe', `'of'`, 'On', `'on '`]);
  else if (name === 'track_activity_query_size')
    value = g.pick(['1024', '100', '1MB', `'2kB'`, '1048576', '1048577', `'4096B'`]);
  else value = memoryValue(g, 'kB');
  const sep = g.pick([' = ', '=', ' ', '\t', ' =\t', '  =  ']);
  const comment = g.chance(0.2) ? g.pick([' # comment', '\t#', " # it's # fine", '#x']) : '';
  const indent = g.chance(0.1) ? g.pick([' ', '\t', '  ']) : '';
  return `${indent}${nameSpelling(g, name)}${sep}${value}${comment}`;
}

/** Lines that the server rejects or that exercise odd corners (all in textual form). */
const ODD_LINES = [
  'shared_bufferz = 128MB',
  'work_mem = 4MB extra',
  'work_mem = 4MB;',
  'work_mem',
  'work_mem =',
  '= 4MB',
  "work_mem = '4MB",
  "work_mem = '4MB'x",
  'a.b.c = 1',
  'myext.setting = 1',
  "myext.Setting = 'x # not a comment'",
  'MyExt.other = some-value:with/path.and_more',
  'plain_unknown = on',
  'data = /tmp/path',
  'work_mem = 1.5GB',
  'work_mem = 1e4',
  'work_mem = -',
  'work_mem = .',
  "work_mem = 'a\\'b'",
  'work_mem = pg_catalog.english',
  'work_mem = a.b-c',
  'block_size = 8192',
  '# just a comment',
  '   ',
  '',
  "include_if_exists 'not-there.conf'",
  'include sub.conf',
  "include ''",
  "include_dir ' '",
  'work_mem = 4MB # trailing',
  "x.y = 'multi''quote'",
  "ext.esc = '\\b\\f\\n\\r\\t\\101\\7777'",
  '\u00e9t\u00e9.caf\u00e9 = 1',
  'caf\u00e9 = 1',
  'work_mem = \u00e9',
  "work_mem = '4MB' = 5",
  'work_mem 4MB',
  'WORK_MEM = bogus',
  'work_mem = 0x',
  'work_mem = 0xZZ',
  'huge_pages = "on"',
];

function bodyLines(g: Gen, n: number, oddRate: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(g.chance(oddRate) ? g.pick(ODD_LINES) : settingLine(g));
  return lines;
}

/** Joins lines with LF or CRLF, optionally without a final newline, optionally with NUL / invalid UTF-8 bytes. */
function encodeFile(g: Gen, lines: string[]): Uint8Array {
  const eol = g.chance(0.15) ? '\r\n' : '\n';
  const text = lines.join(eol) + (g.chance(0.85) ? eol : '');
  const bytes = Array.from(new TextEncoder().encode(text));
  if (!g.clean && g.chance(0.03)) bytes.splice(g.int(bytes.length + 1), 0, 0); // a NUL byte somewhere
  if (!g.clean && g.chance(0.03)) bytes.splice(g.int(bytes.length + 1), 0, 0xff); // invalid UTF-8
  return Uint8Array.from(bytes);
}

/** Generates `count` cases from `seed`; the same seed always gives the same cases. */
export function generateConfCases(seed: number, count: number): ConfCase[] {
  const cases: ConfCase[] = [];
  for (let i = 0; i < count; i++) {
    const g = new Gen(prng(seed * 100003 + i));
    g.clean = g.chance(0.45);
    const files = new Map<string, Uint8Array>();
    const dirs: string[] = [];
    const oddRate = g.clean ? 0 : g.pick([0, 0, 0.02, 0.05, 0.15]);
    const bad = (p: number) => !g.clean && g.chance(p);
    const main = bodyLines(g, 1 + g.int(8), oddRate);
    const insert = (line: string) => main.splice(g.int(main.length + 1), 0, line);

    if (g.chance(0.3)) {
      const path = g.pick(['sub/inc.conf', 'inc.conf', 'sub/deeper/x.conf']);
      const spelled = g.pick([path, `./${path}`, `sub/../${path}`, `${path}/`]);
      insert(`${g.pick(['include', 'INCLUDE', 'include_if_exists'])} '${spelled}'`);
      const lines = bodyLines(g, 1 + g.int(4), oddRate);
      if (g.chance(0.2))
        lines.push(`include '${g.clean ? '../inc2.conf' : g.pick(['nested-missing.conf', '../inc2.conf'])}'`);
      files.set(path, encodeFile(g, lines));
      if (g.chance(0.3) || lines.some((l) => l.includes('inc2')))
        files.set(normalize(`${path.replace(/[^/]*$/, '')}../inc2.conf`), encodeFile(g, bodyLines(g, 2, oddRate)));
    }
    if (g.chance(0.2)) {
      dirs.push('conf.d');
      insert(`include_dir ${g.pick(["'conf.d'", 'conf.d', "'./conf.d/'", "'conf.d/.'", "'sub/../conf.d'"])}`);
      for (const name of [
        '00-base.conf',
        '10.conf',
        '2.conf',
        'Z.conf',
        'a.conf',
        '.hidden.conf',
        'x.conf.bak',
        'b.conf~',
        '.conf',
      ]) {
        if (g.chance(0.4)) files.set(`conf.d/${name}`, encodeFile(g, bodyLines(g, 1 + g.int(3), oddRate)));
      }
      if (g.chance(0.2)) dirs.push('conf.d/y.conf');
    }
    if (bad(0.06)) insert(`include '${g.pick(['missing.conf', '/nonexistent/x.conf', 'sub/missing.conf'])}'`);
    if (bad(0.04)) insert(`include_dir '${g.pick(['nodir', 'sub/../nodir/.'])}'`);
    if (bad(0.03)) insert(`include '${g.pick(['postgresql.conf', './postgresql.conf'])}'`);
    if (bad(0.03)) insert("include_dir '.'");
    if (bad(0.03)) {
      insert("include 'loop-a.conf'");
      files.set('loop-a.conf', encodeFile(g, ["include 'loop-b.conf'"]));
      files.set('loop-b.conf', encodeFile(g, ["include 'loop-a.conf'"]));
    }
    if (bad(0.03)) {
      dirs.push('adir');
      insert("include 'adir'");
    }
    if (g.chance(0.02)) insert("include '/dev/null'");
    if (bad(0.01)) for (let k = 0; k < 105; k++) main.push(g.pick(['= 1', 'x', "'q'"]));
    if (g.chance(0.25)) {
      const auto = ['# Do not edit this file manually!', '# It will be overwritten by the ALTER SYSTEM command.'];
      for (const line of bodyLines(g, 1 + g.int(2), oddRate / 2)) auto.push(line);
      files.set('postgresql.auto.conf', encodeFile(g, auto));
    }
    files.set('postgresql.conf', encodeFile(g, main));
    cases.push({ id: `${seed}-${i}`, files, dirs });
  }
  return cases;
}

/** Writes a case under `root` (created if needed); returns the absolute path of its postgresql.conf. */
export function writeConfCase(c: ConfCase, root: string): string {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  for (const dir of c.dirs) mkdirSync(join(root, dir), { recursive: true, mode: 0o755 });
  for (const [path, bytes] of c.files) {
    mkdirSync(dirname(join(root, path)), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, path), bytes, { mode: 0o644 });
  }
  return join(root, 'postgresql.conf');
}
