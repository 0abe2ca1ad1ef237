/** The option schema: typed values, choices, and conflicting flags as errors naming the flags. */
import { describe, expect, it } from 'vitest';
import { WORKLOAD_KINDS } from '../../src/core/recommend.js';
import { SOLVE_VARIABLES } from '../../src/core/solve.js';
import { COMMAND_OPTIONS, WORKLOAD_CHOICES } from '../../src/cli/plan-options.js';
import { memoryFs } from '../support/memory-fs.js';
import { runCli } from '../support/cli.js';

const confFs = memoryFs({
  '/work/postgresql.conf': "shared_buffers = '1GB'\n",
  '/work/auto.conf': "work_mem = '8MB'\n",
});
const inWork = { cwd: '/work', confFs };

describe('conflicting flags are exit 2, one line naming them', () => {
  const cases: [string[], string][] = [
    [
      ['plan', '--work-mem', '4MB', '--set', 'work_mem=8MB'],
      '--work-mem 4MB: work_mem is given twice (--set work_mem=8MB and --work-mem 4MB); give it once',
    ],
    [
      ['plan', '--set', 'work_mem=4MB', '--set', 'work_mem=8MB'],
      '--set work_mem=8MB: work_mem is given twice (--set work_mem=4MB and --set work_mem=8MB); give it once',
    ],
    [['plan', '--json', '--format', 'table'], '--json: --json asks for json, --format for table; give one of them'],
    [
      ['check', 'postgresql.conf', '--format', 'sarif', '--json'],
      '--json: --json asks for json, --format for sarif; give one of them',
    ],
    [
      ['plan', '--config', 'postgresql.conf', '--config', 'other.conf'],
      '--config: given twice (--config postgresql.conf and --config other.conf); give it once',
    ],
    [['plan', '--ram', '8GB', '--ram', '16GB'], '--ram: given twice (--ram 8GB and --ram 16GB); give it once'],
    [['plan', '--auto-conf', 'auto.conf'], '--auto-conf: needs --config (or a topology that names server.config)'],
    [['plan', '--no-auto-conf'], '--no-auto-conf: needs --config (or a topology that names server.config)'],
    [
      ['plan', '--config', 'postgresql.conf', '--auto-conf', 'missing.conf'],
      'missing.conf: no such file (given as --auto-conf)',
    ],
    [
      ['check', 'postgresql.conf', '--auto-conf', 'auto.conf', '--no-auto-conf'],
      '--no-auto-conf: given with --auto-conf auto.conf; give one of them',
    ],
    [
      ['check', 'postgresql.conf', '--no-auto-conf', '--auto-conf', 'auto.conf'],
      '--auto-conf: given twice (--no-auto-conf and --auto-conf auto.conf); give it once',
    ],
    [
      ['plan', '--temp-buffers', '16MB', '--no-temp-buffers'],
      '--no-temp-buffers: given with --temp-buffers 16MB; give one of them',
    ],
    [['plan', '--solve', 'nope', '--ram', '1GB'], '--solve: expected one of pods, pool, work_mem, got "nope"'],
    [
      ['recommend', '--workload', 'dw', '--ram', '1GB', '--clients', '5'],
      '--workload: expected one of oltp, olap, mixed, got "dw"',
    ],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const result = await runCli(args, inWork);
      expect(result).toMatchObject({ code: 2, stderr: `pgmem: error: ${message}\n` });
      // With --json the error is also the JSON document on stdout; otherwise stdout stays empty.
      expect(result.stdout === '' ? null : JSON.parse(result.stdout).error).toEqual(
        args.includes('--json') ? { code: 'usage', message, exitCode: 2 } : null,
      );
    });
  }

  it('--json with --format json agrees, and --auto-conf with --config is read', async () => {
    expect((await runCli(['plan', '--json', '--format', 'json'], inWork)).code).toBe(0);
    const report = JSON.parse(
      (await runCli(['plan', '--config', 'postgresql.conf', '--auto-conf', 'auto.conf', '--json'], inWork)).stdout,
    );
    expect(report.config.files).toEqual(['postgresql.conf', 'auto.conf']);
    expect(report.settings.work_mem).toMatchObject({ setting: '8192', source: 'auto.conf:1' });
  });
});

describe('the option schema', () => {
  it("recommend --workload offers exactly the engine's workload kinds; --solve the solver's variables", () => {
    expect(WORKLOAD_CHOICES).toEqual(WORKLOAD_KINDS);
    expect(COMMAND_OPTIONS.plan.solve.choices).toEqual(SOLVE_VARIABLES);
  });

  it('help lists the registered choices', async () => {
    const stdout = (await runCli(['recommend', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(stdout).toMatch(/--workload <kind>[^\n]*\(choices: "oltp", "olap", "mixed"\)/);
    expect(stdout).toMatch(/--format <format>[^\n]*\(choices: "table", "conf", "sql", "json"\)/);
  });

  it('values arrive parsed: a count, a size and a version, each error naming its flag', async () => {
    const report = JSON.parse(
      (await runCli(['plan', '--clients', '+40', '--ram', '1.5GB', '--pg-version', ' 16', '--json'])).stdout,
    );
    expect(report).toMatchObject({
      pgVersion: 16,
      connections: { clients: 40 },
      totals: { ramBytes: 1.5 * 1024 ** 3 },
    });
    expect((await runCli(['recommend', '--cpus', '0'])).stderr).toBe(
      'pgmem: error: --cpus: expected a whole number from 1 to 10000, got 0\n',
    );
    expect((await runCli(['recommend', '--reserve', '1.5'])).stderr).toBe(
      'pgmem: error: --reserve: expected a share from 0 to below 1, such as 20% or 0.2, got "1.5"\n',
    );
  });
});
