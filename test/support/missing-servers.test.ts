/**
 * A real-server suite must not pass by verifying nothing: in CI (CI=true) a missing server fails it, outside
 * CI it is skipped with a printed reason. PGMEM_TEST_HIDE_SERVERS makes installed servers look missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './cli.js';

/** Runs one suite in a child vitest with the given environment changes; CI is removed unless set here. */
function runSuite(file: string, env: Record<string, string>): { status: number | null; output: string } {
  const { CI: _ci, ...inherited } = process.env;
  const r = spawnSync(join(projectRoot, 'node_modules', '.bin', 'vitest'), ['run', file], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...inherited, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Imports pg-binaries.mjs in a child node and asks for servers. */
function requireIn(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const { CI: _ci, ...inherited } = process.env;
  const script = `
    const { requireServers } = await import(${JSON.stringify(join(projectRoot, 'test', 'support', 'pg-binaries.mjs'))});
    const servers = requireServers('demo suite', { embedded: [15], distribution: [15] });
    console.log(JSON.stringify(servers.map((s) => s.label)));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('missing servers', () => {
  it('CI=true: requireServers throws, naming the suite and the server', () => {
    const r = requireIn({ CI: 'true', PGMEM_TEST_HIDE_SERVERS: 'distribution:15' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "demo suite: PostgreSQL 15 (Debian): Debian's postgresql-15 (/usr/lib/postgresql/15/bin) is not installed — CI must run it",
    );
  });

  it('outside CI: the missing server is left out, with a printed reason', () => {
    for (const ci of [{}, { CI: 'false' }, { CI: '0' }] as Record<string, string>[]) {
      const r = requireIn({ ...ci, PGMEM_TEST_HIDE_SERVERS: 'embedded:15,distribution:15' });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      expect(r.stderr).toContain('pgmem tests: demo suite: skipping PostgreSQL 15 (embedded): npm alias pg15');
      expect(r.stderr).toContain("pgmem tests: demo suite: skipping PostgreSQL 15 (Debian): Debian's postgresql-15");
    }
  });

  it("CI=true: the shared memory oracle suite fails when Debian's server is missing; without CI it skips and says why", () => {
    const suite = 'test/core/shmem-fidelity.test.ts';
    const failing = runSuite(suite, { CI: 'true', PGMEM_TEST_HIDE_SERVERS: 'distribution:15' });
    expect(failing.status).toBe(1);
    expect(failing.output).toContain("shared memory oracle: PostgreSQL 15 (Debian): Debian's postgresql-15");
    expect(failing.output).toMatch(/Test Files\s+1 failed/);

    const skipped = runSuite(suite, { PGMEM_TEST_HIDE_SERVERS: 'all' });
    expect(skipped.status).toBe(0);
    expect(skipped.output).toContain('pgmem tests: shared memory oracle: skipping PostgreSQL 13 (embedded)');
    expect(skipped.output).toMatch(/Tests\s+\d+ skipped/);
  });

  it("CI=true: the backend-memory bench's suite fails when Debian's server is missing", () => {
    const failing = runSuite('test/bench/backend-memory.test.ts', {
      CI: 'true',
      PGMEM_TEST_HIDE_SERVERS: 'distribution:15',
    });
    expect(failing.status).toBe(1);
    expect(failing.output).toContain("backend-memory bench: PostgreSQL 15 (Debian): Debian's postgresql-15");
    expect(failing.output).toMatch(/Test Files\s+1 failed/);
  });
});
