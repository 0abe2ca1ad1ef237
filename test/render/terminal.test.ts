/**
 * Terminal safety of table and GitHub output: control characters from files and arguments are shown
 * as escapes, a huge value is cut in the message that echoes it, and a report prints at most
 * MAX_FINDINGS_SHOWN findings with a count of the rest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capText, escapeControls, MAX_FINDINGS_SHOWN, MAX_MESSAGE_CHARS } from '../../src/render/terminal.js';
import { runCli } from '../support/cli.js';

// Every control character a terminal acts on, and the bidirectional overrides.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('escapeControls and capText', () => {
  it('writes control characters as visible escapes and leaves other text alone', () => {
    expect(escapeControls('a\u001b[31mb\rc\nd\te\u0007f\u009bg\u202eh é ✓')).toBe(
      'a\\e[31mb\\rc\\nd\\te\\x07f\\x9bg\\u202eh é ✓',
    );
  });

  it('cuts long text and says how much was left out', () => {
    expect(capText('x'.repeat(MAX_MESSAGE_CHARS))).toBe('x'.repeat(MAX_MESSAGE_CHARS));
    expect(capText('x'.repeat(MAX_MESSAGE_CHARS + 1234))).toBe(
      `${'x'.repeat(MAX_MESSAGE_CHARS)}… (1,234 more characters)`,
    );
  });
});

describe('table and github output', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgmem-terminal-'));
    writeFileSync(
      join(dir, 'evil.conf'),
      "work_mem = '\u001b]0;owned\u0007\u001b[2J\rfine'\nmax_connections = 'x\u202e'\n",
    );
    writeFileSync(join(dir, 'huge.conf'), `work_mem = '${'9'.repeat(200_000)}MB'\n`);
    writeFileSync(
      join(dir, 'many.conf'),
      `${Array.from({ length: MAX_FINDINGS_SHOWN + 7 }, (_, i) => `no_such_setting_${i} = 1`).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'apps.yaml'), 'apps:\n  - { name: "web\\e[5mblink", pods: 2, pool: 5 }\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pgmem = (args: string[]) => runCli(args, { cwd: dir });

  it('escapes control characters from a configuration file', async () => {
    for (const format of ['table', 'github']) {
      const r = await pgmem(['check', '--no-auto-conf', '--format', format, 'evil.conf']);
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).not.toMatch(RAW);
      expect(r.stdout, format).toContain('\\e]0;owned\\x07\\e[2J\\rfine');
    }
    // JSON keeps the value as it is (JSON escapes it itself).
    const json = await pgmem(['check', '--no-auto-conf', '--json', 'evil.conf']);
    expect(json.stdout).toContain('\\u001b]0;owned');
  });

  it('escapes control characters from topology names and arguments', async () => {
    const table = await pgmem(['plan', '--topology', 'apps.yaml']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('web\\e[5mblink');
    expect(table.stdout).not.toContain('\u001b');
    const arg = await pgmem(['plan', '--set', 'work_mem=\u001b[31mred']);
    expect(arg.code).toBe(2);
    expect(arg.stderr).toBe(
      'pgmem: error: --set work_mem=\\e[31mred: invalid value for parameter "work_mem": "\\e[31mred"\n',
    );
  });

  it('cuts a huge value in the message that echoes it', async () => {
    const r = await pgmem(['check', '--no-auto-conf', 'huge.conf']);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(r.stdout).toMatch(/work_mem.*more characters\)/);
  });

  it('prints at most MAX_FINDINGS_SHOWN findings per file and counts the rest', async () => {
    const json = await pgmem(['check', '--no-auto-conf', '--json', 'many.conf']);
    const total = (JSON.parse(json.stdout) as { findings: unknown[] }).findings.length;
    expect(total).toBeGreaterThanOrEqual(MAX_FINDINGS_SHOWN + 7);
    const table = await pgmem(['check', '--no-auto-conf', 'many.conf']);
    expect(table.stdout.split('\n').filter((l) => /^(error|warning|info) /.test(l)).length).toBe(MAX_FINDINGS_SHOWN);
    expect(table.stdout).toContain(`… and ${total - MAX_FINDINGS_SHOWN} more findings (--json lists all)`);
    const github = await pgmem(['check', '--no-auto-conf', '--format', 'github', 'many.conf']);
    expect(
      github.stdout.split('\n').filter((l) => /^::(error|warning|notice) file=many.conf,line=/.test(l)).length,
    ).toBe(MAX_FINDINGS_SHOWN);
    expect(github.stdout).toContain(
      `::notice file=many.conf,title=pgmem::${total - MAX_FINDINGS_SHOWN} more findings not shown; pgmem check --json lists all`,
    );
  });
});
