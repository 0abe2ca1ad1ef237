/**
 * `check` on a Kubernetes manifest or a pgbouncer.ini, given as an argument or with --manifest /
 * --pgbouncer: each finding points at the line (and, in YAML, the column) that sets its value, in
 * the JSON, the GitHub annotations and the SARIF regions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputKind } from '../../src/cli/check-command.js';
import { checkReportSchema } from '../../src/core/report-schema.js';
import { binPath, projectRoot, runCli } from '../support/cli.js';

const cnpg = 'test/fixtures/check/cnpg-orders.yaml';
const ini = 'test/fixtures/check/pgbouncer-session.ini';
const limits = 'test/fixtures/check/pgbouncer-limits.ini';

interface Located {
  id: string;
  file?: string;
  line?: number;
  column?: number;
}

const places = (findings: Located[]): [string, string | undefined, number | undefined, number | undefined][] =>
  findings.map((f) => [f.id, f.file, f.line, f.column]);

describe('check on a CloudNativePG manifest', () => {
  it('points every finding at the line and column of its value; a refused value is an error finding on its line', async () => {
    const { code, stdout } = await runCli(['check', cnpg, '--json']);
    expect(code).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(stdout));
    expect(report.config).toEqual({
      file: cnpg,
      files: [cnpg],
      valid: false,
      errors: [
        {
          file: cnpg,
          line: 16,
          setting: 'autovacuum_work_mem',
          message: 'invalid value for parameter "autovacuum_work_mem": "lots"',
        },
      ],
    });
    expect(places(report.findings)).toEqual([
      // max_connections: "60": the reports app (8 pods × 10, Recreate: no surge) and the pool of 20 need 100.
      ['clients-exceed-slots', cnpg, 14, 24],
      // autovacuum_work_mem: lots
      ['invalid-setting', cnpg, 16, 28],
      // the Pooler's max_client_conn: "100"
      ['pooler-client-limit', cnpg, 37, 24],
      // work_mem: 64MB
      ['worst-case-exceeds-ram', cnpg, 13, 17],
      // maintenance_work_mem: 512MB (autovacuum_work_mem was refused, so autovacuum takes it)
      ['autovacuum-memory', cnpg, 15, 29],
      // Values nobody wrote (PostgreSQL's and CloudNativePG's defaults): the Cluster resource.
      ['dev-shm-too-small', cnpg, 3, 1],
      ['parallel-work-mem', cnpg, 3, 1],
      // the Pooler's default_pool_size: "20"
      ['pooler-clients-queue', cnpg, 38, 26],
    ]);
  });

  it('github annotations and SARIF regions carry the line and column', async () => {
    const github = await runCli(['check', cnpg, '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout).toContain(
      `::error file=${cnpg},line=16,col=28,title=pgmem invalid-setting::invalid value for parameter "autovacuum_work_mem": "lots"`,
    );
    expect(github.stdout).toContain(
      `::error file=${cnpg},line=37,col=24,title=pgmem pooler-client-limit::orders-rw: 200 client connections`,
    );
    const sarif = JSON.parse((await runCli(['check', cnpg, '--format', 'sarif'])).stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region?: object } }[];
        }[];
      }[];
    };
    const regions = Object.fromEntries(
      sarif.runs[0]!.results.map((r) => [
        r.ruleId,
        [r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region],
      ]),
    );
    expect(regions['invalid-setting']).toEqual([cnpg, { startLine: 16, startColumn: 28 }]);
    expect(regions['worst-case-exceeds-ram']).toEqual([cnpg, { startLine: 13, startColumn: 17 }]);
    expect(regions['pooler-clients-queue']).toEqual([cnpg, { startLine: 38, startColumn: 26 }]);
  });

  it('--manifest without a file argument checks the same manifest the same way', async () => {
    const positional = JSON.parse((await runCli(['check', cnpg, '--json'])).stdout);
    const flagged = await runCli(['check', '--manifest', cnpg, '--json']);
    expect(flagged.code).toBe(1);
    expect(JSON.parse(flagged.stdout)).toEqual(positional);
  });

  it('a flag that replaces a manifest value moves its finding off the manifest line', async () => {
    const { stdout } = await runCli(['check', cnpg, '--set', 'work_mem=256MB', '--json']);
    const worst = JSON.parse(stdout).findings.find((f: Located) => f.id === 'worst-case-exceeds-ram');
    expect([worst.file, worst.line]).toEqual([undefined, undefined]);
  });

  it("a Zalando manifest: Spilo's max_connections points at the memory limit it is derived from", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgmem-check-inputs-'));
    const file = join(dir, 'acid.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: "acid.zalan.do/v1"',
        'kind: postgresql',
        'metadata:',
        '  name: acid-orders',
        'spec:',
        '  teamId: "acid"',
        '  numberOfInstances: 2',
        '  postgresql:',
        '    version: "16"',
        '  resources:',
        '    limits:',
        '      cpu: 500m',
        '      memory: 2Gi',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: api',
        '  annotations:',
        '    pgmem.dev/pool: "20"',
        'spec:',
        '  replicas: 6',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(['check', file, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    // Spilo: max_connections = max(100, 2048 MB / 30) = 100, against 8 pods (6 + 25% surge) × 20.
    expect(report.settings.max_connections).toMatchObject({
      setting: '100',
      source: "postgresql/acid-orders spec.resources.limits.memory → Spilo's max_connections",
    });
    const slots = report.findings.find((f: Located) => f.id === 'clients-exceed-slots');
    expect([slots.file, slots.line, slots.column]).toEqual([file, 13, 15]);
    // work_mem is PostgreSQL's default: nobody wrote it, so the finding names the postgresql resource.
    const worst = report.findings.find((f: Located) => f.id === 'worst-case-exceeds-ram');
    expect([worst.file, worst.line, worst.column]).toEqual([file, 1, 1]);
  });
});

describe('check on a pgbouncer.ini', () => {
  const args = ['--clients', '300', '--ram', '4GB'];

  it('points pooler findings at the key that sets them, in the file (or %include) that sets it', async () => {
    const { code, stdout } = await runCli(['check', ini, ...args, '--json']);
    expect(code).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(stdout));
    expect(report.config).toEqual({ file: ini, files: [ini, limits], valid: true, errors: [] });
    const byId = Object.fromEntries(places(report.findings).map(([id, ...at]) => [id, at]));
    // max_client_conn = 150 is in the included file, line 2.
    expect(byId['pooler-client-limit']).toEqual([limits, 2, undefined]);
    // The billing entry's pool_size=15 (line 3) is the pool every session waits for.
    expect(byId['pooler-clients-queue']).toEqual([ini, 3, undefined]);
    const github = await runCli(['check', ini, ...args, '--format', 'github']);
    expect(github.stdout).toContain(
      `::error file=${limits},line=2,title=pgmem pooler-client-limit::pgbouncer-session: 300 client connections but max_client_conn allows 150`,
    );
    expect(github.stdout).toContain(
      `::warning file=${ini},line=3,title=pgmem pooler-clients-queue::pgbouncer-session: 300 client connections share 15 server connections`,
    );
    const sarif = JSON.parse((await runCli(['check', ini, ...args, '--format', 'sarif'])).stdout);
    const limit = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'pooler-client-limit');
    expect(limit.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: limits, uriBaseId: '%SRCROOT%' },
      region: { startLine: 2 },
    });
  });

  it('--pgbouncer without a file argument checks the same file the same way', async () => {
    const positional = JSON.parse((await runCli(['check', ini, ...args, '--json'])).stdout);
    const flagged = await runCli(['check', '--pgbouncer', ini, ...args, '--json']);
    expect(flagged.code).toBe(1);
    expect(JSON.parse(flagged.stdout)).toEqual(positional);
  });
});

describe('check on postgresql.conf', () => {
  it('findings about a setting point at the line that sets it', async () => {
    const { stdout } = await runCli([
      'check',
      'examples/overcommitted/postgresql.conf',
      '--ram',
      '16GB',
      '--pods',
      '10',
      '--pool',
      '20',
      '--json',
    ]);
    const worst = JSON.parse(stdout).findings.find((f: Located) => f.id === 'worst-case-exceeds-ram');
    expect([worst.setting, worst.file, worst.line]).toEqual(['work_mem', 'examples/overcommitted/postgresql.conf', 5]);
  });

  it('several files of different kinds are one report each', async () => {
    const { stdout } = await runCli([
      'check',
      'examples/vm-small/postgresql.conf',
      cnpg,
      ini,
      '--json',
      '--fail-on',
      'none',
    ]);
    expect(JSON.parse(stdout).results.map((r: { config: { file: string } }) => r.config.file)).toEqual([
      'examples/vm-small/postgresql.conf',
      cnpg,
      ini,
    ]);
  });
});

describe('which kind a file is', () => {
  it('by extension, else by its first line', () => {
    expect(checkInputKind('pgbouncer.ini', null)).toBe('pgbouncer');
    expect(checkInputKind('cluster.yaml', null)).toBe('manifest');
    expect(checkInputKind('cluster.yml', null)).toBe('manifest');
    expect(checkInputKind('cluster.json', null)).toBe('manifest');
    expect(checkInputKind('postgresql.conf', 'work_mem = 4MB\n')).toBe('conf');
    expect(checkInputKind('pgbouncer.conf', null)).toBe('pgbouncer');
    expect(checkInputKind('bouncer', '# pooler\n\n[databases]\n* = host=db\n')).toBe('pgbouncer');
    expect(checkInputKind('/dev/fd/63', ';; comment\n%include common.ini\n')).toBe('pgbouncer');
    expect(checkInputKind('cluster', '# CNPG\napiVersion: postgresql.cnpg.io/v1\nkind: Cluster\n')).toBe('manifest');
    expect(checkInputKind('all', '---\napiVersion: v1\n')).toBe('manifest');
    expect(checkInputKind('postgresql.conf', null)).toBe('conf');
    expect(checkInputKind('postgresql.conf', '[databases]\n')).toBe('conf');
    expect(checkInputKind('/dev/fd/63', 'shared_buffers = 1GB\n')).toBe('conf');
  });
});

describe('check usage errors: exit 2, one line', () => {
  it('no file and no --manifest or --pgbouncer', async () => {
    const r = await runCli(['check']);
    expect([r.code, r.stderr]).toEqual([
      2,
      'pgmem: error: check: needs a file to check: a postgresql.conf, a Kubernetes manifest or a pgbouncer.ini (or --manifest, --pgbouncer)\n',
    ]);
  });

  it('a manifest given as an argument with --manifest or --topology', async () => {
    const r = await runCli(['check', cnpg, '--pgbouncer', ini]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `pgmem: error: --pgbouncer: ${cnpg} is a manifest, checked on its own; --pgbouncer goes with a postgresql.conf (or give the files as arguments, one server each)\n`,
    );
    const t = await runCli(['check', ini, '--topology', 'examples/vm-two-apps/topology.yaml']);
    expect([t.code, t.stderr.split('\n').length]).toEqual([2, 2]);
    expect(t.stderr).toContain(`${ini} is a pgbouncer.ini, checked on its own`);
  });

  it('a pipe as an argument: its kind cannot be told without consuming it, so it is refused; --manifest reads it', () => {
    // bash's <(...) names a pipe /dev/fd/N: no extension, and looking at its first lines would eat them.
    const shell = (args: string) =>
      spawnSync('bash', ['-c', `"${process.execPath}" "${binPath}" ${args}`], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        // Not a socket on stdin: bash would take itself for a remote shell and read ~/.bashrc.
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const refused = shell(`check <(cat ${cnpg})`);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^pgmem: error: \/dev\/fd\/\d+: a pipe, so its kind cannot be told without consuming it; give it as --manifest or --pgbouncer\n$/,
    );
    const read = shell(`check --manifest <(cat ${cnpg}) --json`);
    expect(read.status).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(read.stdout));
    expect(report.findings.find((f) => f.id === 'clients-exceed-slots')?.line).toBe(14);
  });
});
