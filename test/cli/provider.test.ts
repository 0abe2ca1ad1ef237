/**
 * --provider with the other inputs: AWS parameter formulas in a postgresql.conf, the order in which
 * the provider's defaults, an exported group, a configuration file and flags apply.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, projectRoot, runCli } from '../support/cli.js';

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

  it('--set: a formula without --provider rds|aurora is refused as one, as in a file', async () => {
    const set = ['plan', '--pods', '2', '--pool', '3', '--set', 'work_mem={DBInstanceClassMemory/32768}'];
    const bare = await runCli(set);
    expect([bare.code, bare.stdout, bare.stderr]).toEqual([
      2,
      '',
      'pgmem: error: --set work_mem: {DBInstanceClassMemory/32768} is an AWS parameter formula; give --provider rds or aurora and --instance-class to evaluate it\n',
    ]);
    const azure = await runCli([...set, '--provider', 'azure', '--instance-class', 'Standard_D4ds_v5']);
    expect([azure.code, azure.stderr.split('\n').at(-2)]).toEqual([
      2,
      'pgmem: error: --set work_mem: {DBInstanceClassMemory/32768} is an AWS parameter formula; --provider azure does not evaluate them (--provider rds or aurora does)',
    ]);
    // With --provider rds, a formula that does not evaluate: the flag and the formula, once each.
    const zero = await runCli([...set.slice(0, -1), 'work_mem={DBInstanceClassMemory/0}', ...RDS_R5_LARGE]);
    expect([zero.code, zero.stderr.split('\n').at(-2)]).toEqual([
      2,
      'pgmem: error: --set work_mem: {DBInstanceClassMemory/0}: division by zero at "}"',
    ]);
    // A text setting takes braces as they are.
    const text = await runCli(['plan', '--pods', '2', '--pool', '3', '--set', 'application_name={x}']);
    expect(text.code).toBe(0);
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

  it('a division by zero or a hostile nesting: one line naming the line, exit 2', async () => {
    const cwd = dir({
      'zero.conf': "work_mem = '{DBInstanceClassMemory/0}'\n",
      'deep.conf': `shared_buffers = '${'{'.repeat(50_000)}1${'}'.repeat(50_000)}'\n`,
    });
    const zero = await runCli(['check', 'zero.conf', ...RDS_R5_LARGE], { cwd });
    expect([zero.code, zero.stderr.split('\n').at(-2)]).toEqual([
      2,
      'pgmem: error: zero.conf:1: work_mem: division by zero at "}"',
    ]);
    const deep = await runCli(['check', 'deep.conf', ...RDS_R5_LARGE], { cwd });
    expect([deep.code, deep.stderr.split('\n').at(-2)]).toEqual([
      2,
      expect.stringMatching(/^pgmem: error: deep\.conf:1: shared_buffers: nested more than 64 deep at "\{+"$/),
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

/** The plain plan's JSON report for the same inputs. */
async function planJson(args: readonly string[], cwd?: string) {
  const r = await runCli(['plan', ...args, '--json'], cwd ? { cwd } : {});
  expect(r.code, r.stderr).toBeLessThan(2);
  return JSON.parse(r.stdout);
}

describe('--solve and --vary take --provider, --parameter-group and --manifest as plain plan does', () => {
  it('--solve work_mem with --provider: the class memory is the budget, the default group the settings', async () => {
    const args = ['--provider', 'rds', '--instance-class', 'db.r6g.xlarge', '--pods', '4', '--pool', '20'];
    const r = await runCli(['plan', ...args, '--solve', 'work_mem', '--json']);
    expect(r.code).toBe(0);
    const solved = JSON.parse(r.stdout);
    expect(solved.solve).toMatchObject({ variable: 'work_mem', limitedBy: 'ram', ramBytes: 32 * GiB });
    expect(solved.settings.max_connections.setting).toBe('3604');
    const kB = solved.solve.value as number;
    // The answer fits in plain plan and one kB more does not.
    const fits = await planJson([...args, '--work-mem', `${kB}kB`]);
    expect(fits.totals.worstCaseBytes).toBe(solved.solve.worstCaseBytes);
    expect(fits.totals.worstCaseBytes).toBeLessThanOrEqual(32 * GiB);
    const over = await planJson([...args, '--work-mem', `${kB + 1}kB`]);
    expect(over.totals.worstCaseBytes).toBeGreaterThan(32 * GiB);
    // The provider's note is written once, not once per evaluation.
    expect(r.stderr.match(/pgmem: note: db\.r6g\.xlarge/g)).toHaveLength(1);
  });

  it('--solve pods with --provider and --instance-memory', async () => {
    const args = ['--provider', 'rds', '--instance-class', 'db.r5.large', '--instance-memory', String(1660 * 9531392)];
    const r = await runCli(['plan', ...args, '--pool', '10', '--solve', 'pods', '--json']);
    const solved = JSON.parse(r.stdout);
    expect(solved.settings.max_connections.setting).toBe('1660');
    // The budget stays the class's memory; --instance-memory is what the formulas take.
    expect(solved.solve.ramBytes).toBe(16 * GiB);
    const n = solved.solve.value as number;
    expect(n).toBeGreaterThan(0);
    const plain = await planJson([...args, '--pods', String(n), '--pool', '10']);
    expect(plain.totals.worstCaseBytes).toBe(solved.solve.worstCaseBytes);
    const next = await planJson([...args, '--pods', String(n + 1), '--pool', '10']);
    expect(next.totals.worstCaseBytes).toBe(solved.solve.next.worstCaseBytes);
  });

  it('--vary with --provider and --parameter-group: each cell is the plain plan of its values', async () => {
    const cwd = dir({
      'group.json': JSON.stringify({
        Parameters: [
          { ParameterName: 'max_connections', ParameterValue: 'LEAST({DBInstanceClassMemory/19062784},5000)' },
        ],
      }),
    });
    const args = ['--provider', 'aurora', '--instance-class', 'db.r6g.large', '--parameter-group', 'group.json'];
    const r = await runCli(
      ['plan', ...args, '--pods', '2', '--vary', 'pool=5,10', '--vary', 'work_mem=1MB,4MB', '--json'],
      {
        cwd,
      },
    );
    expect(r.code).toBe(0);
    const grid = JSON.parse(r.stdout).grid;
    expect(grid.ramBytes).toBe(16 * GiB);
    expect(grid.cells).toHaveLength(4);
    for (const cell of grid.cells) {
      const plain = await planJson(
        [...args, '--pods', '2', '--pool', cell.values.pool, '--work-mem', cell.values.work_mem],
        cwd,
      );
      expect(plain.settings.max_connections.setting).toBe('901');
      expect(cell.worstCaseBytes).toBe(plain.totals.worstCaseBytes);
    }
  });

  it('--vary and --solve with a postgresql.conf of formulas and --provider', async () => {
    const cwd = dir({ 'postgresql.conf': FORMULA_CONF });
    const args = ['--config', 'postgresql.conf', ...RDS_R5_LARGE, '--pods', '2', '--pool', '10'];
    const r = await runCli(['plan', ...args, '--vary', 'shared_buffers=1GB,2GB', '--json'], { cwd });
    expect(r.code).toBe(0);
    const [first] = JSON.parse(r.stdout).grid.cells;
    expect(first.worstCaseBytes).toBe(
      (await planJson([...args, '--shared-buffers', '1GB'], cwd)).totals.worstCaseBytes,
    );
    const solved = await runCli(['plan', ...args, '--solve', 'work_mem', '--json'], { cwd });
    expect(JSON.parse(solved.stdout).settings.max_connections).toMatchObject({
      setting: '1802',
      source: 'postgresql.conf:3',
    });
  });

  it('--manifest: the topology, settings and container limit of the manifests', async () => {
    const manifest = ['--manifest', 'examples/cnpg/cluster.yaml'];
    const solved = await runCli(['plan', ...manifest, '--solve', 'work_mem', '--json']);
    expect(solved.code).toBe(0);
    const result = JSON.parse(solved.stdout);
    // The Cluster's 8Gi limit is the budget, its max_connections 200 the slots.
    expect(result.solve).toMatchObject({ ramBytes: 8 * GiB, limitedBy: 'ram' });
    expect(result.settings.max_connections.setting).toBe('200');
    const kB = result.solve.value as number;
    expect((await planJson([...manifest, '--work-mem', `${kB}kB`])).totals.worstCaseBytes).toBe(
      result.solve.worstCaseBytes,
    );
    // The manifests' notes once.
    expect(solved.stderr.match(/pgmem: note: read 4 resources/g)).toHaveLength(1);

    const varied = await runCli(['plan', ...manifest, '--vary', 'work_mem=2MB,4MB', '--json']);
    expect(varied.code).toBe(0);
    for (const cell of JSON.parse(varied.stdout).grid.cells) {
      const plain = await planJson([...manifest, '--work-mem', cell.values.work_mem]);
      expect(cell.worstCaseBytes).toBe(plain.totals.worstCaseBytes);
    }
  });

  it('--manifest with --topology: one line naming the flag, exit 2', async () => {
    const r = await runCli([
      'plan',
      '--manifest',
      'examples/cnpg/cluster.yaml',
      '--topology',
      'examples/kubernetes/topology.yaml',
      '--solve',
      'work_mem',
    ]);
    expect([r.code, r.stderr]).toEqual([
      2,
      'pgmem: error: --manifest: give either --manifest or --topology/--pgbouncer\n',
    ]);
  });
});

describe('--solve and --vary read --plans', () => {
  it('the plans are the workload, as in plain plan (they were ignored)', async () => {
    const args = [
      '--ram',
      '16GB',
      '--pods',
      '4',
      '--pool',
      '20',
      '--plans',
      'test/fixtures/plans/pg18/auto-explain.jsonlog',
    ];
    const solved = JSON.parse((await runCli(['plan', ...args, '--solve', 'work_mem', '--json'])).stdout);
    const kB = solved.solve.value as number;
    const plain = await planJson([...args, '--work-mem', `${kB}kB`]);
    expect(plain.totals.worstCaseBytes).toBe(solved.solve.worstCaseBytes);
    const without = JSON.parse(
      (await runCli(['plan', '--ram', '16GB', '--pods', '4', '--pool', '20', '--solve', 'work_mem', '--json'])).stdout,
    );
    expect(kB).not.toBe(without.solve.value);
  });
});

/** A group as the AWS CLI prints it: four-space JSON, one key a line. */
function groupJson(parameters: Record<string, string | null>): string {
  return `${JSON.stringify(
    {
      Parameters: Object.entries(parameters).map(([name, value]) => ({
        ParameterName: name,
        ...(value !== null && { ParameterValue: value }),
        Source: value === null ? 'engine-default' : 'user',
      })),
    },
    null,
    4,
  )}\n`;
}

describe('an exported parameter group', () => {
  const GROUP = groupJson({
    shared_buffers: '{DBInstanceClassMemory/16384}',
    temp_buffers: null,
    apg_ccm_enabled: 'on',
    'rds.force_ssl': '1',
    work_mem: '16384',
  });
  // The lines of the values: "ParameterValue" is the line after "ParameterName".
  const SHARED_BUFFERS_LINE = 5;
  const WORK_MEM_LINE = 24;

  it('check FILE: one server, findings on the lines of the values', async () => {
    const cwd = dir({ 'group.json': GROUP });
    expect(GROUP.split('\n')[SHARED_BUFFERS_LINE - 1]).toContain('"ParameterValue": "{DBInstanceClassMemory/16384}"');
    expect(GROUP.split('\n')[WORK_MEM_LINE - 1]).toContain('"ParameterValue": "16384"');
    const r = await runCli(
      ['check', 'group.json', ...RDS_R5_LARGE, '--pods', '10', '--pool', '20', '--format', 'github'],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::warning file=group.json,line=${SHARED_BUFFERS_LINE},title=pgmem shared-buffers-share::shared_buffers 8 GiB is 50%25 of RAM`,
    );
    expect(r.stdout).toMatch(
      new RegExp(`^::error file=group\\.json,line=${WORK_MEM_LINE},title=pgmem worst-case-exceeds-ram::`, 'm'),
    );
    // AWS's own parameters are not PostgreSQL's: skipped with a note, not refused.
    expect(r.stderr).toContain(
      'pgmem: note: group.json: skipped 1 parameter PostgreSQL 18 does not have (apg_ccm_enabled)\n',
    );
    expect(r.stdout).not.toContain('invalid-setting');
    const json = JSON.parse((await runCli(['check', 'group.json', ...RDS_R5_LARGE, '--json'], { cwd })).stdout);
    expect(json.config).toEqual({ file: 'group.json', files: ['group.json'], valid: true, errors: [] });
  });

  it('check FILE without --provider, or with a second group: one line, exit 2', async () => {
    const cwd = dir({ 'group.json': GROUP, 'other.json': GROUP });
    const bare = await runCli(['check', 'group.json'], { cwd });
    expect([bare.code, bare.stdout, bare.stderr]).toEqual([
      2,
      '',
      'pgmem: error: group.json: an exported AWS parameter group; check it with --provider rds or aurora and --instance-class\n',
    ]);
    // Azure takes no parameter group: the error is about the file, not a --parameter-group not given.
    const azure = await runCli(['check', 'group.json', '--provider', 'azure', '--instance-class', 'Standard_D4ds_v5'], {
      cwd,
    });
    expect([azure.code, azure.stderr]).toEqual([2, bare.stderr]);
    const twice = await runCli(['check', 'group.json', ...RDS_R5_LARGE, '--parameter-group', 'other.json'], { cwd });
    expect([twice.code, twice.stderr]).toEqual([
      2,
      'pgmem: error: --parameter-group: group.json is a parameter group too; give one group\n',
    ]);
  });

  it('a formula in it that does not parse: the file and the line of the value', async () => {
    const cwd = dir({ 'group.json': groupJson({ work_mem: '4096', shared_buffers: '{DBInstanceClassMemory/32768' }) });
    const r = await runCli(['plan', ...RDS_R5_LARGE, '--parameter-group', 'group.json'], { cwd });
    expect([r.code, r.stderr.split('\n').at(-2)]).toEqual([
      2,
      'pgmem: error: group.json:10: shared_buffers: expected "}" at "the end"',
    ]);
  });

  it('with a postgresql.conf: a finding on a value the group sets points at the group line', async () => {
    const cwd = dir({ 'group.json': GROUP, 'postgresql.conf': 'max_connections = 300\n' });
    const r = await runCli(
      [
        'check',
        'postgresql.conf',
        ...RDS_R5_LARGE,
        '--parameter-group',
        'group.json',
        '--format',
        'github',
        '--pods',
        '10',
        '--pool',
        '20',
      ],
      { cwd },
    );
    expect(r.stdout).toContain(
      `::warning file=group.json,line=${SHARED_BUFFERS_LINE},title=pgmem shared-buffers-share::`,
    );
  });
});

describe('--vary takes AWS formulas with --provider rds|aurora', () => {
  it('each cell is plain plan with the formula given to --set; commas inside LEAST(…) do not split', async () => {
    const args = ['--provider', 'rds', '--instance-class', 'db.r6g.xlarge', '--pods', '6', '--pool', '25'];
    const r = await runCli([
      'plan',
      ...args,
      '--vary',
      'shared_buffers={DBInstanceClassMemory/32768},{DBInstanceClassMemory/16384}',
      '--vary',
      'max_connections=LEAST({DBInstanceClassMemory/9531392},5000),500',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const grid = JSON.parse(r.stdout).grid;
    expect(grid.axes).toEqual([
      { name: 'shared_buffers', values: ['{DBInstanceClassMemory/32768}', '{DBInstanceClassMemory/16384}'] },
      { name: 'max_connections', values: ['LEAST({DBInstanceClassMemory/9531392},5000)', '500'] },
    ]);
    for (const cell of grid.cells) {
      const plain = await planJson([
        ...args,
        '--set',
        `shared_buffers=${cell.values.shared_buffers}`,
        '--set',
        `max_connections=${cell.values.max_connections}`,
      ]);
      expect(cell.worstCaseBytes).toBe(plain.totals.worstCaseBytes);
    }
  });

  it('without one, or a formula that does not parse: one line naming the axis, exit 2', async () => {
    const bare = await runCli(['plan', '--ram', '16GB', '--vary', 'shared_buffers={DBInstanceClassMemory/32768},1GB']);
    expect([bare.code, bare.stderr]).toEqual([
      2,
      'pgmem: error: --vary shared_buffers: {DBInstanceClassMemory/32768} is an AWS parameter formula; give --provider rds or aurora and --instance-class to evaluate it\n',
    ]);
    const bad = await runCli([...['plan'], ...RDS_R5_LARGE, '--vary', 'work_mem={DBInstanceClassMemory/0},4MB']);
    expect([bad.code, bad.stderr.split('\n').at(-2)]).toEqual([
      2,
      'pgmem: error: --vary work_mem: {DBInstanceClassMemory/0}: division by zero at "}"',
    ]);
  });
});

describe('check FILE.json that is a named pipe', () => {
  it('is read whole as a manifest: only regular .json files are opened to look for a parameter group', () => {
    const cwd = dir({});
    const result = spawnSync(
      'bash',
      [
        '-c',
        // The writer gives up after 20 s and holds none of the output pipes, so a run that
        // refuses the pipe unread ends instead of waiting for it.
        `mkfifo cluster.json && (exec >/dev/null 2>&1; timeout 20 sh -c 'cat "$0" > cluster.json' "${join(projectRoot, 'examples/cnpg/cluster.yaml')}" &) && "${process.execPath}" "${binPath}" check cluster.json --format github`,
      ],
      {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^::error file=cluster\.json,line=\d+,col=\d+,title=pgmem worst-case-exceeds-ram::/m);
  });
});

describe('an exported parameter group whose values are not strings', () => {
  const group = (value: unknown) =>
    dir({
      'group.json': JSON.stringify({ Parameters: [{ ParameterName: 'max_connections', ParameterValue: value }] }),
    });
  const plan = (cwd: string) =>
    runCli(['plan', ...RDS_R5_LARGE, '--parameter-group', 'group.json', '--pods', '1', '--pool', '1', '--json'], {
      cwd,
    });

  it('takes a number as its digits, as AWS would', async () => {
    const r = await plan(group(300));
    expect([r.code, r.stderr.includes('error')]).toEqual([0, false]);
    expect(JSON.parse(r.stdout).settings.max_connections.setting).toBe('300');
  });

  it('refuses any other value in one line naming the parameter, never drops it', async () => {
    for (const value of [true, { a: 1 }, [300]]) {
      const r = await plan(group(value));
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('pgmem: error'))).toEqual([
        'pgmem: error: group.json:1: max_connections: ParameterValue must be a string or a number',
      ]);
    }
  });
});
