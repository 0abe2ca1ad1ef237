/**
 * --provider with the other inputs: AWS parameter formulas in a postgresql.conf, the order in which
 * the provider's defaults, an exported group, a configuration file and flags apply.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const GiB = 2 ** 30;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'pgmem-provider-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const RDS_R5_LARGE = ['--provider', 'rds', '--instance-class', 'db.r5.large'];

const FORMULA_CONF = [
  '# the parameter group, written as postgresql.conf',
  "shared_buffers = '{DBInstanceClassMemory/10240}'",
  "max_connections = 'LEAST({DBInstanceClassMemory/9531392},5000)'",
  "work_mem = 'GREATEST({DBInstanceClassMemory/1048576},4096)'",
  '',
].join('\n');

describe('AWS parameter formulas in a postgresql.conf', () => {
  it('plan --config evaluates them for the instance class; the settings keep their conf line', async () => {
    const cwd = dir({ 'postgresql.conf': FORMULA_CONF });
    const r = await runCli(['plan', '--config', 'postgresql.conf', ...RDS_R5_LARGE, '--json'], { cwd });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // 16 GiB / 10240 = 1677721 pages of 8 kB; / 9531392 = 1802; / 1048576 = 16384 kB.
    expect(report.settings.shared_buffers).toMatchObject({ setting: '1677721', source: 'postgresql.conf:2' });
    expect(report.settings.max_connections).toMatchObject({ setting: '1802', source: 'postgresql.conf:3' });
    expect(report.settings.work_mem).toMatchObject({ setting: '16384', source: 'postgresql.conf:4' });
    expect(report.totals.ramBytes).toBe(16 * GiB);
  });

  it("check: a finding on a formula's value points at its conf line", async () => {
    const cwd = dir({ 'postgresql.conf': FORMULA_CONF });
    const r = await runCli(
      ['check', 'postgresql.conf', ...RDS_R5_LARGE, '--pods', '2', '--pool', '10', '--format', 'github'],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::warning file=postgresql.conf,line=2,title=pgmem shared-buffers-share::shared_buffers 12.8 GiB is 80%25 of RAM',
    );
    expect(r.stdout).not.toContain('invalid-setting');
  });

  it('without --provider rds|aurora: one line naming the file and line, exit 2', async () => {
    const cwd = dir({ 'postgresql.conf': FORMULA_CONF });
    const bare = await runCli(['check', 'postgresql.conf'], { cwd });
    expect([bare.code, bare.stdout, bare.stderr]).toEqual([
      2,
      '',
      "pgmem: error: postgresql.conf:2: shared_buffers = '{DBInstanceClassMemory/10240}' is an AWS parameter formula; give --provider rds or aurora and --instance-class to evaluate it\n",
    ]);
    const plan = await runCli(['plan', '--config', 'postgresql.conf'], { cwd });
    expect([plan.code, plan.stderr]).toEqual([2, expect.stringMatching(/^pgmem: error: postgresql.conf:2: /)]);
    const azure = await runCli(
      ['check', 'postgresql.conf', '--provider', 'azure', '--instance-class', 'Standard_D4ds_v5'],
      { cwd },
    );
    expect([azure.code, azure.stderr.split('\n').filter((l) => l.includes('error'))]).toEqual([
      2,
      [
        "pgmem: error: postgresql.conf:2: shared_buffers = '{DBInstanceClassMemory/10240}' is an AWS parameter formula; --provider azure does not evaluate them (--provider rds or aurora does)",
      ],
    ]);
  });

  it('a formula that does not parse: its file and line, exit 2', async () => {
    const cwd = dir({ 'postgresql.conf': "work_mem = 4MB\nshared_buffers = '{DBInstanceClassMemory/32768'\n" });
    const r = await runCli(['check', 'postgresql.conf', '--provider', 'aurora', '--instance-class', 'db.r6g.large'], {
      cwd,
    });
    expect([r.code, r.stdout, r.stderr.split('\n').at(-2)]).toEqual([
      2,
      '',
      'pgmem: error: postgresql.conf:2: shared_buffers: expected "}" at "the end"',
    ]);
  });

  it('a string setting with braces is not a formula', async () => {
    const cwd = dir({ 'postgresql.conf': "log_line_prefix = '{%m} [%p] '\n" });
    const r = await runCli(['plan', '--config', 'postgresql.conf', '--json'], { cwd });
    expect(r.code).toBe(0);
  });
});

describe('the order values apply in', () => {
  it('a conf file wins over the default parameter group, a flag over both', async () => {
    const cwd = dir({ 'postgresql.conf': 'max_connections = 300\nwork_mem = 8MB\n' });
    const r = await runCli(['plan', '--config', 'postgresql.conf', ...RDS_R5_LARGE, '--json'], { cwd });
    const report = JSON.parse(r.stdout);
    expect(report.settings.max_connections).toMatchObject({ setting: '300', source: 'postgresql.conf:1' });
    // What the conf does not set still comes from the default group.
    expect(report.settings.shared_buffers).toMatchObject({
      setting: '524288',
      source: 'rds default parameter group: shared_buffers = {DBInstanceClassMemory/32768}',
    });
    const flag = await runCli(
      ['plan', '--config', 'postgresql.conf', ...RDS_R5_LARGE, '--max-connections', '200', '--json'],
      { cwd },
    );
    expect(JSON.parse(flag.stdout).settings.max_connections).toMatchObject({ setting: '200', source: 'flag' });
  });

  it('Azure: a conf file wins over the defaults too', async () => {
    const cwd = dir({ 'postgresql.conf': 'max_connections = 300\n' });
    const r = await runCli(
      ['plan', '--config', 'postgresql.conf', '--provider', 'azure', '--instance-class', 'Standard_D4ds_v5', '--json'],
      { cwd },
    );
    expect(JSON.parse(r.stdout).settings.max_connections).toMatchObject({
      setting: '300',
      source: 'postgresql.conf:1',
    });
  });
});
