import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseTopology, topologySpec } from '../../src/input/topology.js';

function problem(text: string): string {
  try {
    parseTopology(text, 'topology.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'input', exitCode: 2, file: 'topology.yaml' });
    return (error as Error).message;
  }
  throw new Error('expected the topology to be rejected');
}

describe('topology validation', () => {
  it("says every schema problem in pgmem's words, never the schema library's", () => {
    expect(problem('apps: [{ name: a, pods: 1, pool: 2, via: "" }]')).toBe(
      'topology.yaml: apps[0].via: expected a non-empty string, got ""; apps[0].via: no pooler named ""',
    );
    expect(problem('server: { version: 12 }')).toBe(
      'topology.yaml: server.version: expected a number of at least 13, got 12',
    );
    expect(problem('server: { version: 19 }')).toBe(
      'topology.yaml: server.version: expected a number of at most 18, got 19',
    );
    expect(problem('apps: 5')).toBe('topology.yaml: apps: expected an array, got 5');
    const docs = [
      'apps: [{ name: a, pods: 1, pool: 2, database: "" }]',
      'apps: [{ name: a, pods: 1, pool: 2, role: { name: "" } }]',
      'poolers: [{ name: "" }]',
      'server: { config: "" }',
      'reserved: { admin: -1 }',
      'server: { settings: [] }',
      'poolers: 3',
      'workload: { plans: [] }',
    ];
    for (const doc of docs) expect(problem(doc)).not.toMatch(/Too small|Too big|Invalid input|Invalid option|received/);
  });

  it('points at the path and says what was expected and what it got', () => {
    expect(problem('apps:\n  - { name: web, pods: 2, pool: 10 }\n  - { name: jobs, pods: 1, pool: ten }\n')).toBe(
      'topology.yaml: apps[1].pool: expected a positive integer, got "ten"',
    );
  });

  it('catches the common mistakes', () => {
    expect(problem('apps:\n  - { name: web, pods: -1, pool: 10 }\n')).toContain(
      'apps[0].pods: expected a positive integer, got -1',
    );
    expect(problem('apps:\n  - { name: web, pods: 2 }\n')).toContain(
      'apps[0].pool: expected a positive integer, got nothing',
    );
    expect(problem('apps:\n  - { name: web, pods: 2, pool: 5, maxSurge: lots }\n')).toContain(
      'apps[0].maxSurge: expected a count or a percentage such as 25%',
    );
    expect(problem('apps:\n  - { name: web, pods: { min: 5, max: 2 }, pool: 5 }\n')).toContain(
      'apps[0].pods: min 5 is larger than max 2',
    );
    // pgmem's own checks name the value once: no ', got "bouncer"' after it.
    expect(problem('apps:\n  - { name: web, pods: 2, pool: 5, via: bouncer }\n')).toBe(
      'topology.yaml: apps[0].via: no pooler named "bouncer"',
    );
    expect(problem('apps:\n  - { name: web, pods: 2, pool: 5, pool_size: 3 }\n')).toContain(
      'apps[0]: unknown key "pool_size"',
    );
    expect(problem('poolers:\n  - { name: pgb, pool_mode: sessions }\n')).toContain('poolers[0].pool_mode');
    expect(problem('server: { ram: plenty }\n')).toContain('server.ram: expected a size');
    expect(problem('- just\n- a list\n')).toContain('expected a topology document');
  });

  it('reports YAML syntax errors with the line', () => {
    const message = problem('apps:\n  - name: web\n    pods: [1, 2\n');
    expect(message).toMatch(/^topology\.yaml:\d+: /);
  });

  it("applies PgBouncer's defaults", () => {
    const doc = parseTopology('poolers:\n  - name: pgbouncer\n', 'x.yaml');
    expect(topologySpec(doc).poolers[0]).toMatchObject({
      replicas: 1,
      poolMode: 'session',
      defaultPoolSize: 20,
      reservePoolSize: 0,
      maxClientConn: 100,
      maxDbConnections: 0,
      maxUserConnections: 0,
    });
  });

  it('a pooler with a pgbouncer.ini takes its settings from there', () => {
    expect(() =>
      parseTopology('poolers:\n  - name: pgbouncer\n    ini: pgbouncer.ini\n    default_pool_size: 5\n', 'x.yaml'),
    ).toThrow('x.yaml: poolers[0].default_pool_size: set it in the pgbouncer.ini named by ini');
  });

  it('accepts JSON too', () => {
    const doc = parseTopology('{"apps":[{"name":"web","pods":{"min":1,"max":4},"pool":5,"maxSurge":"25%"}]}', 'stdin');
    expect(doc.apps[0]).toMatchObject({ name: 'web', pods: { min: 1, max: 4 }, pool: 5, maxSurge: '25%' });
  });
});

describe('an app workload', () => {
  const app = (workload: string) => `apps:\n  - { name: api, pods: 2, pool: 5, workload: ${workload} }\n`;
  const specOf = (workload: string) => topologySpec(parseTopology(app(workload), 'topology.yaml')).apps[0]!.workload;

  it('is a preset, node counts or plan files, with parallel and tempBuffers beside them', () => {
    expect(specOf('olap')).toEqual({ kind: 'preset', preset: 'olap' });
    expect(specOf('{ preset: oltp, parallel: false }')).toEqual({ kind: 'preset', preset: 'oltp', parallel: false });
    expect(specOf('{ sortOps: 3, hashOps: 0, tempBuffers: false }')).toEqual({
      kind: 'counts',
      sortOps: 3,
      hashOps: 0,
      tempBuffers: false,
    });
    // Plans are read by the caller; the spec names the files until then.
    expect(specOf('{ plans: plans/a.json }')).toEqual({ kind: 'plans', files: ['plans/a.json'], queries: [] });
    expect(specOf('{ plans: [a.json, b.log] }')).toEqual({ kind: 'plans', files: ['a.json', 'b.log'], queries: [] });
    expect(
      topologySpec(parseTopology('apps:\n  - { name: api, pods: 2, pool: 5 }\n', 't.yaml')).apps[0],
    ).not.toHaveProperty('workload');
  });

  it('refuses what it cannot mean, naming the app path', () => {
    expect(problem(app('fast'))).toBe(
      'topology.yaml: apps[0].workload: expected oltp, olap, mixed or { preset | sortOps, hashOps | plans, parallel, tempBuffers }, got "fast"',
    );
    expect(problem(app('{ parallel: false }'))).toBe(
      'topology.yaml: apps[0].workload: give a preset, sortOps and hashOps, or plans',
    );
    expect(problem(app('{ sortOps: 2 }'))).toBe(
      'topology.yaml: apps[0].workload.hashOps: give hashOps with sortOps (0 for none)',
    );
    expect(problem(app('{ preset: olap, plans: [a.json] }'))).toBe(
      "topology.yaml: apps[0].workload.plans: give either preset or plans, not both: each sets the query's nodes",
    );
    expect(problem(app('{ sortOps: 1, hashOps: 1, plans: a.json }'))).toContain(
      'apps[0].workload.plans: give either sortOps/hashOps or plans, not both',
    );
    // In pgmem's words, not the schema library's ("Too small: expected array to have >=1 items").
    expect(problem(app('{ plans: [] }'))).toBe(
      'topology.yaml: apps[0].workload.plans: expected at least one file name, got []',
    );
    expect(problem(app('{ plans: "" }'))).toBe('topology.yaml: apps[0].workload.plans: expected a file name, got ""');
    expect(problem(app('{ plans: [a.json, ""] }'))).toBe(
      'topology.yaml: apps[0].workload.plans[1]: expected a file name, got ""',
    );
    expect(problem(app('{ plans: a.json, maintenanceOps: 2 }'))).toBe(
      'topology.yaml: apps[0].workload: unknown key "maintenanceOps"',
    );
  });
});

describe("the topology's workload section takes what an app's workload takes", () => {
  const server = (w: string) => `apps:\n  - { name: web, pods: 2, pool: 10 }\nworkload: ${w}\n`;

  it('a preset, node counts, plans, or only the other fields', () => {
    expect(parseTopology(server('olap'), 'topology.yaml').workload).toBe('olap');
    expect(parseTopology(server('{ preset: oltp, parallel: false }'), 't.yaml').workload).toEqual({
      preset: 'oltp',
      parallel: false,
    });
    expect(parseTopology(server('{ plans: [a.json, b.log], maintenanceOps: 2 }'), 't.yaml').workload).toEqual({
      plans: ['a.json', 'b.log'],
      maintenanceOps: 2,
    });
    expect(parseTopology(server('{ sortOps: 0, hashOps: 3 }'), 't.yaml').workload).toEqual({ sortOps: 0, hashOps: 3 });
    // Unlike an app's, it need not set nodes: the default's then.
    expect(parseTopology(server('{ tempBuffers: false, logicalSenders: 1 }'), 't.yaml').workload).toEqual({
      tempBuffers: false,
      logicalSenders: 1,
    });
  });

  it("the same rules as an app's, one line each", () => {
    expect(problem(server('batch'))).toBe(
      'topology.yaml: workload: expected oltp, olap, mixed or { preset | sortOps, hashOps | plans, parallel, tempBuffers, maintenanceOps, logicalSenders }, got "batch"',
    );
    expect(problem(server('{ sortOps: 2 }'))).toBe(
      'topology.yaml: workload.hashOps: give hashOps with sortOps (0 for none)',
    );
    expect(problem(server('{ preset: olap, plans: [a.json] }'))).toBe(
      "topology.yaml: workload.plans: give either preset or plans, not both: each sets the query's nodes",
    );
    expect(problem(server('{ preset: olap, sortOps: 1, hashOps: 1 }'))).toBe(
      "topology.yaml: workload.sortOps: give either preset or sortOps/hashOps, not both: each sets the query's nodes",
    );
    expect(problem(server('{ plans: [] }'))).toContain('workload');
    expect(problem(server('{ preset: fast }'))).toContain('workload: expected oltp, olap, mixed or {');
    for (const message of [problem(server('{ sortOps: 2 }')), problem(server('batch'))])
      expect(message).not.toContain('\n');
  });
});
