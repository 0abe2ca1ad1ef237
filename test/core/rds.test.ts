/** AWS parameter formulas and default groups, against AWS's documented worked examples. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMETER_GROUPS,
  evaluateFormula,
  instanceClass,
  isFormula,
  MAX_FORMULA_DEPTH,
  rdsHugePagesOn,
} from '../../src/core/rds.js';
import { projectRoot, runCli } from '../support/cli.js';

const GiB = 2 ** 30;

describe('AWS parameter formulas', () => {
  it("Aurora's worked example: db.r5.large, 16 GiB: LEAST((16*1073741824)/9531392,5000) = 1802", () => {
    expect(
      evaluateFormula(DEFAULT_PARAMETER_GROUPS.rds.max_connections, {
        DBInstanceClassMemory: 16 * GiB,
        DBInstanceVCPU: 2,
      }),
    ).toBe(1802);
    expect(
      evaluateFormula(DEFAULT_PARAMETER_GROUPS.aurora.max_connections, {
        DBInstanceClassMemory: 16 * GiB,
        DBInstanceVCPU: 2,
      }),
    ).toBe(1802);
  });

  it('integer rules: each quotient and product truncated, left to right', () => {
    const vars = { DBInstanceClassMemory: 8 * GiB, DBInstanceVCPU: 4 };
    // 8 GiB / 32768 = 262144 pages of 8 kB = 2 GiB: a quarter.
    expect(evaluateFormula('{DBInstanceClassMemory/32768}', vars)).toBe(262144);
    // *1024 then /63963136 (RDS's group) against /63963136 then *1024 (Aurora's): 137518 vs 137216.
    expect(evaluateFormula('GREATEST({DBInstanceClassMemory*1024/63963136},65536)', vars)).toBe(137518);
    expect(evaluateFormula('GREATEST(DBInstanceClassMemory/63963136*1024,65536)', vars)).toBe(137216);
    expect(evaluateFormula('SUM(DBInstanceClassMemory/12038,-50003)', vars)).toBe(663565);
    expect(evaluateFormula('GREATEST($DBInstanceVCPU/2,8)', vars)).toBe(8);
    expect(
      evaluateFormula('greatest({log(DBInstanceClassMemory/21474836480)*600},200)', {
        ...vars,
        DBInstanceClassMemory: 64 * GiB,
      }),
    ).toBe(950);
    // Values read back from real instances (SHOW max_connections × 9531392 gives DBInstanceClassMemory).
    for (const n of [198, 413, 856, 1660])
      expect(
        evaluateFormula('LEAST({DBInstanceClassMemory/9531392},5000)', {
          DBInstanceClassMemory: n * 9531392,
          DBInstanceVCPU: 2,
        }),
      ).toBe(n);
    expect(() => evaluateFormula('LEAST({DBInstanceClassMemory/9531392},5000', vars)).toThrow('expected "," or ")"');
    expect(() => evaluateFormula('{Memory/2}', vars)).toThrow('unknown variable Memory');
    expect(() => evaluateFormula('{DBInstanceClassMemory/0}', vars)).toThrow('division by zero');
    expect(() => evaluateFormula('GREATEST({DBInstanceClassMemory/(DBInstanceVCPU/8)},1)', vars)).toThrow(
      'division by zero',
    );
    // Nesting is bounded (no stack overflow on a hostile value); signs in a row are not nesting.
    expect(() => evaluateFormula(`${'{'.repeat(100_000)}1${'}'.repeat(100_000)}`, vars)).toThrow(
      `nested more than ${MAX_FORMULA_DEPTH} deep`,
    );
    expect(() => evaluateFormula(`${'LEAST('.repeat(100_000)}1${')'.repeat(100_000)}`, vars)).toThrow(
      'nested more than',
    );
    expect(evaluateFormula(`${'-'.repeat(100_001)}5`, vars)).toBe(-5);
    expect(evaluateFormula(`${'{'.repeat(MAX_FORMULA_DEPTH)}7${'}'.repeat(MAX_FORMULA_DEPTH)}`, vars)).toBe(7);
    expect(isFormula('4MB')).toBe(false);
    expect(isFormula('{DBInstanceClassMemory/32768}')).toBe(true);
  });

  it('instance classes', () => {
    expect(instanceClass('db.r5.large')).toEqual({ vcpus: 2, memoryGiB: 16 });
    expect(instanceClass('db.r6g.xlarge')).toEqual({ vcpus: 4, memoryGiB: 32 });
    expect(instanceClass('db.m6i.4xlarge')).toEqual({ vcpus: 16, memoryGiB: 64 });
    expect(instanceClass('db.t4g.medium')).toEqual({ vcpus: 2, memoryGiB: 4 });
    expect(instanceClass('db.x2g.large')).toBeNull();
  });
});

describe('--provider through the CLI', () => {
  it('the default group for the class; the class memory is the budget; --instance-memory overrides the estimate', async () => {
    const r = await runCli(['plan', '--provider', 'rds', '--instance-class', 'db.r5.large', '--json']);
    const report = JSON.parse(r.stdout);
    expect(report.settings.max_connections.setting).toBe('1802');
    expect(report.settings.shared_buffers.bytes).toBe(4 * GiB);
    expect(report.totals.ramBytes).toBe(16 * GiB);
    expect(r.stderr).toContain('DBInstanceClassMemory = 17179869184 (an estimate');
    const measured = await runCli([
      'plan',
      '--provider',
      'rds',
      '--instance-class',
      'db.r5.large',
      '--instance-memory',
      String(1660 * 9531392),
      '--json',
    ]);
    expect(JSON.parse(measured.stdout).settings.max_connections.setting).toBe('1660');
    // --instance-memory is what the formulas take, not the budget: that stays the class's 16 GiB.
    expect(JSON.parse(measured.stdout).totals.ramBytes).toBe(16 * GiB);
    expect(measured.stderr).toBe(
      `pgmem: note: db.r5.large: 2 vCPUs, 16 GiB; DBInstanceClassMemory = ${1660 * 9531392} (--instance-memory)\n`,
    );
  });

  it('formulas in --set and in an exported parameter group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgmem-pg-'));
    writeFileSync(
      join(dir, 'group.json'),
      JSON.stringify({
        Parameters: [
          { ParameterName: 'work_mem', ParameterValue: '{DBInstanceClassMemory/524288}', Source: 'user' },
          { ParameterName: 'temp_buffers' },
        ],
      }),
    );
    const r = await runCli(
      [
        'plan',
        '--provider',
        'aurora',
        '--instance-class',
        'db.r6g.large',
        '--parameter-group',
        'group.json',
        '--set',
        'hash_mem_multiplier=1',
        '--json',
      ],
      { cwd: dir },
    );
    const report = JSON.parse(r.stdout);
    // 16 GiB / 524288 = 32768 kB
    expect(report.settings.work_mem).toMatchObject({
      setting: '32768',
      source: 'group.json: work_mem = {DBInstanceClassMemory/524288}',
    });
    const set = await runCli([
      'plan',
      '--provider',
      'rds',
      '--instance-class',
      'db.m5.large',
      '--set',
      'max_connections=LEAST({DBInstanceClassMemory/4765696},5000)',
      '--json',
    ]);
    expect(JSON.parse(set.stdout).settings.max_connections.setting).toBe('1802');
    const bad = await runCli(['plan', '--instance-class', 'db.r5.large']);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'pgmem: error: --instance-class: needs --provider rds, aurora or azure\n',
    ]);
  });
});

describe('examples/rds/parameter-group.json, the README worked example', () => {
  const file = 'examples/rds/parameter-group.json';

  it('is as aws rds describe-db-parameters --output json prints it', () => {
    const text = readFileSync(join(projectRoot, file), 'utf8');
    const doc = JSON.parse(text) as { Parameters: Record<string, unknown>[] };
    // The CLI's JSON: four-space indentation, each parameter's keys in the API's order.
    expect(text).toBe(`${JSON.stringify(doc, null, 4)}\n`);
    const order = [
      'ParameterName',
      'ParameterValue',
      'Description',
      'Source',
      'ApplyType',
      'DataType',
      'AllowedValues',
      'IsModifiable',
      'ApplyMethod',
    ];
    for (const p of doc.Parameters) {
      const keys = Object.keys(p);
      expect(keys).toEqual(order.filter((k) => keys.includes(k)));
      expect(['system', 'user', 'engine-default']).toContain(p.Source);
    }
    expect(doc.Parameters.some((p) => p.ParameterValue === undefined)).toBe(true);
  });

  it("gives the README's figures on db.r6g.xlarge", async () => {
    const r = await runCli([
      'plan',
      '--provider',
      'rds',
      '--instance-class',
      'db.r6g.xlarge',
      '--parameter-group',
      file,
      '--pg-version',
      '16',
      '--pods',
      '6',
      '--pool',
      '25',
      '--json',
    ]);
    const { settings, totals } = JSON.parse(r.stdout);
    expect(settings.shared_buffers).toMatchObject({
      setting: '1048576',
      bytes: 8 * GiB,
      source: `${file}: shared_buffers = {DBInstanceClassMemory/32768}`,
    });
    expect(settings.max_connections.setting).toBe('3604');
    expect(settings.maintenance_work_mem.setting).toBe('550072');
    expect(settings.work_mem).toMatchObject({ setting: '32768', source: `${file}: work_mem = 32768` });
    // Left unset in the group: PostgreSQL's own value.
    expect(settings.temp_buffers.source).toBe('default');
    expect(settings.huge_pages).toMatchObject({ setting: 'on', source: expect.stringContaining('rds default') });
    expect(totals.ramBytes).toBe(32 * GiB);
  });
});

describe('huge_pages on RDS', () => {
  it('on for every class but micro, small and medium', async () => {
    const huge = async (cls: string) =>
      JSON.parse((await runCli(['plan', '--provider', 'rds', '--instance-class', cls, '--json'])).stdout).settings
        .huge_pages.setting;
    expect(await huge('db.r5.large')).toBe('on');
    expect(await huge('db.t4g.large')).toBe('on');
    expect(await huge('db.t4g.medium')).toBe('try');
    expect(await huge('db.t3.micro')).toBe('try');
    expect(rdsHugePagesOn('db.m6i.16xlarge')).toBe(true);
  });
});

describe('huge pages on a managed server', () => {
  it('no sysctl advice: the service manages the host', async () => {
    const findings = async (args: string[]) =>
      JSON.parse((await runCli(['plan', ...args, '--json'])).stdout).findings.filter(
        (f: { id: string }) => f.id === 'huge-pages',
      );
    // huge_pages = on by RDS's default: nothing to reserve.
    expect(await findings(['--provider', 'rds', '--instance-class', 'db.r5.large'])).toEqual([]);
    const [small] = await findings([
      '--provider',
      'rds',
      '--instance-class',
      'db.t4g.medium',
      '--shared-buffers',
      '2GB',
    ]);
    expect(small.fix).toBe(
      "set huge_pages = on in the server's parameters, where Amazon RDS allows it: the service manages the host's huge pages, there is no vm.nr_hugepages to set",
    );
    // A server of one's own still gets the reservation to make.
    const [own] = await findings(['--shared-buffers', '2GB', '--huge-pages', 'on']);
    expect(own.fix).toMatch(/^sysctl -w vm\.nr_hugepages=\d+ /);
  });
});
