/**
 * The README's examples as data: every ```console block is a list of `$ command` lines, each followed
 * by the output it prints. A line `…` in the output stands for lines left out. A ```js block whose
 * first line is `// NAME.mjs` is a script that `$ node NAME.mjs` in a later console block runs,
 * importing the package by its name (`@pgmem/cli`, the built library).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, spawnCli } from './cli.js';

export const readmePath = join(projectRoot, 'README.md');

/** One command of a console block and what the README says it prints. */
export interface ReadmeExample {
  readonly command: string;
  readonly expected: string[];
  /** Line numbers (0-based) of the expected output in the README. */
  readonly start: number;
  readonly end: number;
}

/** Every command in the README's console blocks. */
export function readmeExamples(text = readFileSync(readmePath, 'utf8')): ReadmeExample[] {
  const lines = text.split('\n');
  const examples: ReadmeExample[] = [];
  let inConsole = false;
  let current: { command: string; start: number; expected: string[] } | null = null;
  const close = (end: number): void => {
    if (current) examples.push({ ...current, end });
    current = null;
  };
  lines.forEach((line, i) => {
    if (!inConsole) {
      inConsole = line.trim() === '```console';
      return;
    }
    if (line.trim() === '```') {
      close(i);
      inConsole = false;
    } else if (line.startsWith('$ ')) {
      close(i);
      current = { command: line.slice(2), start: i + 1, expected: [] };
    } else if (current) {
      current.expected.push(line);
    }
  });
  return examples;
}

/** Splits a shell command line the simple way: spaces, single and double quotes. */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = pattern.exec(command); m; m = pattern.exec(command)) args.push(m[1] ?? m[2] ?? m[3]!);
  return args;
}

/** The ```js blocks named by a first line `// NAME.mjs`: their source by name. */
export function readmeScripts(text = readFileSync(readmePath, 'utf8')): Map<string, string> {
  const scripts = new Map<string, string>();
  for (const m of text.matchAll(/^```js\n\/\/ ([\w.-]+\.mjs)\n([\s\S]*?)^```$/gm)) scripts.set(m[1]!, m[2]!);
  return scripts;
}

/**
 * Runs a script in the project directory, where Node resolves `@pgmem/cli` to the package itself
 * (its "exports": the built dist/lib): as a user who installed it would import it.
 */
function runScript(name: string, source: string): { code: number; output: string } {
  const root = join(projectRoot, '.tmp');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'readme-'));
  try {
    writeFileSync(join(dir, name), source);
    const result = spawnSync(process.execPath, [join(dir, name)], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    return { code: result.status ?? -1, output: result.stdout + result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let lastExitCode = 0;

/**
 * Runs a README command (`pgmem …`, `npx pgmem …`, `echo $?`, or `node NAME.mjs` for a script of
 * `scripts`) and returns what it prints.
 */
export function runReadmeCommand(command: string, scripts: ReadonlyMap<string, string> = readmeScripts()): string {
  const args = splitCommand(command);
  if (args[0] === 'echo' && args[1] === '$?') return `${lastExitCode}\n`;
  if (args[0] === 'node' && args.length === 2 && scripts.has(args[1]!)) {
    const { code, output } = runScript(args[1]!, scripts.get(args[1]!)!);
    lastExitCode = code;
    return output;
  }
  if (args[0] === 'npx') args.shift();
  if (args[0] !== 'pgmem') throw new Error(`README command not runnable here: ${command}`);
  const result = spawnCli(args.slice(1), { env: { NO_COLOR: '1', COLUMNS: '120' } });
  lastExitCode = result.code;
  return result.stdout + result.stderr;
}

/** Whether output matches the README's expectation, where `…` lines skip any number of lines. */
export function matchesExcerpt(actual: string, expected: readonly string[]): boolean {
  const lines = actual.replace(/\n$/, '').split('\n');
  const chunks: string[][] = [[]];
  for (const line of expected) {
    if (line === '…') chunks.push([]);
    else chunks[chunks.length - 1]!.push(line);
  }
  const anchoredStart = expected[0] !== '…';
  const anchoredEnd = expected[expected.length - 1] !== '…';
  let at = 0;
  for (const [index, chunk] of chunks.entries()) {
    if (chunk.length === 0) continue;
    let found = -1;
    for (let i = at; i + chunk.length <= lines.length; i++) {
      if (chunk.every((line, j) => lines[i + j] === line)) {
        found = i;
        break;
      }
      if (index === 0 && anchoredStart) break;
    }
    if (found === -1) return false;
    at = found + chunk.length;
  }
  return !anchoredEnd || at === lines.length;
}
