/**
 * bench/topology: the built `pgmem plan --topology` on a topology of many apps (4,000 by default),
 * as a table and as JSON in alternating runs: medians of each, and the median of the per-pair
 * table/JSON ratio, which stays near 1 while rendering is linear in the number of apps.
 *
 *   npm run bench:topology                      # 4,000 apps, 9 pairs (npm run build first)
 *   npm run bench:topology -- --apps 8000 --pairs 15
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './startup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A topology of `apps` apps of 2 pods × 2 connections, on a server with room for all of them. */
export function bigTopology(apps: number): string {
  const lines = [`server: { ram: 1TB, settings: { max_connections: ${apps * 4 + 100} } }`, 'apps:'];
  for (let i = 0; i < apps; i++) lines.push(`  - { name: app-${i}, pods: 2, pool: 2 }`);
  return `${lines.join('\n')}\n`;
}

function timeRun(args: readonly string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(`pgmem ${args.slice(1).join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function main(): void {
  const apps = option('--apps', 4000);
  const pairs = option('--pairs', 9);
  const binIndex = process.argv.indexOf('--bin');
  const bin = resolve(binIndex >= 0 ? process.argv[binIndex + 1]! : join(root, 'bin/pgmem.cjs'));
  const dir = mkdtempSync(join(tmpdir(), 'pgmem-bench-topology-'));
  try {
    writeFileSync(join(dir, 'topology.yaml'), bigTopology(apps));
    const table = [bin, 'plan', '--topology', 'topology.yaml'];
    const json = [...table, '--json'];
    timeRun(json, dir); // warm the file cache
    const tables: number[] = [];
    const jsons: number[] = [];
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        tables.push(timeRun(table, dir));
        jsons.push(timeRun(json, dir));
      } else {
        jsons.push(timeRun(json, dir));
        tables.push(timeRun(table, dir));
      }
    }
    const ratio = median(tables.map((t, i) => t / jsons[i]!));
    console.log(`node ${process.version}, ${pairs} alternating pairs\n`);
    console.log('| case | JSON (median ms) | table (median ms) | table ÷ JSON (median of pairs) |');
    console.log('|---|---:|---:|---:|');
    console.log(
      `| plan --topology, ${apps.toLocaleString('en')} apps | ${median(jsons).toFixed(0)} | ${median(tables).toFixed(0)} | ${ratio.toFixed(2)}× |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
