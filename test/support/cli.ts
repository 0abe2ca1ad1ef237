/** Running pgmem as a user would: in-process through run(), or as a spawned process of the built bin. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/run.js';
import type { ConfFileSystem } from '../../src/input/conf/index.js';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binPath = join(projectRoot, 'bin', 'pgmem.cjs');

/** What a run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output (no TTY, NO_COLOR unless env says otherwise). */
export async function runCli(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string; tty?: boolean; confFs?: ConfFileSystem } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? { NO_COLOR: '1' },
    cwd: options.cwd ?? projectRoot,
    ...(options.confFs && { confFs: options.confFs }),
  });
  return { code, stdout, stderr };
}

/** Spawns the built bin (npm test builds first), as a shell user would run it. */
export function spawnCli(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): CliResult {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? projectRoot,
    input: options.stdin ?? '',
    env: { PATH: process.env.PATH ?? '', ...(options.env ?? { NO_COLOR: '1' }) },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
