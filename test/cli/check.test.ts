import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReportSchema, checkResultsSchema, planReportSchema } from '../../src/core/report-schema.js';
import { escapeData, escapeProperty } from '../../src/render/github.js';
import { runCli } from '../support/cli.js';

const vm = [
  'check',
  'examples/vm-small/postgresql.conf',
  '--pg-version',
  '16',
  '--ram',
  '4GB',
  '--pods',
  '4',
  '--pool',
  '10',
];
const over = ['check', 'examples/overcommitted/postgresql.conf', '--ram', '16GB', '--pods', '10', '--pool', '20'];

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgmem-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('pgmem check on the examples', () => {
  it('a healthy small VM passes: exit 0', async () => {
    const { code, stdout } = await runCli(vm);
    expect(code).toBe(0);
    expect(stdout).toContain('examples/vm-small/postgresql.conf');
    expect(stdout).toContain('Headroom');
  });

  it('an overcommitted server fails: exit 1 with error findings', async () => {
    const { code, stdout } = await runCli([...over, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const errors = report.findings
      .filter((f: { severity: string }) => f.severity === 'error')
      .map((f: { id: string }) => f.id);
    expect(errors).toEqual(['worst-case-exceeds-ram']);
    expect(report.config).toEqual({
      file: 'examples/overcommitted/postgresql.conf',
      files: ['examples/overcommitted/postgresql.conf'],
      valid: true,
      errors: [],
    });
    expect(report.settings.work_mem).toMatchObject({
      setting: '131072',
      source: 'examples/overcommitted/postgresql.conf:5',
    });
    checkReportSchema.parse(report);
    planReportSchema.parse(report);
  });

  it('the conf.d layout reads includes in name order, skips hidden files and applies auto.conf last', async () => {
    const { stdout } = await runCli(['check', 'examples/conf-d/postgresql.conf', '--json']);
    const report = JSON.parse(stdout);
    expect(report.config.files).toEqual([
      'examples/conf-d/postgresql.conf',
      'examples/conf-d/conf.d/10-memory.conf',
      'examples/conf-d/conf.d/20-connections.conf',
      'examples/conf-d/postgresql.auto.conf',
    ]);
    expect(report.settings.work_mem).toMatchObject({
      setting: '49152',
      source: 'examples/conf-d/postgresql.auto.conf:3',
    });
    expect(report.settings.shared_buffers).toMatchObject({
      setting: '262144',
      source: 'examples/conf-d/conf.d/10-memory.conf:1',
    });
    expect(report.settings.max_connections).toMatchObject({
      setting: '200',
      source: 'examples/conf-d/conf.d/20-connections.conf:1',
    });
    const noAuto = JSON.parse(
      (await runCli(['check', 'examples/conf-d/postgresql.conf', '--no-auto-conf', '--json'])).stdout,
    );
    expect(noAuto.settings.work_mem).toMatchObject({
      setting: '32768',
      source: 'examples/conf-d/conf.d/10-memory.conf:2',
    });
  });

  it('the Kubernetes topology names its postgresql.conf', async () => {
    const { code, stdout } = await runCli(['plan', '--topology', 'examples/kubernetes/topology.yaml', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.pgVersion).toBe(17);
    expect(report.config.file).toBe('examples/kubernetes/postgresql.conf');
    expect(report.settings.shared_buffers.source).toBe('examples/kubernetes/postgresql.conf:4');
    expect(report.topology.container).toEqual({ memoryLimitBytes: 16 * 1024 ** 3, shmBytes: 1024 ** 3 });
    expect(report.topology.poolers[0]).toMatchObject({ name: 'pgbouncer', replicas: 2, clientConnections: 340 });
  });
});

describe('a file the server would refuse', () => {
  const dir = scratch({
    'postgresql.conf': 'shared_buffers = 1GB\nwork_mem = 12parsecs\nmax_connections = 0100\n',
    'unknown.conf': 'shared_buffers = 1GB\nwork_mem = 12parsecs\nshared_bufferz = 2GB\n',
    'syntax.conf': 'work_mem = 64MB\nshared_buffers = 256MB extra\n',
  });

  it('invalid values and unknown names are error findings with file and line', async () => {
    const { code, stdout } = await runCli(['check', join(dir, 'postgresql.conf'), '--json'], { cwd: dir });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.config.valid).toBe(false);
    expect(report.config.errors.map((e: { line: number; setting: string }) => [e.line, e.setting])).toEqual([
      [2, 'work_mem'],
    ]);
    expect(report.config.errors[0].message).toBe('invalid value for parameter "work_mem": "12parsecs"');
    // 0100 is octal, as strtol reads it: 64 connections
    expect(report.settings.max_connections.setting).toBe('64');
    // the server checks names first and stops there: values are not judged when a name is unknown
    const unknown = JSON.parse((await runCli(['check', 'unknown.conf', '--json'], { cwd: dir })).stdout);
    expect(unknown.config.errors.map((e: { line: number; setting: string }) => [e.line, e.setting])).toEqual([
      [3, 'shared_bufferz'],
    ]);
  });

  it('github annotations point at the line and escape as the toolkit does', async () => {
    const { code, stdout } = await runCli(['check', 'syntax.conf', '--format', 'github'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toContain(
      '::error file=syntax.conf,line=2,title=pgmem config-syntax-error::syntax error in file "syntax.conf" line 2, near token "extra"',
    );
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('sarif carries the rule, level and location', async () => {
    const { stdout } = await runCli(['check', 'syntax.conf', '--format', 'sarif'], { cwd: dir });
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'config-syntax-error');
    expect(result).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'syntax.conf' }, region: { startLine: 2 } } }],
    });
  });

  it('several files make one document with a result each, and the worst exit code', async () => {
    const { code, stdout } = await runCli([
      'check',
      ...vm.slice(1, 2),
      'examples/overcommitted/postgresql.conf',
      '--ram',
      '16GB',
      '--json',
    ]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.results.map((r: { config: { file: string } }) => r.config.file)).toEqual([
      'examples/vm-small/postgresql.conf',
      'examples/overcommitted/postgresql.conf',
    ]);
    checkResultsSchema.parse(doc);
  });
});

describe('--fail-on and exit codes', () => {
  it('warning and info thresholds', async () => {
    expect((await runCli([...vm, '--fail-on', 'warning'])).code).toBe(0);
    expect((await runCli([...vm, '--fail-on', 'info'])).code).toBe(1);
    expect((await runCli([...over, '--fail-on', 'none'])).code).toBe(0);
  });

  it('unreadable files are exit 2, with one line', async () => {
    const missing = await runCli(['check', 'examples/none.conf']);
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'pgmem: error: examples/none.conf: no such file\n' });
    const directory = await runCli(['check', 'examples']);
    expect(directory).toMatchObject({
      code: 2,
      stderr: 'pgmem: error: examples: is a directory, not a configuration file\n',
    });
  });
});

describe('extension settings', () => {
  it('custom dotted settings in a file are accepted, as the server accepts them', async () => {
    const dir = scratch({
      'postgresql.conf':
        "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.max = 10000\nmyext.mode = 'fast'\n",
    });
    const { code, stdout } = await runCli(['check', 'postgresql.conf', '--json'], { cwd: dir });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.config.valid).toBe(true);
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
  });
});
