import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { FINDING_RULES } from '../../src/core/findings/index.js';
import { DEFAULT_WORKLOAD } from '../../src/core/model.js';
import { GiB, MiB, plan } from '../support/analyze.js';

const ids = (analysis: ReturnType<typeof plan>) => analysis.report.findings.map((f) => f.id);
const find = (analysis: ReturnType<typeof plan>, id: string) => analysis.report.findings.filter((f) => f.id === id);

describe('finding registry', () => {
  it('ids are unique kebab-case', () => {
    const all = FINDING_RULES.map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('findings come ordered by severity, then id', () => {
    const { report } = plan({ clients: 500, ramBytes: 1 * GiB, settings: { huge_pages: 'on' } });
    const rank = { error: 0, warning: 1, info: 2 };
    const keys = report.findings.map((f) => `${rank[f.severity]}:${f.id}`);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('clients-exceed-slots', () => {
  it('fires when clients exceed max_connections minus reserved slots, with the max_connections needed', () => {
    const [finding] = find(plan({ clients: 98 }), 'clients-exceed-slots');
    expect(finding).toMatchObject({ severity: 'error', setting: 'max_connections' });
    expect(finding!.data).toMatchObject({ clients: 98, usableSlots: 97, refused: 1, neededMaxConnections: 101 });
  });
  it('does not fire when the pools fit', () => {
    expect(ids(plan({ clients: 97 }))).not.toContain('clients-exceed-slots');
  });
});

describe('worst-case-exceeds-ram and low-headroom', () => {
  it('worst-case-exceeds-ram fires when the total is over RAM', () => {
    const analysis = plan({ ramBytes: 1 * GiB, clients: 90 });
    const [finding] = find(analysis, 'worst-case-exceeds-ram');
    expect(finding!.severity).toBe('error');
    expect(finding!.data!.overByBytes).toBe(analysis.report.totals.worstCaseBytes - GiB);
  });
  it('low-headroom fires when less than 20% of RAM is left, and neither fires with plenty', () => {
    const worst = plan({ ramBytes: 64 * GiB }).report.totals.worstCaseBytes;
    const tight = plan({ ramBytes: Math.ceil(worst / 0.9) });
    expect(ids(tight)).toContain('low-headroom');
    expect(ids(tight)).not.toContain('worst-case-exceeds-ram');
    const roomy = plan({ ramBytes: 64 * GiB });
    expect(ids(roomy)).not.toContain('low-headroom');
    expect(ids(roomy)).not.toContain('worst-case-exceeds-ram');
  });
  it('neither fires without --ram', () => {
    expect(ids(plan({ clients: 100 }))).not.toContain('worst-case-exceeds-ram');
  });
});

describe('shared-memory-exceeds-ram', () => {
  it('fires when the segment alone is larger than RAM', () => {
    expect(ids(plan({ settings: { shared_buffers: '4GB' }, ramBytes: 2 * GiB }))).toContain(
      'shared-memory-exceeds-ram',
    );
    expect(ids(plan({ settings: { shared_buffers: '1GB' }, ramBytes: 2 * GiB }))).not.toContain(
      'shared-memory-exceeds-ram',
    );
  });
});

describe('shared-buffers-share', () => {
  it('warns above 40% of RAM, notes below 10% of a large machine, silent at 25%', () => {
    expect(
      find(plan({ settings: { shared_buffers: '8GB' }, ramBytes: 16 * GiB }), 'shared-buffers-share')[0]?.severity,
    ).toBe('warning');
    expect(
      find(plan({ settings: { shared_buffers: '128MB' }, ramBytes: 16 * GiB }), 'shared-buffers-share')[0]?.severity,
    ).toBe('info');
    expect(ids(plan({ settings: { shared_buffers: '4GB' }, ramBytes: 16 * GiB }))).not.toContain(
      'shared-buffers-share',
    );
  });
});

describe('huge-pages', () => {
  it('with huge_pages = on, tells how many pages to reserve (shared_memory_size_in_huge_pages)', () => {
    const analysis = plan({ settings: { huge_pages: 'on' } });
    const [finding] = find(analysis, 'huge-pages');
    expect(finding!.data!.hugePages).toBe(analysis.report.sharedMemory.hugePages);
    expect(finding!.fix).toContain(`vm.nr_hugepages=${analysis.report.sharedMemory.hugePages}`);
  });
  it('advises huge pages for a large segment, not for a small one or when off', () => {
    expect(ids(plan({ settings: { shared_buffers: '4GB' } }))).toContain('huge-pages');
    expect(ids(plan({ settings: { shared_buffers: '1GB' } }))).not.toContain('huge-pages');
    expect(ids(plan({ settings: { shared_buffers: '4GB', huge_pages: 'off' } }))).not.toContain('huge-pages');
  });
  it('1 GB pages: the 1 GB pool or the boot parameters, never vm.nr_hugepages (the 2 MB pool)', () => {
    const on = plan({ settings: { shared_buffers: '8GB', huge_pages: 'on', huge_page_size: '1GB' } });
    const [finding] = find(on, 'huge-pages');
    const pages = on.report.sharedMemory.hugePages;
    expect(on.report.sharedMemory.hugePageSizeBytes).toBe(GiB);
    expect(finding!.data).toMatchObject({ hugePages: pages, hugePageSizeBytes: GiB });
    expect(finding!.fix).toContain(`echo ${pages} > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages`);
    expect(finding!.fix).toContain(`hugepagesz=1G hugepages=${pages}`);
    expect(finding!.fix).not.toContain('vm.nr_hugepages');
    const advised = find(plan({ settings: { shared_buffers: '8GB', huge_page_size: '1GB' } }), 'huge-pages')[0]!;
    expect(advised.fix).toContain('/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages');
    expect(advised.fix).not.toContain('vm.nr_hugepages');
  });
  it('the page-table saving comes from the page sizes: 2 MB / 4 kB = 512, 1 GB / 4 kB = 262144', () => {
    const twoMb = find(plan({ settings: { shared_buffers: '8GB' } }), 'huge-pages')[0]!;
    expect(twoMb.data).toMatchObject({ hugePageSizeBytes: 2 * 1024 ** 2, pageTableFactor: 512 });
    expect(twoMb.message).toContain('512×');
    expect(twoMb.fix).toContain(`sysctl -w vm.nr_hugepages=${twoMb.data!.hugePages}`);
    const oneGb = find(plan({ settings: { shared_buffers: '8GB', huge_page_size: '1GB' } }), 'huge-pages')[0]!;
    expect(oneGb.data).toMatchObject({ pageTableFactor: 262_144 });
    expect(oneGb.message).toContain('262,144×');
  });
});

describe('autovacuum-memory', () => {
  it('warns when autovacuum can take more than 10% of RAM', () => {
    const analysis = plan({ settings: { maintenance_work_mem: '1GB' }, ramBytes: 16 * GiB });
    expect(find(analysis, 'autovacuum-memory')[0]).toMatchObject({
      severity: 'warning',
      setting: 'maintenance_work_mem',
    });
    expect(ids(plan({ ramBytes: 16 * GiB }))).not.toContain('autovacuum-memory');
  });
  it('notes that before 17 more than 1 GB is never used by vacuum', () => {
    expect(
      find(plan({ version: 16, settings: { maintenance_work_mem: '2GB' } }), 'autovacuum-memory')[0]?.severity,
    ).toBe('info');
    expect(ids(plan({ version: 17, settings: { maintenance_work_mem: '2GB' } }))).not.toContain('autovacuum-memory');
  });
});

describe('parallel-work-mem', () => {
  it('fires while parallel query can run, and not with --no-parallel', () => {
    expect(ids(plan())).toContain('parallel-work-mem');
    expect(ids(plan({ workload: { parallel: false } }))).not.toContain('parallel-work-mem');
  });
  it('stays quiet when no backend can start workers (no clients: "0 workers at once add 0 B")', () => {
    expect(plan({ clients: 0 }).model.parallel.instanceWorkers).toBe(0);
    expect(ids(plan({ clients: 0 }))).not.toContain('parallel-work-mem');
  });
  it('is a warning when the workers can take more than 10% of RAM', () => {
    expect(find(plan({ settings: { work_mem: '256MB' }, ramBytes: 16 * GiB }), 'parallel-work-mem')[0]?.severity).toBe(
      'warning',
    );
  });
});

describe('server refuses to start', () => {
  it("reserved-connections-exceed-max uses the version's wording", () => {
    const v16 = find(
      plan({ version: 16, settings: { max_connections: '10', reserved_connections: '7' } }),
      'reserved-connections-exceed-max',
    )[0];
    expect(v16!.message).toContain(
      'superuser_reserved_connections (3) plus reserved_connections (7) must be less than max_connections (10)',
    );
    const v18 = find(
      plan({ version: 18, settings: { max_connections: '10', reserved_connections: '7' } }),
      'reserved-connections-exceed-max',
    )[0];
    expect(v18!.message).toContain('"superuser_reserved_connections" (3) plus "reserved_connections" (7)');
    const v13 = find(plan({ version: 13, settings: { max_connections: '3' } }), 'reserved-connections-exceed-max')[0];
    expect(v13!.message).toContain('superuser_reserved_connections (3) must be less than max_connections (3)');
    expect(ids(plan({ version: 16 }))).not.toContain('reserved-connections-exceed-max');
  });

  it('too-many-processes fires beyond 262143 process slots', () => {
    expect(ids(plan({ settings: { max_connections: '262000', max_worker_processes: '1000' } }))).toContain(
      'too-many-processes',
    );
    expect(ids(plan({ settings: { max_connections: '10000' } }))).not.toContain('too-many-processes');
  });

  it('invalid-setting reports values the server rejects, with file and line', () => {
    const analysis = analyze({
      version: 18,
      assignments: [
        { name: 'work_mem', value: '12parsecs', source: 'postgresql.conf:3' },
        { name: 'shared_bufferz', value: '1GB', source: 'conf.d/a.conf:7' },
      ],
      defaults: 'boot',
      clients: 10,
      workload: DEFAULT_WORKLOAD,
      ramBytes: null,
    });
    const found = find(analysis, 'invalid-setting');
    // ordered by setting within the id
    expect(found.map((f) => [f.file, f.line, f.setting])).toEqual([
      ['conf.d/a.conf', 7, 'shared_bufferz'],
      ['postgresql.conf', 3, 'work_mem'],
    ]);
    expect(found[1]!.message).toContain('invalid value for parameter "work_mem": "12parsecs"');
    // the rejected value leaves the default in force
    expect(analysis.report.settings.work_mem!.setting).toBe('4096');
    expect(ids(plan())).not.toContain('invalid-setting');
  });
});

describe('custom settings', () => {
  it('a dotted name the server does not know is a placeholder, not an error', () => {
    const analysis = analyze({
      version: 17,
      assignments: [{ name: 'myext.cache_size', value: '42', source: 'postgresql.conf:1' }],
      defaults: 'boot',
      clients: 10,
      workload: DEFAULT_WORKLOAD,
      ramBytes: null,
    });
    expect(analysis.problems).toEqual([]);
    expect(ids(analysis)).not.toContain('invalid-setting');
  });
});

describe('estimate-bound-node and unknown-node-type', () => {
  const query = (source: string, nodes: { kind: 'hashed-estimate' | 'unknown' | 'sort'; nodeType: string }[]) => ({
    source,
    nodes: nodes.map((n, i) => ({ ...n, workers: 0, path: `Plan.Plans[${i}]` })),
  });

  it('name each plan node bounded only by the estimate, and each node type pgmem does not know, once', () => {
    const analysis = plan({
      clients: 10,
      workload: {
        queries: [
          query('plans/report.json#2', [
            { kind: 'sort', nodeType: 'Sort' },
            { kind: 'hashed-estimate', nodeType: 'SubPlan (hashed)' },
          ]),
          query('pg_stat_statements:42', [{ kind: 'unknown', nodeType: 'Custom Thing' }]),
        ],
      },
    });
    const estimate = find(analysis, 'estimate-bound-node');
    expect(estimate).toHaveLength(1);
    expect(estimate[0]).toMatchObject({
      severity: 'info',
      file: 'plans/report.json',
      message:
        "plan 2, Plan.Plans[1]: SubPlan (hashed) has no memory limit but the planner's estimate; counted at hash_mem 8 MiB, it holds more when the estimate is wrong",
      data: { query: 'plans/report.json#2', nodeType: 'SubPlan (hashed)', path: 'Plan.Plans[1]', budgetBytes: 8 * MiB },
    });
    expect(estimate[0]!.fix).toContain('NOT EXISTS');
    const unknown = find(analysis, 'unknown-node-type');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ severity: 'warning', data: { nodeType: 'Custom Thing' } });
    expect(unknown[0]).not.toHaveProperty('file');
    expect(unknown[0]!.message).toMatch(
      /^pg_stat_statements:42, Plan\.Plans\[0\]: pgmem does not know the node type "Custom Thing"/,
    );
  });

  it('say nothing for node counts (flags, presets), which have no plan', () => {
    expect(ids(plan({ workload: { sortOps: 5, hashOps: 5 } }))).not.toContain('estimate-bound-node');
    expect(ids(plan({ workload: { sortOps: 5, hashOps: 5 } }))).not.toContain('unknown-node-type');
  });
});
