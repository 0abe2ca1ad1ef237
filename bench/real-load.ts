/**
 * bench/real-load: real servers under real concurrent load, each in a memory cgroup, beside pgmem's
 * worst case for the same settings and topology. The harness is test/support/real-load.ts (the
 * short test, test/load/real-load.test.ts, runs a few of the same scenarios).
 *
 *   npm run build && npm run bench:real-load -- [--servers debian-15,embedded-15,embedded-18]
 *     [--scenarios sort,hash-agg,…] [--seconds 30] [--large] [--per-process] [--json]
 *     [--markdown FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SIZES,
  LARGE_SIZES,
  defaultScenarios,
  findBuilds,
  pgbenchBin,
  renderRows,
  rowsJson,
  runOnServer,
  scenarioName,
  serverSettings,
  stopEverything,
  tableRows,
  type LoadRow,
} from '../test/support/real-load.js';
import { pgbouncerBin } from '../test/support/pg-binaries.mjs';

const USAGE = `usage: npm run bench:real-load -- [--servers debian-15,embedded-15,embedded-18] [--scenarios LIST]
  [--seconds 30] [--large] [--per-process] [--json] [--markdown FILE]`;

const OPTIONS = {
  servers: { type: 'string', default: 'debian-15,embedded-15,embedded-18' },
  scenarios: { type: 'string' },
  seconds: { type: 'string', default: '30' },
  large: { type: 'boolean', default: false },
  'per-process': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  markdown: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const parseOptions = () => parseArgs({ options: OPTIONS }).values;

async function main(): Promise<number> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions();
  } catch (error) {
    process.stderr.write(`bench:real-load: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    process.stderr.write(`bench:real-load: --seconds: expected 1 to 600, got ${values.seconds}\n`);
    return 2;
  }
  const sizes = values.large ? LARGE_SIZES : DEFAULT_SIZES;
  const { builds, missing } = findBuilds(values.servers.split(','));
  const tools = [pgbenchBin() ? null : 'pgbench (postgresql-contrib)', pgbouncerBin() ? null : 'pgbouncer'].filter(
    Boolean,
  );
  if (missing.length > 0 || tools.length > 0) {
    process.stderr.write(`bench:real-load: not installed: ${[...missing, ...tools].join(', ')}\n`);
    return 2;
  }
  let scenarios = defaultScenarios(sizes, seconds);
  if (values.scenarios) {
    const wanted = values.scenarios.split(',');
    const known = new Set(
      scenarios.map((s) => s.shape.id as string).concat(scenarios.map(scenarioName), ['pgbouncer']),
    );
    const unknown = wanted.filter((w) => !known.has(w));
    if (unknown.length > 0) {
      process.stderr.write(`bench:real-load: --scenarios: unknown ${unknown.join(', ')}\n`);
      return 2;
    }
    scenarios = scenarios.filter(
      (s) =>
        wanted.includes(s.shape.id) ||
        wanted.includes(scenarioName(s)) ||
        (wanted.includes('pgbouncer') && s.topology.kind === 'pgbouncer'),
    );
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(
    `settings: ${Object.entries(serverSettings(sizes))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  log(
    `tables (rows): ${Object.entries(tableRows(sizes))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const rows: LoadRow[] = [];
  const notes: string[] = [];
  for (const build of builds) {
    const result = await runOnServer(build, sizes, scenarios, {
      perProcess: values['per-process'],
      log,
      onRow: (row) => {
        rows.push(row);
        log(
          `  peak ${(row.peaks.peakBytes / 2 ** 20).toFixed(0)} MiB (idle ${(row.idleBytes / 2 ** 20).toFixed(0)}), ` +
            `${row.peaks.backendsSeen} backends, backend peak ${(row.peaks.backendPeakBytes / 2 ** 20).toFixed(1)} MiB; ` +
            `pgmem ${(row.pgmem.worstCaseBytes / 2 ** 20).toFixed(0)} MiB: ${row.ratio.toFixed(2)}× ${row.bounded ? 'bounded' : 'NOT bounded'}`,
        );
      },
    });
    if (result.accountingNote) notes.push(`${build.id}: ${result.accountingNote}`);
  }
  const table = renderRows(rows);
  if (values.markdown) writeFileSync(values.markdown, `${table}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ sizes, notes, rows: rowsJson(rows) }, null, 2)}\n`);
  else process.stdout.write(`${table}\n${notes.map((n) => `\n${n}`).join('')}\n`);
  return rows.every((r) => r.bounded) ? 0 : 1;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bench:real-load: ${sig}, stopping every server, pgbench and PgBouncer\n`);
    void stopEverything().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`bench:real-load: ${(error as Error).stack ?? String(error)}\n`);
    await stopEverything();
    process.exitCode = 3;
  },
);
