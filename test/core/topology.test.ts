import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { DEFAULT_WORKLOAD } from '../../src/core/model.js';
import { resolveTopology, worstCasePods, type PoolerSpec, type TopologySpec } from '../../src/core/topology.js';
import { component, MiB } from '../support/analyze.js';

const bouncer = (overrides: Partial<PoolerSpec> = {}): PoolerSpec => ({
  name: 'pgbouncer',
  replicas: 1,
  poolMode: 'transaction',
  defaultPoolSize: 20,
  minPoolSize: 0,
  reservePoolSize: 0,
  maxDbConnections: 0,
  maxUserConnections: 0,
  maxClientConn: 100,
  ...overrides,
});

const spec = (partial: Partial<TopologySpec>): TopologySpec => ({
  apps: [],
  poolers: [],
  adminConnections: 0,
  ...partial,
});

function planTopology(topology: TopologySpec, settings: Record<string, string> = {}) {
  const resolved = resolveTopology(topology);
  return analyze({
    version: 18,
    build: 'embedded',
    assignments: Object.entries(settings).map(([name, value]) => ({ name, value, source: 'flag' })),
    defaults: 'initdb',
    clients: null,
    groups: resolved.groups,
    topology: resolved,
    workload: { ...DEFAULT_WORKLOAD, parallel: false, tempBuffers: false },
    ramBytes: null,
  });
}

describe('pods in the worst case', () => {
  it('uses the autoscaler maximum plus the rollout surge, rounding a percentage up like Kubernetes', () => {
    expect(worstCasePods(5, undefined)).toEqual({ pods: 5, surge: 0 });
    expect(worstCasePods({ min: 2, max: 10 }, undefined)).toEqual({ pods: 10, surge: 0 });
    // 25% of 10 = 2.5 → 3 extra pods
    expect(worstCasePods({ min: 2, max: 10 }, '25%')).toEqual({ pods: 13, surge: 3 });
    expect(worstCasePods(4, 1)).toEqual({ pods: 5, surge: 1 });
  });
});

describe('direct apps', () => {
  it('each app opens pods × pool connections; their sum meets max_connections', () => {
    const { report } = planTopology(
      spec({
        apps: [
          { name: 'web', pods: { min: 2, max: 6 }, pool: 10, maxSurge: '50%' }, // (6 + 3) × 10 = 90
          { name: 'cron', pods: 1, pool: 5 }, // 5
        ],
      }),
    );
    expect(report.connections).toMatchObject({ clients: 95, backends: 95, refused: 0 });
    expect(report.topology.groups.map((g) => [g.name, g.connections, g.backends])).toEqual([
      ['web', 90, 90],
      ['cron', 5, 5],
    ]);
  });

  it("a role override changes only its own group's per-backend memory", () => {
    const { report } = planTopology(
      spec({
        apps: [
          { name: 'web', pods: 2, pool: 10 },
          { name: 'reports', pods: 1, pool: 2, role: { name: 'reports', settings: { work_mem: '256MB' } } },
        ],
      }),
    );
    const [web, reports] = report.topology.groups;
    const baseline = report.workload.backendBaselineBytes;
    // 2 sorts × work_mem + 2 hashes × work_mem × hash_mem_multiplier 2 = 6 × work_mem, plus 18's
    // measured overheads: sorts 12% + 0.5 MiB, hashes (HashAggregate's) 90% + 1 MiB, and 40% of one
    // work_mem for the heap later queries of the session reuse
    const perBackend = (workMem: number): number =>
      baseline +
      6 * workMem +
      Math.ceil(2 * (0.12 * workMem + 0.5 * MiB) + 2 * (0.9 * 2 * workMem + MiB)) +
      Math.ceil(0.4 * workMem);
    expect(web!.perBackendBytes).toBe(perBackend(4 * MiB));
    expect(reports!.perBackendBytes).toBe(perBackend(256 * MiB));
    expect(report.totals.backendsBytes).toBe(20 * web!.perBackendBytes + 2 * reports!.perBackendBytes);
  });

  it('when clients outnumber max_connections, the hungriest groups take the slots', () => {
    const { report } = planTopology(
      spec({
        apps: [
          { name: 'web', pods: 10, pool: 10 },
          { name: 'reports', pods: 1, pool: 20, role: { settings: { work_mem: '128MB' } } },
        ],
      }),
      { max_connections: '50' },
    );
    const byName = Object.fromEntries(report.topology.groups.map((g) => [g.name, g.backends]));
    expect(byName).toEqual({ web: 30, reports: 20 });
    expect(report.connections).toMatchObject({ clients: 120, backends: 50, refused: 120 - 47 });
  });

  it('admin sessions may use the superuser-reserved slots', () => {
    const fits = planTopology(spec({ apps: [{ name: 'web', pods: 97, pool: 1 }], adminConnections: 3 }));
    expect(fits.report.connections).toMatchObject({ clients: 100, backends: 100, refused: 0 });
    const over = planTopology(spec({ apps: [{ name: 'web', pods: 98, pool: 1 }], adminConnections: 3 }));
    // 98 app connections for 97 usable slots: one refused; the 3 admins fit in the 3 reserved
    expect(over.report.connections.refused).toBe(1);
  });
});

describe('PgBouncer', () => {
  it('server connections = pools × (pool size + reserve) × replicas, never more than the clients', () => {
    const { report } = planTopology(
      spec({
        apps: [
          { name: 'web', pods: 10, pool: 20, via: 'pgbouncer' }, // 200 clients
          { name: 'worker', pods: 2, pool: 5, via: 'pgbouncer' }, // 10 clients
        ],
        poolers: [bouncer({ replicas: 2, defaultPoolSize: 20, reservePoolSize: 5 })],
      }),
    );
    const [pooler] = report.topology.poolers;
    // web: min(200, (20 + 5) × 2) = 50; worker: min(10, 50) = 10
    expect(pooler!.pools.map((p) => [p.user, p.cap, p.clients, p.serverConnections])).toEqual([
      ['web', 50, 200, 50],
      ['worker', 50, 10, 10],
    ]);
    expect(pooler).toMatchObject({ clientConnections: 210, capacity: 100, serverConnections: 60 });
    expect(report.connections.backends).toBe(60);
  });

  it('max_user_connections and max_db_connections cap the pools', () => {
    const topology = spec({
      apps: [{ name: 'a', pods: 10, pool: 10, via: 'pgbouncer', role: { name: 'app', settings: {} } }],
      poolers: [
        bouncer({
          defaultPoolSize: 30,
          maxDbConnections: 40,
          maxUserConnections: 50,
          pools: [
            { database: 'one', user: 'app' },
            { database: 'two', user: 'app' },
          ],
        }),
      ],
    });
    const pooler = resolveTopology(topology).poolers[0]!;
    // user app: 30 + 30 > 50 → 30 + 20; each database under 40 already
    expect(pooler.pools.map((p) => p.cap)).toEqual([30, 20]);
    const tight = resolveTopology({
      ...topology,
      poolers: [{ ...topology.poolers[0]!, maxDbConnections: 10 }],
    }).poolers[0]!;
    expect(tight.pools.map((p) => p.cap)).toEqual([10, 10]);
  });

  it('clients of PgBouncer never become backends; in transaction mode their queueing is no finding', () => {
    const { report } = planTopology(
      spec({
        apps: [{ name: 'web', pods: 50, pool: 10, via: 'pgbouncer' }],
        poolers: [bouncer({ maxClientConn: 1000 })],
      }),
    );
    expect(report.connections.backends).toBe(20);
    // 500 clients share 20 server connections: that is what transaction pooling is for.
    expect(report.findings.map((f) => f.id)).not.toContain('pooler-clients-queue');
    expect(report.findings.map((f) => f.id)).not.toContain('pooler-client-limit');
    const statement = planTopology(
      spec({
        apps: [{ name: 'web', pods: 50, pool: 10, via: 'pgbouncer' }],
        poolers: [bouncer({ poolMode: 'statement', maxClientConn: 1000 })],
      }),
    );
    expect(statement.report.findings.map((f) => f.id)).not.toContain('pooler-clients-queue');
  });

  it('more clients than max_client_conn × replicas is an error', () => {
    const { report } = planTopology(
      spec({
        apps: [{ name: 'web', pods: 30, pool: 10, via: 'pgbouncer' }],
        poolers: [bouncer({ replicas: 2, maxClientConn: 100 })],
      }),
    );
    const finding = report.findings.find((f) => f.id === 'pooler-client-limit');
    expect(finding).toMatchObject({ severity: 'error', data: { clientConnections: 300, clientCapacity: 200 } });
  });

  it('session mode queueing is a warning: 50 clients for 20 server connections leave 30 waiting', () => {
    const { report } = planTopology(
      spec({
        apps: [{ name: 'web', pods: 5, pool: 10, via: 'pgbouncer' }],
        poolers: [bouncer({ poolMode: 'session' })],
      }),
    );
    const finding = report.findings.find((f) => f.id === 'pooler-clients-queue');
    expect(finding).toMatchObject({ severity: 'warning', data: { clientConnections: 50, capacity: 20, waiting: 30 } });
    expect(finding?.message).toContain('query_wait_timeout');
    // Session mode within its pools: no finding.
    const fits = planTopology(
      spec({
        apps: [{ name: 'web', pods: 2, pool: 10, via: 'pgbouncer' }],
        poolers: [bouncer({ poolMode: 'session' })],
      }),
    );
    expect(fits.report.findings.map((f) => f.id)).not.toContain('pooler-clients-queue');
  });
});

describe('containers', () => {
  function inContainer(settings: Record<string, string>, memoryLimitBytes: number, shmBytes: number, parallel = true) {
    return analyze({
      version: 18,
      assignments: Object.entries(settings).map(([name, value]) => ({ name, value, source: 'flag' })),
      defaults: 'initdb',
      clients: 20,
      container: { memoryLimitBytes, shmBytes },
      workload: { ...DEFAULT_WORKLOAD, parallel },
      ramBytes: memoryLimitBytes,
    }).report;
  }

  it('warns when shared memory alone takes half the limit or more', () => {
    expect(inContainer({ shared_buffers: '3GB' }, 4 * 1024 * MiB, 1024 * MiB).findings.map((f) => f.id)).toContain(
      'container-shared-memory',
    );
    expect(inContainer({ shared_buffers: '1GB' }, 4 * 1024 * MiB, 1024 * MiB).findings.map((f) => f.id)).not.toContain(
      'container-shared-memory',
    );
  });

  it('warns when /dev/shm cannot hold the parallel hash joins', () => {
    // 2 hash nodes × (work_mem 64MB × hash_mem_multiplier 2 × 3 participants × 1.35 + 0.5 MiB) = 1,040.8 MiB
    // per query, and each of the 20 backends may run one: the table is sized whether workers launch or not
    const report = inContainer({ work_mem: '64MB' }, 16 * 1024 * MiB, 64 * MiB);
    const finding = report.findings.find((f) => f.id === 'dev-shm-too-small');
    const perQuery = 2 * Math.ceil(128 * MiB * 3 * 1.35 + 0.5 * MiB);
    expect(finding?.data).toMatchObject({ shmBytes: 64 * MiB, neededBytes: 20 * perQuery, concurrentQueries: 20 });
    expect(inContainer({ work_mem: '64MB' }, 16 * 1024 * MiB, 21 * 1024 * MiB).findings.map((f) => f.id)).not.toContain(
      'dev-shm-too-small',
    );
    expect(inContainer({ work_mem: '64MB' }, 16 * 1024 * MiB, 64 * MiB, false).findings.map((f) => f.id)).not.toContain(
      'dev-shm-too-small',
    );
  });

  it('replication connections beyond max_wal_senders are an error', () => {
    const over = analyze({
      version: 17,
      assignments: [{ name: 'max_wal_senders', value: '2', source: 'flag' }],
      defaults: 'initdb',
      clients: 10,
      replicationConnections: 3,
      workload: DEFAULT_WORKLOAD,
      ramBytes: null,
    }).report;
    expect(over.findings.map((f) => f.id)).toContain('replication-exceeds-wal-senders');
  });
});

describe('report', () => {
  it("echoes each group's contribution, and they add up to the backends total", () => {
    const { report } = planTopology(spec({ apps: [{ name: 'web', pods: 3, pool: 7 }], adminConnections: 2 }));
    expect(report.topology.groups.reduce((sum, g) => sum + g.bytes, 0)).toBe(report.totals.backendsBytes);
    expect(component(report.perBackend.components, 'sort-nodes')).toBe(2 * 4 * MiB);
  });
});

describe('per-app workloads', () => {
  const plan = (nodes: { kind: 'sort' | 'hash-join' | 'parallel-hash'; workers?: number }[], source: string) => ({
    source,
    nodes: nodes.map((n, i) => ({
      kind: n.kind,
      nodeType: n.kind === 'sort' ? 'Sort' : 'Hash',
      workers: n.workers ?? 0,
      path: `Plan.Plans[${i}]`,
      ...((n.workers ?? 0) > 0 && { gather: 'Plan' }),
    })),
  });
  const lookup = plan([], 'api/lookup.json#1');
  const report1 = plan([{ kind: 'sort' }, { kind: 'hash-join' }, { kind: 'hash-join' }], 'reporting/a.json#1');
  const report2 = plan([{ kind: 'sort' }], 'reporting/b.json#1');

  it("each app group's per-backend worst case comes from its own queries: the hungriest of its plans", () => {
    const { report } = planTopology(
      spec({
        apps: [
          {
            name: 'api',
            pods: 10,
            pool: 5,
            workload: { kind: 'plans', files: ['api/lookup.json'], queries: [lookup] },
          },
          {
            name: 'reporting',
            pods: 1,
            pool: 2,
            workload: { kind: 'plans', files: ['reporting/a.json', 'reporting/b.json'], queries: [report1, report2] },
          },
          { name: 'cron', pods: 1, pool: 1 },
        ],
      }),
      { work_mem: '64MB' },
    );
    const group = (name: string) => report.topology.groups.find((g) => g.name === name)!;
    const workload = (name: string) => report.workload.groups.find((g) => g.name === name)!;
    // No memory node: an idle backend and the temp buffers the test turned off.
    expect(group('api').perBackendBytes).toBeLessThan(8 * MiB);
    expect(group('api').hungriestQuery).toBe('api/lookup.json#1');
    expect(group('reporting').hungriestQuery).toBe('reporting/a.json#1');
    // 64 MB sort + 2 × 128 MB hash: more than the default 2 sorts + 2 hashes of cron (384 MB of budgets).
    expect(group('reporting').perBackendBytes).toBeGreaterThan(320 * MiB);
    expect(group('cron').hungriestQuery).toBe('flags');
    expect(group('api').ownWorkload).toBe(true);
    expect(group('cron').ownWorkload).toBe(false);
    expect(workload('reporting').sources).toEqual([
      { kind: 'plans', origin: 'app', app: 'reporting', preset: null, files: ['reporting/a.json', 'reporting/b.json'] },
    ]);
    expect(workload('reporting').queries.map((q) => [q.source, q.hungriest])).toEqual([
      ['reporting/a.json#1', true],
      ['reporting/b.json#1', false],
    ]);
    expect(workload('cron').sources).toEqual([
      { kind: 'preset', origin: 'default', app: null, preset: 'mixed', files: [] },
    ]);
    expect(workload('cron').queries).toEqual([]);
    expect(report.workload.source).toEqual(workload('cron').sources[0]);
  });

  it('a preset means what --workload means; counts are node counts', () => {
    const { report } = planTopology(
      spec({
        apps: [
          { name: 'web', pods: 1, pool: 1, workload: { kind: 'preset', preset: 'olap' } },
          { name: 'job', pods: 1, pool: 1, workload: { kind: 'counts', sortOps: 3, hashOps: 0 } },
        ],
      }),
    );
    const queries = (name: string) => report.workload.groups.find((g) => g.name === name)!.queries;
    expect(queries('web')[0]!.nodes.map((n) => n.kind)).toEqual([
      ...Array(4).fill('generic-sort'),
      ...Array(4).fill('generic-hash'),
    ]);
    expect(queries('job')[0]!.nodes.map((n) => n.kind)).toEqual(Array(3).fill('generic-sort'));
    expect(report.workload.groups.find((g) => g.name === 'web')!.sources[0]).toMatchObject({
      kind: 'preset',
      origin: 'app',
      preset: 'olap',
    });
  });

  it("a pool's backends run any of its client apps' queries, and the server's when one app has none", () => {
    const resolved = resolveTopology(
      spec({
        apps: [
          { name: 'api', pods: 2, pool: 5, via: 'pgbouncer', workload: { kind: 'preset', preset: 'oltp' } },
          { name: 'api2', pods: 2, pool: 5, via: 'pgbouncer', role: { name: 'api', settings: {} } },
        ],
        poolers: [bouncer({ pools: [{ database: 'app', user: 'api' }] })],
      }),
    );
    const pool = resolved.groups.find((g) => g.name === 'pgbouncer: app/api')!;
    expect(pool.workload?.withServerQueries).toBe(true);
    expect(pool.workload?.queries.map((q) => q.source)).toEqual(['api: oltp']);
  });

  it("the server's workload sets no parallel worker's size when every group runs its own queries", () => {
    const lookups = resolveTopology(
      spec({
        apps: [{ name: 'api', pods: 4, pool: 5, workload: { kind: 'preset', preset: 'oltp', parallel: false } }],
      }),
    );
    const withAdmin = resolveTopology(
      spec({
        apps: [{ name: 'api', pods: 4, pool: 5, workload: { kind: 'preset', preset: 'oltp', parallel: false } }],
        adminConnections: 2,
      }),
    );
    const run = (resolved: ReturnType<typeof resolveTopology>) =>
      analyze({
        version: 18,
        build: 'embedded',
        assignments: [],
        defaults: 'initdb',
        clients: null,
        groups: resolved.groups,
        topology: resolved,
        workload: { ...DEFAULT_WORKLOAD, tempBuffers: false },
        ramBytes: null,
      }).model.parallel;
    // Nobody runs the default (parallel) query: no workers.
    expect(run(lookups)).toMatchObject({ workersPerQuery: 0, instanceWorkers: 0 });
    // The admin sessions run it: its workers count.
    expect(run(withAdmin).workersPerQuery).toBe(2);
    expect(run(withAdmin).bytesPerWorker).toBeGreaterThan(0);
  });

  it('parallel workers of every group together stay within max_parallel_workers', () => {
    const parallelPlan = plan(
      [
        { kind: 'sort', workers: 4 },
        { kind: 'parallel-hash', workers: 4 },
      ],
      'reporting/parallel.json#1',
    );
    const { model } = planTopology(
      spec({
        apps: [
          {
            name: 'reporting',
            pods: 5,
            pool: 4,
            workload: { kind: 'plans', files: ['reporting/parallel.json'], queries: [parallelPlan], parallel: true },
          },
        ],
      }),
      { max_parallel_workers: '6' },
    );
    // 20 backends × 4 planned workers = 80, but the instance starts at most max_parallel_workers = 6.
    expect(model.groups[0]!.perBackend.workers).toBe(4);
    expect(model.parallel.instanceWorkers).toBe(6);
  });
});
