import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planReportSchema } from '../../src/core/report-schema.js';
import { runCli, spawnCli, binPath } from '../support/cli.js';

describe('pgmem plan', () => {
  it('prints the table and findings for 5 pods × 10 connections', async () => {
    const { code, stdout, stderr } = await runCli(['plan', '--pods', '5', '--pool', '10']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('50 client connections → 50 backends (max_connections 100, 97 usable)');
    for (const label of [
      'Shared memory',
      'Per backend',
      'Client backends',
      'Background',
      'Worst case',
      'Rule of thumb',
    ]) {
      expect(stdout).toContain(label);
    }
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it('--json writes one document that validates against the schema, and nothing else', async () => {
    const { code, stdout, stderr } = await runCli(['plan', '--pods', '5', '--pool', '10', '--ram', '16GB', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = planReportSchema.parse(JSON.parse(stdout));
    expect(report).toMatchObject({ schemaVersion: 1, pgVersion: 18 });
    expect(report.connections).toMatchObject({ clients: 50, backends: 50 });
    expect(report.totals.ramBytes).toBe(16 * 1024 ** 3);
    expect(report.settings.shared_buffers).toMatchObject({ setting: '16384', unit: '8kB', source: 'initdb' });
  });

  it('the rule of thumb: 100 connections × 5 sorts × 256 MB shows 125 GiB of sort memory', async () => {
    const { stdout } = await runCli([
      'plan',
      '--work-mem',
      '256MB',
      '--ops-per-query',
      '5',
      '--no-parallel',
      '--no-temp-buffers',
    ]);
    expect(stdout).toMatch(/Sort nodes\s+│ 5 × work_mem 256 MiB\s+│\s+1\.3 GiB/);
    const json = JSON.parse(
      (await runCli(['plan', '--work-mem', '256MB', '--ops-per-query', '5', '--no-parallel', '--json'])).stdout,
    );
    const sort = json.perBackend.components.find((c: { id: string }) => c.id === 'sort-nodes').bytes;
    expect(json.connections.backends * sort).toBe(125 * 1024 ** 3);
    expect(json.totals.ruleOfThumbBytes).toBe(128 * 1024 ** 2 + 100 * 5 * 256 * 1024 ** 2);
    expect(json.totals.backendsBytes).toBe(100 * json.perBackend.worstCaseBytes);
  });

  it('with groups at different costs, the client backends row is their sum, never one product', async () => {
    const topology = 'examples/vm-two-apps/topology.yaml';
    const report = JSON.parse((await runCli(['plan', '--topology', topology, '--json'])).stdout);
    const groups = report.topology.groups as {
      name: string;
      backends: number;
      perBackendBytes: number;
      bytes: number;
    }[];
    expect(groups.map((g) => g.name)).toEqual(['api', 'batch', 'admin']);
    expect(new Set(groups.map((g) => g.perBackendBytes)).size).toBe(2); // batch's role has its own work_mem
    expect(report.totals.backendsBytes).toBe(groups.reduce((sum, g) => sum + g.backends * g.perBackendBytes, 0));
    expect(report.totals.backendsBytes).not.toBe(report.connections.backends * report.perBackend.worstCaseBytes);
    const { stdout } = await runCli(['plan', '--topology', topology]);
    const row = stdout.split('\n').find((l) => l.includes('Client backends'))!;
    expect(row).toMatch(/sum of 3 groups: 100 × [\d.]+ MiB \+ 20 × [\d.]+ GiB \+ 5 × [\d.]+ MiB/);
    expect(row).not.toMatch(/125 ×/);
    const markdown = (await runCli(['plan', '--topology', topology, '--format', 'markdown'])).stdout;
    expect(markdown).toMatch(/\| \*\*Client backends\*\* \| sum of 3 groups: 100 × /);
    // One cost for all: the product is true and stays.
    expect((await runCli(['plan', '--clients', '50'])).stdout).toMatch(/Client backends +│ 50 × [\d.]+ MiB/);
  });

  it('--set and the shorthands take PostgreSQL syntax; flags are the source', async () => {
    const { stdout } = await runCli([
      'plan',
      '--set',
      'work_mem=64MB',
      '--shared-buffers',
      '2GB',
      '--pg-version',
      '16',
      '--json',
    ]);
    const report = JSON.parse(stdout);
    expect(report.pgVersion).toBe(16);
    expect(report.settings.work_mem).toMatchObject({ setting: '65536', source: 'flag', bytes: 64 * 1024 ** 2 });
    expect(report.settings.shared_buffers).toMatchObject({ setting: '262144', source: 'flag' });
  });

  it('markdown is a table for a pull request', async () => {
    const { stdout } = await runCli(['plan', '--pods', '2', '--pool', '5', '--format', 'markdown']);
    expect(stdout).toContain('| Memory | How | Size |');
    expect(stdout).toContain('**Worst case**');
  });

  it('colours the table on a terminal unless NO_COLOR or --no-color', async () => {
    expect((await runCli(['plan'], { tty: true, env: {} })).stdout).toMatch(/\u001b\[/);
    expect((await runCli(['plan'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await runCli(['plan', '--no-color'], { tty: true, env: {} })).stdout).not.toMatch(/\u001b\[/);
    expect((await runCli(['plan'], { tty: false, env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
  });

  it('--fail-on turns findings into exit code 1', async () => {
    expect((await runCli(['plan', '--pods', '20', '--pool', '10'])).code).toBe(0);
    expect((await runCli(['plan', '--pods', '20', '--pool', '10', '--fail-on', 'error'])).code).toBe(1);
  });
});

describe('bad input: one line naming the flag, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['plan', '--pods', '-3', '--pool', '10'], /^pgmem: error: --pods: expected a whole number, got "-3"\n$/],
    [
      ['plan', '--set', 'work_mem=12parsecs'],
      /^pgmem: error: --set work_mem=12parsecs: invalid value for parameter "work_mem": "12parsecs" \(Valid units for this parameter are "B", "kB", "MB", "GB", and "TB"\.\)\n$/,
    ],
    [
      ['plan', '--set', 'shared_bufferz=1GB'],
      /^pgmem: error: --set shared_bufferz=1GB: unrecognized configuration parameter "shared_bufferz"\n$/,
    ],
    [
      ['plan', '--set', 'shared_buffers=1'],
      /^pgmem: error: --set shared_buffers=1: 1 8kB is outside the valid range for parameter "shared_buffers" \(16 8kB \.\. 1073741823 8kB\)\n$/,
    ],
    [
      ['plan', '--pg-version', '9'],
      /^pgmem: error: --pg-version: PostgreSQL 9 is not supported; use one of 13, 14, 15, 16, 17, 18\n$/,
    ],
    [['plan', '--ram', 'lots'], /^pgmem: error: --ram: expected a size such as 16GB, 16GiB or 512MB, got "lots"\n$/],
    [['plan', '--pods', '5'], /^pgmem: error: --pods: needs --pool \(connections per pod\)\n$/],
    [['plan', '--format', 'yaml'], /^pgmem: error: --format: expected one of table, json, markdown, got "yaml"\n$/],
    [['plan', '--frobnicate'], /^pgmem: error: unknown option '--frobnicate'\n$/],
    [['plan', '--topology', 'no/such/file.yaml'], /^pgmem: error: no\/such\/file\.yaml: no such file\n$/],
    [['plann'], /^pgmem: error: unknown command 'plann'/],
  ];
  for (const [args, expected] of cases) {
    it(args.join(' '), async () => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(expected);
      expect(stdout).toBe('');
    });
  }

  it('under --json the error is also a JSON document on stdout', async () => {
    const { code, stdout } = await runCli(['plan', '--json', '--pods', 'x', '--pool', '1']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'usage', message: '--pods: expected a whole number, got "x"', exitCode: 2 },
    });
  });
});

describe('the built bin', () => {
  it('exists after the build', () => {
    expect(existsSync(binPath)).toBe(true);
  });

  it('runs plan, --help and --version as a process', () => {
    const plan = spawnCli(['plan', '--pods', '5', '--pool', '10', '--json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).connections.backends).toBe(50);
    const help = spawnCli(['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--pods <n>');
    const version = spawnCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reads a topology from stdin with --topology -', () => {
    const result = spawnCli(['plan', '--topology', '-', '--json'], {
      stdin: JSON.stringify({ apps: [{ name: 'web', pods: 3, pool: 4 }] }),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).connections.clients).toBe(12);
  });

  it('pgmem schema prints JSON Schemas for the report and the topology file', () => {
    const plan = JSON.parse(spawnCli(['schema']).stdout);
    expect(plan.properties.schemaVersion).toBeDefined();
    expect(plan.required).toContain('findings');
    const topology = JSON.parse(spawnCli(['schema', 'topology']).stdout);
    expect(topology.properties.apps).toBeDefined();
  });
});
