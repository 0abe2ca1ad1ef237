/**
 * Standard output that fails, through the built bin: a reader that has gone (`pgmem … | head -1`)
 * ends the output quietly with the run's own exit code; a full disk (/dev/full) is one line, exit 2.
 * Never a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgmem-output-'));
  writeFileSync(join(dir, 'bad.conf'), 'work_mem = = 4MB\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bin with standard output a pipe whose reading end is closed before pgmem writes. */
function intoClosedPipe(
  args: readonly string[],
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      timeout: 30_000,
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed pipe on standard output', () => {
  it('ends help quietly with exit 0', async () => {
    expect(await intoClosedPipe(['check', '--help'])).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('ends long output quietly and keeps the exit code of the run', async () => {
    expect(await intoClosedPipe(['schema', 'plan'])).toEqual({ code: 0, signal: null, stderr: '' });
    expect(await intoClosedPipe(['plan', '--pods', '5', '--pool', '10'])).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    // Findings still exit 1, and a usage error still says so on stderr.
    expect(await intoClosedPipe(['check', '--no-auto-conf', 'bad.conf'])).toEqual({
      code: 1,
      signal: null,
      stderr: '',
    });
    expect(await intoClosedPipe(['plan', '--pods', 'x', '--pool', '1', '--json'])).toEqual({
      code: 2,
      signal: null,
      stderr: 'pgmem: error: --pods: expected a whole number, got "x"\n',
    });
  });
});

describe('a full disk on standard output', () => {
  const intoFull = (args: readonly string[]): { code: number | null; stderr: string } => {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [binPath, ...args], {
        cwd: dir,
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        timeout: 30_000,
      });
      return { code: r.status, stderr: r.stderr };
    } finally {
      closeSync(fd);
    }
  };
  const line = 'pgmem: error: cannot write to standard output: no space left on device (ENOSPC)\n';

  it('is one line on stderr and exit 2, for tables, JSON, help and findings alike', () => {
    for (const args of [
      ['plan', '--pods', '5', '--pool', '10'],
      ['plan', '--pods', '5', '--pool', '10', '--json'],
      ['check', '--help'],
      ['check', '--no-auto-conf', 'bad.conf'],
    ]) {
      expect(intoFull(args), args.join(' ')).toEqual({ code: 2, stderr: line });
    }
  });
});
