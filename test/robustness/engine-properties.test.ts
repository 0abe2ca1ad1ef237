/**
 * Property tests of the engine and its JSON: more pods, pool or work_mem never lowers the worst
 * case; every total is the sum of its parts; every report (from the engine and from the CLI)
 * validates against the published schema. Fixed seeds, bounded runs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze, type AnalyzeInput } from '../../src/core/analyze.js';
import { DEFAULT_WORKLOAD } from '../../src/core/model.js';
import { planReportSchema, type PlanReport } from '../../src/core/report-schema.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { renderJson } from '../../src/render/json.js';
import { runCli } from '../support/cli.js';

const version = fc.constantFrom(...(SUPPORTED_VERSIONS as readonly PgVersion[]));

/** A server and workload: settings within PostgreSQL's ranges, as a user would pass them. */
const scenario = fc.record({
  version,
  pods: fc.integer({ min: 0, max: 200 }),
  pool: fc.integer({ min: 0, max: 100 }),
  // up to 1 GB: 20 hash nodes of 8 × that, each a possible Parallel Hash table of 3 participants, on
  // 10,000 backends stay within the JSON's safe integers (2^53 bytes, 8 PiB)
  workMemKb: fc.integer({ min: 64, max: 1024 * 1024 }),
  sharedBuffersMb: fc.integer({ min: 1, max: 64 * 1024 }),
  maxConnections: fc.integer({ min: 5, max: 10_000 }),
  hashMemMultiplier: fc.constantFrom('1', '1.5', '2', '8'),
  maintenanceWorkMemMb: fc.integer({ min: 1, max: 8 * 1024 }),
  sortOps: fc.integer({ min: 0, max: 20 }),
  hashOps: fc.integer({ min: 0, max: 20 }),
  parallel: fc.boolean(),
  tempBuffers: fc.boolean(),
  ramGb: fc.option(fc.integer({ min: 1, max: 1024 }), { nil: null }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function input(s: Scenario): AnalyzeInput {
  const settings: Record<string, string> = {
    work_mem: `${s.workMemKb}kB`,
    shared_buffers: `${s.sharedBuffersMb}MB`,
    max_connections: String(s.maxConnections),
    hash_mem_multiplier: s.hashMemMultiplier,
    maintenance_work_mem: `${s.maintenanceWorkMemMb}MB`,
  };
  return {
    version: s.version,
    assignments: Object.entries(settings).map(([name, value]) => ({ name, value, source: 'flag' })),
    defaults: 'initdb',
    clients: s.pods * s.pool,
    workload: {
      ...DEFAULT_WORKLOAD,
      sortOps: s.sortOps,
      hashOps: s.hashOps,
      parallel: s.parallel,
      tempBuffers: s.tempBuffers,
    },
    ramBytes: s.ramGb === null ? null : s.ramGb * 1024 ** 3,
  };
}

const worst = (s: Scenario): number => analyze(input(s)).report.totals.worstCaseBytes;
const sum = (parts: readonly { bytes: number }[]): number => parts.reduce((total, p) => total + p.bytes, 0);

describe('the engine is monotonic', () => {
  it('more pods never lowers the worst case', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 100 }), (s, more) => {
        expect(worst({ ...s, pods: s.pods + more })).toBeGreaterThanOrEqual(worst(s));
      }),
      { seed: 7101, numRuns: 150 },
    );
  });

  it('a bigger pool never lowers the worst case', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 100 }), (s, more) => {
        expect(worst({ ...s, pool: s.pool + more })).toBeGreaterThanOrEqual(worst(s));
      }),
      { seed: 7102, numRuns: 150 },
    );
  });

  it('more work_mem never lowers the worst case', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 1024 * 1024 }), (s, moreKb) => {
        expect(worst({ ...s, workMemKb: s.workMemKb + moreKb })).toBeGreaterThanOrEqual(worst(s));
      }),
      { seed: 7103, numRuns: 150 },
    );
  });
});

describe('totals are the sums of their parts', () => {
  it('holds for every report', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { report } = analyze(input(s));
        const t = report.totals;
        expect(t.worstCaseBytes).toBe(t.sharedBytes + t.backendsBytes + t.backgroundBytes + t.dynamicSharedBytes);
        expect(t.dynamicSharedBytes).toBe(report.dynamicSharedMemory.worstCaseBytes);
        expect(report.dynamicSharedMemory.worstCaseBytes).toBe(sum(report.dynamicSharedMemory.components));
        expect(t.sharedBytes).toBe(report.sharedMemory.totalBytes);
        expect(report.sharedMemory.totalBytes).toBe(sum(report.sharedMemory.components));
        expect(report.perBackend.worstCaseBytes).toBe(sum(report.perBackend.components));
        expect(t.backgroundBytes).toBe(report.background.worstCaseBytes);
        expect(report.background.worstCaseBytes).toBe(sum(report.background.components));
        expect(t.backendsBytes).toBe(sum(report.topology.groups));
        for (const g of report.topology.groups) expect(g.bytes).toBe(g.backends * g.perBackendBytes);
        expect(report.connections.backends).toBe(report.topology.groups.reduce((n, g) => n + g.backends, 0));
        expect(t.headroomBytes).toBe(t.ramBytes === null ? null : t.ramBytes - t.worstCaseBytes);
      }),
      { seed: 7104, numRuns: 200 },
    );
  });
});

describe('JSON output validates against the published schema', () => {
  it('every engine report, as written by --json', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const written = JSON.parse(renderJson(analyze(input(s)).report)) as PlanReport;
        const parsed = planReportSchema.safeParse(written);
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      }),
      { seed: 7105, numRuns: 150 },
    );
  });

  it('every `pgmem plan --json` run: a report that validates, or a one-line error as JSON', async () => {
    const flag = fc.oneof(
      fc.tuple(fc.constant('--pods'), fc.constantFrom('0', '3', '40', '-1', 'x', '1e3')),
      fc.tuple(fc.constant('--pool'), fc.constantFrom('0', '10', '500', '')),
      fc.tuple(fc.constant('--work-mem'), fc.constantFrom('4MB', '64kB', '2GB', '1TB', '0', 'lots')),
      fc.tuple(fc.constant('--shared-buffers'), fc.constantFrom('128MB', '16GB', '1', '8kB')),
      fc.tuple(fc.constant('--max-connections'), fc.constantFrom('1', '100', '5000', '999999')),
      fc.tuple(fc.constant('--ram'), fc.constantFrom('512MB', '16GB', '8Gi', 'big')),
      fc.tuple(fc.constant('--pg-version'), fc.constantFrom('13', '15', '18', '12', '19')),
      fc.tuple(
        fc.constant('--set'),
        fc.constantFrom('huge_pages=on', 'max_worker_processes=32', 'bogus=1', 'work_mem'),
      ),
      fc.tuple(fc.constant('--sort-ops'), fc.constantFrom('0', '3', '1001')),
      fc.tuple(fc.constant('--fail-on'), fc.constantFrom('warning', 'none', 'never')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(flag, { maxLength: 6 }), async (flags) => {
        const { code, stdout, stderr } = await runCli(['plan', ...flags.flat(), '--json']);
        const doc = JSON.parse(stdout) as Record<string, unknown>;
        if (code === 2) {
          expect(doc).toEqual({
            schemaVersion: 1,
            error: { code: expect.any(String), message: expect.any(String), exitCode: 2 },
          });
          expect(stderr).toMatch(/^pgmem: error: [^\n]+\n$/);
          return;
        }
        expect([0, 1]).toContain(code);
        expect(stderr).toBe('');
        const parsed = planReportSchema.safeParse(doc);
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      }),
      { seed: 7106, numRuns: 80 },
    );
  });
});
