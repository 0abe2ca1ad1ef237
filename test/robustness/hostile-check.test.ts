/**
 * Hostile files through the built `pgmem check` (a spawned process, as in CI): binary garbage, a
 * 100 MB file, include cycles, an include of a directory or of /dev/zero, deep include nesting, a
 * line of a million characters. Each ends, with a clear error (one line, or an error finding that
 * names the file and line), never a hang, a crash or a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReportSchema } from '../../src/core/report-schema.js';
import { binPath } from '../support/cli.js';

let dir: string;

/** Runs the built bin in `dir`; a run that does not end within the bound fails the test. */
function check(args: readonly string[]): {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [binPath, 'check', '--no-auto-conf', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  if (r.error) throw r.error; // ETIMEDOUT: the run did not end
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** No stack trace, no internal error, a clean exit. */
function expectControlled(r: ReturnType<typeof check>): void {
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/internal error/);
  expect([0, 1, 2]).toContain(r.code);
}

/**
 * `check --json` on `file`: its error finding about the configuration, which names the file, and
 * the line when the fault sits on one (a file too large as a whole has no line to name).
 */
function errorFinding(
  file: string,
  { line = true } = {},
): { id: string; message: string; file?: string; line?: number } {
  const r = check([file, '--json']);
  expectControlled(r);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as {
    findings: { id: string; severity: string; message: string; file?: string; line?: number }[];
  };
  expect(planReportSchema.safeParse(report).success).toBe(true);
  const finding = report.findings.find(
    (f) =>
      f.severity === 'error' &&
      (f.id.startsWith('config-') || f.id === 'invalid-setting') &&
      (!line || f.line !== undefined),
  );
  expect(finding).toBeDefined();
  expect(finding!.file).toEqual(expect.any(String));
  if (line) expect(finding!.line).toBeGreaterThanOrEqual(1);
  // The table output says the same in a bounded, trace-free way.
  const table = check([file]);
  expectControlled(table);
  expect(table.code).toBe(1);
  return finding!;
}

/** One line on stderr, exit 2, in table and JSON form. */
function usageError(file: string): string {
  const r = check([file]);
  expectControlled(r);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^pgmem: error: [^\n]+\n$/);
  const json = check([file, '--json']);
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout)).toEqual({
    schemaVersion: 1,
    error: { code: 'input', exitCode: 2, message: r.stderr.slice('pgmem: error: '.length, -1) },
  });
  return r.stderr;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgmem-hostile-'));
  // Binary garbage: every byte value, in a fixed pseudo-random order.
  const garbage = new Uint8Array(64 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < garbage.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    garbage[i] = x & 0xff;
  }
  writeFileSync(join(dir, 'garbage.conf'), garbage);
  // 100 MB of valid lines: too large to read whole, whatever it says.
  const fd = openSync(join(dir, 'huge.conf'), 'w');
  const block = Buffer.from('work_mem = 4MB\n'.repeat(1 << 16));
  for (let written = 0; written < 100 * 1024 * 1024; written += block.length) writeSync(fd, block);
  closeSync(fd);
  writeFileSync(join(dir, 'cycle-a.conf'), "work_mem = 8MB\ninclude 'cycle-b.conf'\n");
  writeFileSync(join(dir, 'cycle-b.conf'), "include 'cycle-a.conf'\n");
  writeFileSync(join(dir, 'self.conf'), "include 'self.conf'\n");
  mkdirSync(join(dir, 'a-directory'));
  writeFileSync(join(dir, 'include-dir.conf'), "shared_buffers = 1GB\ninclude 'a-directory'\n");
  writeFileSync(join(dir, 'include-zero.conf'), "include '/dev/zero'\n");
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, `deep-${i}.conf`), `include 'deep-${i + 1}.conf'\n`);
  writeFileSync(join(dir, 'deep-40.conf'), 'work_mem = 4MB\n');
  writeFileSync(join(dir, 'long-value.conf'), `work_mem = 4MB\nmyext.blob = '${'x'.repeat(1_000_000)}'\n`);
  writeFileSync(join(dir, 'long-junk.conf'), `work_mem = 4MB\n${'='.repeat(1_000_000)}\n`);
  writeFileSync(join(dir, 'long-name.conf'), `${'a'.repeat(1_000_000)} = 1\n`);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pgmem check on hostile files', () => {
  it('binary garbage: a syntax error finding with its file and line', () => {
    const f = errorFinding('garbage.conf');
    expect(f.id).toBe('config-syntax-error');
    expect(f.file).toBe('garbage.conf');
  });

  it('a 100 MB file: refused as too large, as an error finding', () => {
    const f = errorFinding('huge.conf', { line: false });
    expect(f.file).toBe('huge.conf');
    expect(f.id).toBe('config-too-large');
    expect(f.message).toMatch(/too large/);
  });

  it('an include cycle, direct or through another file: an include error', () => {
    expect(errorFinding('self.conf')).toMatchObject({
      id: 'config-include-error',
      message: expect.stringMatching(/recursion/),
    });
    expect(errorFinding('cycle-a.conf').message).toMatch(/recursion|maximum nesting depth exceeded/);
  });

  it("an include of a directory: the server's scanner error", () => {
    expect(errorFinding('include-dir.conf').message).toMatch(/input in flex scanner failed/);
  });

  it('an include of /dev/zero: bounded, refused as too large', () => {
    expect(errorFinding('include-zero.conf')).toMatchObject({
      id: 'config-too-large',
      message: expect.stringMatching(/too large/),
    });
  });

  it("includes nested 40 deep: the server's depth limit", () => {
    const f = errorFinding('deep-0.conf');
    expect(f.message).toMatch(/maximum nesting depth exceeded/);
  });

  it('a line of a million characters: read (a custom value) or a syntax error, never a hang', () => {
    const ok = check(['long-value.conf', '--json']);
    expectControlled(ok);
    expect(JSON.parse(ok.stdout).config.valid).toBe(true);
    expect(errorFinding('long-junk.conf').id).toBe('config-syntax-error');
    // A million-character name is not a setting the server knows.
    expect(errorFinding('long-name.conf').id).toBe('invalid-setting');
  });

  it('a directory, /dev/zero or a missing file as the configuration itself: one line, exit 2', () => {
    expect(usageError('a-directory')).toMatch(/a-directory: is a directory/);
    expect(usageError('/dev/zero')).toMatch(/\/dev\/zero: not a regular file/);
    expect(usageError('no-such.conf')).toMatch(/no-such\.conf: no such file/);
  });

  it('a thousand files in one call: every one judged, one report each', () => {
    const files: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = `many-${i}.conf`;
      writeFileSync(join(dir, name), `work_mem = ${(i % 64) + 1}MB\nmax_connections = ${100 + i}\n`);
      files.push(name);
    }
    const r = check([...files, '--json', '--fail-on', 'none']);
    expectControlled(r);
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.stdout) as {
      results: { config: { file: string }; connections: { maxConnections: number } }[];
    };
    expect(results.map((x) => x.config.file)).toEqual(files);
    expect(results.map((x) => x.connections.maxConnections)).toEqual(files.map((_, i) => 100 + i));
  });
});
