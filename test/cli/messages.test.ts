/** Wording the CLI prints: plurals, flags named once, help that matches what the commands accept. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('counts read as English', () => {
  it('one backend, one client connection, one CPU', async () => {
    const plan = await runCli(['plan', '--clients', '1']);
    expect(plan.stdout).toContain('1 client connection → 1 backend (max_connections 100, 97 usable)');
    const recommend = await runCli(['recommend', '--ram', '4GB', '--clients', '1', '--cpus', '1']);
    expect(recommend.stdout).toMatch(/· 1 CPU\n/);
    expect(recommend.stdout).not.toMatch(/\b1 (backends|CPUs)\b/);
  });
});

describe('usage errors say what was wrong, once', () => {
  const cases: [string[], string][] = [
    [['plan', '--pg-version', ''], 'pgmem: error: --pg-version: expected a major version such as 18, got ""\n'],
    [['plan', '--pg-version', '16x'], 'pgmem: error: --pg-version: expected a major version such as 18, got "16x"\n'],
    [
      ['plan', '--pg-version', '12'],
      'pgmem: error: --pg-version: PostgreSQL 12 is not supported; use one of 13, 14, 15, 16, 17, 18\n',
    ],
    [
      ['plan', '--ram', '16'],
      'pgmem: error: --ram: "16" without a unit means 16 bytes; write the unit, such as 16GB\n',
    ],
    [
      ['plan', '--ram', '4096'],
      'pgmem: error: --ram: "4096" without a unit means 4096 bytes; write the unit, such as 4096MB\n',
    ],
    [
      ['recommend', '--ram', '64', '--clients', '10'],
      'pgmem: error: --ram: "64" without a unit means 64 bytes; write the unit, such as 64GB\n',
    ],
    [['help', 'nope'], "pgmem: error: help: unknown command 'nope'\n"],
  ];
  for (const [args, stderr] of cases) {
    it(`pgmem ${args.map((a) => (a === '' ? '""' : a)).join(' ')}`, async () => {
      const result = await runCli(args);
      expect(result).toMatchObject({ code: 2, stderr, stdout: '' });
    });
  }

  it('a bare number large enough to be RAM is bytes, as in Kubernetes', async () => {
    const { code, stdout } = await runCli(['plan', '--ram', String(16 * 1024 ** 3), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).totals.ramBytes).toBe(16 * 1024 ** 3);
  });

  it('help for a command that exists still succeeds', async () => {
    const { code, stdout } = await runCli(['help', 'check']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pgmem check');
  });
});

describe('help matches what each command accepts', () => {
  it('check lists the five formats it writes', async () => {
    const { stdout } = await runCli(['check', '--help']);
    expect(stdout).toMatch(
      /--format <format> +output format \(default table\) \(choices: "table", "json", "markdown", "github", "sarif"\)/,
    );
    expect(stdout).toContain('github writes workflow annotations, sarif a SARIF 2.1.0 log');
  });

  it('plan lists its three', async () => {
    const { stdout } = await runCli(['plan', '--help']);
    expect(stdout).toMatch(
      /--format <format> +output format \(default table\) \(choices: "table", "json", "markdown"\)/,
    );
  });

  it('inspect shows no --pg-version default (it takes the version from the server, and says so if given one)', async () => {
    const { stdout } = await runCli(['inspect', '--help']);
    expect(stdout).not.toContain('--pg-version');
    const given = await runCli(['inspect', '--pg-version', '16']);
    expect(given).toMatchObject({
      code: 2,
      stderr: 'pgmem: error: --pg-version: inspect takes the version from the server\n',
    });
  });
});
