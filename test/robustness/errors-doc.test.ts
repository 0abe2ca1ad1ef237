/**
 * The README's "Errors and exit codes" section lists every error and exit code with a command that produces it: each row is run
 * and must give the documented exit code, standard error and JSON error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { projectRoot, runCli } from '../support/cli.js';

interface Row {
  readonly exit: number;
  readonly code: string | null;
  readonly args: string[] | null;
  readonly stderr: string | null;
}

/** The rows of the table whose header is `| Exit | \`error.code\` | Example | Standard error |`. */
function documentedRows(): Row[] {
  const text = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Exit | `error.code` |'));
  expect(start).toBeGreaterThan(0);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/ \| /).map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    const unquote = (c: string): string | null => (c === '—' ? null : (/^`(.*)`$/.exec(c)?.[1] ?? null));
    const example = unquote(cells[2]!);
    rows.push({
      exit: Number(cells[0]),
      code: unquote(cells[1]!),
      args: example?.startsWith('pgmem ') ? example.slice('pgmem '.length).split(' ') : null,
      stderr: unquote(cells[3]!),
    });
  }
  return rows;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgmem-errors-'));
  writeFileSync(join(dir, 'bad.conf'), 'work_mem = = 4MB\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README: errors and exit codes', () => {
  const rows = documentedRows();

  it('documents every exit code', () => {
    expect([...new Set(rows.map((r) => r.exit))].sort()).toEqual(Object.values(ExitCode).sort());
  });

  for (const row of rows.filter((r) => r.args !== null)) {
    it(`pgmem ${row.args!.join(' ')} → exit ${row.exit}`, async () => {
      const plain = await runCli(row.args!, { cwd: dir });
      expect(plain.code).toBe(row.exit);
      expect(plain.stderr).toBe(row.stderr === null ? '' : `${row.stderr}\n`);

      // The same with --json, for the commands that have it (and unless --format already says).
      if (!['plan', 'check', 'inspect'].includes(row.args![0]!) || row.args!.includes('--format')) return;
      const json = await runCli([...row.args!, '--json'], { cwd: dir });
      expect(json.code).toBe(row.exit);
      const doc = JSON.parse(json.stdout) as { error?: { code: string; message: string; exitCode: number } };
      if (row.code === null) {
        expect(doc.error).toBeUndefined();
      } else {
        expect(doc.error).toEqual({
          code: row.code,
          message: row.stderr!.replace(/^pgmem: error: /, ''),
          exitCode: row.exit,
        });
      }
    });
  }

  it('exit 3: a failure inside pgmem is one line, "internal error", no stack trace', async () => {
    const row = rows.find((r) => r.exit === ExitCode.Internal)!;
    expect(row.code).toBe('internal');
    let stderr = '';
    let stdout = '';
    const code = await run(['plan', '--pods', '5', '--pool', '10', '--json'], {
      // The output stream itself fails: nothing pgmem knows as a user's mistake.
      stdout: {
        write: (s: string) => {
          if (s.includes('"totals"')) throw new TypeError('stream exploded');
          stdout += s;
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      cwd: dir,
    });
    expect(code).toBe(3);
    expect(stderr).toBe('pgmem: error: internal error: stream exploded\n');
    expect(JSON.parse(stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'internal', message: 'internal error: stream exploded', exitCode: 3 },
    });
  });
});
