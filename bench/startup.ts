/**
 * bench/startup: wall time of `pgmem plan` (JSON and table) and `pgmem --version` against `node -e 0`,
 * measured as alternating paired runs so that machine load drifts equally over both sides of a pair.
 *
 *   npm run bench:startup                      # 30 pairs per command, the built bin (npm run build first)
 *   npm run bench:startup -- --pairs 50 --bin bin/pgmem.cjs
 *
 * Prints, per command: the median of node -e 0, the median of pgmem, and the median of the per-pair
 * ratios pgmem / node (the figure the targets are stated in: 1.3× for JSON, 1.5× for the table).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One command measured against the bare node start-up. */
export interface StartupCase {
  readonly name: string;
  readonly args: readonly string[];
  /** The ratio the issue asks for, or null for figures reported only. */
  readonly target: number | null;
}

/** The commands the bench times. */
export const STARTUP_CASES: readonly StartupCase[] = [
  { name: 'plan --json', args: ['plan', '--pods', '5', '--pool', '10', '--json'], target: 1.3 },
  { name: 'plan (table)', args: ['plan', '--pods', '5', '--pool', '10'], target: 1.5 },
  { name: '--version', args: ['--version'], target: null },
];

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of one spawned process in milliseconds; throws when it fails. */
function timeRun(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return ms;
}

/** Paired measurements of one case: node -e 0 and pgmem alternate, first one then the other. */
export function measure(
  bin: string,
  args: readonly string[],
  pairs: number,
): { node: number[]; pgmem: number[]; ratios: number[] } {
  const node: number[] = [];
  const pgmem: number[] = [];
  const ratios: number[] = [];
  // Warm the file cache so the first pair is not an outlier.
  timeRun(['-e', '0']);
  timeRun([bin, ...args]);
  for (let i = 0; i < pairs; i++) {
    // Alternate which side runs first, so neither gains from the other warming caches.
    let n: number;
    let p: number;
    if (i % 2 === 0) {
      n = timeRun(['-e', '0']);
      p = timeRun([bin, ...args]);
    } else {
      p = timeRun([bin, ...args]);
      n = timeRun(['-e', '0']);
    }
    node.push(n);
    pgmem.push(p);
    ratios.push(p / n);
  }
  return { node, pgmem, ratios };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const pairs = Number(option('--pairs') ?? 30);
  const bin = resolve(root, option('--bin') ?? 'bin/pgmem.cjs');
  console.log(`node ${process.version}, ${pairs} alternating pairs per command, bin ${bin}\n`);
  console.log('| command | node -e 0 (median ms) | pgmem (median ms) | ratio (median of pairs) | target |');
  console.log('|---|---:|---:|---:|---|');
  let failed = false;
  for (const c of STARTUP_CASES) {
    const { node, pgmem, ratios } = measure(bin, c.args, pairs);
    const ratio = median(ratios);
    const verdict = c.target === null ? '—' : `≤ ${c.target}× ${ratio <= c.target ? 'met' : 'MISSED'}`;
    if (c.target !== null && ratio > c.target) failed = true;
    console.log(
      `| \`pgmem ${c.name}\` | ${median(node).toFixed(1)} | ${median(pgmem).toFixed(1)} | ${ratio.toFixed(2)}× | ${verdict} |`,
    );
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
