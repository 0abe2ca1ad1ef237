/**
 * bench/check: wall time of the built `pgmem check` on a 100,000-line postgresql.conf and on 1,000
 * files in one call, each paired with `node -e 0` (alternating runs), as medians and ratios.
 *
 *   npm run bench:check                         # 15 pairs per case (npm run build first)
 *   npm run bench:check -- --pairs 30 --lines 200000 --files 2000
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

function timeRun(args: readonly string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.slice(0, 4).join(' ')} … exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function main(): void {
  const pairs = option('--pairs', 15);
  const lines = option('--lines', 100_000);
  const fileCount = option('--files', 1000);
  const bin = resolve(root, 'bin/pgmem.cjs');
  const dir = mkdtempSync(join(tmpdir(), 'pgmem-bench-check-'));
  try {
    writeFileSync(join(dir, 'big.conf'), bigConfiguration(lines));
    const files: string[] = [];
    for (let i = 0; i < fileCount; i++) {
      const name = `server-${i}.conf`;
      writeFileSync(join(dir, name), bigConfiguration(40).replace('max_connections = 200', `max_connections = ${100 + i}`));
      files.push(name);
    }
    const cases = [
      { name: `check on ${lines.toLocaleString('en')} lines`, args: [bin, 'check', 'big.conf', '--json', '--fail-on', 'none', '--no-auto-conf'] },
      { name: `check on ${fileCount.toLocaleString('en')} files`, args: [bin, 'check', ...files, '--json', '--fail-on', 'none', '--no-auto-conf'] },
    ];
    console.log(`node ${process.version}, ${pairs} alternating pairs per case\n`);
    console.log('| case | node -e 0 (median ms) | pgmem (median ms) | pgmem − node (median ms) | ratio (median of pairs) |');
    console.log('|---|---:|---:|---:|---:|');
    for (const c of cases) {
      timeRun(c.args, dir); // warm the file cache
      const node: number[] = [];
      const pgmem: number[] = [];
      for (let i = 0; i < pairs; i++) {
        if (i % 2 === 0) {
          node.push(timeRun(['-e', '0'], dir));
          pgmem.push(timeRun(c.args, dir));
        } else {
          pgmem.push(timeRun(c.args, dir));
          node.push(timeRun(['-e', '0'], dir));
        }
      }
      const ratio = median(pgmem.map((p, i) => p / node[i]!));
      const extra = median(pgmem.map((p, i) => p - node[i]!));
      console.log(`| ${c.name} | ${median(node).toFixed(1)} | ${median(pgmem).toFixed(1)} | ${extra.toFixed(1)} | ${ratio.toFixed(2)}× |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
