/**
 * One vocabulary: `recommend` records the workload and topology it assumed in its conf and sql
 * output, and `check` given the same inputs (the recorded "check it" flags) finds nothing to warn
 * about in the settings recommend wrote.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKLOAD_KINDS } from '../../src/core/presets.js';
import { projectRoot, runCli, spawnCli } from '../support/cli.js';
import { splitCommand } from '../support/readme.js';

const dir = mkdtempSync(join(tmpdir(), 'pgmem-recommend-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOPOLOGY = `server:
  version: 16
apps:
  - name: api
    pods: { min: 2, max: 6 }
    pool: 10
    via: bouncer
  - name: reports
    pods: 1
    pool: 5
    role: { name: reports, work_mem: 32MB }
poolers:
  - name: bouncer
    pool_mode: transaction
    default_pool_size: 30
reserved:
  admin: 2
`;

const INPUTS: [string, string[]][] = [
  ['pods and pools', ['--ram', '16GB', '--pods', '10', '--pool', '20']],
  ['clients, 8 CPUs, PostgreSQL 13', ['--ram', '8GB', '--clients', '150', '--cpus', '8', '--pg-version', '13']],
  ['a topology file', ['--ram', '64GB', '--topology', join(dir, 'topology.yaml')]],
];
writeFileSync(join(dir, 'topology.yaml'), TOPOLOGY);

/** The flags of the "check it" comment line. */
function recordedCheck(output: string, marker: string): string[] {
  const line = output.split('\n').find((l) => l.startsWith(`${marker} check it: pgmem check `));
  expect(line).toBeDefined();
  return splitCommand(line!.slice(`${marker} check it: pgmem check `.length)).slice(1);
}

describe.each(WORKLOAD_KINDS.map((w) => [w]))('recommend --workload %s, then check', (workload) => {
  it.each(INPUTS)('%s: check with the recorded inputs finds no warning or error', async (_name, inputs) => {
    const conf = await runCli(['recommend', ...inputs, '--workload', workload, '--format', 'conf']);
    expect(conf.stderr).toBe('');
    expect(conf.code).toBe(0);
    expect(conf.stdout).toContain(`# assumed: workload --workload ${workload}; topology `);
    const file = join(dir, `${workload}-${inputs.length}.conf`);
    writeFileSync(file, conf.stdout);

    const check = await runCli(['check', file, ...recordedCheck(conf.stdout, '#'), '--format', 'json']);
    const report = JSON.parse(check.stdout) as { findings: { id: string; severity: string }[] };
    expect(
      report.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.id}: ${(f as { message?: string }).message}`),
    ).toEqual([]);
    expect(check.code).toBe(0);

    // The sql output records the same inputs.
    const sql = await runCli(['recommend', ...inputs, '--workload', workload, '--format', 'sql']);
    expect(recordedCheck(sql.stdout, '--')).toEqual(recordedCheck(conf.stdout, '#'));
  });
});

/** A topology whose apps bring their own workloads: presets, node counts, none. */
const PRESETS = `server:
  version: 17
  ram: 32GB
apps:
  - { name: web, pods: 20, pool: 10, workload: oltp }
  - { name: etl, pods: 2, pool: 4, workload: olap }
  - { name: lookups, pods: 4, pool: 10, workload: { sortOps: 0, hashOps: 0 } }
  - { name: legacy, pods: 1, pool: 10 }
reserved:
  admin: 3
`;
writeFileSync(join(dir, 'presets.yaml'), PRESETS);
/** The topology's own workload section as a preset: the server's workload, parallel query and cap. */
writeFileSync(
  join(dir, 'section.yaml'),
  'server: { version: 16, ram: 16GB }\napps:\n  - { name: web, pods: 10, pool: 10 }\n  - { name: etl, pods: 1, pool: 4, workload: olap }\nworkload: oltp\n',
);

/** The tiers example without its server settings, which `check --topology` would take over the file's. */
function tiersWithoutSettings(): string {
  const text = readFileSync(join(projectRoot, 'examples/tiers/topology.yaml'), 'utf8');
  const file = join(dir, 'tiers.yaml');
  writeFileSync(
    file,
    text
      .replace(/\n {2}settings:[\s\S]*?(?=\n\n)/, '')
      .replace(/(api|reporting)\//g, `${join(projectRoot, 'examples/tiers')}/$1/`),
  );
  return file;
}

const OWN: [string, () => string, RegExp][] = [
  ['examples/tiers', () => 'examples/tiers/topology.yaml', /^work_mem = '(\d+)MB'/m],
  ['examples/tiers without its server settings', tiersWithoutSettings, /^work_mem = '(\d+)MB'/m],
  ['apps with presets and node counts', () => join(dir, 'presets.yaml'), /^work_mem = '(\d+)MB'/m],
  ["the topology's workload section as a preset", () => join(dir, 'section.yaml'), /^work_mem = '(\d+)MB'/m],
];

describe('recommend without workload flags: each app at its own workload, then check', () => {
  it.each(OWN)(
    "%s: the conf records each group's workload and check finds no warning or error",
    async (_name, file) => {
      const topology = file();
      for (const format of ['conf', 'sql'] as const) {
        const out = await runCli(['recommend', '--topology', topology, '--format', format]);
        expect(out.stderr).toBe('');
        expect(out.code).toBe(0);
        const marker = format === 'conf' ? '#' : '--';
        expect(out.stdout).toContain(`${marker} assumed: workload `);
        expect(out.stdout).toContain(`; topology --topology ${topology}`);
        // No workload flag: with one, check would replace the apps' own workloads.
        const args = recordedCheck(out.stdout, marker);
        expect(args).not.toContain('--workload');
        if (format === 'sql') continue;
        const conf = join(dir, `own-${_name.length}.conf`);
        writeFileSync(conf, out.stdout);
        const check = await runCli(['check', conf, ...args, '--format', 'json']);
        const report = JSON.parse(check.stdout) as { findings: { id: string; severity: string; message: string }[] };
        expect(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.id}: ${f.message}`)).toEqual([]);
        expect(check.code).toBe(0);
      }
    },
  );

  it('examples/tiers: work_mem for what the fleet holds (index lookups hold nothing), not 331 default backends', async () => {
    // The built CLI, as a DBA runs it.
    const out = spawnCli(['recommend', '--topology', 'examples/tiers/topology.yaml', '--format', 'conf']);
    expect(out.code).toBe(0);
    const workMem = Number(/^work_mem = '(\d+)MB'/m.exec(out.stdout)?.[1]);
    expect(workMem).toBeGreaterThanOrEqual(32);
    expect(out.stdout).toContain("# PostgreSQL 18 · RAM 64 GiB · 331 backends · each app's own workload · 4 CPUs");
    expect(out.stdout).toMatch(
      /# assumed: workload api: plans examples\/tiers\/api\/customer-by-email\.json, .*; reporting: plans .*; others: mixed \(default\); topology --topology examples\/tiers\/topology\.yaml/,
    );
    expect(out.stdout).toContain(
      'api 300 × (no memory node), reporting 10 × (7 nodes: 3 at work_mem + 4 at hash_mem), 21 others × (2 sort + 2 hash nodes × 2)',
    );
    const presets = await runCli(['recommend', '--topology', join(dir, 'presets.yaml'), '--format', 'conf']);
    expect(presets.stdout).toContain(
      '# assumed: workload web: oltp; etl: olap; lookups: sortOps 0, hashOps 0; others: mixed (default); topology ',
    );
    expect(presets.stdout).toContain(
      'web 200 × (2 nodes: 1 at work_mem + 1 at hash_mem), etl 8 × (8 nodes: 4 at work_mem + 4 at hash_mem), lookups 40 × (no memory node), 26 others × (2 sort + 2 hash nodes × 2)',
    );
    const section = await runCli(['recommend', '--topology', join(dir, 'section.yaml'), '--format', 'conf']);
    expect(section.stdout).toContain("# assumed: workload etl: olap; others: the topology's oltp; topology ");
    expect(section.stdout).toMatch(/^max_parallel_workers_per_gather = 1 +# OLTP/m);
    // A workload flag still replaces the apps' own, and check is told the same.
    const flagged = await runCli([
      'recommend',
      '--topology',
      'examples/tiers/topology.yaml',
      '--workload',
      'mixed',
      '--format',
      'conf',
    ]);
    expect(Number(/^work_mem = '(\d+)MB'/m.exec(flagged.stdout)?.[1])).toBeLessThan(workMem);
    expect(recordedCheck(flagged.stdout, '#')).toContain('--workload');
  });
});

it('--workload means the same node counts on plan, check, inspect and recommend', async () => {
  for (const workload of WORKLOAD_KINDS) {
    const plan = JSON.parse((await runCli(['plan', '--workload', workload, '--clients', '10', '--json'])).stdout) as {
      workload: { sortOps: number; hashOps: number };
    };
    const { WORKLOAD_PROFILES } = await import('../../src/core/presets.js');
    expect(plan.workload).toMatchObject({
      sortOps: WORKLOAD_PROFILES[workload].sortOps,
      hashOps: WORKLOAD_PROFILES[workload].hashOps,
    });
  }
  const both = await runCli(['plan', '--workload', 'oltp', '--sort-ops', '3', '--clients', '10']);
  expect(both.code).toBe(2);
  expect(both.stderr).toBe(
    'pgmem: error: --workload: give either --workload or node counts (--sort-ops, --hash-ops, --ops-per-query), not both\n',
  );
  const bad = await runCli(['check', '--workload', 'batch', 'x.conf']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--workload');
});
