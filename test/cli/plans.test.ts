/** `--plans FILE...` on plan, check, inspect and recommend: the workload from EXPLAIN plans. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const pg18 = 'test/fixtures/plans/pg18';
interface Query {
  source: string;
  hungriest: boolean;
  planUnknown: boolean;
  workers: number;
  nodes: { nodeType: string; kind: string; budgetBytes: number; processes: number }[];
}
interface Report {
  workload: { sortOps: number; hashOps: number; queries: Query[] };
  perBackend: { worstCaseBytes: number };
}

const MiB = 1024 * 1024;

describe('--plans', () => {
  it('plan: every plan of the files is a query; the hungriest sets the per-backend worst case', async () => {
    const { code, stdout, stderr } = await runCli([
      'plan',
      '--clients',
      '10',
      '--work-mem',
      '4MB',
      '--hash-mem-multiplier',
      '2',
      '--plans',
      `${pg18}/index-lookup.json`,
      `${pg18}/several.json`,
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const queries = report.workload.queries;
    expect(queries.map((q) => q.source)).toEqual([
      `${pg18}/index-lookup.json#1`,
      `${pg18}/several.json#1`,
      `${pg18}/several.json#2`,
      `${pg18}/several.json#3`,
    ]);
    expect(queries.every((q) => !q.planUnknown)).toBe(true);
    expect(queries[0]!.nodes).toEqual([]);
    // several.json#3 (a materialized CTE under a merge join: one tuplestore, two sorts) is the hungriest.
    expect(queries.map((q) => q.hungriest)).toEqual([false, false, false, true]);
    expect(queries[3]!.nodes.map((n) => [n.nodeType, n.budgetBytes])).toEqual([
      ['Sort', 4 * MiB],
      ['CTE Scan', 4 * MiB],
      ['Sort', 4 * MiB],
    ]);
    expect(report.workload).toMatchObject({ sortOps: 3, hashOps: 0 });
  });

  it('plan: a Parallel Hash below a Gather of 2 workers is held by 3 processes', async () => {
    const { stdout } = await runCli([
      'plan',
      '--clients',
      '10',
      '--work-mem',
      '4MB',
      '--hash-mem-multiplier',
      '2',
      '--plans',
      `${pg18}/parallel-hash-join.json`,
      '--json',
    ]);
    const [query] = (JSON.parse(stdout) as Report).workload.queries;
    expect(query!.nodes).toMatchObject([
      { nodeType: 'Hash', kind: 'parallel-hash', budgetBytes: 8 * MiB, processes: 3 },
    ]);
    expect(query!.workers).toBe(2);
  });

  it('the table lists each plan with its memory nodes and bytes', async () => {
    const { stdout } = await runCli(['plan', '--clients', '10', '--work-mem', '4MB', '--plans', `${pg18}/window.json`]);
    expect(stdout).toContain(`▶ ${pg18}/window.json#1: `);
    expect(stdout).toContain('      WindowAgg 4 MiB\n      Sort 4 MiB\n');
  });

  it('check and recommend take the plans too; recommend records them for check', async () => {
    const check = await runCli([
      'check',
      'examples/vm-small/postgresql.conf',
      '--clients',
      '10',
      '--plans',
      `${pg18}/hash-join.json`,
      '--json',
    ]);
    expect((JSON.parse(check.stdout) as Report).workload.queries.map((q) => q.source)).toEqual([
      `${pg18}/hash-join.json#1`,
    ]);
    const rec = await runCli([
      'recommend',
      '--ram',
      '8GB',
      '--clients',
      '50',
      '--plans',
      `${pg18}/hash-join.json`,
      '--format',
      'conf',
    ]);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain(`# assumed: workload --plans ${pg18}/hash-join.json; topology --clients 50\n`);
  });

  it('bad input: one line naming the file, exit 2', async () => {
    const notPlan = await runCli(['plan', '--clients', '1', '--plans', 'examples/vm-small/postgresql.conf']);
    expect(notPlan.code).toBe(2);
    expect(notPlan.stderr).toMatch(
      /^pgmem: error: examples\/vm-small\/postgresql\.conf:\d+: not an EXPLAIN \(FORMAT JSON\) plan[^\n]*\n$/,
    );
    const missing = await runCli(['plan', '--clients', '1', '--plans', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('pgmem: error: nope.json: no such file\n');
    const older = await runCli(['plan', '--clients', '1', '--pg-version', '13', '--plans', `${pg18}/memoize.json`]);
    expect(older.code).toBe(2);
    expect(older.stderr).toBe(
      `pgmem: error: ${pg18}/memoize.json:1: plan 1, Plan.Plans[1]: Memoize nodes exist from PostgreSQL 14, not in 13; give the server's version (--pg-version)\n`,
    );
    const both = await runCli(['plan', '--clients', '1', '--workload', 'oltp', '--plans', `${pg18}/sort.json`]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('pgmem: error: --plans: give either --plans or --workload, not both\n');
  });
});
