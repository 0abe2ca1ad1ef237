/**
 * Topology input through the built bin under the limits of configuration files: /dev/zero, an
 * endless pipe and endless standard input end at once with one line and exit 2, while a pipe such as
 * `<(cat file)` and a file on standard input keep working.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgmem-hostile-topology-'));
  writeFileSync(join(dir, 'topology.yaml'), 'apps:\n  - name: web\n    pods: 2\n    pool: 5\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a bash command line with $PGMEM as the built bin, bounded in time and memory. */
function sh(script: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `ulimit -v 4000000; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', PGMEM: `${process.execPath} ${binPath}` },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--topology under limits', () => {
  it('refuses a device and a directory before reading', () => {
    expect(sh('$PGMEM plan --topology /dev/zero')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pgmem: error: /dev/zero: not a regular file or a pipe\n',
    });
    expect(sh('$PGMEM plan --topology .')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pgmem: error: .: is a directory\n',
    });
  });

  it('stops an endless pipe and endless standard input at 64 MiB', () => {
    const pipe = sh('$PGMEM plan --topology <(yes)');
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toMatch(/^pgmem: error: \/dev\/fd\/\d+: too large: more than 64 MiB\n$/);
    expect(sh('yes | $PGMEM plan --topology -')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pgmem: error: <stdin>: too large: more than 64 MiB\n',
    });
    const json = sh('yes | $PGMEM check --topology - --json /dev/null');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'input', message: '<stdin>: too large: more than 64 MiB', exitCode: 2 },
    });
  });

  it('reads a pipe and standard input that end', () => {
    for (const script of [
      '$PGMEM plan --topology <(cat topology.yaml) --json',
      '$PGMEM plan --topology - --json < topology.yaml',
      'cat topology.yaml | $PGMEM plan --topology - --json',
    ]) {
      const r = sh(script);
      expect(r.stderr, script).toBe('');
      expect(r.code, script).toBe(0);
      expect((JSON.parse(r.stdout) as { connections: { clients: number } }).connections.clients, script).toBe(10);
    }
  });
});
