/** `--pgbouncer` and a topology's `poolers[].ini` through the CLI. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const json = (stdout: string) =>
  JSON.parse(stdout) as {
    topology: {
      poolers: {
        processes: number;
        serverConnections: number;
        pools: { database: string; user: string; serverConnections: number; source: string | null }[];
      }[];
    };
    connections: { backends: number };
  };

describe('pgbouncer.ini through the CLI', () => {
  it('--pgbouncer alone: max_client_conn clients of any users, bounded by the entries', async () => {
    const result = await runCli(['plan', '--pgbouncer', 'examples/pgbouncer/pgbouncer.ini', '--json']);
    expect(result.code).toBe(0);
    const pooler = json(result.stdout).topology.poolers[0]!;
    expect(pooler.serverConnections).toBe(67);
    expect(json(result.stdout).connections.backends).toBe(67);
  });

  it('--clients through it: never more server connections than clients', async () => {
    const result = await runCli([
      'plan',
      '--pgbouncer',
      'examples/pgbouncer/pgbouncer.ini',
      '--clients',
      '40',
      '--json',
    ]);
    expect(json(result.stdout).topology.poolers[0]!.serverConnections).toBe(40);
  });

  it('a topology names the ini relative to itself; apps pick pools by database and role', async () => {
    const result = await runCli(['plan', '--topology', 'examples/pgbouncer/topology.yaml', '--json']);
    expect(result.code).toBe(0);
    const pooler = json(result.stdout).topology.poolers[0]!;
    expect(pooler.processes).toBe(2);
    expect(pooler.pools.map((p) => [p.database, p.user, p.serverConnections, p.source])).toEqual([
      ['orders', 'web', 100, 'examples/pgbouncer/pgbouncer.ini:4'],
      ['orders', 'batch', 30, 'examples/pgbouncer/pgbouncer.ini:4'],
      ['reports', 'reporting', 28, 'examples/pgbouncer/pgbouncer.ini:6'],
    ]);
  });

  it('unknown keys warn; bad values exit 2 naming file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgmem-ini-'));
    writeFileSync(join(dir, 'ok.ini'), '[databases]\napp = host=x\n[pgbouncer]\nfrobnicate = 1\n');
    writeFileSync(join(dir, 'bad.ini'), '[databases]\napp = host=x pool_size=lots\n');
    const ok = await runCli(['plan', '--pgbouncer', 'ok.ini'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('pgmem: warning: ok.ini:4: unknown setting frobnicate, ignored\n');
    const bad = await runCli(['plan', '--pgbouncer', 'bad.ini'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'pgmem: error: bad.ini:2: [databases] app: pool_size: expected an integer >= 0, got "lots"\n',
    );
    const missing = await runCli(['plan', '--pgbouncer', 'none.ini'], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([2, 'pgmem: error: none.ini: no such file\n']);
    const both = await runCli(['plan', '--pgbouncer', 'ok.ini', '--topology', 'x.yaml'], { cwd: dir });
    expect(both.code).toBe(2);
  });
});
