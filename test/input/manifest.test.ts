/** Kubernetes manifests as a topology, on fixtures written the way each operator's samples write them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { quantityBytes, readManifests } from '../../src/input/manifest.js';
import { runCli } from '../support/cli.js';

const fixture = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const GiB = 2 ** 30;

describe('Kubernetes manifests', () => {
  it('quantities as Kubernetes reads them: binary and decimal suffixes', () => {
    expect(quantityBytes('4Gi', 'x', 'f')).toBe(4 * GiB);
    expect(quantityBytes('512Mi', 'x', 'f')).toBe(512 * 2 ** 20);
    expect(quantityBytes('1G', 'x', 'f')).toBe(1e9);
    expect(quantityBytes('500M', 'x', 'f')).toBe(5e8);
    expect(() => quantityBytes('lots', 'Cluster/x spec.resources.limits.memory', 'f')).toThrow(InputError);
  });

  it('CloudNativePG Cluster and Pooler, a Deployment with the pool annotation and its autoscaler', () => {
    const m = readManifests([fixture('examples/cnpg/cluster.yaml')]);
    expect(m.read).toEqual([
      'Cluster/cluster-example',
      'Pooler/pooler-example-rw',
      'HorizontalPodAutoscaler/web',
      'Deployment/web',
    ]);
    expect(m.skipped).toEqual(['Service/web']);
    expect(m.document).toMatchObject({
      server: {
        version: 16,
        container: { memoryLimit: 8 * GiB, shmSize: 8 * GiB },
        settings: {
          max_parallel_workers: '32',
          max_worker_processes: '32',
          max_replication_slots: '32',
          wal_level: 'logical',
          shared_buffers: '2GB',
          work_mem: '16MB',
          max_connections: '200',
        },
      },
      poolers: [
        {
          name: 'pooler-example-rw',
          replicas: 3,
          pool_mode: 'transaction',
          default_pool_size: 10,
          max_client_conn: 1000,
        },
      ],
      apps: [{ name: 'web', pods: 10, pool: 20, maxSurge: '25%', role: { name: 'app' }, via: 'pooler-example-rw' }],
      reserved: { replication: 2 },
    });
    expect(m.settingSources.work_mem).toBe('Cluster/cluster-example spec.postgresql.parameters.work_mem');
    expect(m.settingSources.max_worker_processes).toBe('Cluster/cluster-example (CloudNativePG default)');
  });

  it('Zalando postgresql: Spilo sizes shared_buffers and max_connections from the limit; the pooler from maxDBConnections', () => {
    const m = readManifests([fixture('examples/zalando/postgresql.yaml')]);
    // 4096 MB: shared_buffers 4096/5 = 819 MB, max_connections min(max(100, 4096/30), 1000) = 136;
    // pooler: 60 / 2 instances = 30 per pod, default pool 15, reserve 7.
    expect(m.document).toMatchObject({
      server: {
        version: 17,
        container: { memoryLimit: 4 * GiB, shmSize: 4 * GiB },
        settings: { shared_buffers: '819MB', max_connections: '136', work_mem: '8MB' },
      },
      poolers: [
        {
          name: 'acid-test-cluster-pooler',
          replicas: 2,
          pool_mode: 'transaction',
          default_pool_size: 15,
          reserve_pool_size: 7,
          max_db_connections: 30,
        },
      ],
      reserved: { replication: 1 },
    });
  });

  it('Crunchy PGO PostgresCluster: config.parameters over patroni.dynamicConfiguration over PGO defaults; its PgBouncer from config.global', () => {
    const m = readManifests([fixture('examples/pgo/postgrescluster.yaml')]);
    expect(m.read).toEqual(['PostgresCluster/hippo', 'Deployment/api']);
    expect(m.document).toMatchObject({
      server: {
        version: 16,
        container: { memoryLimit: 8 * GiB, shmSize: 8 * GiB },
        // internal/postgres/parameters.go (jit), huge_pages.go (off without a hugepages limit), mandatory wal_level.
        settings: {
          jit: 'off',
          huge_pages: 'off',
          wal_level: 'logical',
          shared_buffers: '2GB',
          work_mem: '4MB',
          max_connections: '200',
        },
      },
      poolers: [{ name: 'hippo-pgbouncer', replicas: 2 }],
      reserved: { replication: 1 },
    });
    expect(m.settingSources.work_mem).toBe('PostgresCluster/hippo spec.config.parameters.work_mem');
    expect(m.settingSources.shared_buffers).toBe(
      'PostgresCluster/hippo spec.patroni.dynamicConfiguration.postgresql.parameters.shared_buffers',
    );
    expect(m.settingSources.jit).toBe('PostgresCluster/hippo (PGO default)');
    const ini = m.inis.get(0)![0]!;
    expect(ini.poolMode).toEqual({
      value: 'transaction',
      source: 'PostgresCluster/hippo spec.proxy.pgBouncer.config.global.pool_mode',
    });
    expect(ini.defaultPoolSize.value).toBe(20);
    expect(ini.maxClientConn.value).toBe(1000);
    // internal/pgbouncer/config.go: without config.databases, one `*` entry to the primary service.
    expect(ini.databases.map((d) => d.name)).toEqual(['*']);
  });

  it("PGO: the smallest instance set limit is the budget, hugepages make huge_pages try, PgBouncer's own defaults, config.databases", () => {
    const text = [
      'apiVersion: postgres-operator.crunchydata.com/v1',
      'kind: PostgresCluster',
      'metadata: { name: big }',
      'spec:',
      '  postgresVersion: 17',
      '  instances:',
      '    - name: large',
      '      replicas: 2',
      '      resources: { limits: { memory: 8Gi, hugepages-2Mi: 512Mi } }',
      '    - name: small',
      '      resources: { limits: { memory: 6Gi } }',
      '  patroni: { dynamicConfiguration: { postgresql: { parameters: { max_connections: 300, jit: true } } } }',
      '  proxy:',
      '    pgBouncer:',
      '      config:',
      '        databases: { app: "host=big-primary pool_size=10" }',
      '        global: { no_such_setting: "1" }',
      '        files: [{ configMap: { name: bouncer-extra } }]',
    ].join('\n');
    const m = readManifests([{ file: 'big.yaml', text }]);
    expect(m.document).toMatchObject({
      server: {
        version: 17,
        container: { memoryLimit: 6 * GiB, shmSize: 6 * GiB },
        settings: { huge_pages: 'try', jit: 'true', max_connections: '300' },
      },
      poolers: [{ name: 'big-pgbouncer', replicas: 1 }],
      reserved: { replication: 2 },
    });
    expect(m.settingSources.huge_pages).toBe(
      'PostgresCluster/big spec.instances[large].resources.limits.hugepages-2Mi (PGO sets try)',
    );
    expect(m.notes).toContain(
      'PostgresCluster/big: the budget is the smallest memory limit of its instance sets, PostgresCluster/big spec.instances[small].resources.limits.memory',
    );
    expect(m.notes).toContain(
      'PostgresCluster/big spec.proxy.pgBouncer.config.global.no_such_setting: unknown PgBouncer setting, ignored',
    );
    expect(
      m.notes.some((n) => n.startsWith('PostgresCluster/big spec.proxy.pgBouncer.config.files: pgmem does not read')),
    ).toBe(true);
    const ini = m.inis.get(0)![0]!;
    expect([ini.poolMode.value, ini.defaultPoolSize.value, ini.maxClientConn.value]).toEqual(['session', 20, 100]);
    expect(ini.databases).toMatchObject([
      { name: 'app', poolSize: 10, source: 'PostgresCluster/big spec.proxy.pgBouncer.config.databases.app' },
    ]);
    const bad = text.replace('no_such_setting: "1"', 'default_pool_size: many');
    expect(() => readManifests([{ file: 'big.yaml', text: bad }])).toThrow(
      'big.yaml: PostgresCluster/big spec.proxy.pgBouncer.config.global.default_pool_size: default_pool_size: expected an integer >= 0, got "many"',
    );
    expect(() => readManifests([{ file: 'big.yaml', text: text.replace('replicas: 2', 'replicas: 0') }])).toThrow(
      'big.yaml: PostgresCluster/big spec.instances[large].replicas: expected a positive whole number, got 0',
    );
  });

  it('plan --manifest with a PostgresCluster: pools from its PgBouncer, sources name the field', async () => {
    const result = await runCli(['plan', '--manifest', 'examples/pgo/postgrescluster.yaml', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.settings.work_mem).toMatchObject({
      setting: '4096',
      source: 'PostgresCluster/hippo spec.config.parameters.work_mem',
    });
    expect(report.settings.huge_pages).toMatchObject({
      setting: 'off',
      source: 'PostgresCluster/hippo (PGO default: no hugepages limit)',
    });
    expect(report.topology.container).toEqual({ memoryLimitBytes: 8 * GiB, shmBytes: 8 * GiB });
    // 2 PgBouncer pods × default_pool_size 20 for the one (hippo, hippo) pool the api's 6 + 2 surge pods × 30 fill.
    expect(report.topology.poolers[0]).toMatchObject({
      name: 'hippo-pgbouncer',
      replicas: 2,
      poolMode: 'transaction',
      serverConnections: 40,
      clientCapacity: 2000,
    });
    expect(report.topology.poolers[0].pools[0]).toMatchObject({
      database: 'hippo',
      user: 'hippo',
      serverConnections: 40,
      source: 'PostgresCluster/hippo spec.proxy.pgBouncer.config.global.default_pool_size',
    });
  });

  it('one database cluster per run; a bad annotation names the resource', () => {
    const text = readFileSync('examples/zalando/postgresql.yaml', 'utf8');
    expect(() =>
      readManifests([
        { file: 'a.yaml', text },
        { file: 'b.yaml', text },
      ]),
    ).toThrow('b.yaml: postgresql/acid-test-cluster: a second database cluster');
    const bad =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: w, annotations: { pgmem.dev/pool: many } }\nspec: {}\n';
    expect(() => readManifests([{ file: 'd.yaml', text: bad }])).toThrow(
      'd.yaml: Deployment/w pgmem.dev/pool: expected a positive whole number, got "many"',
    );
  });

  it('plan --manifest: sources name the resource and field; stdin with -', async () => {
    const result = await runCli(['plan', '--manifest', '-', '--json'], {
      stdin: readFileSync('examples/cnpg/cluster.yaml', 'utf8'),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.settings.work_mem.source).toBe('Cluster/cluster-example spec.postgresql.parameters.work_mem');
    expect(report.topology.container).toEqual({ memoryLimitBytes: 8 * GiB, shmBytes: 8 * GiB });
    expect(report.topology.poolers[0]).toMatchObject({
      name: 'pooler-example-rw',
      serverConnections: 30,
      source: 'Pooler/pooler-example-rw spec.instances, spec.pgbouncer',
    });
    expect(result.stderr).toContain('skipped 1 (Service/web)');
    const bad = await runCli(['plan', '--manifest', '-'], {
      stdin:
        'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: c }\nspec: { postgresql: { parameters: { work_mem: lots } } }\n',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^pgmem: error: <stdin>:4: Cluster\/c spec\.postgresql\.parameters\.work_mem: invalid value for parameter "work_mem": "lots"/,
    );
  });
});
