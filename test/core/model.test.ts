import { describe, expect, it } from 'vitest';
import {
  BACKEND_BASELINE_BYTES,
  AUX_PROCESS_BYTES,
  NODE_ALLOWANCES,
  SESSION_HEAP_SHARE,
} from '../../src/core/baselines.js';
import { allowanceOf } from '../../src/core/model.js';
import { component, GiB, MiB, plan } from '../support/analyze.js';

describe('connections', () => {
  it('5 pods × 10 connections make 50 backends of 97 usable slots', () => {
    const { report } = plan({ clients: 5 * 10 });
    // usable = max_connections 100 − superuser_reserved_connections 3 − reserved_connections 0
    expect(report.connections).toEqual({ clients: 50, usableSlots: 97, maxConnections: 100, backends: 50, refused: 0 });
  });

  it('clients beyond the usable slots are refused; backends stop at max_connections', () => {
    const { report } = plan({ clients: 120, settings: { reserved_connections: '5' } });
    // usable = 100 − 3 − 5 = 92; refused = 120 − 92; backends = min(120, 100)
    expect(report.connections).toEqual({
      clients: 120,
      usableSlots: 92,
      maxConnections: 100,
      backends: 100,
      refused: 28,
    });
  });

  it('without a topology every max_connections slot is a backend', () => {
    const { report } = plan({ clients: null, settings: { max_connections: '250' } });
    expect(report.connections.backends).toBe(250);
    expect(report.connections.clients).toBe(250);
  });
});

describe('per backend, worst case', () => {
  it('PostgreSQL 18 defaults: 2 sorts × 4 MB, 2 hashes × 4 MB × 2, temp_buffers 8 MB, baseline', () => {
    const { report } = plan({ version: 18 });
    const c = report.perBackend.components;
    expect(component(c, 'sort-nodes')).toBe(2 * 4 * MiB);
    expect(component(c, 'hash-nodes')).toBe(2 * 4 * MiB * 2);
    expect(component(c, 'temp-buffers')).toBe(8 * MiB);
    expect(component(c, 'private-baseline')).toBe(BACKEND_BASELINE_BYTES[18]);
    // generic nodes take the largest allowance of their class; the session keeps a share of the largest budget
    const gs = allowanceOf(18, 'generic-sort');
    const gh = allowanceOf(18, 'generic-hash');
    const overhead = Math.ceil(2 * (4 * MiB * (gs.factor - 1) + gs.bytes) + 2 * (8 * MiB * (gh.factor - 1) + gh.bytes));
    expect(component(c, 'node-overhead')).toBe(overhead);
    expect(component(c, 'session-heap')).toBe(Math.ceil(4 * MiB * SESSION_HEAP_SHARE[18]));
    expect(report.perBackend.worstCaseBytes).toBe(
      8 * MiB +
        16 * MiB +
        overhead +
        Math.ceil(4 * MiB * SESSION_HEAP_SHARE[18]) +
        8 * MiB +
        BACKEND_BASELINE_BYTES[18],
    );
    expect(c.map((x) => x.id)).toEqual([
      'private-baseline',
      'sort-nodes',
      'hash-nodes',
      'node-overhead',
      'session-heap',
      'temp-buffers',
    ]);
  });

  it('node overhead follows the measured allowance of each node kind and version', () => {
    const { report } = plan({ version: 15, settings: { work_mem: '100MB' }, workload: { sortOps: 1, hashOps: 1 } });
    const gs = allowanceOf(15, 'generic-sort');
    const gh = allowanceOf(15, 'generic-hash');
    const expected = Math.ceil(100 * MiB * (gs.factor - 1) + gs.bytes + 200 * MiB * (gh.factor - 1) + gh.bytes);
    expect(component(report.perBackend.components, 'node-overhead')).toBe(expected);
    // a generic node takes the largest allowance of its class
    const t = NODE_ALLOWANCES[15];
    expect(gs.factor).toBe(Math.max(t.sort.factor, t['incremental-sort'].factor, t.tuplestore.factor, t.bitmap.factor));
    expect(gh.factor).toBe(Math.max(t['hash-join'].factor, t['hash-aggregate'].factor, t.memoize.factor));
  });

  it('hash_mem_multiplier is 1 in 13 and 14, so hash nodes cost work_mem there', () => {
    for (const version of [13, 14] as const) {
      const { report } = plan({ version });
      expect(component(report.perBackend.components, 'hash-nodes')).toBe(2 * 4 * MiB);
    }
    const { report } = plan({ version: 15 });
    expect(component(report.perBackend.components, 'hash-nodes')).toBe(2 * 8 * MiB);
  });

  it('fractional hash_mem_multiplier truncates as get_hash_memory_limit does', () => {
    // floor(1000 kB × 1.5 × 1024) = 1,536,000 bytes per hash node
    const { report } = plan({
      settings: { work_mem: '1000kB', hash_mem_multiplier: '1.5' },
      workload: { sortOps: 0, hashOps: 1 },
    });
    expect(component(report.perBackend.components, 'hash-nodes')).toBe(1_536_000);
  });

  it('--no-temp-buffers drops the temp_buffers term', () => {
    const { report } = plan({ workload: { tempBuffers: false } });
    expect(report.perBackend.components.map((c) => c.name)).not.toContain('temp_buffers');
  });
});

describe('HashAggregate: the bucket array doubles while the table is full', () => {
  // RssAnon peaks measured at the top of the cycle (1M int keys, hash_mem_multiplier 2, embedded
  // builds, idle backend included): the per-backend worst case of one HashAggregate must cover each.
  const peaks = [
    { version: 15, workMem: '16MB', peakMiB: 2.1 + 1.745 * 32 },
    { version: 15, workMem: '31MB', peakMiB: 2.1 + 1.732 * 62 },
    { version: 16, workMem: '14MB', peakMiB: 2.2 + 1.838 * 28 },
    { version: 17, workMem: '14MB', peakMiB: 2.2 + 1.838 * 28 },
    { version: 17, workMem: '7MB', peakMiB: 2.2 + 1.83 * 14 },
    { version: 18, workMem: '9MB', peakMiB: 2.3 + 1.875 * 18 },
    { version: 18, workMem: '18MB', peakMiB: 2.3 + 1.852 * 36 },
  ] as const;
  for (const { version, workMem, peakMiB } of peaks) {
    it(`${version}, work_mem ${workMem} × 2: the worst case covers the ${peakMiB.toFixed(1)} MiB measured`, () => {
      const { model } = plan({
        version,
        settings: { work_mem: workMem, hash_mem_multiplier: '2' },
        workload: {
          queries: [{ source: 'probe', nodes: [{ kind: 'hash-aggregate', nodeType: 'Aggregate', workers: 0 }] }],
          parallel: false,
          tempBuffers: false,
        },
      });
      expect(model.perBackend.worstCaseBytes).toBeGreaterThan(peakMiB * MiB);
      // and not loosely: within 1.1 × at the top of the cycle
      expect(model.perBackend.worstCaseBytes).toBeLessThan(1.1 * peakMiB * MiB);
    });
  }
});

describe('the rule of thumb', () => {
  it('100 connections × 5 sorts × 256 MB is 125 GiB of sort memory alone', () => {
    const { report } = plan({
      clients: null,
      settings: { work_mem: '256MB' },
      workload: { sortOps: 5, hashOps: 0, parallel: false, tempBuffers: false },
    });
    const perBackendSort = component(report.perBackend.components, 'sort-nodes');
    expect(perBackendSort).toBe(5 * 256 * MiB);
    expect(report.connections.backends * perBackendSort).toBe(125 * GiB);
    // shared_buffers + work_mem × max_connections × operations per query
    expect(report.totals.ruleOfThumbBytes).toBe(128 * MiB + 125 * GiB);
  });

  it('on 18 the same load costs what the measurements support: 1.12 × each sort, the session heap once', () => {
    const { report } = plan({
      clients: null,
      settings: { work_mem: '256MB' },
      workload: { sortOps: 5, hashOps: 0, parallel: false, tempBuffers: false },
    });
    // 5 × (256 MiB × 0.12 + 0.5 MiB) + 0.4 × 256 MiB, per backend (it was 5 × (128 + 0.5) MiB)
    expect(component(report.perBackend.components, 'node-overhead')).toBe(
      Math.ceil(5 * (256 * MiB * 0.12 + 0.5 * MiB)),
    );
    expect(component(report.perBackend.components, 'session-heap')).toBe(Math.ceil(0.4 * 256 * MiB));
    const backends = report.connections.backends * report.perBackend.worstCaseBytes;
    expect(backends / GiB).toBeGreaterThan(150);
    expect(backends / GiB).toBeLessThan(151);
  });
});

describe('parallel query', () => {
  it('a query adds max_parallel_workers_per_gather workers; the instance caps them at max_parallel_workers', () => {
    const { report, model } = plan({ clients: 50 });
    // nodes and their overhead; a worker keeps no heap from earlier queries
    const perWorker =
      BACKEND_BASELINE_BYTES[18] + 8 * MiB + 16 * MiB + component(report.perBackend.components, 'node-overhead');
    expect(model.parallel.workersPerQuery).toBe(2);
    // min(50 backends × 2, max_parallel_workers 8, max_worker_processes 8)
    expect(model.parallel.instanceWorkers).toBe(8);
    expect(component(report.background.components, 'parallel-workers')).toBe(8 * perWorker);
    expect(report.perBackend.withParallelBytes).toBe(report.perBackend.worstCaseBytes + 2 * perWorker);
  });

  it('max_worker_processes bounds parallel workers too', () => {
    const { model } = plan({ settings: { max_worker_processes: '3', max_parallel_workers: '8' } });
    expect(model.parallel.instanceWorkers).toBe(3);
  });

  it('--no-parallel and max_parallel_workers_per_gather = 0 remove them', () => {
    expect(plan({ workload: { parallel: false } }).model.parallel.instanceWorkers).toBe(0);
    expect(plan({ settings: { max_parallel_workers_per_gather: '0' } }).model.parallel.instanceWorkers).toBe(0);
  });
});

describe('background', () => {
  it('autovacuum workers use maintenance_work_mem unless autovacuum_work_mem is set', () => {
    const defaults = plan({ version: 17 });
    expect(component(defaults.report.background.components, 'autovacuum-workers')).toBe(
      3 * (64 * MiB + BACKEND_BASELINE_BYTES[17]),
    );
    const own = plan({ version: 17, settings: { autovacuum_work_mem: '256MB', autovacuum_max_workers: '5' } });
    expect(component(own.report.background.components, 'autovacuum-workers')).toBe(
      5 * (256 * MiB + BACKEND_BASELINE_BYTES[17]),
    );
  });

  it('before 17 vacuum memory is capped at 1 GiB of dead tuples; from 17 it is not', () => {
    const old = plan({ version: 16, settings: { maintenance_work_mem: '4GB' } });
    expect(old.model.autovacuum.memoryPerWorker).toBe(GiB);
    const current = plan({ version: 17, settings: { maintenance_work_mem: '4GB' } });
    expect(current.model.autovacuum.memoryPerWorker).toBe(4 * GiB);
  });

  it('PostgreSQL 18 runs at most autovacuum_worker_slots workers', () => {
    const { model } = plan({ version: 18, settings: { autovacuum_max_workers: '20', autovacuum_worker_slots: '6' } });
    expect(model.autovacuum.workers).toBe(6);
  });

  it('logical decoding memory counts only with wal_level = logical (or when asked)', () => {
    const physical = plan();
    expect(physical.model.logicalSenders).toBe(0);
    const logical = plan({ settings: { wal_level: 'logical', max_replication_slots: '4' } });
    // min(max_wal_senders 10, max_replication_slots 4) walsenders × logical_decoding_work_mem 64 MB
    expect(logical.model.logicalSenders).toBe(4);
    expect(component(logical.report.background.components, 'walsenders')).toBe(
      10 * BACKEND_BASELINE_BYTES[18] + 4 * 64 * MiB,
    );
  });

  it('server processes: the fixed ones of the version, at their measured idle size', () => {
    // 18: postmaster, checkpointer, background writer, walwriter, autovacuum launcher,
    // logical replication launcher, and io_workers = 3 I/O workers (io_method = worker)
    expect(component(plan({ version: 18 }).report.background.components, 'server-processes')).toBe(
      9 * AUX_PROCESS_BYTES[18],
    );
    // 13: the same six without I/O workers, plus the stats collector
    expect(component(plan({ version: 13 }).report.background.components, 'server-processes')).toBe(
      7 * AUX_PROCESS_BYTES[13],
    );
    // an archiver with archive_mode = on
    expect(
      component(
        plan({ version: 16, settings: { archive_mode: 'on' } }).report.background.components,
        'server-processes',
      ),
    ).toBe(7 * AUX_PROCESS_BYTES[16]);
  });

  it('page tables: every process maps the whole segment in 4 kB pages, 8 bytes each', () => {
    const { report } = plan({ version: 18, build: 'distribution', clients: 50 });
    // 50 backends + 8 parallel workers + 3 autovacuum workers + 1 maintenance command
    // + 10 walsenders + 6 server processes + 3 I/O workers = 81 processes
    const perProcess = Math.ceil(report.sharedMemory.totalBytes / 4096) * 8;
    // The PostgreSQL 18 defaults' segment on a distribution build: the embedded build's 157,024,256 plus the
    // GSS status buffer (174 slots × 67 B), rounded up to 8 kB.
    expect(perProcess).toBe((157_040_640 / 4096) * 8);
    expect(component(report.background.components, 'page-tables')).toBe(81 * perProcess);
  });

  it('maintenance commands: each a backend with maintenance_work_mem', () => {
    const { report } = plan({
      version: 16,
      settings: { maintenance_work_mem: '512MB' },
      workload: { maintenanceOps: 2 },
    });
    expect(component(report.background.components, 'maintenance-commands')).toBe(
      2 * (512 * MiB + BACKEND_BASELINE_BYTES[16]),
    );
  });

  it('page tables vanish with huge_pages = on', () => {
    expect(component(plan().report.background.components, 'page-tables')).toBeGreaterThan(0);
    expect(component(plan({ settings: { huge_pages: 'on' } }).report.background.components, 'page-tables')).toBe(0);
  });
});

describe('totals', () => {
  it('worst case is shared + backends × per backend + background, and headroom is what RAM leaves', () => {
    const { report } = plan({ ramBytes: 16 * GiB });
    const t = report.totals;
    expect(t.backendsBytes).toBe(report.connections.backends * report.perBackend.worstCaseBytes);
    expect(t.worstCaseBytes).toBe(
      report.sharedMemory.totalBytes + t.backendsBytes + report.background.worstCaseBytes + t.dynamicSharedBytes,
    );
    // 2 hash nodes of a plan-unknown query may be Parallel Hash tables of 8 MiB × 3 × 1.35 + 0.5 MiB,
    // beyond the backend's own copy (8 MiB + its overhead)
    const gh = allowanceOf(18, 'generic-hash');
    const extra = Math.ceil(8 * MiB * 3 * 1.35 + 0.5 * MiB) - Math.floor(8 * MiB * gh.factor);
    expect(t.dynamicSharedBytes).toBe(report.connections.backends * 2 * extra);
    expect(report.dynamicSharedMemory.components.map((c) => c.id)).toEqual(['parallel-hash-dsm']);
    expect(t.headroomBytes).toBe(16 * GiB - t.worstCaseBytes);
    const sum = (list: { bytes: number }[]) => list.reduce((a, c) => a + c.bytes, 0);
    expect(sum(report.perBackend.components)).toBe(report.perBackend.worstCaseBytes);
    expect(sum(report.background.components)).toBe(report.background.worstCaseBytes);
    expect(sum(report.sharedMemory.components)).toBe(report.sharedMemory.totalBytes);
  });

  it('more work_mem never lowers the worst case', () => {
    let previous = 0;
    for (const workMem of ['1MB', '4MB', '64MB', '1GB']) {
      const total = plan({ settings: { work_mem: workMem } }).report.totals.worstCaseBytes;
      expect(total).toBeGreaterThan(previous);
      previous = total;
    }
  });
});

describe('settings in the report', () => {
  it('shows pg_settings values in the base unit, resolved bytes and the source', () => {
    const { report } = plan({ settings: { work_mem: '64MB' } });
    expect(report.settings.shared_buffers).toEqual({
      setting: '16384',
      unit: '8kB',
      bytes: 128 * MiB,
      source: 'initdb',
    });
    expect(report.settings.work_mem).toEqual({ setting: '65536', unit: 'kB', bytes: 64 * MiB, source: 'flag' });
    expect(report.settings.hash_mem_multiplier).toMatchObject({ setting: '2', unit: null, source: 'default' });
    // wal_buffers = -1: shared_buffers / 32, at most one WAL segment (16 MB), here 4 MB
    expect(report.settings.wal_buffers).toMatchObject({ setting: '-1', bytes: 4 * MiB });
    // autovacuum_work_mem = -1 resolves to maintenance_work_mem
    expect(report.settings.autovacuum_work_mem).toMatchObject({ setting: '-1', bytes: 64 * MiB });
    // transaction_buffers = 0: shared_buffers / 512 in banks of 16 pages, here 32 pages
    expect(report.settings.transaction_buffers).toMatchObject({ setting: '0', bytes: 32 * 8192 });
  });

  it('a file that omits shared_buffers gets the built-in value: 8 MB in 13–14, 128 MB from 15', () => {
    expect(plan({ version: 14, defaults: 'boot' }).report.settings.shared_buffers!.bytes).toBe(8 * MiB);
    expect(plan({ version: 15, defaults: 'boot' }).report.settings.shared_buffers!.bytes).toBe(128 * MiB);
  });

  it('lists only the settings the version has', () => {
    expect(plan({ version: 13 }).report.settings).not.toHaveProperty('reserved_connections');
    expect(plan({ version: 17 }).report.settings).not.toHaveProperty('io_method');
    expect(plan({ version: 18 }).report.settings).toHaveProperty('autovacuum_worker_slots');
  });
});
