/**
 * Every --json document of every command and mode validates against the JSON Schema `pgmem schema`
 * prints for it: the printed schema (not the zod source) is turned back into a validator, so a field
 * the contract does not publish, or one it forbids, fails here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { z } from 'zod';
import { installedVersions, startServer, type RunningServer } from '../support/postgres.js';
import { projectRoot, runCli } from '../support/cli.js';

const validators = new Map<string, z.ZodType>();

/** The validator of the schema `pgmem schema NAME` prints. */
async function printedSchema(name: string): Promise<z.ZodType> {
  let validator = validators.get(name);
  if (!validator) {
    const { code, stdout } = await runCli(['schema', name]);
    expect(code).toBe(0);
    const { $id: _id, ...schema } = JSON.parse(stdout) as Record<string, unknown>;
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    validators.set(name, validator);
  }
  return validator;
}

/** Runs the command with --json and validates stdout against the printed schema; returns the document. */
async function expectValid(
  schema: string,
  args: readonly string[],
  exitCode: number,
  cwd = projectRoot,
): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await runCli([...args, '--json'], { cwd });
  expect(code, stderr).toBe(exitCode);
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  const result = (await printedSchema(schema)).safeParse(doc);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3))).toBe(true);
  return doc;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgmem-json-'));
  writeFileSync(join(dir, 'good.conf'), 'shared_buffers = 1GB\nwork_mem = 16MB\n');
  writeFileSync(join(dir, 'bad.conf'), 'work_mem = = 4MB\n');
  writeFileSync(
    join(dir, 'names-config.yaml'),
    'server: { ram: 16GB, config: good.conf }\napps:\n  - { name: web, pods: 2, pool: 10 }\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the printed schemas reject what they do not publish', () => {
  it("an unknown top-level field fails plan's schema; solve and config are published", async () => {
    const doc = await expectValid('plan', ['plan'], 0);
    expect((await printedSchema('plan')).safeParse({ ...doc, surprise: 1 }).success).toBe(false);
    expect((await printedSchema('plan')).safeParse({ ...doc, solve: { variable: 'pods' } }).success).toBe(false);
  });
});

describe('plan', () => {
  const cases: [string, string[], number][] = [
    ['flags', ['plan', '--pods', '5', '--pool', '10', '--ram', '16GB'], 0],
    ['a topology', ['plan', '--topology', 'examples/vm-two-apps/topology.yaml'], 0],
    ['--config', ['plan', '--config', 'examples/vm-small/postgresql.conf', '--pods', '2', '--pool', '10'], 0],
    ['a topology that names its configuration', ['plan', '--topology', 'examples/kubernetes/topology.yaml'], 0],
    [
      '--pgbouncer',
      ['plan', '--pgbouncer', 'examples/pgbouncer/pgbouncer.ini', '--pg-version', '17', '--ram', '16GB'],
      0,
    ],
    ['a topology with poolers from pgbouncer.ini', ['plan', '--topology', 'examples/pgbouncer/topology.yaml'], 0],
    ['--solve pods', ['plan', '--pool', '10', '--ram', '16GB', '--solve', 'pods'], 0],
    ['--solve pool', ['plan', '--pods', '5', '--ram', '16GB', '--solve', 'pool'], 0],
    ['--solve work_mem', ['plan', '--clients', '50', '--ram', '8GB', '--solve', 'work_mem'], 0],
    ['--solve with nothing that fits', ['plan', '--pool', '10', '--ram', '64MB', '--solve', 'pods'], 1],
    // its reports role (256MB × 4 per hash node) does not fit 16 GiB even at work_mem = 64kB
    [
      '--solve with a topology naming its configuration',
      ['plan', '--topology', 'examples/kubernetes/topology.yaml', '--solve', 'work_mem'],
      1,
    ],
  ];
  for (const [name, args, code] of cases) it(name, async () => void (await expectValid('plan', args, code)));

  it("the topology's configuration gives config, --solve gives solve", async () => {
    const named = await expectValid('plan', ['plan', '--topology', 'names-config.yaml'], 0, dir);
    expect(named.config).toMatchObject({ file: 'good.conf', valid: true });
    const solved = await expectValid('plan', ['plan', '--pool', '10', '--ram', '16GB', '--solve', 'pods'], 0);
    expect(solved.solve).toMatchObject({ variable: 'pods', limitedBy: 'slots' });
  });
});

describe('plan --vary', () => {
  const cases: [string, string[]][] = [
    ['one axis', ['plan', '--pods', '4', '--pool', '20', '--ram', '16GB', '--vary', 'work_mem=4MB,64MB']],
    ['two axes', ['plan', '--pool', '10', '--ram', '16GB', '--vary', 'work_mem=4MB,16MB', '--vary', 'pods=2,8,12']],
    ['without RAM', ['plan', '--clients', '10', '--vary', 'shared_buffers=1GB,2GB']],
    ['refused clients', ['plan', '--clients', '200', '--ram', '64GB', '--vary', 'work_mem=1MB']],
    ['a topology', ['plan', '--topology', 'examples/vm-two-apps/topology.yaml', '--vary', 'work_mem=8MB,32MB']],
  ];
  for (const [name, args] of cases) it(name, async () => void (await expectValid('vary', args, 0)));
});

describe('check', () => {
  const cases: [string, string[], number][] = [
    ['one file', ['check', 'good.conf', '--ram', '64GB'], 0],
    ['one file the server refuses', ['check', 'bad.conf'], 1],
    ['several files', ['check', 'good.conf', 'bad.conf'], 1],
    ['with a topology', ['check', 'good.conf', '--topology', 'names-config.yaml'], 0],
  ];
  for (const [name, args, code] of cases) it(name, async () => void (await expectValid('check', args, code, dir)));
});

describe('recommend', () => {
  const cases: [string, string[], number][] = [
    ['flags', ['recommend', '--ram', '16GB', '--pods', '5', '--pool', '20', '--workload', 'oltp', '--cpus', '8'], 0],
    ['a topology', ['recommend', '--topology', 'names-config.yaml'], 0],
    ['the work_mem cap', ['recommend', '--ram', '16TB', '--clients', '0'], 0],
    ['nothing safe fits', ['recommend', '--ram', '1GB', '--clients', '400'], 1],
    ['shared memory over the budget', ['recommend', '--ram', '16GB', '--clients', '10', '--reserve', '90%'], 1],
  ];
  for (const [name, args, code] of cases) it(name, async () => void (await expectValid('recommend', args, code, dir)));
});

describe('errors under --json', () => {
  const cases: [string, string[], string][] = [
    ['a usage error', ['plan', '--pods', 'x', '--pool', '1'], 'usage'],
    ['an unknown option', ['check', 'good.conf', '--frobnicate'], 'usage'],
    ['a missing file', ['check', 'missing.conf'], 'input'],
    ['a missing topology', ['plan', '--topology', 'missing.yaml'], 'input'],
    [
      'a configuration --solve cannot answer for',
      ['plan', '--config', 'bad.conf', '--ram', '8GB', '--solve', 'work_mem'],
      'input',
    ],
    ['recommend without RAM', ['recommend', '--clients', '10'], 'usage'],
    ['a server that refuses', ['inspect', 'postgresql://127.0.0.1:1/postgres'], 'connection'],
  ];
  for (const [name, args, code] of cases) {
    it(name, async () => {
      const doc = await expectValid('error', args, 2, dir);
      expect(doc.error).toMatchObject({ code, exitCode: 2 });
    });
  }
});

describe('inspect', () => {
  const [version] = installedVersions();
  let server: RunningServer;
  beforeAll(async () => {
    // In CI a missing server fails here rather than skipping: installedVersions() must find one.
    expect(version, 'no PostgreSQL server binaries found').toBeDefined();
    server = await startServer(version!, { shared_preload_libraries: 'pg_stat_statements' });
    const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      await client.query('create extension pg_stat_statements');
      await client.query('select relname from pg_class order by relname');
      await client.query('vacuum pg_class');
    } finally {
      await client.end();
    }
  }, 60_000);
  afterAll(async () => server?.stop());

  it('a live server, with a topology', async () => {
    const conninfo = `host=${server.socketDir} port=${server.port} user=postgres dbname=postgres`;
    const doc = await expectValid(
      'inspect',
      ['inspect', conninfo, '--topology', 'examples/vm-two-apps/topology.yaml'],
      0,
    );
    expect(doc.live).toBeDefined();
    await expectValid('inspect', ['inspect', conninfo, '--pods', '2', '--pool', '5'], 0);
  });

  it('with --statements: planned and skipped statements, and a database without the extension', async () => {
    const conninfo = `host=${server.socketDir} port=${server.port} user=postgres dbname=postgres`;
    const doc = (await expectValid('inspect', ['inspect', conninfo, '--statements', '5'], 0)) as {
      live: { statements: { planned: number; skipped: Record<string, number> } };
    };
    expect(doc.live.statements.planned).toBeGreaterThan(0);
    expect(doc.live.statements.skipped.utility).toBeGreaterThanOrEqual(1);
    const other = `host=${server.socketDir} port=${server.port} user=postgres dbname=template1`;
    const missing = (await expectValid('inspect', ['inspect', other, '--statements', '5'], 0)) as {
      live: { statements: { status: string } };
    };
    expect(missing.live.statements.status).toBe('not-installed');
  });
});
