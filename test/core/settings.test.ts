/** One validator: the same values give the same verdict from a file, flags, a topology or a live server. */
import { describe, expect, it } from 'vitest';
import { Settings, SettingValidator } from '../../src/core/settings.js';
import { findGuc } from '../../src/core/catalog/index.js';
import { readConfiguration } from '../../src/input/conf/index.js';
import { memoryFs } from '../support/memory-fs.js';
import { runCli } from '../support/cli.js';

// 13–17 check_max_connections & co.: max_connections + autovacuum_max_workers + 1 + max_worker_processes
// + max_wal_senders must not exceed MAX_BACKENDS (262143). 100000 + 200000 + 3 + 1 + 10 is over.
const OVER = [
  { name: 'max_worker_processes', value: '100000', source: 'a' },
  { name: 'max_connections', value: '200000', source: 'b' },
];
const TEXT = 'max_worker_processes = 100000\nmax_connections = 200000\n';

describe('cross-setting check hooks see the values applied before them', () => {
  it('Settings.resolve rejects the second value, as the conf reader does (17)', () => {
    const { problems } = Settings.resolve(17, OVER, 'boot');
    expect(problems.map((p) => [p.name, p.kind, p.message])).toEqual([
      ['max_connections', 'invalid-value', 'invalid value for parameter "max_connections": 200000'],
    ]);
    const read = readConfiguration(17, 'postgresql.conf', memoryFs({ '/work/postgresql.conf': TEXT }));
    expect(read.issues.map((i) => [i.setting, i.kind, i.message])).toEqual([
      ['max_connections', 'invalid-value', 'invalid value for parameter "max_connections": 200000'],
    ]);
  });

  it('role overrides are validated on top of the settings they override', () => {
    const { settings } = Settings.resolve(17, [OVER[0]!], 'boot');
    expect(() => settings.withOverrides([{ ...OVER[1]!, source: 'role' }])).toThrow(
      'invalid override max_connections=200000 (role): invalid value for parameter "max_connections": 200000',
    );
  });

  it('18 checks at start instead: both values pass', () => {
    expect(Settings.resolve(18, OVER, 'boot').problems).toEqual([]);
  });

  it('the validator remembers only valid values', () => {
    const validator = new SettingValidator(17);
    const def = (name: string) => findGuc(17, name)!;
    expect(validator.check(def('max_connections'), '300000')).toMatchObject({ ok: false });
    expect(validator.check(def('max_worker_processes'), '200000')).toMatchObject({ ok: true, value: 200000 });
  });
});

describe('check and flags agree on 17', () => {
  const fs = memoryFs({ '/work/postgresql.conf': TEXT, '/work/workers.conf': 'max_worker_processes = 100000\n' });

  it('check: an invalid-setting finding at the second line', async () => {
    const result = await runCli(['check', 'postgresql.conf', '--pg-version', '17', '--json'], {
      cwd: '/work',
      confFs: fs,
    });
    const report = JSON.parse(result.stdout);
    expect(
      report.findings
        .filter((f: { severity: string }) => f.severity === 'error')
        .map((f: { id: string; line: number }) => [f.id, f.line]),
    ).toEqual([['invalid-setting', 2]]);
  });

  it('flags: the same values are a usage error naming the flag', async () => {
    const result = await runCli([
      'plan',
      '--pg-version',
      '17',
      '--set',
      'max_worker_processes=100000',
      '--max-connections',
      '200000',
    ]);
    expect(result).toMatchObject({
      code: 2,
      stderr: 'pgmem: error: --set max_connections=200000: invalid value for parameter "max_connections": 200000\n',
    });
  });

  it("a flag on top of a file is judged with the file's values", async () => {
    const result = await runCli(
      ['plan', '--pg-version', '17', '--config', 'workers.conf', '--max-connections', '200000'],
      { cwd: '/work', confFs: fs },
    );
    expect(result).toMatchObject({
      code: 2,
      stderr: 'pgmem: error: --set max_connections=200000: invalid value for parameter "max_connections": 200000\n',
    });
  });
});
