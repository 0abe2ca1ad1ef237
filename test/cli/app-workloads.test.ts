/** Per-app workloads in a topology: each app's backends cost what its own queries cost (the built CLI). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planReportSchema } from '../../src/core/report-schema.js';
import { projectRoot, spawnCli } from '../support/cli.js';
import { scratchDir } from '../support/postgres.js';

interface Source {
  kind: string;
  origin: string;
  app: string | null;
  preset: string | null;
  files: string[];
}
interface Query {
  source: string;
  workers: number;
  hungriest: boolean;
  backendBytes: number;
  nodes: { nodeType: string; kind: string }[];
}
interface Report {
  workload: {
    source: Source;
    groups: { name: string; sources: Source[]; perBackendBytes: number; hungriestQuery: string; queries: Query[] }[];
  };
  topology: { groups: { name: string; perBackendBytes: number; bytes: number; ownWorkload: boolean }[] };
  totals: { worstCaseBytes: number };
  findings: { id: string; message: string; file?: string }[];
}

const tiers = 'examples/tiers/topology.yaml';
const fixtures = join(projectRoot, 'test/fixtures/plans/pg18');

function json(args: string[]): { report: Report; stderr: string } {
  const { code, stdout, stderr } = spawnCli([...args, '--json']);
  expect(code, stderr).toBe(0);
  // Every report is one the published schema describes.
  planReportSchema.parse(JSON.parse(stdout));
  return { report: JSON.parse(stdout) as Report, stderr };
}

/** A topology in a scratch directory, with plan files beside it. */
function scratchTopology(yaml: string, files: Record<string, string> = {}): string {
  const dir = scratchDir('pgmem-apps-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, 'topology.yaml'), yaml);
  return join(dir, 'topology.yaml');
}

describe('apps[].workload', () => {
  it("the tiers example: the API's lookups hold no memory node, the reporting tier's plans several", () => {
    const { report, stderr } = json(['plan', '--topology', tiers]);
    expect(stderr).toBe('');
    const group = (name: string) => report.workload.groups.find((g) => g.name === name)!;
    expect(group('api').sources).toEqual([
      {
        kind: 'plans',
        origin: 'app',
        app: 'api',
        preset: null,
        files: [
          'examples/tiers/api/customer-by-email.json',
          'examples/tiers/api/order-by-id.json',
          'examples/tiers/api/order-lines.json',
        ],
      },
    ]);
    expect(group('api').queries.every((q) => q.nodes.length === 0)).toBe(true);
    const reporting = group('reporting');
    expect(reporting.queries).toHaveLength(3);
    expect(reporting.queries.filter((q) => q.hungriest).map((q) => q.source)).toEqual([reporting.hungriestQuery]);
    const hungriest = reporting.queries.find((q) => q.hungriest)!;
    expect(hungriest.backendBytes).toBe(Math.max(...reporting.queries.map((q) => q.backendBytes)));
    expect(hungriest.nodes.length).toBeGreaterThan(4);
    // The admin sessions run the server's workload: pgmem's default.
    expect(group('admin').sources).toEqual([report.workload.source]);
    expect(report.workload.source).toMatchObject({ kind: 'preset', origin: 'default', preset: 'mixed' });
    const cost = (name: string) => report.topology.groups.find((g) => g.name === name)!.perBackendBytes;
    expect(cost('api')).toBeLessThan(cost('admin') / 10);
    expect(cost('reporting')).toBeGreaterThan(cost('admin'));
  });

  it("flags win over the topology: --workload replaces the apps' own workloads, and says so", () => {
    const own = json(['plan', '--topology', tiers]).report;
    const { report, stderr } = json(['plan', '--topology', tiers, '--workload', 'mixed']);
    expect(stderr).toBe(
      'pgmem: note: --workload replaces the own workload of apps api, reporting (flags win over the topology)\n',
    );
    expect(report.workload.groups.every((g) => g.sources[0]!.origin === 'flags')).toBe(true);
    expect(report.topology.groups.every((g) => !g.ownWorkload)).toBe(true);
    // 300 API backends with 2 sorts + 2 hashes each cost far more than index lookups.
    expect(report.totals.worstCaseBytes).toBeGreaterThan(own.totals.worstCaseBytes * 2);
  });

  it('the note names the apps as the terminal shows text from files: controls escaped', () => {
    const file = scratchTopology('{"apps": [{"name": "a\\u001b[2Jb", "pods": 1, "pool": 1, "workload": "olap"}]}\n');
    const { stderr } = spawnCli(['plan', '--topology', file, '--workload', 'oltp']);
    expect(stderr).toBe(
      'pgmem: note: --workload replaces the own workload of app a\\e[2Jb (flags win over the topology)\n',
    );
  });

  it("--no-parallel applies to the apps' own plans too", () => {
    const { report } = json(['plan', '--topology', tiers, '--no-parallel']);
    const reporting = report.workload.groups.find((g) => g.name === 'reporting')!;
    expect(reporting.sources[0]!.origin).toBe('app');
    expect(reporting.queries.every((q) => q.workers === 0)).toBe(true);
  });

  it('reads plan files relative to the topology file, presets and counts beside them', () => {
    const file = scratchTopology(
      [
        'server: { version: 18 }',
        'apps:',
        '  - { name: api, pods: 2, pool: 5, workload: { plans: plans/sort.json } }',
        '  - { name: web, pods: 1, pool: 5, workload: oltp }',
        '  - { name: jobs, pods: 1, pool: 1, workload: { sortOps: 3, hashOps: 0, parallel: false } }',
        'workload: { sortOps: 1, hashOps: 1 }',
        'reserved: { admin: 2 }',
      ].join('\n'),
      { 'plans/sort.json': `${fixtureText(join(fixtures, 'sort.json'))}` },
    );
    const { report } = json(['plan', '--topology', file]);
    const sources = Object.fromEntries(report.workload.groups.map((g) => [g.name, g.sources]));
    expect(sources.api![0]!.files).toEqual([join(file, '..', 'plans/sort.json')]);
    expect(sources.web).toEqual([{ kind: 'preset', origin: 'app', app: 'web', preset: 'oltp', files: [] }]);
    expect(sources.jobs).toEqual([{ kind: 'counts', origin: 'app', app: 'jobs', preset: null, files: [] }]);
    // The topology's workload section is the server's workload: the admin sessions run it.
    expect(sources.admin).toEqual([{ kind: 'counts', origin: 'topology', app: null, preset: null, files: [] }]);
  });

  it("a pgbouncer.ini's pools run the workloads of the apps they serve", () => {
    const ini = fixtureText(join(projectRoot, 'examples/pgbouncer/pgbouncer.ini'));
    const sort = join(fixtures, 'sort.json');
    const file = scratchTopology(
      [
        'server: { version: 17, settings: { max_connections: 400 } }',
        'apps:',
        '  - { name: web, pods: 4, pool: 40, via: pgbouncer, database: orders, role: { name: web }, workload: oltp }',
        '  - { name: batch, pods: 3, pool: 10, via: pgbouncer, database: orders, role: { name: batch } }',
        `  - { name: reports, pods: 2, pool: 20, via: pgbouncer, database: reports, workload: { plans: ${sort} } }`,
        'poolers:',
        '  - { name: pgbouncer, replicas: 2, processes: 2, ini: pgbouncer.ini }',
      ].join('\n'),
      { 'pgbouncer.ini': ini, 'local.ini': fixtureText(join(projectRoot, 'examples/pgbouncer/local.ini')) },
    );
    const { report } = json(['plan', '--topology', file]);
    const kinds = Object.fromEntries(
      report.workload.groups.map((g) => [g.name, g.sources.map((s) => `${s.kind}:${s.app ?? s.origin}`)]),
    );
    expect(kinds).toEqual({
      'pgbouncer: orders/web': ['preset:web'],
      'pgbouncer: orders/batch': ['preset:default'],
      'pgbouncer: reports/reporting': ['plans:reports'],
    });
  });

  it("reads auto_explain logs as --plans does: each logged plan is one of the app's queries", () => {
    const file = scratchTopology(
      'apps:\n  - { name: api, pods: 1, pool: 1, workload: { plans: [log/postgresql.log] } }\n',
      { 'log/postgresql.log': fixtureText(join(fixtures, 'auto-explain.log')) },
    );
    const { report } = json(['plan', '--topology', file]);
    const api = report.workload.groups.find((g) => g.name === 'api')!;
    expect(api.queries.map((q) => q.source)).toEqual(
      [1, 2, 3].map((n) => `${join(file, '..', 'log/postgresql.log')}#${n}`),
    );
  });

  it.each([
    ['a missing plan file', null, 'no such file'],
    ['a file that is not an EXPLAIN plan', '{"rows": [1, 2]}\n', 'not an EXPLAIN (FORMAT JSON) plan'],
    ['a truncated plan', '[\n  {\n    "Plan": {\n      "Node Type": "Sort",\n', 'truncated JSON'],
  ])('%s is one line naming the topology file, the app and the plan file, exit 2', (_what, text, reason) => {
    const file = scratchTopology(
      'apps:\n  - { name: api, pods: 1, pool: 1 }\n  - { name: reporting, pods: 1, pool: 1, workload: { plans: [q.json] } }\n',
      text === null ? {} : { 'q.json': text },
    );
    const shown = relative(projectRoot, file);
    const { code, stdout, stderr } = spawnCli(['plan', '--topology', shown]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(
        `^pgmem: error: ${escapeRe(shown)}: apps\\[1\\] \\(reporting\\)\\.workload\\.plans: ${escapeRe(join(shown, '..', 'q.json'))}(:\\d+)?: ${escapeRe(reason)}`,
      ),
    );
  });

  it("an app's plan nodes bounded only by the estimate, and node types pgmem does not know, are findings", () => {
    const unknown = JSON.stringify([{ Plan: { 'Node Type': 'Columnar Scan', 'Total Cost': 1 } }]);
    const file = scratchTopology(
      'apps:\n  - { name: api, pods: 1, pool: 1, workload: { plans: [setop.json, columnar.json] } }\n',
      { 'setop.json': fixtureText(join(fixtures, 'hashed-setop.json')), 'columnar.json': unknown },
    );
    const { report } = json(['plan', '--topology', file]);
    const dir = join(file, '..');
    expect(report.findings.filter((f) => f.id === 'estimate-bound-node')).toMatchObject([
      {
        file: join(dir, 'setop.json'),
        message: expect.stringContaining('plan 1, Plan: SetOp (hashed) has no memory limit'),
      },
    ]);
    expect(report.findings.filter((f) => f.id === 'unknown-node-type')).toMatchObject([
      {
        file: join(dir, 'columnar.json'),
        message: expect.stringContaining('does not know the node type "Columnar Scan"'),
      },
    ]);
  });

  it("a plan of a node type the topology's version lacks names the app", () => {
    const file = scratchTopology(
      'server: { version: 13 }\napps:\n  - { name: api, pods: 1, pool: 1, workload: { plans: memoize.json } }\n',
      { 'memoize.json': fixtureText(join(fixtures, 'memoize.json')) },
    );
    const { code, stderr } = spawnCli(['plan', '--topology', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(': apps[0] (api).workload.plans: ');
    expect(stderr).toContain('Memoize nodes exist from PostgreSQL 14, not in 13');
  });
});

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fixtureText(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('the connections table and plan lists', () => {
  it("show a Workload column and each group's own plans only when an app has its own workload", () => {
    const own = spawnCli(['plan', '--topology', tiers]).stdout;
    expect(own).toMatch(/│ Group +│ Pods │ Pool │ Connections │ Backends │ +Memory │ Workload +│/);
    expect(own).toMatch(/│ api +│ +30 │ +10 │ +300 │ +300 │ +[\d.]+ [GM]iB │ 3 plan files +│/);
    expect(own).toMatch(/│ admin +│.*│ mixed \(default\) +│/);
    expect(own).toContain(
      'Queries of api\n▶ examples/tiers/api/customer-by-email.json#1: 0 B per backend (hungriest)\n',
    );
    expect(own).toContain('Queries of reporting\n');
    const plain = spawnCli(['plan', '--topology', 'examples/vm-two-apps/topology.yaml']).stdout;
    expect(plain).not.toContain('Workload');
    expect(plain).not.toContain('Queries');
    const markdown = spawnCli(['plan', '--topology', tiers, '--format', 'markdown']).stdout;
    expect(markdown).toContain('| Group | Pods | Pool | Connections | Backends | Memory | Workload |');
    expect(markdown).toMatch(/^- reporting: \*\*hungriest\*\* `examples\/tiers\/reporting\/top-customers\.json#1`/m);
  });
});

describe("the server workload's source", () => {
  it.each([
    [['--workload', 'olap'], { kind: 'preset', origin: 'flags', preset: 'olap', files: [] }],
    [[], { kind: 'preset', origin: 'default', preset: 'mixed', files: [] }],
    [
      ['--plans', 'test/fixtures/plans/pg18/sort.json'],
      { kind: 'plans', origin: 'flags', preset: null, files: ['test/fixtures/plans/pg18/sort.json'] },
    ],
  ])('recommend %j: its plan records it', (flags, source) => {
    const { code, stdout } = spawnCli([
      'recommend',
      '--ram',
      '16GB',
      '--pods',
      '5',
      '--pool',
      '20',
      ...flags,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).plan.workload.source).toEqual({ app: null, ...source });
  });

  it('plan --sort-ops: node count flags', () => {
    expect(json(['plan', '--sort-ops', '3']).report.workload.source).toEqual({
      kind: 'flags',
      origin: 'flags',
      app: null,
      preset: null,
      files: [],
    });
  });
});

describe("the topology's workload section: the vocabulary of an app's", () => {
  const topology = (workload: string, files: Record<string, string> = {}) =>
    scratchTopology(
      [
        'server: { version: 18, ram: 16GB }',
        'apps:',
        '  - { name: web, pods: 2, pool: 5 }',
        '  - { name: api, pods: 2, pool: 5, workload: oltp }',
        `workload: ${workload}`,
      ].join('\n'),
      files,
    );
  const server = (report: Report) => report.workload.groups.find((g) => g.name === 'web')!;

  it('a preset: every group without its own runs it', () => {
    const { report } = json(['plan', '--topology', topology('olap')]);
    expect(report.workload.source).toEqual({
      kind: 'preset',
      origin: 'topology',
      app: null,
      preset: 'olap',
      files: [],
    });
    expect(server(report).sources).toEqual([report.workload.source]);
    expect((report.workload as unknown as { sortOps: number; hashOps: number }).sortOps).toBe(4);
  });

  it('plans, relative to the topology file', () => {
    const file = topology('{ plans: plans/sort.json }', {
      'plans/sort.json': fixtureText(join(fixtures, 'sort.json')),
    });
    const { report } = json(['plan', '--topology', file]);
    expect(report.workload.source).toMatchObject({
      kind: 'plans',
      origin: 'topology',
      files: [join(file, '..', 'plans/sort.json')],
    });
    const queries = (report.workload as unknown as { queries: Query[] }).queries;
    expect(queries.map((q) => q.source)).toEqual([`${join(file, '..', 'plans/sort.json')}#1`]);
    expect(queries[0]!.nodes.map((n) => n.kind)).toContain('sort');
  });

  it('a missing or bad plan: one line naming the topology file and workload.plans, exit 2', () => {
    const missing = topology('{ plans: nope.json }');
    const result = spawnCli(['plan', '--topology', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `pgmem: error: ${missing}: workload.plans: ${join(missing, '..', 'nope.json')}: no such file\n`,
    );
    const bad = topology('{ plans: bad.json }', { 'bad.json': '{"Plan": 3}' });
    const other = spawnCli(['plan', '--topology', bad]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      new RegExp(`^pgmem: error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: workload\\.plans: .*bad\\.json.*\n$`),
    );
    const invalid = spawnCli(['plan', '--topology', topology('batch')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.split('\n')).toHaveLength(2);
  });

  it("node counts as flags replace the section's whole: a count left out takes its default, as without a topology", () => {
    const file = topology('{ sortOps: 1, hashOps: 1, maintenanceOps: 3 }');
    const { report } = json(['plan', '--topology', file, '--hash-ops', '1']);
    const w = report.workload as unknown as {
      sortOps: number;
      hashOps: number;
      maintenanceOps: number;
      source: Source;
    };
    expect([w.sortOps, w.hashOps]).toEqual([2, 1]);
    expect(w.source).toMatchObject({ kind: 'flags', origin: 'flags' });
    // The section's other fields still apply; --no-parallel keeps its node counts.
    expect(w.maintenanceOps).toBe(3);
    const kept = json(['plan', '--topology', file, '--no-parallel']).report.workload as unknown as typeof w;
    expect([kept.sortOps, kept.hashOps]).toEqual([1, 1]);
    expect(kept.source).toMatchObject({ kind: 'counts', origin: 'topology' });
    // Flags win over the section's plans too.
    const plans = topology('{ plans: plans/sort.json }', {
      'plans/sort.json': fixtureText(join(fixtures, 'sort.json')),
    });
    const flagged = json(['plan', '--topology', plans, '--sort-ops', '1']).report.workload as unknown as typeof w;
    expect([flagged.sortOps, flagged.hashOps, flagged.source.kind]).toEqual([1, 2, 'flags']);
  });
});
