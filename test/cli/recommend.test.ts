import { Command, CommanderError } from 'commander';
import { Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgmemError } from '../../src/errors.js';
import { registerRecommendCommand } from '../../src/cli/recommend-command.js';
import { planReportSchema } from '../../src/core/report-schema.js';
import { parseConfText } from '../../src/input/conf/index.js';
import { projectRoot, runCli, type CliResult } from '../support/cli.js';

/** Runs `pgmem recommend …` in-process on a program of its own, mapping errors as run() does. */
async function recommendCli(args: readonly string[], options: { stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { NO_COLOR: '1' },
    cwd: projectRoot,
  };
  const program = new Command('pgmem')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  registerRecommendCommand(program, io, (c) => (code = c));
  try {
    await program.parseAsync(['recommend', ...args], { from: 'user' });
  } catch (error) {
    if (error instanceof PgmemError)
      return { code: error.exitCode, stdout, stderr: `pgmem: error: ${error.message}\n` };
    if (error instanceof CommanderError) return { code: 2, stdout, stderr: `pgmem: error: ${error.message}\n` };
    throw error;
  }
  return { code, stdout, stderr };
}

const SIXTEEN = ['--ram', '16GB', '--pods', '5', '--pool', '20', '--workload', 'oltp', '--cpus', '8'];

describe('pgmem recommend', () => {
  it('--format json: recommendations, reasons and the plan of the result, within the budget', async () => {
    const { code, stdout, stderr } = await recommendCli([...SIXTEEN, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.recommendations).toMatchObject({ shared_buffers: '4GB', max_connections: '108', huge_pages: 'on' });
    expect(Object.keys(doc.reasons).sort()).toEqual(Object.keys(doc.recommendations).sort());
    const plan = planReportSchema.parse(doc.plan);
    expect(plan.totals.worstCaseBytes).toBeLessThanOrEqual(doc.budgetBytes);
    expect(doc.budgetBytes).toBe(Math.floor(16 * 1024 ** 3 * 0.8));
    expect(plan.settings.work_mem!.source).toBe('recommend');
  });

  it('--format conf reads back, as the server reads it, to the same values', async () => {
    const json = JSON.parse((await recommendCli([...SIXTEEN, '--json'])).stdout);
    const { stdout, code } = await recommendCli([...SIXTEEN, '--format', 'conf']);
    expect(code).toBe(0);
    const parsed = parseConfText(stdout, 'recommend.conf');
    expect(parsed.issues).toEqual([]);
    expect(Object.fromEntries(parsed.assignments.map((a) => [a.name, a.rawValue]))).toEqual(json.recommendations);
    expect(stdout).toMatch(/^shared_buffers = '4GB' +# 25% of RAM 16 GiB, whole MB$/m);
  });

  it('--format sql: ALTER SYSTEM statements with quoted values, and which need a restart', async () => {
    const { stdout } = await recommendCli([...SIXTEEN, '--format', 'sql']);
    expect(stdout).toContain("ALTER SYSTEM SET shared_buffers = '4GB';");
    expect(stdout).toContain("ALTER SYSTEM SET max_connections = '108';");
    expect(stdout).toMatch(
      /-- restart the server for max_connections, shared_buffers, .*huge_pages; the others take effect after SELECT pg_reload_conf\(\);/,
    );
    expect(stdout).not.toMatch(/restart the server for[^\n]*work_mem/);
  });

  it('table: each setting with its value and reason', async () => {
    const { stdout, code } = await recommendCli(SIXTEEN);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^work_mem +\d+MB +the largest value whose worst case fits the budget 12\.8 GiB/m);
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it('a topology file: the container limit is the RAM', async () => {
    const topology = JSON.stringify({
      server: { version: 16, container: { memoryLimit: '8Gi' } },
      apps: [{ name: 'api', pods: 4, pool: 10 }],
    });
    const { stdout, code } = await recommendCli(['--topology', '-', '--json'], { stdin: topology });
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.plan.pgVersion).toBe(16);
    expect(doc.plan.totals.ramBytes).toBe(8 * 1024 ** 3);
    expect(doc.recommendations.shared_buffers).toBe('2GB');
    expect(doc.recommendations.max_connections).toBe(String(40 + 3 + 3));
  });

  it('nothing safe fits: a clear error and exit 1, JSON keeps the error', async () => {
    const table = await recommendCli(['--ram', '1GB', '--clients', '400']);
    expect(table.code).toBe(1);
    expect(table.stdout).toBe('');
    // 400 clients + 3 reserved + 20 margin slots
    expect(table.stderr).toMatch(
      /^pgmem: error: 423 backends \(every max_connections slot\) do not fit even at work_mem = 64kB/,
    );
    const json = await recommendCli(['--ram', '16GB', '--clients', '10', '--reserve', '90%', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      recommendations: null,
      error: { code: 'shared-memory-over-budget' },
    });
  });

  describe('its output, checked, gives no low-headroom: every max_connections slot is budgeted', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pgmem-recommend-'));
      writeFileSync(
        join(dir, 'topology.json'),
        JSON.stringify({
          server: { ram: '16GB' },
          // a role that lowers work_mem must not hide what the other slots may use
          apps: [{ name: 'api', pods: 4, pool: 10, role: { name: 'api', work_mem: '1MB' } }],
          reserved: { admin: 5 },
        }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const cases: [string, string[], string[]][] = [
      ['16 GB, 100 clients, mixed', ['--ram', '16GB', '--pods', '5', '--pool', '20'], ['--ram', '16GB']],
      // checked with the OLTP profile's query (recommend's header says so)
      ['16 GB, 100 clients, OLTP, 8 CPUs', SIXTEEN, ['--ram', '16GB', '--sort-ops', '1', '--hash-ops', '1']],
      ['16 GB, no clients', ['--ram', '16GB', '--clients', '0'], ['--ram', '16GB']],
      ['16 TB, 100 clients', ['--ram', '16TB', '--clients', '100'], ['--ram', '16TB']],
      ['a topology with a role and admin sessions', ['--topology', 'topology.json'], ['--ram', '16GB']],
      ['the same topology, checked with it', ['--topology', 'topology.json'], ['--topology', 'topology.json']],
    ];
    for (const [name, recommendArgs, checkArgs] of cases) {
      it(name, async () => {
        const conf = await runCli(['recommend', ...recommendArgs, '--format', 'conf'], { cwd: dir });
        expect(conf.code).toBe(0);
        writeFileSync(join(dir, 'recommended.conf'), conf.stdout);
        const checked = await runCli(['check', 'recommended.conf', ...checkArgs, '--json'], { cwd: dir });
        const report = JSON.parse(checked.stdout);
        const ids = report.findings.map((f: { id: string }) => f.id);
        expect(ids).not.toContain('low-headroom');
        expect(ids).not.toContain('worst-case-exceeds-ram');
        expect(ids).not.toContain('clients-exceed-slots');
        expect(report.totals.headroomBytes).toBeGreaterThanOrEqual(Math.ceil(report.totals.ramBytes * 0.2));
        expect(checked.code).toBe(0);
      });
    }
  });

  it('caps work_mem at what the workload defends, and says why', async () => {
    // 16 TB and 100 clients: the budget would allow GBs per node; mixed queries get 256MB.
    const huge = JSON.parse((await recommendCli(['--ram', '16TB', '--clients', '100', '--json'])).stdout);
    expect(huge.recommendations.work_mem).toBe('256MB');
    expect(huge.reasons.work_mem).toMatch(/the mixed cap, 256MB: .*the budget would allow \d+MB/);
    const olap = JSON.parse(
      (await recommendCli(['--ram', '16TB', '--clients', '100', '--workload', 'olap', '--json'])).stdout,
    );
    expect(olap.recommendations.work_mem).toBe('1GB');
    const oltp = JSON.parse(
      (await recommendCli(['--ram', '16TB', '--clients', '100', '--workload', 'oltp', '--json'])).stdout,
    );
    expect(oltp.recommendations.work_mem).toBe('64MB');
    // No clients: the 6 slots of max_connections are budgeted, and the cap holds.
    const none = JSON.parse((await recommendCli(['--ram', '16GB', '--clients', '0', '--json'])).stdout);
    expect(none.recommendations.max_connections).toBe('6');
    expect(none.plan.connections.backends).toBe(6);
    expect(Number(/^(\d+)MB$/.exec(none.recommendations.work_mem)![1])).toBeLessThanOrEqual(256);
  });

  const usage: [string[], RegExp][] = [
    [['--pods', '5', '--pool', '20'], /--ram: needs the memory/],
    [['--ram', '16GB'], /--pods: needs the connections/],
    [
      ['--ram', '16GB', '--clients', '10', '--workload', 'batch'],
      /--workload: expected one of oltp, olap, mixed, got "batch"/,
    ],
    [['--ram', '16GB', '--clients', '10', '--reserve', '1.5'], /--reserve: expected a share from 0 to below 1/],
    [['--ram', '16GB', '--clients', '10', '--cpus', '0'], /--cpus: expected a whole number from 1/],
    [['--ram', '16GB', '--clients', '10', '--format', 'yaml'], /--format: expected one of table, conf, sql, json/],
  ];
  for (const [args, message] of usage) {
    it(`usage error, exit 2: ${args.join(' ')}`, async () => {
      const { code, stderr } = await recommendCli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });
  }
});

describe('pgmem plan --solve', () => {
  it('pods: limited by connection slots (97 usable / 20 per pod)', async () => {
    const { code, stdout } = await runCli(['plan', '--pool', '20', '--ram', '64GB', '--solve', 'pods', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.solve).toMatchObject({ variable: 'pods', value: 4, limitedBy: 'slots', next: { value: 5, refused: 3 } });
    expect(doc.connections.clients).toBe(80);
    const { solve: _solve, ...report } = doc;
    planReportSchema.parse(report);
  });

  it('pool: limited by RAM; the plan at the answer fits and the next value does not', async () => {
    const args = [
      'plan',
      '--pods',
      '5',
      '--ram',
      '16GB',
      '--work-mem',
      '64MB',
      '--max-connections',
      '500',
      '--solve',
      'pool',
    ];
    const doc = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(doc.solve.limitedBy).toBe('ram');
    expect(doc.totals.worstCaseBytes).toBeLessThanOrEqual(16 * 1024 ** 3);
    expect(doc.solve.next.worstCaseBytes).toBeGreaterThan(16 * 1024 ** 3);
    const at = JSON.parse(
      (
        await runCli([
          'plan',
          '--pods',
          '5',
          '--pool',
          String(doc.solve.value),
          '--ram',
          '16GB',
          '--work-mem',
          '64MB',
          '--max-connections',
          '500',
          '--json',
        ])
      ).stdout,
    );
    expect(at.totals.worstCaseBytes).toBe(doc.totals.worstCaseBytes);
    const table = await runCli(args);
    expect(table.stdout).toMatch(
      new RegExp(
        `^--solve pool: a pool of ${doc.solve.value} \\(limited by RAM: a pool of ${doc.solve.value + 1} would need`,
      ),
    );
  });

  it('work_mem: the largest kB within RAM', async () => {
    const doc = JSON.parse(
      (await runCli(['plan', '--clients', '50', '--ram', '8GB', '--solve', 'work_mem', '--json'])).stdout,
    );
    expect(doc.solve).toMatchObject({ variable: 'work_mem', unit: 'kB', limitedBy: 'ram' });
    expect(doc.settings.work_mem.setting).toBe(String(doc.solve.value));
    const over = JSON.parse(
      (await runCli(['plan', '--clients', '50', '--ram', '8GB', '--work-mem', `${doc.solve.value + 1}kB`, '--json']))
        .stdout,
    );
    expect(over.totals.worstCaseBytes).toBeGreaterThan(8 * 1024 ** 3);
  });

  it('nothing fits: exit 1', async () => {
    const { code, stdout } = await runCli(['plan', '--pool', '10', '--ram', '64MB', '--solve', 'pods']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^--solve pods: nothing fits/);
  });

  const usage: [string[], RegExp][] = [
    [['plan', '--pool', '10', '--solve', 'pods'], /--solve: needs --ram/],
    [['plan', '--ram', '8GB', '--solve', 'pods'], /--solve: needs --pool/],
    [['plan', '--ram', '8GB', '--pool', '5', '--solve', 'pool'], /--solve: needs --pods/],
    [['plan', '--ram', '8GB', '--solve', 'shared_buffers'], /--solve: expected one of pods, pool, work_mem/],
    [['plan', '--ram', '8GB', '--solve', 'work_mem', '--vary', 'work_mem=1MB'], /give either --solve or --vary/],
    // The flag named is the one given, not --clients or --pool.
    [
      ['plan', '--topology', 'examples/vm-two-apps/topology.yaml', '--solve', 'pods'],
      /^pgmem: error: --solve pods: with a topology of several apps, solve for work_mem, or change pods and pools in the file$/m,
    ],
    [['plan', '--topology', 'examples/vm-two-apps/topology.yaml', '--solve', 'pool'], /^pgmem: error: --solve pool: /m],
  ];
  for (const [args, message] of usage) {
    it(`usage error, exit 2: ${args.join(' ')}`, async () => {
      const { code, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });
  }
});

describe('pgmem plan --vary', () => {
  it('two axes: JSON cells in row-major order, each the plan of its values', async () => {
    const args = ['plan', '--pool', '20', '--ram', '16GB', '--vary', 'work_mem=4MB,64MB', '--vary', 'pods=2,4'];
    const doc = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.grid.axes).toEqual([
      { name: 'work_mem', values: ['4MB', '64MB'] },
      { name: 'pods', values: ['2', '4'] },
    ]);
    expect(doc.grid.cells.map((c: { values: object }) => c.values)).toEqual([
      { work_mem: '4MB', pods: '2' },
      { work_mem: '4MB', pods: '4' },
      { work_mem: '64MB', pods: '2' },
      { work_mem: '64MB', pods: '4' },
    ]);
    for (const cell of doc.grid.cells) {
      const single = JSON.parse(
        (
          await runCli([
            'plan',
            '--pool',
            '20',
            '--ram',
            '16GB',
            '--work-mem',
            cell.values.work_mem,
            '--pods',
            cell.values.pods,
            '--json',
          ])
        ).stdout,
      );
      expect(cell.worstCaseBytes).toBe(single.totals.worstCaseBytes);
      expect(cell.fits).toBe(single.totals.worstCaseBytes <= 16 * 1024 ** 3);
    }
    expect(doc.grid.cells[3]).toMatchObject({ fits: false, status: 'over' });
    expect(doc.grid.cells[0]).toMatchObject({ fits: true, status: 'within' });
  });

  it('clients refused a connection slot: fits false, status refused, counted in the table', async () => {
    // 200 clients, max_connections 100: 103 refused whatever work_mem is; 64 GiB is plenty of RAM.
    const args = ['plan', '--clients', '200', '--ram', '64GB', '--vary', 'work_mem=1MB,2MB'];
    const doc = JSON.parse((await runCli([...args, '--json'])).stdout);
    for (const cell of doc.grid.cells)
      expect(cell).toMatchObject({ refusedClients: 103, fits: false, status: 'refused' });
    const table = (await runCli(args)).stdout;
    expect(table).toMatch(/│ 1MB +│ +[\d.]+ GiB \(103 refused\) │/);
    // With room for them (max_connections 300), the same cells fit.
    const roomy = JSON.parse((await runCli([...args, '--max-connections', '300', '--json'])).stdout);
    for (const cell of roomy.grid.cells)
      expect(cell).toMatchObject({ refusedClients: 0, fits: true, status: 'within' });
  });

  it('table: colours on a terminal, marks without colour', async () => {
    const args = ['plan', '--pool', '20', '--pods', '4', '--ram', '16GB', '--vary', 'work_mem=4MB,16MB,64MB'];
    const plain = await runCli(args);
    expect(plain.stdout).toMatch(/│ 64MB +│ +[\d.]+ GiB ! │/); // 80 backends × 64MB × (2 + 2 × 2) nodes: over
    expect(plain.stdout).toMatch(/│ 4MB +│ +[\d.]+ GiB │/);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const coloured = await runCli(args, { tty: true, env: {} });
    expect(coloured.stdout).toMatch(/\u001b\[31m[\d.]+ GiB !/); // red: over RAM
    expect(coloured.stdout).toMatch(/\u001b\[32m[\d.]+ GiB\u001b/); // green: within
  });

  const usage: [string[], RegExp][] = [
    [['plan', '--vary', 'a=1', '--vary', 'b=2', '--vary', 'c=3'], /--vary: at most 2 axes, got 3/],
    [
      ['plan', '--vary', 'work_mem=1MB,12parsecs'],
      /--vary work_mem: invalid value for parameter "work_mem": "12parsecs"/,
    ],
    [['plan', '--vary', 'shared_bufferz=1GB'], /--vary shared_bufferz: unrecognized configuration parameter/],
    [['plan', '--vary', 'pods=1,2'], /--vary pods: needs --pool/],
    [['plan', '--vary', 'pods=-1', '--pool', '5'], /--vary pods: expected a whole number/],
    [['plan', '--vary', 'work_mem'], /--vary: expected NAME=V1,V2/],
    [
      [
        'plan',
        '--vary',
        `max_connections=${Array.from({ length: 21 }, (_, i) => i + 10).join(',')}`,
        '--vary',
        `work_mem=${Array.from({ length: 20 }, (_, i) => `${i + 1}MB`).join(',')}`,
      ],
      /--vary: 420 cells; at most 400/,
    ],
    [
      ['plan', '--vary', 'clients=10', '--pods', '2', '--pool', '5'],
      /--vary clients: vary clients, or pods and pool, not both/,
    ],
    [['plan', '--vary', 'work_mem=1MB', '--format', 'markdown'], /--format: --vary writes table or json/],
    [
      ['plan', '--topology', 'examples/vm-two-apps/topology.yaml', '--vary', 'pods=1,2'],
      /^pgmem: error: --vary pods: with a topology of several apps, vary settings, or change pods and pools in the file$/m,
    ],
    [
      ['plan', '--topology', 'examples/vm-two-apps/topology.yaml', '--vary', 'pool=1,2'],
      /^pgmem: error: --vary pool: /m,
    ],
  ];
  for (const [args, message] of usage) {
    it(`usage error, exit 2: ${args.join(' ').slice(0, 80)}`, async () => {
      const { code, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });
  }
});
