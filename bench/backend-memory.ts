/**
 * bench/backend-memory: per-backend private memory measured on real PostgreSQL 13–18 servers,
 * next to pgmem's per-backend worst case for the same plan.
 *
 * For each installed major version it starts a server, loads 1M rows with md5 text keys once, then
 * runs queries whose plans hold a known number of sort and hash nodes (checked in the bench from
 * EXPLAIN's JSON), serial and parallel, at several work_mem / hash_mem_multiplier values. While a
 * query runs, RssAnon (/proc/PID/status: private anonymous pages, not shared_buffers) of the backend
 * and of its parallel workers (pg_stat_activity.leader_pid) is sampled every few ms; the peak of each
 * process is kept. The idle baseline is RssAnon of fresh connections after `SELECT 1` (median).
 *
 * Run from the repository root (Node 20 cannot run TypeScript, so it is bundled first; the bundle
 * must sit two directories deep because test/support/postgres.ts finds node_modules relative to itself):
 *   npx rolldown bench/backend-memory.ts -p node -f esm -e pg -o .tmp/bench/backend-memory.mjs \
 *     && node .tmp/bench/backend-memory.mjs [--full] [--versions 15,18] [--work-mem 4MB,64MB]
 *     [--hash-mem-multiplier 1,2] [--rows N] [--markdown FILE]
 */
import pg from 'pg';
import { readFileSync, writeFileSync } from 'node:fs';
import { analyze } from '../src/core/analyze.js';
import { BACKEND_BASELINE_BYTES } from '../src/core/baselines.js';
import type { Workload } from '../src/core/model.js';
import { isSupportedVersion, type PgVersion } from '../src/core/versions.js';
import { installedVersions, startServer } from '../test/support/postgres.js';
import { probeBuilds, probeMarkdown, probeServer, probeSummary, rebound, type ProbeResult } from './node-probes.js';

const MiB = 1024 * 1024;

/** A query whose plan has a known shape, and the planner settings that force that shape. */
export interface BenchWorkload {
  readonly name: string;
  readonly sql: string;
  /** Planner settings for this query (enable_* switches), applied with SET. */
  readonly planner: Readonly<Record<string, string>>;
  /** Sort and hash nodes the plan must contain (serial plan). */
  readonly serial: { readonly sortOps: number; readonly hashOps: number };
  /** Whether a hash_mem_multiplier sweep means anything (no hash node: skip it). */
  readonly usesHash: boolean;
}

// Sorts are kept inside `count(*)` over an `OFFSET 0` subquery so no row reaches the client and the
// subquery is not flattened (OFFSET 0 blocks pull-up: prepjointree.c, is_simple_subquery).
/** The workloads the bench runs; every one uses its whole budget on 1M rows. */
export const WORKLOADS: readonly BenchWorkload[] = [
  {
    name: 'sort',
    sql: 'SELECT count(*) FROM (SELECT k, v FROM t ORDER BY k OFFSET 0) s',
    planner: {},
    serial: { sortOps: 1, hashOps: 0 },
    usesHash: false,
  },
  {
    name: 'hash-agg',
    sql: 'SELECT count(*) FROM (SELECT k, count(*) FROM t GROUP BY k OFFSET 0) s',
    planner: { enable_sort: 'off' },
    serial: { sortOps: 0, hashOps: 1 },
    usesHash: true,
  },
  {
    name: 'hash-join',
    sql: 'SELECT count(*) FROM t a JOIN t b ON a.k = b.k',
    planner: { enable_mergejoin: 'off', enable_nestloop: 'off' },
    serial: { sortOps: 0, hashOps: 1 },
    usesHash: true,
  },
  {
    name: '2 sorts + hash join',
    sql:
      'SELECT count(*) FROM (SELECT k, v FROM t ORDER BY v, k OFFSET 0) a ' +
      'JOIN (SELECT k FROM t ORDER BY k DESC OFFSET 0) b ON a.k = b.k',
    planner: { enable_mergejoin: 'off', enable_nestloop: 'off' },
    serial: { sortOps: 2, hashOps: 1 },
    usesHash: true,
  },
];

/** Session settings that make the planner pick a parallel plan for any table (docs, "Parallel Query"). */
const FORCE_PARALLEL: Readonly<Record<string, string>> = {
  parallel_setup_cost: '0',
  parallel_tuple_cost: '0',
  min_parallel_table_scan_size: '0',
  max_parallel_workers_per_gather: '2',
  // A Parallel Hash keeps one shared table in DSM, which RssAnon does not show; the per-process
  // worst case is every worker building its own private copy of the hash table (nodeHash.c).
  enable_parallel_hash: 'off',
};

/** Plan nodes that draw on work_mem but are not expected in the bench's plans. */
const OTHER_WORK_MEM_NODES = new Set([
  'Materialize',
  'WindowAgg',
  'Bitmap Heap Scan',
  'Function Scan',
  'Table Function Scan',
  'CTE Scan',
  'Recursive Union',
  'Memoize',
  'SetOp',
]);

/** What a plan contains, by kind of memory-using node. */
export interface PlanShape {
  readonly sortOps: number;
  readonly hashOps: number;
  /** Other work_mem users found (node types); the bench refuses plans with any. */
  readonly others: readonly string[];
  readonly workersPlanned: number;
  /** Null when the plan was not executed (plain EXPLAIN). */
  readonly workersLaunched: number | null;
  /** Each sort/hash node's own report ("Sort Method: …, Memory: …"), for the record. */
  readonly nodeReports: readonly string[];
}

interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  Plans?: PlanNode[];
  'Workers Planned'?: number;
  'Workers Launched'?: number;
  'Sort Method'?: string;
  'Sort Space Used'?: number;
  'Sort Space Type'?: string;
  'Peak Memory Usage'?: number;
  'HashAgg Batches'?: number;
  'Disk Usage'?: number;
  'Hash Batches'?: number;
  'Original Hash Batches'?: number;
  [key: string]: unknown;
}

/** Counts sort and hash nodes in `EXPLAIN (FORMAT JSON)` output (the array the server returns). */
export function planShape(explain: unknown): PlanShape {
  const root = (explain as { Plan: PlanNode }[])[0]?.Plan;
  if (!root) throw new Error('not EXPLAIN (FORMAT JSON) output');
  let sortOps = 0;
  let hashOps = 0;
  let workersPlanned = 0;
  let workersLaunched: number | null = null;
  const others: string[] = [];
  const nodeReports: string[] = [];
  const visit = (node: PlanNode): void => {
    const type = node['Node Type'];
    // Sort and Incremental Sort: one tuplesort bounded by work_mem each (tuplesort.c, tuplesort_begin_common).
    if (type === 'Sort' || type === 'Incremental Sort') {
      sortOps++;
      if (node['Sort Method']) {
        nodeReports.push(`${type}: ${node['Sort Method']} ${node['Sort Space Type']} ${node['Sort Space Used']}kB`);
      }
    } else if (type === 'Hash') {
      // Hash (under Hash Join): get_hash_memory_limit() = work_mem × hash_mem_multiplier (nodeHash.c).
      hashOps++;
      if (node['Peak Memory Usage'] !== undefined) {
        nodeReports.push(`Hash: batches ${node['Hash Batches']} memory ${node['Peak Memory Usage']}kB`);
      }
    } else if (type === 'Aggregate' && (node.Strategy === 'Hashed' || node.Strategy === 'Mixed')) {
      // HashAggregate spills past get_hash_memory_limit() (nodeAgg.c, hash_agg_set_limits).
      hashOps++;
      if (node['Peak Memory Usage'] !== undefined) {
        nodeReports.push(`HashAgg: batches ${node['HashAgg Batches']} memory ${node['Peak Memory Usage']}kB`);
      }
    } else if (OTHER_WORK_MEM_NODES.has(type)) {
      others.push(type);
    }
    if (type === 'Gather' || type === 'Gather Merge') {
      workersPlanned += node['Workers Planned'] ?? 0;
      if (node['Workers Launched'] !== undefined) workersLaunched = (workersLaunched ?? 0) + node['Workers Launched'];
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return { sortOps, hashOps, others, workersPlanned, workersLaunched, nodeReports };
}

/** RssAnon in bytes from the text of /proc/PID/status; null if the line is missing (process gone). */
export function parseRssAnon(status: string): number | null {
  const match = /^RssAnon:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** RssAnon of a live process in bytes, or null once it has exited. */
export function rssAnon(pid: number): number | null {
  try {
    return parseRssAnon(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** The median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-process peaks of one statement. */
export interface SampledPeak {
  /** Leader (the client backend) peak RssAnon, bytes. */
  readonly leaderBytes: number;
  /** Each parallel worker's peak RssAnon, bytes. */
  readonly workerBytes: readonly number[];
  /** Highest sum of all processes' RssAnon seen in one sampling round. */
  readonly simultaneousBytes: number;
  readonly samples: number;
}

/**
 * Runs `run()` while sampling the RssAnon of `leaderPid` and of the workers a second connection finds
 * in pg_stat_activity (leader_pid, PostgreSQL 13+). Sampling stops when `run()` settles.
 */
export async function sampleWhile<T>(
  leaderPid: number,
  monitor: pg.Client,
  run: () => Promise<T>,
  intervalMs = 2,
): Promise<{ result: T; peak: SampledPeak }> {
  const peaks = new Map<number, number>([[leaderPid, rssAnon(leaderPid) ?? 0]]);
  let simultaneous = 0;
  let samples = 0;
  const sample = (): void => {
    let total = 0;
    for (const pid of peaks.keys()) {
      const bytes = rssAnon(pid);
      if (bytes === null) continue;
      total += bytes;
      if (bytes > peaks.get(pid)!) peaks.set(pid, bytes);
    }
    simultaneous = Math.max(simultaneous, total);
    samples++;
  };
  let done = false;
  const timer = setInterval(sample, intervalMs);
  const watch = (async () => {
    while (!done) {
      const { rows } = await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE leader_pid = $1', [
        leaderPid,
      ]);
      for (const { pid } of rows) {
        if (!peaks.has(pid)) {
          peaks.set(pid, 0);
          sample();
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    const result = await run();
    sample();
    return {
      result,
      peak: {
        leaderBytes: peaks.get(leaderPid)!,
        workerBytes: [...peaks].filter(([pid]) => pid !== leaderPid).map(([, bytes]) => bytes),
        simultaneousBytes: simultaneous,
        samples,
      },
    };
  } finally {
    done = true;
    clearInterval(timer);
    await watch;
  }
}

/** One measured row of the table. */
export interface Measurement {
  readonly version: PgVersion;
  readonly workload: string;
  readonly parallel: boolean;
  readonly workMem: string;
  readonly hashMemMultiplier: number;
  readonly shape: PlanShape;
  /** RssAnon of the backend after SET and before the statement (catalog caches warm). */
  readonly beforeBytes: number;
  readonly peak: SampledPeak;
  /** Leader peak + every worker's peak: what a per-process bound has to cover. */
  readonly peakBytes: number;
  /** pgmem's figure: perBackend.worstCaseBytes (serial) or perBackend.withParallelBytes (parallel). */
  readonly boundBytes: number;
  /** pgmem's per-process figures: the leader's (worstCaseBytes) and one worker's (bytesPerWorker). */
  readonly leaderBoundBytes: number;
  readonly workerBoundBytes: number;
  readonly seconds: number;
}

/** pgmem's per-backend worst case for a plan shape, from the engine itself. */
export function pgmemBound(
  version: PgVersion,
  settings: Readonly<Record<string, string>>,
  shape: { sortOps: number; hashOps: number },
  parallel: boolean,
): { boundBytes: number; leaderBytes: number; workerBytes: number } {
  const workload: Workload = {
    sortOps: shape.sortOps,
    hashOps: shape.hashOps,
    parallel,
    tempBuffers: false,
    maintenanceOps: 0,
    logicalSenders: 0,
    backendBaselineBytes: null,
  };
  const { model, problems } = analyze({
    version,
    // The grid runs on the embedded builds (the probes also run on Debian's).
    build: 'embedded',
    assignments: Object.entries(settings).map(([name, value]) => ({ name, value, source: 'bench' })),
    defaults: 'initdb',
    clients: 1,
    workload,
    ramBytes: null,
  });
  if (problems.length > 0) throw new Error(`engine rejected settings: ${problems.map((p) => p.message).join('; ')}`);
  return {
    boundBytes: parallel ? model.perBackend.withParallelBytes : model.perBackend.worstCaseBytes,
    leaderBytes: model.perBackend.worstCaseBytes,
    workerBytes: model.parallel.bytesPerWorker,
  };
}

/** Options of one bench run. */
export interface BenchOptions {
  readonly versions: readonly PgVersion[];
  readonly workMems: readonly string[];
  readonly multipliers: readonly number[];
  readonly rows: number;
  readonly baselineConnections: number;
  readonly log: (line: string) => void;
}

/** Everything measured on one version. */
export interface VersionResult {
  readonly version: PgVersion;
  readonly serverVersion: string;
  /** RssAnon of each fresh idle backend after `SELECT 1`, bytes. */
  readonly idleBytes: readonly number[];
  readonly idleMedianBytes: number;
  readonly measurements: readonly Measurement[];
}

function connect(server: { socketDir: string; port: number }): pg.Client {
  return new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
}

/** Measures one version: idle baseline, then every workload × setting. */
export async function benchVersion(version: PgVersion, options: BenchOptions): Promise<VersionResult> {
  // jit off: whether LLVM is present depends on the build; autovacuum off: no vacuum of the fresh
  // table competing with the measured statements.
  const server = await startServer(version, { jit: 'off', autovacuum: 'off' });
  const monitor = connect(server);
  try {
    await monitor.connect();
    const serverVersion = (await monitor.query<{ server_version: string }>('SHOW server_version')).rows[0]!
      .server_version;

    const idleBytes: number[] = [];
    for (let i = 0; i < options.baselineConnections; i++) {
      const client = connect(server);
      await client.connect();
      try {
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await client.query('SELECT 1');
        idleBytes.push(rssAnon(pid) ?? 0);
      } finally {
        await client.end();
      }
    }

    const loadStart = Date.now();
    await monitor.query(
      `CREATE TABLE t AS SELECT g AS id, md5(g::text) AS k, g % 1000 AS v FROM generate_series(1, ${options.rows}) g`,
    );
    await monitor.query('VACUUM ANALYZE t');
    options.log(
      `  PG ${serverVersion}: loaded ${options.rows} rows in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`,
    );

    const measurements: Measurement[] = [];
    for (const workload of WORKLOADS) {
      for (const parallel of [false, true]) {
        for (const workMem of options.workMems) {
          for (const multiplier of workload.usesHash ? options.multipliers : options.multipliers.slice(0, 1)) {
            const m = await measure(server, monitor, version, workload, parallel, workMem, multiplier);
            measurements.push(m);
            options.log(`  ${row(m).join('  ')}  [${m.seconds.toFixed(1)} s]`);
          }
        }
      }
    }
    return { version, serverVersion, idleBytes, idleMedianBytes: median(idleBytes), measurements };
  } finally {
    await monitor.end().catch(() => undefined);
    await server.stop();
  }
}

async function measure(
  server: { socketDir: string; port: number },
  monitor: pg.Client,
  version: PgVersion,
  workload: BenchWorkload,
  parallel: boolean,
  workMem: string,
  multiplier: number,
): Promise<Measurement> {
  const session: Record<string, string> = {
    work_mem: workMem,
    hash_mem_multiplier: String(multiplier),
    ...workload.planner,
    ...(parallel ? FORCE_PARALLEL : { max_parallel_workers_per_gather: '0' }),
  };
  const client = connect(server);
  await client.connect();
  try {
    for (const [name, value] of Object.entries(session)) await client.query(`SET ${name} = '${value}'`);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const label = `PG${version} ${workload.name} ${parallel ? 'parallel' : 'serial'} work_mem=${workMem} hmm=${multiplier}`;

    // The plan is checked before running: a changed plan would make the comparison meaningless.
    const planned = planShape(
      (await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${workload.sql}`)).rows[0]!['QUERY PLAN'],
    );
    if (planned.others.length > 0) throw new Error(`${label}: unexpected work_mem nodes ${planned.others.join(', ')}`);
    if (!parallel && (planned.sortOps !== workload.serial.sortOps || planned.hashOps !== workload.serial.hashOps)) {
      throw new Error(
        `${label}: plan has ${planned.sortOps} sorts and ${planned.hashOps} hashes, expected ` +
          `${workload.serial.sortOps} and ${workload.serial.hashOps}`,
      );
    }
    if (parallel && planned.workersPlanned === 0) throw new Error(`${label}: no parallel plan`);

    const beforeBytes = rssAnon(pid) ?? 0;
    const started = Date.now();
    // EXPLAIN ANALYZE runs the statement without shipping rows and reports each node's own memory.
    const { result, peak } = await sampleWhile(pid, monitor, () =>
      client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${workload.sql}`),
    );
    const seconds = (Date.now() - started) / 1000;
    const shape = planShape(result.rows[0]!['QUERY PLAN']);
    if (shape.sortOps !== planned.sortOps || shape.hashOps !== planned.hashOps) {
      throw new Error(`${label}: executed plan differs from the planned one`);
    }
    if (parallel && shape.workersLaunched !== shape.workersPlanned) {
      throw new Error(`${label}: ${shape.workersLaunched} of ${shape.workersPlanned} workers launched`);
    }
    if (parallel && peak.workerBytes.length !== shape.workersLaunched) {
      throw new Error(`${label}: sampled ${peak.workerBytes.length} workers, ${shape.workersLaunched} launched`);
    }

    // The engine gets the session's own settings, as a user would give them: a plan with two Gather
    // nodes may launch twice max_parallel_workers_per_gather, and the bench must show it if so.
    const engineSettings: Record<string, string> = {
      work_mem: workMem,
      hash_mem_multiplier: String(multiplier),
      max_parallel_workers_per_gather: session.max_parallel_workers_per_gather!,
    };
    const bound = pgmemBound(version, engineSettings, shape, parallel);
    const peakBytes = peak.leaderBytes + peak.workerBytes.reduce((a, b) => a + b, 0);
    return {
      version,
      workload: workload.name,
      parallel,
      workMem,
      hashMemMultiplier: multiplier,
      shape,
      beforeBytes,
      peak,
      peakBytes,
      boundBytes: bound.boundBytes,
      leaderBoundBytes: bound.leaderBytes,
      workerBoundBytes: bound.workerBytes,
      seconds,
    };
  } finally {
    await client.end();
  }
}

const mib = (bytes: number): string => (bytes / MiB).toFixed(1);

/** Column headers of the per-version table. */
export const COLUMNS = [
  'workload',
  'mode',
  'sorts+hashes',
  'work_mem',
  'hmm',
  'before (MiB)',
  'peak (MiB)',
  'leader / workers peak (MiB)',
  'pgmem bound (MiB)',
  'bound/peak',
  'bounded',
] as const;

/** One table row for a measurement. */
export function row(m: Measurement): string[] {
  const perProcessOk =
    m.peak.leaderBytes <= m.leaderBoundBytes && m.peak.workerBytes.every((w) => w <= m.workerBoundBytes);
  return [
    m.workload,
    m.parallel ? `parallel ×${m.shape.workersLaunched}` : 'serial',
    `${m.shape.sortOps}+${m.shape.hashOps}`,
    m.workMem,
    String(m.hashMemMultiplier),
    mib(m.beforeBytes),
    mib(m.peakBytes),
    m.parallel ? `${mib(m.peak.leaderBytes)} / ${m.peak.workerBytes.map(mib).join(', ')}` : mib(m.peak.leaderBytes),
    mib(m.boundBytes),
    (m.boundBytes / m.peakBytes).toFixed(2),
    m.peakBytes <= m.boundBytes ? (perProcessOk ? 'yes' : 'total only') : 'NO',
  ];
}

/** A Markdown table of one version's measurements. */
export function markdownTable(result: VersionResult): string {
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...result.measurements.map((m) => `| ${row(m).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** A plain-text table (aligned columns) for the terminal. */
export function textTable(result: VersionResult): string {
  const rows = [[...COLUMNS], ...result.measurements.map(row)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

/** The summary lines printed after each version's table. */
export function summary(result: VersionResult): string[] {
  const { measurements: ms } = result;
  const unbounded = ms.filter((m) => m.peakBytes > m.boundBytes);
  const ratios = ms.map((m) => m.boundBytes / m.peakBytes);
  const overshoot = ms.filter((m) => m.boundBytes > 2 * m.peakBytes);
  return [
    `idle backend RssAnon (${result.idleBytes.length} fresh connections, SELECT 1): ` +
      `median ${mib(result.idleMedianBytes)} MiB [${result.idleBytes.map(mib).join(', ')}]; ` +
      `pgmem baseline ${mib(BACKEND_BASELINE_BYTES[result.version])} MiB`,
    `bounded: ${ms.length - unbounded.length} of ${ms.length}; bound/peak ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ` +
      `over 2×: ${overshoot.length}`,
    ...unbounded.map(
      (m) =>
        `  not bounded: ${m.workload} ${m.parallel ? 'parallel' : 'serial'} work_mem=${m.workMem} hmm=${m.hashMemMultiplier}: ` +
        `peak ${mib(m.peakBytes)} MiB > bound ${mib(m.boundBytes)} MiB by ${mib(m.peakBytes - m.boundBytes)} MiB ` +
        `(${m.shape.nodeReports.join('; ')})`,
    ),
  ];
}

function parseArgs(argv: readonly string[]): {
  versions: PgVersion[] | null;
  workMems: string[];
  multipliers: number[];
  rows: number;
  markdown: string | null;
} {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const versions = get('--versions')
    ?.split(',')
    .map(Number)
    .map((v) => {
      if (!isSupportedVersion(v)) throw new Error(`unsupported version ${v}`);
      return v;
    });
  // The default grid runs in about seven minutes on 2 cores; --full (1M rows, up to 64MB) in about
  // fifteen. 500k rows still overflow every 16MB budget; at 64MB they would fit and prove little.
  const full = argv.includes('--full');
  return {
    versions: versions ?? null,
    workMems: (get('--work-mem') ?? (full ? '4MB,16MB,64MB' : '4MB,16MB')).split(','),
    multipliers: (get('--hash-mem-multiplier') ?? '1,2').split(',').map(Number),
    rows: Number(get('--rows') ?? (full ? 1_000_000 : 500_000)),
    markdown: get('--markdown') ?? null,
  };
}

/** `--probes`: every node-kind probe on the builds of `--servers` (default: Debian's 15 and embedded 13–18). */
async function mainProbes(argv: readonly string[]): Promise<void> {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const saved = get('--from-json');
  let results: ProbeResult[];
  if (saved) {
    results = rebound(JSON.parse(readFileSync(saved, 'utf8')) as ProbeResult[]);
  } else {
    const ids = (
      get('--servers') ?? 'debian-15,embedded-13,embedded-14,embedded-15,embedded-16,embedded-17,embedded-18'
    ).split(',');
    results = [];
    for (const build of probeBuilds(ids)) {
      log(`${build.id}…`);
      results.push(
        ...(await probeServer(build, {
          workMems: (get('--work-mem') ?? '16MB,64MB').split(','),
          ...(get('--probe-work-mem') ? { probeWorkMems: get('--probe-work-mem')!.split(',') } : {}),
          runs: Number(get('--runs') ?? 4),
          rows: Number(get('--rows') ?? 1_000_000),
          ...(get('--only') ? { only: get('--only')!.split(';') } : {}),
          jitTiers: argv.includes('--jit-tiers'),
          log,
        })),
      );
    }
    const json = get('--json');
    if (json) writeFileSync(json, JSON.stringify(results, null, 1));
  }
  process.stdout.write(`${probeMarkdown(results)}\n\n${probeSummary(results)}\n`);
  const markdown = get('--markdown');
  if (markdown) writeFileSync(markdown, `${probeMarkdown(results)}\n\n- ${probeSummary(results)}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--probes')) return mainProbes(process.argv.slice(2));
  const args = parseArgs(process.argv.slice(2));
  const installed = installedVersions();
  const versions = (args.versions ?? installed).filter((v) => installed.includes(v));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const results: VersionResult[] = [];
  const started = Date.now();
  for (const version of versions) {
    log(`PostgreSQL ${version}…`);
    const result = await benchVersion(version, {
      versions,
      workMems: args.workMems,
      multipliers: args.multipliers,
      rows: args.rows,
      baselineConnections: 7,
      log,
    });
    results.push(result);
    process.stdout.write(
      `\n## PostgreSQL ${result.serverVersion}\n\n${textTable(result)}\n\n${summary(result).join('\n')}\n`,
    );
  }
  process.stdout.write(
    `\nidle backend RssAnon medians (MiB): ${results.map((r) => `${r.version}: ${mib(r.idleMedianBytes)}`).join(', ')}\n` +
      `total ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (args.markdown) {
    const md = results
      .map(
        (r) =>
          `### PostgreSQL ${r.serverVersion}\n\n${markdownTable(r)}\n\n${summary(r)
            .map((l) => `- ${l.trim()}`)
            .join('\n')}\n`,
      )
      .join('\n');
    writeFileSync(args.markdown, md);
  }
}

if (process.argv[1] && /backend-memory\.(m?js|ts)$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
