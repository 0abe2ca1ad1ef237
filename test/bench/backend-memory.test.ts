import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  WORKLOADS,
  median,
  parseRssAnon,
  pgmemBound,
  planShape,
  rssAnon,
  sampleWhile,
} from '../../bench/backend-memory.js';
import {
  bounded,
  leaderPeak,
  PROBES,
  probeBound,
  probeServer,
  probeShape,
  rebound,
  type ProbeResult,
} from '../../bench/node-probes.js';
import { BACKEND_BASELINE_BYTES, JIT_BYTES, JIT_TIER_BYTES, SESSION_HEAP_SHARE } from '../../src/core/baselines.js';
import { allowanceOf } from '../../src/core/model.js';
import { MAX_VERSION, type PgVersion } from '../../src/core/versions.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';
import { startServer, type RunningServer } from '../support/postgres.js';

const MiB = 1024 * 1024;

describe('parseRssAnon', () => {
  it('reads the kB figure of the RssAnon line', () => {
    const status = 'Name:\tpostgres\nVmRSS:\t   10900 kB\nRssAnon:\t    2148 kB\nRssFile:\t    7000 kB\n';
    expect(parseRssAnon(status)).toBe(2148 * 1024);
  });
  it('is null when the line is missing', () => {
    expect(parseRssAnon('Name:\tzombie\nState:\tZ (zombie)\n')).toBeNull();
  });
  it('reads this process', () => {
    expect(rssAnon(process.pid)).toBeGreaterThan(1 * MiB);
    expect(rssAnon(2 ** 30)).toBeNull();
  });
});

describe('probe bounds read the plan as pgmem --plans does', () => {
  const sort = [{ kind: 'sort' as const, nodeType: 'sort', workers: 0 }];
  const settings = { work_mem: '16MB', hash_mem_multiplier: '2', jit: 'on' };
  const leader = (planCost?: number, planJit?: boolean, tier?: { inline: boolean; optimize: boolean }): number =>
    probeBound(
      15,
      'distribution',
      settings,
      probeShape('sort', sort, planCost, planJit, tier && { ...tier, functions: 4 }),
    ).leaderBytes;
  it('JIT is counted where the plan has a JIT section or costs more than jit_above_cost, not below it', () => {
    // above jit_above_cost, below jit_optimize_above_cost and jit_inline_above_cost: the plain tier
    expect(leader(50_000) + JIT_TIER_BYTES.plain).toBe(leader(150_000));
    expect(leader(50_000, true)).toBe(leader(150_000));
    // the tier the plan's JIT section shows
    expect(leader(50_000, true, { inline: true, optimize: true })).toBe(leader(50_000) + JIT_TIER_BYTES.full);
    expect(leader(600_000)).toBe(leader(50_000) + JIT_TIER_BYTES.full);
    // a saved run without the plan's cost keeps the top tier on an LLVM build, as node counts do
    expect(leader()).toBe(leader(50_000) + JIT_BYTES);
  });
  it('a saved run is rebound with its plan cost', () => {
    const saved = {
      server: 'debian-15',
      build: 'distribution',
      version: 15,
      probe: 'tuplestore (CTE read twice)',
      workMem: '16MB',
      jit: true,
      jitUsed: false,
      idleBytes: 3 * MiB,
      runs: [21 * MiB],
      workerPeakBytes: 0,
      workersLaunched: 0,
      dsmPeakBytes: 0,
      leaderBoundBytes: 0,
      workerBoundBytes: 0,
      dsmBoundBytes: 0,
      fills: true,
      nodeReports: [],
      settings,
      nodes: [{ kind: 'tuplestore', nodeType: 'tuplestore', workers: 0 }],
      planCost: 40_000,
      planJit: false,
    } satisfies ProbeResult;
    const [again] = rebound([saved]);
    expect(again!.leaderBoundBytes).toBe(
      probeBound(15, 'distribution', settings, probeShape('t', saved.nodes, 40_000)).leaderBytes,
    );
    expect(again!.leaderBoundBytes).toBeLessThan(30.5 * MiB);
  });
  it('the array-doubling probe runs at work_mem values of its own, each filling its budget', () => {
    const probe = PROBES.find((p) => p.id === 'HashAggregate (int keys, array doubling)')!;
    expect(probe.workMems).toEqual(['9MB', '14MB', '16MB', '18MB']);
    expect(probe.fills).toBe(true);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(new Error('median of nothing'));
  });
});

describe('planShape', () => {
  it('counts sorts, hash joins, hash aggregates, and other work_mem nodes', () => {
    const plan = [
      {
        Plan: {
          'Node Type': 'Aggregate',
          Strategy: 'Hashed',
          Plans: [
            {
              'Node Type': 'Gather',
              'Workers Planned': 2,
              'Workers Launched': 1,
              Plans: [
                {
                  'Node Type': 'Hash Join',
                  Plans: [
                    { 'Node Type': 'Sort', Plans: [{ 'Node Type': 'Seq Scan' }] },
                    { 'Node Type': 'Hash', Plans: [{ 'Node Type': 'Materialize' }] },
                  ],
                },
              ],
            },
          ],
        },
      },
    ];
    expect(planShape(plan)).toMatchObject({
      sortOps: 1,
      hashOps: 2,
      others: ['Materialize'],
      workersPlanned: 2,
      workersLaunched: 1,
    });
  });
  it('ignores plain and sorted aggregates', () => {
    const plan = [{ Plan: { 'Node Type': 'Aggregate', Strategy: 'Sorted', Plans: [{ 'Node Type': 'Seq Scan' }] } }];
    expect(planShape(plan)).toMatchObject({ sortOps: 0, hashOps: 0, workersLaunched: null });
  });
});

describe('pgmemBound', () => {
  it('is baseline + nodes (with their overhead) + the session heap for a serial query, plus each worker for a parallel one', () => {
    const serial = pgmemBound(16, { work_mem: '16MB', hash_mem_multiplier: '2' }, { sortOps: 1, hashOps: 1 }, false);
    const sort = allowanceOf(16, 'generic-sort');
    const hash = allowanceOf(16, 'generic-hash');
    const overhead = Math.ceil(16 * MiB * (sort.factor - 1) + sort.bytes + 32 * MiB * (hash.factor - 1) + hash.bytes);
    const sessionHeap = Math.ceil(16 * MiB * SESSION_HEAP_SHARE[16]);
    expect(serial.boundBytes).toBe(BACKEND_BASELINE_BYTES[16] + 16 * MiB + 32 * MiB + overhead + sessionHeap);
    const parallel = pgmemBound(
      16,
      { work_mem: '16MB', hash_mem_multiplier: '2', max_parallel_workers_per_gather: '2' },
      { sortOps: 1, hashOps: 1 },
      true,
    );
    // a worker is a fresh process per query: no heap kept from earlier queries
    expect(parallel.workerBytes).toBe(serial.boundBytes - sessionHeap);
    expect(parallel.boundBytes).toBe(serial.boundBytes + 2 * parallel.workerBytes);
  });
});

// Real servers: the newest embedded build and Debian's 15 (the distribution build, LLVM JIT). Each
// checks that the workloads have the shapes the bench expects and that sampling sees a sort's memory
// in the backend and in its workers; then a few of the --probes run and must be bounded by pgmem.
// A missing server fails the suite in CI (requireServers); elsewhere it is left out with a reason.
const servers = requireServers('backend-memory bench', {
  embedded: [MAX_VERSION],
  distribution: DISTRIBUTION_VERSIONS,
}) as { version: PgVersion; build: 'embedded' | 'distribution'; label: string; binDir: string }[];

for (const { version, build, label, binDir } of servers) {
  describe(`on a real server: ${label}`, () => {
    let server: RunningServer;
    let client: pg.Client;
    let monitor: pg.Client;
    const connect = (): pg.Client =>
      new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });

    beforeAll(async () => {
      server = await startServer(version, { jit: 'off', autovacuum: 'off' }, { build });
      client = connect();
      monitor = connect();
      await client.connect();
      await monitor.connect();
      await client.query(
        'CREATE TABLE t AS SELECT g AS id, md5(g::text) AS k, g % 1000 AS v FROM generate_series(1, 200000) g',
      );
      await client.query('VACUUM ANALYZE t');
    });
    afterAll(async () => {
      await client?.end();
      await monitor?.end();
      await server?.stop();
    });

    it('plans every workload with the expected number of sort and hash nodes', async () => {
      for (const workload of WORKLOADS) {
        await client.query('RESET ALL');
        await client.query('SET max_parallel_workers_per_gather = 0');
        for (const [name, value] of Object.entries(workload.planner)) await client.query(`SET ${name} = '${value}'`);
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${workload.sql}`);
        const shape = planShape(rows[0]['QUERY PLAN']);
        expect({ name: workload.name, sortOps: shape.sortOps, hashOps: shape.hashOps, others: shape.others }).toEqual({
          name: workload.name,
          ...workload.serial,
          others: [],
        });
      }
    });

    it('samples the peak of a sort in the backend and in each parallel worker', async () => {
      await client.query('RESET ALL');
      await client.query(
        "SET work_mem = '8MB'; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0",
      );
      const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const sql = `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${WORKLOADS[0]!.sql}`;

      await client.query('SET max_parallel_workers_per_gather = 0');
      const serial = await sampleWhile(pid, monitor, () => client.query(sql));
      expect(serial.peak.samples).toBeGreaterThan(0);
      expect(serial.peak.workerBytes).toEqual([]);
      // A sort over 200k rows (≈ 20 MB) fills its 8 MB budget: the backend holds at least that much.
      expect(serial.peak.leaderBytes).toBeGreaterThan(8 * MiB);

      await client.query('SET max_parallel_workers_per_gather = 2');
      const parallel = await sampleWhile(pid, monitor, () => client.query(sql));
      const launched = planShape(parallel.result.rows[0]['QUERY PLAN']).workersLaunched;
      expect(launched).toBeGreaterThan(0);
      expect(parallel.peak.workerBytes).toHaveLength(launched!);
      for (const worker of parallel.peak.workerBytes) expect(worker).toBeGreaterThan(1 * MiB);
    });
  });

  // Three of the probes at work_mem 16MB, three runs each in one session (on Debian's build with JIT on
  // and off): a sort run again and again, a HashAggregate that spills, and a Parallel Hash whose workers
  // are exhausted, whose table is in dynamic shared memory. Each must be bounded by pgmem's worst case
  // for its shape, and must have held memory, or the bound proves nothing.
  describe(`bench/backend-memory --probes on ${label}`, () => {
    const only = ['sort', 'HashAggregate (text keys)', 'Parallel Hash, workers exhausted'];
    let results: ProbeResult[] = [];
    const lines: string[] = [];

    beforeAll(async () => {
      const id = `${build === 'distribution' ? 'debian' : 'embedded'}-${version}`;
      results = await probeServer(
        { id, build, version, binDir },
        { workMems: ['16MB'], runs: 3, rows: 300_000, only, log: (line) => lines.push(line) },
      );
    }, 240_000);

    it('runs each probe (with and without JIT where the build has LLVM)', () => {
      const ran = results.map((r) => `${r.probe} jit=${r.jit}`);
      const jits = build === 'distribution' ? [true, false] : [false];
      expect(ran.sort()).toEqual(only.flatMap((p) => jits.map((j) => `${p} jit=${j}`)).sort());
    });

    it('every probe is bounded: the backend, its workers and the DSM it maps', () => {
      for (const r of results) {
        expect({ probe: r.probe, jit: r.jit, bounded: bounded(r), log: lines }).toMatchObject({ bounded: true });
      }
    });

    it('the probes held what their plans say: a sort and a HashAggregate over their budgets, a Parallel Hash in DSM', () => {
      for (const r of results) {
        if (r.probe === 'Parallel Hash, workers exhausted') {
          expect(r.workersLaunched).toBe(0);
          // hash_mem 32 MiB × (2 planned + 1): the shared table grows past one budget with no worker.
          expect(r.dsmPeakBytes).toBeGreaterThan(16 * MiB);
        } else {
          // 16 MB of work_mem filled: the backend held at least 12 MiB over its idle size.
          expect(leaderPeak(r) - r.idleBytes).toBeGreaterThan(12 * MiB);
        }
      }
    });
  });
}
