import { describe, expect, it } from 'vitest';
import { findGuc } from '../../src/core/catalog/index.js';
import type { GucDefinition } from '../../src/core/catalog/types.js';
import { formatG, parseBool, parseSettingValue, rint, settingBytes, unitBytes } from '../../src/core/units.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { postgresC } from '../support/postgres.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';
import { seededRandom as prng } from '../support/prng.mjs';

function guc(version: PgVersion, name: string): GucDefinition {
  const def = findGuc(version, name);
  if (!def) throw new Error(`${name} unknown in ${version}`);
  return def;
}

const MEMORY_HINT = 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".';
const TIME_HINT = 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".';

describe('helpers', () => {
  it('rint rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 12.5].map(rint)).toEqual([0, 2, 2, -0, -2, -2, 2, 12]);
  });
  it('formatG prints like C %g', () => {
    expect([1, 0.5, 1000, 1e6, 123456, 1234567, 0.0001, 0.00001, 1.5e-7, 2.5].map(formatG)).toEqual([
      '1',
      '0.5',
      '1000',
      '1e+06',
      '123456',
      '1.23457e+06',
      '0.0001',
      '1e-05',
      '1.5e-07',
      '2.5',
    ]);
    // The server's snprintf spells the special values out: "Infinity is outside the valid range for parameter …".
    expect([Infinity, -Infinity, NaN].map(formatG)).toEqual(['Infinity', '-Infinity', 'NaN']);
  });
  it('parseBool accepts words, prefixes and 1/0, case-insensitively, without whitespace', () => {
    const accepted: [string, boolean][] = [
      ['on', true],
      ['ON', true],
      ['of', false],
      ['off', false],
      ['t', true],
      ['TRU', true],
      ['true', true],
      ['f', false],
      ['fals', false],
      ['y', true],
      ['Yes', true],
      ['n', false],
      ['no', false],
      ['1', true],
      ['0', false],
    ];
    for (const [raw, value] of accepted) expect(parseBool(raw), raw).toBe(value);
    for (const raw of ['o', 'onn', 'offf', 'truex', ' on', 'on ', '', '01', '10', 'x', '2'])
      expect(parseBool(raw), raw).toBeNull();
  });
  it('unitBytes and settingBytes', () => {
    expect([
      unitBytes('8kB'),
      unitBytes('kB'),
      unitBytes('MB'),
      unitBytes('B'),
      unitBytes('ms'),
      unitBytes(null),
    ]).toEqual([8192, 1024, 1048576, 1, null, null]);
    expect(settingBytes(guc(18, 'shared_buffers'), '16384')).toBe(134217728);
    expect(settingBytes(guc(18, 'work_mem'), '4096')).toBe(4194304);
    expect(settingBytes(guc(18, 'max_connections'), '100')).toBeNull();
    expect(settingBytes(guc(18, 'autovacuum_work_mem'), '-1')).toBe(-1024);
  });
});

/** [version, setting, raw, expected setting] or [version, setting, raw, { message, hint?, detail? }]. */
type Case = [PgVersion | 'all', string, string, string | { message: string; hint?: string; detail?: string }];

// Hand-worked from guc.c's rules; the measured ones are from /work/shared/pg-memory.md §5.4 and §5.7.
const CASES: Case[] = [
  ['all', 'max_connections', '0100', '64'], // octal
  ['all', 'max_connections', '0x40', '64'], // hex
  ['all', 'max_connections', '+7', '7'],
  ['all', 'max_connections', '1.5', '2'], // rint(1.5) = 2
  ['all', 'max_connections', '2.5', '2'], // ties to even
  ['all', 'work_mem', '1.5e4', '15000'],
  ['all', 'work_mem', '65500B', '64'], // 63.96 kB → 64
  ['all', 'work_mem', '64 MB', '65536'],
  ['all', 'work_mem', ' 64MB ', '65536'],
  ['all', 'work_mem', '1.5GB', '1572864'],
  ['all', 'work_mem', '0.5MB', '512'],
  ['all', 'max_connections', '010.5', '10'], // strtol stops at '.', strtod re-reads "010.5" as decimal 10.5 → 10
  ['all', 'shared_buffers', '132kB', '16'],
  ['all', 'shared_buffers', '140kB', '18'], // 17.5 → 18
  ['all', 'shared_buffers', '268435456B', '32768'],
  ['all', 'shared_buffers', '1GB', '131072'],
  ['all', 'shared_buffers', '128MB', '16384'],
  ['all', 'checkpoint_timeout', '30500ms', '30'],
  ['all', 'checkpoint_timeout', '5min', '300'],
  ['all', 'checkpoint_timeout', '1h', '3600'],
  ['all', 'statement_timeout', '1500us', '2'],
  ['all', 'statement_timeout', '1d', '86400000'],
  ['all', 'max_wal_size', '1536kB', '2'],
  ['all', 'max_wal_size', '1TB', '1048576'],
  ['all', 'wal_buffers', '2', '4'], // check_wal_buffers raises to 4
  ['all', 'wal_buffers', '-1', '-1'],
  ['all', 'hash_mem_multiplier', '1.5', '1.5'],
  ['all', 'hash_mem_multiplier', '0x10', '16'],
  ['all', 'vacuum_cost_delay', '1500us', '1.5'],
  ['all', 'huge_pages', 'TRUE', 'on'],
  ['all', 'huge_pages', '0', 'off'],
  ['all', 'huge_pages', 'Try', 'try'],
  ['all', 'wal_level', 'hot_standby', 'replica'],
  ['all', 'enable_seqscan', 'of', 'off'],
  ['all', 'sort_mem', '1MB', '1024'], // old name for work_mem
  [13, 'autovacuum_work_mem', '100', '1024'],
  [16, 'autovacuum_work_mem', '100', '1024'],
  [17, 'autovacuum_work_mem', '100', '100'],
  [18, 'autovacuum_work_mem', '10', '64'],
  [15, 'wal_compression', 'on', 'pglz'],
  [14, 'wal_compression', 'yes', 'on'], // still a bool in 14
  [17, 'transaction_buffers', '0', '0'],
  [17, 'transaction_buffers', '32', '32'],
  [
    'all',
    'shared_buffers',
    '256mb',
    { message: 'invalid value for parameter "shared_buffers": "256mb"', hint: MEMORY_HINT },
  ],
  [
    'all',
    'work_mem',
    '12parsecs',
    { message: 'invalid value for parameter "work_mem": "12parsecs"', hint: MEMORY_HINT },
  ],
  ['all', 'work_mem', '08', { message: 'invalid value for parameter "work_mem": "08"', hint: MEMORY_HINT }],
  [
    'all',
    'checkpoint_timeout',
    '5m',
    { message: 'invalid value for parameter "checkpoint_timeout": "5m"', hint: TIME_HINT },
  ],
  [
    'all',
    'work_mem',
    '99999999999',
    { message: 'invalid value for parameter "work_mem": "99999999999"', hint: 'Value exceeds integer range.' },
  ],
  ['all', 'shared_buffers', '', { message: 'invalid value for parameter "shared_buffers": ""' }],
  ['all', 'max_connections', '10MB', { message: 'invalid value for parameter "max_connections": "10MB"' }],
  ['all', 'hash_mem_multiplier', '1e400', { message: 'invalid value for parameter "hash_mem_multiplier": "1e400"' }],
  [
    'all',
    'huge_pages',
    'maybe',
    { message: 'invalid value for parameter "huge_pages": "maybe"', hint: 'Available values: off, on, try.' },
  ],
  ['all', 'enable_seqscan', 'o', { message: 'parameter "enable_seqscan" requires a Boolean value' }],
  [
    13,
    'shared_buffers',
    '100kB',
    { message: '12 8kB is outside the valid range for parameter "shared_buffers" (16 .. 1073741823)' },
  ],
  [
    16,
    'shared_buffers',
    '100kB',
    { message: '12 8kB is outside the valid range for parameter "shared_buffers" (16 .. 1073741823)' },
  ],
  [
    17,
    'shared_buffers',
    '100kB',
    { message: '12 8kB is outside the valid range for parameter "shared_buffers" (16 8kB .. 1073741823 8kB)' },
  ],
  [
    18,
    'work_mem',
    '1.5',
    { message: '2 kB is outside the valid range for parameter "work_mem" (64 kB .. 2147483647 kB)' },
  ],
  [
    13,
    'hash_mem_multiplier',
    '0.5',
    { message: '0.5 is outside the valid range for parameter "hash_mem_multiplier" (1 .. 1000)' },
  ],
  [
    18,
    'vacuum_cost_delay',
    '200',
    { message: '200 ms is outside the valid range for parameter "vacuum_cost_delay" (0 ms .. 100 ms)' },
  ],
  [
    17,
    'transaction_buffers',
    '100',
    {
      message: 'invalid value for parameter "transaction_buffers": 100',
      detail: '"transaction_buffers" must be a multiple of 16',
    },
  ],
  [
    18,
    'notify_buffers',
    '20',
    {
      message: 'invalid value for parameter "notify_buffers": 20',
      detail: '"notify_buffers" must be a multiple of 16.',
    },
  ],
  [
    16,
    'vacuum_buffer_usage_limit',
    '100',
    {
      message: 'invalid value for parameter "vacuum_buffer_usage_limit": 100',
      detail: '"vacuum_buffer_usage_limit" must be 0 or between 128 kB and 16777216 kB',
    },
  ],
  [17, 'max_connections', '262143', { message: 'invalid value for parameter "max_connections": 262143' }],
  [18, 'max_connections', '262143', '262143'], // 18 checks the process count at postmaster start instead
];

describe('parseSettingValue: hand-worked table', () => {
  for (const [when, name, raw, expected] of CASES) {
    const versions = when === 'all' ? SUPPORTED_VERSIONS : [when];
    for (const version of versions) {
      it(`${version} ${name} = ${JSON.stringify(raw)}`, () => {
        const parsed = parseSettingValue(version, guc(version, name), raw);
        if (typeof expected === 'string') expect(parsed).toMatchObject({ ok: true, setting: expected });
        else expect(parsed).toEqual({ ok: false, ...expected });
      });
    }
  }
  it('the backend-slot check uses the other settings it is given (13–17)', () => {
    const def = guc(16, 'max_connections');
    expect(parseSettingValue(16, def, '262000').ok).toBe(true); // 262000 + 3 + 1 + 8 + 10 ≤ 262143
    expect(parseSettingValue(16, def, '262000', { max_worker_processes: 200 }).ok).toBe(false);
  });
});

const NUMERIC = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'autovacuum_work_mem',
  'temp_buffers',
  'wal_buffers',
  'max_connections',
  'max_worker_processes',
  'autovacuum_max_workers',
  'max_wal_senders',
  'hash_mem_multiplier',
  'track_activity_query_size',
  'logical_decoding_work_mem',
  'max_wal_size',
  'vacuum_buffer_usage_limit',
  'transaction_buffers',
  'notify_buffers',
  'multixact_member_buffers',
  'checkpoint_timeout',
  'vacuum_cost_delay',
  'max_locks_per_transaction',
  'min_dynamic_shared_memory',
];
const WORDS = [
  'huge_pages',
  'shared_memory_type',
  'dynamic_shared_memory_type',
  'wal_level',
  'enable_seqscan',
  'io_method',
  'wal_compression',
  'default_toast_compression',
];
const UNITS = [
  '',
  '',
  'B',
  'kB',
  'MB',
  'GB',
  'TB',
  'kb',
  'KB',
  'mb',
  'Mb',
  'k',
  'us',
  'ms',
  's',
  'min',
  'h',
  'd',
  'm',
  'MBs',
  'x',
];
const SPELLINGS = [
  'on',
  'off',
  'try',
  'true',
  'false',
  'yes',
  'no',
  '1',
  '0',
  'of',
  'o',
  't',
  'mmap',
  'sysv',
  'posix',
  'replica',
  'hot_standby',
  'archive',
  'minimal',
  'logical',
  'worker',
  'sync',
  'maybe',
  '',
  'lz4',
  'zstd',
  'pglz',
  'io_uring',
  'LZ4',
];

const MEMORY_UNITS = ['', 'B', 'kB', 'MB', 'GB', 'TB'];
const TIME_UNITS = ['', 'us', 'ms', 's', 'min', 'h', 'd'];

function generateValue(rand: () => number, name: string, def: GucDefinition): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (WORDS.includes(name)) {
    let word = pick(SPELLINGS);
    if (rand() < 0.3) word = word.toUpperCase();
    if (rand() < 0.1) word = ` ${word}`;
    return word;
  }
  const magnitude = pick([4, 100, 1000, 5000, 1e5, 1e6, 1e7, 1e9, 3e9, 1e12]);
  const n = Math.floor(rand() * magnitude * 2) - (rand() < 0.15 ? magnitude : 0);
  let text: string;
  const form = rand();
  if (form < 0.5) text = String(n);
  else if (form < 0.6) text = `0x${Math.abs(n).toString(16)}`;
  else if (form < 0.7) text = `0${Math.abs(n).toString(8)}`;
  else if (form < 0.9) text = (n / pick([2, 4, 8, 10, 3])).toFixed(pick([1, 2, 3]));
  else text = `${(n / 1000).toFixed(1)}e${pick([1, 2, 3, -1])}`;
  if (rand() < 0.05) text = pick(['', '-', '1e', '0x', 'inf', 'nan', '1.2.3', 'abc', '.5']);
  const fitting = def.unit === null ? [''] : ['ms', 's', 'min', 'us'].includes(def.unit) ? TIME_UNITS : MEMORY_UNITS;
  const unit = rand() < 0.6 ? pick(fitting) : pick(UNITS);
  const gap = unit && rand() < 0.2 ? pick([' ', '  ', '\t']) : '';
  const trail = rand() < 0.05 ? ' ' : '';
  return `${text}${gap}${unit}${trail}`;
}

/** The server's FATAL line and its HINT/DETAIL lines, without the log-line prefix. */
function serverError(stderr: string): { message: string; hint?: string; detail?: string } {
  const out: { message: string; hint?: string; detail?: string } = { message: '' };
  for (const line of stderr.split('\n')) {
    const m = /(FATAL|HINT|DETAIL): {2}(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'FATAL') out.message = m[2]!;
    else if (m[1] === 'HINT') out.hint = m[2]!;
    else out.detail = m[2]!;
  }
  return out;
}

/** Values per installed version; each costs one `postgres -C` spawn (~20 ms). */
const PER_VERSION = 80;

describe('parseSettingValue agrees with the real servers (postgres -C)', () => {
  // The embedded 13–18 and Debian's 15, each judged with its build's catalog.
  const servers = requireServers('parseSettingValue oracle', {
    embedded: SUPPORTED_VERSIONS,
    distribution: DISTRIBUTION_VERSIONS,
  });
  it.skipIf(servers.length === 0)(
    'accepts and rejects exactly what each server does, with the same value and message',
    () => {
      const rand = prng(20240613);
      let compared = 0;
      let accepted = 0;
      for (const { version: major, build } of servers) {
        const version = major as PgVersion;
        const names = [...NUMERIC, ...WORDS].filter((n) => findGuc(version, n));
        for (let i = 0; i < PER_VERSION; i++) {
          const name = names[Math.floor(rand() * names.length)]!;
          const def = findGuc(version, name, build)!;
          const raw = generateValue(rand, name, def);
          const ours = parseSettingValue(version, def, raw);
          const server = postgresC(version, name, { settings: { [name]: raw }, build });
          const label = `${version} ${name}=${JSON.stringify(raw)}`;
          if (server.ok) expect(ours, label).toMatchObject({ ok: true, setting: server.value });
          else expect(ours, `${label}\n${server.stderr}`).toEqual({ ok: false, ...serverError(server.stderr) });
          compared++;
          if (server.ok) accepted++;
        }
      }
      expect(compared).toBe(PER_VERSION * servers.length);
      // Both outcomes must be exercised, or the comparison proves little.
      expect(accepted).toBeGreaterThan(compared / 5);
      expect(accepted).toBeLessThan((compared * 4) / 5);
    },
  );
});
