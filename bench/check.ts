/**
 * bench/check: wall time of the built `pgmem check` on a 100,000-line and a 1,000,000-line
 * postgresql.conf and on 1,000 files in one call, each paired with `node -e 0` (alternating runs),
 * as medians and ratios, with the median peak memory (maximum resident set) of pgmem's runs.
 *
 *   npm run bench:check                         # 15 pairs per case (npm run build first)
 *   npm run bench:check -- --pairs 30 --lines 200000,2000000 --files 2000
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './startup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Real settings with values the server accepts, cycled through the generated files. */
const LINES = [
  'work_mem = 4MB',
  "shared_buffers = '2GB'",
  'max_connections = 200',
  'maintenance_work_mem = 256MB',
  'effective_cache_size = 6GB',
  'hash_mem_multiplier = 2.0',
  'autovacuum_max_workers = 3',
  "huge_pages = 'try'",
  'wal_buffers = -1',
  "log_line_prefix = '%m [%p] %q%u@%d '",
];

/** A postgresql.conf of `lines` lines: settings, comments, blank lines and custom (dotted) settings. */
export function bigConfiguration(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 4) {
      case 0:
        out.push(LINES[(i >> 2) % LINES.length]!);
        break;
      case 1:
        out.push(`# comment ${i}: the server skips these, pgmem must too`);
        break;
      case 2:
        out.push(`myext.setting_${i} = 'value ${i}'   # a custom placeholder`);
        break;
      default:
        out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

/** GNU time, which reports a child's maximum resident set; without it the memory column is empty. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** One run: wall milliseconds and, with GNU time, the peak resident set in MiB. */
function timeRun(args: readonly string[], cwd: string): { ms: number; rssMiB: number | null } {
  const [command, argv] = GNU_TIME
    ? [GNU_TIME, ['-f', 'pgmem-bench-rss %M', process.execPath, ...args]]
    : [process.execPath, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(`node ${args.slice(0, 4).join(' ')} … exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  const rss = /pgmem-bench-rss (\d+)/.exec(r.stderr.toString());
  return { ms, rssMiB: rss ? Number(rss[1]) / 1024 : null };
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function listOption(name: string, fallback: readonly number[]): number[] {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]!.split(',').map(Number) : [...fallback];
}

function main(): void {
  const pairs = option('--pairs', 15);
  const sizes = listOption('--lines', [100_000, 1_000_000]);
  const fileCount = option('--files', 1000);
  const binIndex = process.argv.indexOf('--bin');
  const bin = resolve(binIndex >= 0 ? process.argv[binIndex + 1]! : join(root, 'bin/pgmem.cjs'));
  const dir = mkdtempSync(join(tmpdir(), 'pgmem-bench-check-'));
  try {
    for (const lines of sizes) writeFileSync(join(dir, `big-${lines}.conf`), bigConfiguration(lines));
    const files: string[] = [];
    for (let i = 0; i < fileCount; i++) {
      const name = `server-${i}.conf`;
      writeFileSync(
        join(dir, name),
        bigConfiguration(40).replace('max_connections = 200', `max_connections = ${100 + i}`),
      );
      files.push(name);
    }
    const cases = [
      ...sizes.map((lines) => ({
        name: `check on ${lines.toLocaleString('en')} lines`,
        args: [bin, 'check', `big-${lines}.conf`, '--json', '--fail-on', 'none', '--no-auto-conf'],
      })),
      {
        name: `check on ${fileCount.toLocaleString('en')} files`,
        args: [bin, 'check', ...files, '--json', '--fail-on', 'none', '--no-auto-conf'],
      },
    ];
    console.log(`node ${process.version}, ${pairs} alternating pairs per case\n`);
    console.log(
      '| case | node -e 0 (median ms) | pgmem (median ms) | pgmem − node (median ms) | ratio (median of pairs) | pgmem peak RSS (median MiB) |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const c of cases) {
      timeRun(c.args, dir); // warm the file cache
      const node: number[] = [];
      const pgmem: number[] = [];
      const rss: number[] = [];
      const runPgmem = (): void => {
        const r = timeRun(c.args, dir);
        pgmem.push(r.ms);
        if (r.rssMiB !== null) rss.push(r.rssMiB);
      };
      for (let i = 0; i < pairs; i++) {
        if (i % 2 === 0) {
          node.push(timeRun(['-e', '0'], dir).ms);
          runPgmem();
        } else {
          runPgmem();
          node.push(timeRun(['-e', '0'], dir).ms);
        }
      }
      const ratio = median(pgmem.map((p, i) => p / node[i]!));
      const extra = median(pgmem.map((p, i) => p - node[i]!));
      const memory = rss.length > 0 ? median(rss).toFixed(0) : '—';
      console.log(
        `| ${c.name} | ${median(node).toFixed(1)} | ${median(pgmem).toFixed(1)} | ${extra.toFixed(1)} | ${ratio.toFixed(2)}× | ${memory} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
