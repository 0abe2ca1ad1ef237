/**
 * The short version of bench/real-load: a few scenarios of about 20 s on Debian's PostgreSQL 15 and
 * one embedded build, one of them through PgBouncer, each asserting that the server's measured peak
 * (memory cgroup rss + shmem, or per-process sampling where no cgroup can be made) stays within
 * pgmem's worst case for the same settings, topology and plan shape. Needs the built CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SHAPES,
  countNodes,
  describeCounts,
  findBuilds,
  memoryCgroupParent,
  parseMemoryStat,
  pgbenchBin,
  pgmemTopology,
  prepareServer,
  prewarmPages,
  renderRows,
  runScenario,
  serverSettings,
  shapeScript,
  stopEverything,
  type LoadRow,
  type LoadServer,
  type LoadSizes,
  type Scenario,
  type Shape,
} from '../support/real-load.js';
import { pgbouncerBin } from '../support/pg-binaries.mjs';

const MiB = 1024 * 1024;

/** Smaller than the bench's defaults: the suite shares the machine with other tests. */
const SIZES: LoadSizes = {
  sharedBuffers: '128MB',
  workMem: '16MB',
  hashMemMultiplier: 2,
  pods: 4,
  pool: 5,
  pooledPods: 4,
  pooledPool: 10,
  poolerPoolSize: 10,
};
const SECONDS = 20;

const shape = (id: Shape['id']): Shape => SHAPES.find((s) => s.id === id)!;
const direct = { kind: 'direct', pods: SIZES.pods, pool: SIZES.pool } as const;

/** The scenarios, per server. */
const PLAN: ReadonlyArray<{ server: string; scenarios: Scenario[] }> = [
  {
    server: 'debian-15',
    scenarios: [
      { shape: shape('sort'), topology: direct, seconds: SECONDS },
      { shape: shape('parallel-hash-join'), topology: direct, seconds: SECONDS },
      {
        shape: shape('hash-agg'),
        topology: {
          kind: 'pgbouncer',
          mode: 'transaction',
          pods: SIZES.pooledPods,
          pool: SIZES.pooledPool,
          poolSize: SIZES.poolerPoolSize,
        },
        seconds: SECONDS,
      },
    ],
  },
  { server: 'embedded-18', scenarios: [{ shape: shape('2-sort-2-hash'), topology: direct, seconds: SECONDS }] },
];

const inCi = process.env.CI === 'true';
const missingTools = [
  pgbenchBin() ? null : 'pgbench (postgresql-contrib)',
  pgbouncerBin() ? null : 'pgbouncer (/usr/sbin/pgbouncer)',
].filter((t): t is string => t !== null);

describe('memory.stat', () => {
  it('reads v1 hierarchical totals: rss, shmem, and the cache without shmem', () => {
    const text = 'cache 10\nrss 20\nshmem 4\ntotal_cache 3000\ntotal_rss 5000\ntotal_shmem 1000\n';
    expect(parseMemoryStat(text, 1)).toEqual({ rssBytes: 5000, shmemBytes: 1000, cacheBytes: 2000 });
  });
  it('reads v2 anon, shmem and file', () => {
    expect(parseMemoryStat('anon 700\nfile 300\nshmem 100\n', 2)).toEqual({
      rssBytes: 700,
      shmemBytes: 100,
      cacheBytes: 200,
    });
  });
  it('refuses a file without the figures', () => {
    expect(() => parseMemoryStat('cache 1\n', 1)).toThrow(/total_rss/);
  });
});

describe('memoryCgroupParent', () => {
  const v1Mounts =
    '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
    '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n' +
    '40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n';
  it('finds the v1 memory cgroup of the process', () => {
    const procCgroup = '5:devices:/\n4:memory:/process_api/abc\n0::/\n';
    // /sys/fs/cgroup/unified has no memory controller here (or no controllers file): v1 it is.
    expect(memoryCgroupParent(procCgroup, v1Mounts)).toEqual({
      version: 1,
      dir: '/sys/fs/cgroup/memory/process_api/abc',
    });
  });
  it('says why when there is no memory controller', () => {
    expect(memoryCgroupParent('1:cpu:/\n', '31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n')).toEqual({
      reason: 'no memory cgroup controller is mounted',
    });
  });
});

describe('countNodes', () => {
  it('tells a Parallel Hash from a private Hash, and HashAggregate from a plain Aggregate', () => {
    const plan = [
      {
        Plan: {
          'Node Type': 'Aggregate',
          Strategy: 'Plain',
          Plans: [
            {
              'Node Type': 'Gather',
              'Workers Planned': 2,
              Plans: [
                {
                  'Node Type': 'Hash Join',
                  Plans: [
                    { 'Node Type': 'Aggregate', Strategy: 'Hashed', Plans: [{ 'Node Type': 'Sort' }] },
                    { 'Node Type': 'Hash', 'Parallel Aware': true, Plans: [{ 'Node Type': 'Materialize' }] },
                  ],
                },
              ],
            },
          ],
        },
      },
    ];
    expect(countNodes(plan)).toEqual({
      sort: 1,
      hashJoin: 0,
      parallelHash: 1,
      hashAggregate: 1,
      workersPlanned: 2,
      others: ['Materialize'],
    });
  });
  it('writes each shape as one transaction with its settings local to it', () => {
    const script = shapeScript(shape('hash-agg'));
    expect(script.split('\n')).toEqual([
      'BEGIN;',
      'SET LOCAL max_parallel_workers_per_gather = 0;',
      'SET LOCAL enable_sort = off;',
      `${shape('hash-agg').sql};`,
      'COMMIT;',
      '',
    ]);
    expect(describeCounts({ ...shape('2-sort-2-hash').expected, others: [] })).toBe(
      '2 sort + 1 hash join + 1 hash aggregate',
    );
  });
});

describe('the bench server', () => {
  it('runs no walsender and caps autovacuum memory, and pgmem is given the same settings', () => {
    const settings = serverSettings(SIZES);
    expect(settings).toMatchObject({ max_wal_senders: '0', autovacuum_work_mem: '1MB' });
    const document = pgmemTopology(15, settings, direct, {
      sort: 1,
      hashJoin: 0,
      parallelHash: 0,
      hashAggregate: 0,
      workersPlanned: 0,
      others: [],
    }) as { server: { settings: Record<string, string> }; workload: Record<string, unknown> };
    expect(document.server.settings).toMatchObject({ max_wal_senders: '0', autovacuum_work_mem: '1MB' });
    expect(document.workload).toMatchObject({ tempBuffers: false, maintenanceOps: 0 });
  });
  it('fills shared buffers before the load: the prewarmed table is larger than shared_buffers', () => {
    expect(prewarmPages(SIZES) * 8192).toBeGreaterThan(128 * MiB);
  });
});

const rows: LoadRow[] = [];

afterAll(async () => {
  await stopEverything();
  if (rows.length > 0) console.log(`real load (${SECONDS} s per scenario):\n${renderRows(rows)}`);
});

for (const { server: id, scenarios } of PLAN) {
  const { builds, missing } = findBuilds([id]);
  const absent = [...missing.map((m) => `server ${m}`), ...missingTools];
  if (absent.length > 0) {
    // Outside CI a machine without Debian's packages skips these, saying so; in CI it fails.
    describe(`real load on ${id}`, () => {
      (inCi ? it : it.skip)(`needs ${absent.join(', ')}`, () => {
        throw new Error(
          `not installed: ${absent.join(', ')} (.ci/run installs postgresql-15, postgresql-contrib, pgbouncer)`,
        );
      });
    });
    if (!inCi) console.warn(`real-load.test: skipping ${id}: not installed: ${absent.join(', ')}`);
    continue;
  }
  describe(`real load on ${id}`, () => {
    let server: LoadServer;
    beforeAll(async () => {
      const prepared = await prepareServer(builds[0]!, SIZES, { log: (line) => console.log(line) });
      server = prepared.server;
    }, 180_000);
    afterAll(async () => {
      await server?.stop();
    }, 60_000);

    for (const scenario of scenarios) {
      it(
        `${scenario.shape.id} (${scenario.topology.kind}): the measured peak stays within pgmem's worst case`,
        async () => {
          const row = await runScenario(server, scenario, (line) => console.log(line));
          rows.push(row);
          const expectedBackends =
            scenario.topology.kind === 'direct'
              ? scenario.topology.pods * scenario.topology.pool
              : scenario.topology.poolSize;
          expect(row.transactions).toBeGreaterThan(0);
          // Every client (or every pooled server connection) held a backend at some point at once.
          expect(row.peaks.backendsSeen).toBe(expectedBackends);
          expect(row.pgmem.backends).toBe(expectedBackends + 1); // + the sampler's admin session
          // The load used memory beyond shared buffers: at least one budget per backend seen.
          expect(row.peaks.peakBytes - row.idleBytes).toBeGreaterThan(expectedBackends * 16 * MiB * 0.5);
          expect(row.peaks.peakBytes).toBeLessThanOrEqual(row.pgmem.worstCaseBytes);
          // And given the plan itself (--plans), where the CLI reads plans.
          if (row.pgmemFromPlan) expect(row.peaks.peakBytes).toBeLessThanOrEqual(row.pgmemFromPlan.worstCaseBytes);
        },
        (SECONDS + 150) * 1000,
      );
    }
  });
}
