/**
 * One vocabulary: `recommend` records the workload and topology it assumed in its conf and sql
 * output, and `check` given the same inputs (the recorded "check it" flags) finds nothing to warn
 * about in the settings recommend wrote.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKLOAD_KINDS } from '../../src/core/presets.js';
import { runCli } from '../support/cli.js';
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
