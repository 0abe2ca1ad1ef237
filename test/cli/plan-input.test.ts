/** One loader for plan, check and inspect: the configuration is read once and its issues are kept. */
import { describe, expect, it } from 'vitest';
import type { ConfFileSystem } from '../../src/input/conf/index.js';
import { memoryFs } from '../support/memory-fs.js';
import { runCli } from '../support/cli.js';

/** A memory file system that counts how often each file is read. */
function countingFs(tree: Record<string, string>): { fs: ConfFileSystem; reads: Map<string, number> } {
  const inner = memoryFs(tree);
  const reads = new Map<string, number>();
  return {
    reads,
    fs: {
      ...inner,
      readFile(path) {
        reads.set(path, (reads.get(path) ?? 0) + 1);
        return inner.readFile(path);
      },
    },
  };
}

const GOOD = {
  '/work/postgresql.conf': "shared_buffers = '1GB'\ninclude 'extra.conf'\n",
  '/work/extra.conf': 'max_connections = 50\n',
  '/work/postgresql.auto.conf': "work_mem = '8MB'\n",
};

describe('plan --config reads each file once', () => {
  const runs: [string, string[]][] = [
    ['plan', []],
    ['--solve', ['--solve', 'work_mem', '--ram', '16GB']],
    ['--vary', ['--vary', 'work_mem=4MB,8MB', '--ram', '16GB']],
  ];
  for (const [name, extra] of runs) {
    it(name, async () => {
      const { fs, reads } = countingFs(GOOD);
      const result = await runCli(['plan', '--config', 'postgresql.conf', '--json', ...extra], {
        cwd: '/work',
        confFs: fs,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(Object.fromEntries(reads)).toEqual({
        '/work/postgresql.conf': 1,
        '/work/extra.conf': 1,
        '/work/postgresql.auto.conf': 1,
      });
    });
  }

  it('check reads each file once too, and reports from the same read', async () => {
    const { fs, reads } = countingFs(GOOD);
    const result = await runCli(['check', 'postgresql.conf', '--json'], { cwd: '/work', confFs: fs });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).config.files).toEqual(['postgresql.conf', 'extra.conf', 'postgresql.auto.conf']);
    expect([...reads.values()]).toEqual([1, 1, 1]);
  });
});

describe('plan --config --solve/--vary refuse a configuration the server would not start with', () => {
  const broken = { '/work/postgresql.conf': "shared_buffers = '1GB'\nwork_mem = 4MB extra\n" };
  for (const extra of [
    ['--solve', 'work_mem'],
    ['--vary', 'work_mem=4MB,8MB'],
  ]) {
    it(extra[0]!, async () => {
      const { fs } = countingFs(broken);
      const result = await runCli(['plan', '--config', 'postgresql.conf', '--ram', '16GB', ...extra], {
        cwd: '/work',
        confFs: fs,
      });
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(
        'pgmem: error: postgresql.conf:2: the server would not start with this configuration: syntax error in file "postgresql.conf" line 2, near token "extra"\n',
      );
    });
  }

  it('plan --config without --solve still reports the issue as a finding', async () => {
    const { fs } = countingFs(broken);
    const result = await runCli(['plan', '--config', 'postgresql.conf', '--json'], { cwd: '/work', confFs: fs });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.config.valid).toBe(false);
    expect(report.findings.map((f: { id: string; line?: number }) => [f.id, f.line])).toContainEqual([
      'config-syntax-error',
      2,
    ]);
  });
});
