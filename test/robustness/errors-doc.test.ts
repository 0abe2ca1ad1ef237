/**
 * docs/errors.md lists every exit code, every error class and code, and every error with a command
 * that produces it: each row is run and must give the documented exit code, standard error and JSON
 * error. The README's "Errors and exit codes" section links it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import * as errors from '../../src/errors.js';
import { ExitCode } from '../../src/errors.js';
import { FAIL_ON } from '../../src/cli/exit-code.js';
import { projectRoot, runCli } from '../support/cli.js';

interface Row {
  readonly exit: number;
  readonly code: string | null;
  readonly args: string[] | null;
  readonly stderr: string | null;
}

const ERRORS_DOC = join(projectRoot, 'docs', 'errors.md');

/** The cells of each row of the table in docs/errors.md whose header starts with `header`. */
function tableRows(header: string): string[][] {
  const lines = readFileSync(ERRORS_DOC, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `a table headed ${header}`).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(/ \| /).map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim()));
  }
  return rows;
}

/** The rows of the table whose header is `| Exit | \`error.code\` | Example | Standard error |`. */
function documentedRows(): Row[] {
  const rows: Row[] = [];
  for (const cells of tableRows('| Exit | `error.code` |')) {
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
  writeFileSync(join(dir, 'bad.yaml'), 'apps:\n  - name: web\n    pods: 2\nbogus: 1\n');
  writeFileSync(join(dir, 'broken.yaml'), 'apps: [\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs/errors.md: errors and exit codes', () => {
  const rows = documentedRows();

  it('the exit code table lists every ExitCode, by name and value', () => {
    const table = tableRows('| Exit | `ExitCode` |').map((cells) => [Number(cells[0]), cells[1]]);
    expect(table).toEqual(Object.entries(ExitCode).map(([name, code]) => [code, `\`${name}\``]));
  });

  it('names every --fail-on threshold', () => {
    const text = readFileSync(ERRORS_DOC, 'utf8');
    const sentence = /The threshold is `--fail-on`[\s\S]*?\n\n/.exec(text)?.[0] ?? '';
    for (const threshold of FAIL_ON) expect(sentence).toContain(`\`${threshold}\``);
  });

  it('gives every exit code an example', () => {
    expect([...new Set(rows.map((r) => r.exit))].sort()).toEqual(Object.values(ExitCode).sort());
  });

  it('the class table lists every error class pgmem has, with its code and exit code', () => {
    const table = tableRows('| `error.code` | Class |').map((cells) => cells.slice(0, 3).join(' '));
    const classes = Object.entries(errors).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof errors.PgmemError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(3);
    for (const [name, Class] of classes) {
      const error = new (Class as new (message: string) => errors.PgmemError)('x');
      expect(table).toContain(`\`${error.code}\` \`${name}\` ${error.exitCode}`);
      expect(rows.some((r) => r.code === error.code)).toBe(true);
    }
    expect(table).toContain('`internal` any other error 3');
  });

  it("documents every code of recommend's failures, with exit 1", () => {
    const source = readFileSync(join(projectRoot, 'src/core/recommend.ts'), 'utf8');
    const union = /export type RecommendFailureCode =([^;]+);/.exec(source)?.[1] ?? '';
    const codes = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    for (const code of codes) expect(rows.filter((r) => r.code === code).map((r) => r.exit)).toEqual([1]);
  });

  it('the README links it', () => {
    expect(readFileSync(join(projectRoot, 'README.md'), 'utf8')).toContain('[docs/errors.md](docs/errors.md)');
  });

  for (const row of rows.filter((r) => r.args !== null)) {
    it(`pgmem ${row.args!.join(' ')} → exit ${row.exit}`, async () => {
      const plain = await runCli(row.args!, { cwd: dir });
      expect(plain.code).toBe(row.exit);
      expect(plain.stderr).toBe(row.stderr === null ? '' : `${row.stderr}\n`);

      // The same with --json, for the commands that have it (and unless --format already says).
      if (!['plan', 'check', 'inspect', 'recommend'].includes(row.args![0]!) || row.args!.includes('--format')) return;
      const json = await runCli([...row.args!, '--json'], { cwd: dir });
      expect(json.code).toBe(row.exit);
      const doc = JSON.parse(json.stdout) as { error?: { code: string; message: string; exitCode: number } };
      if (row.args![0] === 'recommend' && row.exit === ExitCode.Findings) {
        // recommend's own document: its error carries the budget too.
        expect(doc.error).toEqual({
          code: row.code,
          message: row.stderr!.replace(/^pgmem: error: /, ''),
          exitCode: row.exit,
          budgetBytes: expect.any(Number),
        });
      } else if (row.code === null) {
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
