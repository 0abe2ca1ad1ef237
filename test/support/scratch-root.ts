/**
 * One scratch root per test run. Every server data directory, socket directory and generated file
 * set the suites make goes below it, and the run removes it when it ends, however its workers ended:
 * a worker killed at the end of a run never runs its own exit handlers, and data directory copies
 * left behind by every run would fill the disk.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'pgmem-run-'));
  chmodSync(root, 0o755); // the unprivileged server user must reach the directories below it
  process.env.PGMEM_SCRATCH_ROOT = root;
  return () => rmSync(root, { recursive: true, force: true });
}
