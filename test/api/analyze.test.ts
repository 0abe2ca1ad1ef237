/**
 * The library (src/index.ts): analyze() returns what `pgmem plan --json` prints for the same inputs,
 * from files on disk or in memory; the readers give their errors typed, with file and line; the
 * report types are what the published JSON Schemas say.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  checkReportSchema,
  gridDocumentSchema,
  planReportSchema,
  recommendDocumentSchema,
} from '../../src/core/report-schema.js';
import type { topologySchema } from '../../src/input/topology.js';
import {
  analyze,
  ExitCode,
  InputError,
  parseConf,
  parseTopology,
  PgmemError,
  readConf,
  readTopology,
  recommend,
  solve,
  UsageError,
  vary,
  type AnalyzeOptions,
  type ConfOptions,
  type CheckReport,
  type GridDocument,
  type PlanReport,
  type RecommendDocument,
  type TopologyInput,
} from '../../src/index.js';
import { API_TYPES_PATH, apiTypesSource } from '../../scripts/generate-api-types.js';
import { projectRoot, runCli } from '../support/cli.js';
import { matchesExcerpt, readmeExamples, readmeScripts, runReadmeCommand } from '../support/readme.js';

/** `pgmem plan ARGS --json`, run in the project directory, as the JSON it prints. */
async function planJson(args: readonly string[]): Promise<unknown> {
  const result = await runCli(['plan', ...args, '--json'], { cwd: projectRoot });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

/** Every file below `dir` (relative to the project), as text: an in-memory copy of an example. */
function filesBelow(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(projectRoot, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(join(projectRoot, dir));
  return files;
}

const PLANS = 'test/fixtures/plans/pg18';

const CASES: { name: string; args: string[]; options: AnalyzeOptions }[] = [
  { name: 'nothing: initdb defaults', args: [], options: {} },
  {
    name: 'flags only',
    args: ['--pods', '5', '--pool', '10', '--ram', '4GB', '--pg-version', '16', '--work-mem', '64MB'],
    options: { pods: 5, pool: 10, ram: '4GB', version: 16, settings: { work_mem: '64MB' } },
  },
  {
    name: 'settings, sizes as bytes, the workload and the build',
    args: [
      '--clients',
      '120',
      '--ram',
      '8GB',
      '--set',
      'max_connections=200',
      '--set',
      'shared_buffers=2GB',
      '--sort-ops',
      '3',
      '--hash-ops',
      '1',
      '--no-parallel',
      '--build',
      'embedded',
    ],
    options: {
      clients: 120,
      ram: 8 * 1024 ** 3,
      settings: { max_connections: 200, shared_buffers: '2GB' },
      sortOps: 3,
      hashOps: 1,
      parallel: false,
      build: 'embedded',
    },
  },
  {
    name: 'a configuration with includes and postgresql.auto.conf',
    args: ['--config', 'examples/conf-d/postgresql.conf', '--pods', '4', '--pool', '20', '--ram', '16GB'],
    options: { config: 'examples/conf-d/postgresql.conf', pods: 4, pool: 20, ram: '16GB' },
  },
  {
    name: 'a configuration the server would refuse (findings, no error)',
    args: ['--config', 'test/fixtures/broken.conf', '--clients', '10'],
    options: { config: 'test/fixtures/broken.conf', clients: 10 },
  },
  {
    name: 'a topology file naming its postgresql.conf',
    args: ['--topology', 'examples/kubernetes/topology.yaml'],
    options: { topology: 'examples/kubernetes/topology.yaml' },
  },
  {
    name: 'a topology file with pgbouncer.ini files',
    args: ['--topology', 'examples/pgbouncer/topology.yaml', '--ram', '32GB'],
    options: { topology: 'examples/pgbouncer/topology.yaml', ram: '32GB' },
  },
  {
    name: 'EXPLAIN plans as the workload',
    args: ['--pods', '3', '--pool', '10', '--plans', `${PLANS}/hash-aggregate.json`, `${PLANS}/auto-explain.log`],
    options: { pods: 3, pool: 10, plans: [`${PLANS}/hash-aggregate.json`, `${PLANS}/auto-explain.log`] },
  },
  {
    name: 'a workload preset and maintenance commands',
    args: ['--pods', '2', '--pool', '50', '--workload', 'olap', '--maintenance-ops', '2', '--no-temp-buffers'],
    options: { pods: 2, pool: 50, workload: 'olap', maintenanceOps: 2, tempBuffers: false },
  },
];

describe('analyze() is plan --json', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const report = await analyze({ ...c.options, cwd: projectRoot });
      expect(report).toStrictEqual(await planJson(c.args));
    });
  }

  it('reads a configuration and its includes from memory as from the disk', async () => {
    const files = filesBelow('examples/conf-d');
    const options = { config: 'examples/conf-d/postgresql.conf', pods: 4, pool: 20 };
    // Another working directory, where none of these files exist on disk.
    const inMemory = await analyze({ ...options, cwd: '/nonexistent/pgmem', files });
    expect(inMemory).toStrictEqual(
      await planJson(['--config', 'examples/conf-d/postgresql.conf', '--pods', '4', '--pool', '20']),
    );
    expect('config' in inMemory && inMemory.config.files).toEqual([
      'examples/conf-d/postgresql.conf',
      'examples/conf-d/conf.d/10-memory.conf',
      'examples/conf-d/conf.d/20-connections.conf',
      'examples/conf-d/postgresql.auto.conf',
    ]);
  });

  it('takes a configuration as text, its includes from the disk', async () => {
    const file = 'examples/conf-d/postgresql.conf';
    const text = readFileSync(join(projectRoot, file), 'utf8');
    const report = await analyze({ config: { text, file }, pods: 4, pool: 20, cwd: projectRoot });
    expect(report).toStrictEqual(await planJson(['--config', file, '--no-auto-conf', '--pods', '4', '--pool', '20']));
    const named = await analyze({ config: { text: 'work_mem = 8MB\n' }, cwd: '/nonexistent' });
    expect('config' in named && named.config.files).toEqual(['postgresql.conf']);
    expect(named.settings.work_mem?.source).toBe('postgresql.conf:1');
  });

  it('takes a topology as a document, with its files in memory', async () => {
    const text = readFileSync(join(projectRoot, 'examples/pgbouncer/topology.yaml'), 'utf8');
    const files = filesBelow('examples/pgbouncer');
    const fromDisk = await analyze({ topology: 'examples/pgbouncer/topology.yaml', cwd: projectRoot });
    const fromMemory = await analyze({ topology: 'examples/pgbouncer/topology.yaml', cwd: '/nonexistent', files });
    expect(fromMemory).toStrictEqual(fromDisk);
    // A document object: its relative paths (pgbouncer.ini) are taken from the working directory.
    const doc = parseTopology(text);
    const fromObject = await analyze({ topology: doc, cwd: join(projectRoot, 'examples/pgbouncer') });
    expect(fromObject.totals).toEqual(fromDisk.totals);
    expect(fromObject.topology).toEqual(
      (await analyze({ topology: 'topology.yaml', cwd: join(projectRoot, 'examples/pgbouncer') })).topology,
    );
  });

  it('hands the notes the CLI prints on standard error to onMessage, and prints nothing', async () => {
    const messages: string[] = [];
    const files = { 'pgbouncer.ini': '[databases]\n* = host=db\n[pgbouncer]\nmax_client_conn = 50\nbogus_key = 1\n' };
    const cli = await runCli(['plan', '--pgbouncer', 'pgbouncer.ini', '--json'], {
      cwd: '/work',
      confFs: (await import('../support/memory-fs.js')).memoryFs({ '/work/pgbouncer.ini': files['pgbouncer.ini'] }),
    });
    const report = await analyze({
      pgbouncer: ['pgbouncer.ini'],
      cwd: '/work',
      files,
      onMessage: (m) => messages.push(m),
    });
    expect(report).toStrictEqual(JSON.parse(cli.stdout));
    expect(messages.map((m) => `${m}\n`).join('')).toBe(cli.stderr);
    expect(messages).toEqual([expect.stringContaining('bogus_key')]);
  });
});

describe('solve() is plan --solve --json', () => {
  const cases: { name: string; args: string[]; options: Parameters<typeof solve>[0] }[] = [
    {
      name: 'pods for a pool and RAM',
      args: ['--solve', 'pods', '--pool', '20', '--ram', '16GB'],
      options: { variable: 'pods', pool: 20, ram: '16GB' },
    },
    {
      name: 'work_mem for a configuration with includes',
      args: [
        '--solve',
        'work_mem',
        '--config',
        'examples/conf-d/postgresql.conf',
        '--pods',
        '4',
        '--pool',
        '20',
        '--ram',
        '32GB',
      ],
      options: { variable: 'work_mem', config: 'examples/conf-d/postgresql.conf', pods: 4, pool: 20, ram: '32GB' },
    },
    {
      name: 'nothing fits',
      args: ['--solve', 'pool', '--pods', '1', '--ram', '64MB'],
      options: { variable: 'pool', pods: 1, ram: '64MB' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await runCli(['plan', ...c.args, '--json'], { cwd: projectRoot });
      expect(await solve({ ...c.options, cwd: projectRoot })).toStrictEqual(JSON.parse(result.stdout));
    });
  }

  it('pods for a topology (in memory) with one app', async () => {
    const topology =
      'server:\n  ram: 8GB\n  settings:\n    work_mem: 16MB\napps:\n  - name: web\n    pods: 2\n    pool: 10\n';
    const { memoryFs } = await import('../support/memory-fs.js');
    const cli = await runCli(['plan', '--solve', 'pods', '--topology', 'topology.yaml', '--json'], {
      cwd: '/work',
      confFs: memoryFs({ '/work/topology.yaml': topology }),
    });
    expect(cli.stderr).toBe('');
    const report = await solve({
      variable: 'pods',
      topology: 'topology.yaml',
      cwd: '/work',
      files: { 'topology.yaml': topology },
    });
    expect(report).toStrictEqual(JSON.parse(cli.stdout));
    expect(report.solve).toMatchObject({ variable: 'pods', value: expect.any(Number) });
  });

  it('refuses what plan --solve refuses, with the same errors', async () => {
    await expect(solve({ variable: 'pods', pool: 10 })).rejects.toThrow(
      new UsageError('needs --ram (or a topology with a container limit or server.ram)', '--solve'),
    );
    await expect(solve({ variable: 'shared_buffers' as 'pods', ram: '1GB' })).rejects.toMatchObject({
      flag: '--solve',
    });
    await expect(
      solve({ variable: 'work_mem', ram: '16GB', config: { text: 'work_mem = = 4MB\n', file: 'bad.conf' } }),
    ).rejects.toMatchObject({ name: 'InputError', file: 'bad.conf', line: 1 });
  });
});

describe('vary() is plan --vary --json', () => {
  it('a setting and pods, on flags', async () => {
    const cli = await runCli(
      ['plan', '--vary', 'work_mem=4MB,16MB,64MB', '--vary', 'pods=2,4', '--pool', '20', '--ram', '16GB', '--json'],
      { cwd: projectRoot },
    );
    const grid = await vary({ axes: { work_mem: ['4MB', '16MB', '64MB'], pods: [2, 4] }, pool: 20, ram: '16GB' });
    expect(grid).toStrictEqual(JSON.parse(cli.stdout));
    expect(grid.grid.cells).toHaveLength(6);
  });

  it('a setting over a configuration and a topology file', async () => {
    const args = ['--vary', 'shared_buffers=1GB,4GB', '--topology', 'examples/kubernetes/topology.yaml'];
    const cli = await runCli(['plan', ...args, '--json'], { cwd: projectRoot });
    expect(cli.stderr).toBe('');
    const grid = await vary({
      axes: { shared_buffers: ['1GB', '4GB'] },
      topology: 'examples/kubernetes/topology.yaml',
      cwd: projectRoot,
    });
    expect(grid).toStrictEqual(JSON.parse(cli.stdout));
  });

  it('refuses what plan --vary refuses', async () => {
    await expect(vary({ axes: { work_mem: ['lots'] }, pods: 1, pool: 1 })).rejects.toThrow(
      new UsageError('invalid value for parameter "work_mem": "lots"', '--vary work_mem'),
    );
    await expect(vary({ axes: { a: [1], b: [1], c: [1] } })).rejects.toMatchObject({ flag: '--vary' });
    // One entry is one value: not split at its comma into two cells, nor a grid of no axes.
    await expect(vary({ axes: { work_mem: ['4MB,8MB'] }, pods: 1, pool: 1 })).rejects.toThrow(
      new UsageError('"4MB,8MB" is more than one value: give each as its own entry', '--vary work_mem'),
    );
    await expect(vary({ axes: {}, pods: 1, pool: 1 })).rejects.toThrow(
      new UsageError('axes: expected at least one axis', '--vary'),
    );
  });
});

describe('recommend() is recommend --json', () => {
  const cases: { name: string; args: string[]; options: Parameters<typeof recommend>[0] }[] = [
    {
      name: 'pods, pools, a workload and CPUs',
      args: ['--ram', '16GB', '--pods', '5', '--pool', '20', '--workload', 'oltp', '--cpus', '8'],
      options: { ram: '16GB', pods: 5, pool: 20, workload: 'oltp', cpus: 8 },
    },
    {
      name: 'a topology file and a reserve',
      args: ['--topology', 'examples/kubernetes/topology.yaml', '--reserve', '30%'],
      options: { topology: 'examples/kubernetes/topology.yaml', reserve: '30%' },
    },
    {
      name: 'EXPLAIN plans as the workload, the reserve as a share',
      args: ['--ram', '8GB', '--clients', '40', '--plans', `${PLANS}/hash-aggregate.json`, '--reserve', '0.25'],
      options: { ram: 8 * 1024 ** 3, clients: 40, plans: [`${PLANS}/hash-aggregate.json`], reserve: 0.25 },
    },
    {
      name: 'nothing safe: the error in the document, nothing thrown',
      args: ['--ram', '256MB', '--clients', '10'],
      options: { ram: '256MB', clients: 10 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cli = await runCli(['recommend', ...c.args, '--json'], { cwd: projectRoot });
      expect(await recommend({ ...c.options, cwd: projectRoot })).toStrictEqual(JSON.parse(cli.stdout));
    });
  }

  it('refuses what recommend refuses, and options it does not take', async () => {
    await expect(recommend({ clients: 10 })).rejects.toMatchObject({ name: 'UsageError', flag: '--ram' });
    await expect(recommend({ ram: '8GB', clients: 10, reserve: 1 })).rejects.toMatchObject({ flag: '--reserve' });
    await expect(
      recommend({ ram: '8GB', clients: 10, settings: { work_mem: '4MB' } } as Parameters<typeof recommend>[0]),
    ).rejects.toThrow(new UsageError('unknown option "settings"'));
  });
});

describe('errors are typed', () => {
  it('a bad configuration line: an error with its file and line', () => {
    const result = parseConf("shared_buffers = 1GB\ninclude 'memory.conf'\n", {
      files: { 'memory.conf': 'work_mem = 4MB\nwork_mem = = 8MB\n' },
    });
    expect(result.valid).toBe(false);
    expect(result.files).toEqual(['postgresql.conf', 'memory.conf']);
    expect(result.errors).toEqual([
      {
        kind: 'syntax',
        file: 'memory.conf',
        line: 2,
        message: 'syntax error in file "memory.conf" line 2, near token "="',
      },
    ]);
  });

  it('an invalid value and an unknown setting, as the server names them', () => {
    const invalid = parseConf('shared_buffers = 1GB\nwork_mem = lots\n', { version: 17 });
    expect(invalid.errors.map((e) => [e.kind, e.file, e.line, e.setting])).toEqual([
      ['invalid-value', 'postgresql.conf', 2, 'work_mem'],
    ]);
    const unknown = parseConf('shared_bufers = 1GB\n', { file: 'conf/main.conf' });
    expect(unknown.errors.map((e) => [e.kind, e.file, e.line, e.setting])).toEqual([
      ['unknown-setting', 'conf/main.conf', 1, 'shared_bufers'],
    ]);
  });

  it('a valid configuration: its effective settings, each with file and line', () => {
    const result = readConf('examples/conf-d/postgresql.conf', { cwd: projectRoot });
    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.settings.find((s) => s.name === 'shared_buffers')).toEqual({
      name: 'shared_buffers',
      value: expect.any(String),
      source: expect.stringMatching(/^examples\/conf-d\/.+:\d+$/),
    });
  });

  it('a file that cannot be read: InputError with the file, exit code 2', () => {
    let error: unknown;
    try {
      readConf('missing.conf', { cwd: projectRoot });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(PgmemError);
    expect(error).toMatchObject({
      code: 'input',
      exitCode: ExitCode.Usage,
      file: 'missing.conf',
      message: 'missing.conf: no such file',
    });
  });

  it('analyze: an option the flag would refuse is a UsageError naming the flag', async () => {
    await expect(analyze({ pods: 5 })).rejects.toThrow(new UsageError('needs --pool (connections per pod)', '--pods'));
    await expect(analyze({ pods: -1, pool: 2 })).rejects.toBeInstanceOf(UsageError);
    await expect(analyze({ ram: 'big' })).rejects.toMatchObject({ code: 'usage', flag: '--ram', exitCode: 2 });
    await expect(analyze({ settings: { work_mem: 'lots' } })).rejects.toMatchObject({
      message: '--set work_mem=lots: invalid value for parameter "work_mem": "lots"',
    });
    await expect(analyze({ version: 12 as 13 })).rejects.toMatchObject({ flag: '--pg-version' });
    // What a JavaScript caller may misspell: refused, as an unknown flag is.
    await expect(analyze({ pod: 5, pool: 2 } as AnalyzeOptions)).rejects.toThrow(
      new UsageError('unknown option "pod"'),
    );
    await expect(analyze({ ram: 0 })).rejects.toMatchObject({ flag: '--ram' });
    await expect(analyze(null as unknown as AnalyzeOptions)).rejects.toThrow(
      new UsageError('expected an object of options, got null'),
    );
  });

  it('options of the wrong JavaScript type are UsageErrors, never a TypeError nor read as something else', async () => {
    const wrong = (o: Record<string, unknown>) => analyze({ cwd: projectRoot, ...o } as AnalyzeOptions);
    await expect(wrong({ settings: null })).rejects.toThrow(
      new UsageError('expected settings as { name: value }, each value text or a number', '--set'),
    );
    await expect(wrong({ settings: { work_mem: ['4MB'] } })).rejects.toMatchObject({ flag: '--set' });
    // Not read as an in-memory postgresql.conf with no text.
    await expect(wrong({ config: 5 })).rejects.toThrow(
      new UsageError('expected a file name or { text, file? }', '--config'),
    );
    await expect(wrong({ config: { text: 5 } })).rejects.toMatchObject({ flag: '--config' });
    await expect(wrong({ config: 'x.conf', files: { 'x.conf': '' }, autoConf: true })).rejects.toMatchObject({
      flag: '--auto-conf',
    });
    await expect(wrong({ topology: 5 })).rejects.toMatchObject({ flag: '--topology' });
    await expect(wrong({ provider: 'rds', instanceClass: 'db.r6g.large', parameterGroup: 5 })).rejects.toMatchObject({
      flag: '--parameter-group',
    });
    // Not taken for true.
    await expect(wrong({ parallel: 'no' })).rejects.toThrow(new UsageError('parallel: expected true or false'));
    await expect(wrong({ tempBuffers: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(wrong({ onMessage: 'log' })).rejects.toBeInstanceOf(UsageError);
    await expect(wrong({ cwd: 5, config: 'x.conf' })).rejects.toThrow(new UsageError('cwd: expected a directory name'));
    await expect(wrong({ files: null })).rejects.toBeInstanceOf(UsageError);
    await expect(wrong({ config: 'x.conf', files: { 'x.conf': 5 } })).rejects.toThrow(
      new UsageError('files: expected { path: text or bytes }'),
    );
    expect(() => readConf(5 as unknown as string)).toThrow(new UsageError('path: expected text, got number'));
    expect(() => readConf('postgresql.conf', null as unknown as ConfOptions)).toThrow(
      new UsageError('expected an object of options, got null'),
    );
    expect(() => parseConf(null as unknown as string)).toThrow(new UsageError('text: expected text, got null'));
    expect(() => parseTopology(5 as unknown as string)).toThrow(new UsageError('text: expected text, got number'));
    expect(() => readTopology(5 as unknown as string)).toThrow(UsageError);
    expect(() => parseConf('include x.conf', { files: { 'x.conf': 5 as unknown as string } })).toThrow(UsageError);
  });

  it('analyze: a missing file is an InputError with the file', async () => {
    await expect(analyze({ config: 'missing.conf', cwd: projectRoot })).rejects.toMatchObject({
      code: 'input',
      file: 'missing.conf',
    });
    await expect(analyze({ topology: 'missing.yaml', cwd: projectRoot })).rejects.toBeInstanceOf(InputError);
  });

  it('topology documents: validated, every problem named by its path', () => {
    expect(parseTopology('apps: [{ name: web, pods: 2, pool: 10 }]').apps).toEqual([
      { name: 'web', pods: 2, pool: 10 },
    ]);
    expect(() => parseTopology('apps: [{ name: web, pods: 2 }]\nbogus: 1\n', 'topology.yaml')).toThrow(
      expect.objectContaining({
        name: 'InputError',
        file: 'topology.yaml',
        message: expect.stringMatching(/^topology\.yaml: .*apps\[0\]\.pool/),
      }),
    );
    expect(readTopology('examples/vm-two-apps/topology.yaml', { cwd: projectRoot }).server?.version).toBe(16);
    expect(() => readTopology('missing.yaml', { cwd: projectRoot })).toThrow(InputError);
  });
});

describe('report types', () => {
  it(`${API_TYPES_PATH} is what the published JSON Schemas give (npm run api:types)`, () => {
    expect(readFileSync(join(projectRoot, API_TYPES_PATH), 'utf8')).toBe(apiTypesSource());
  });

  it('are the zod schemas’ types, both ways (checked by tsc)', () => {
    expectTypeOf<PlanReport>().toExtend<z.output<typeof planReportSchema>>();
    expectTypeOf<z.output<typeof planReportSchema>>().toExtend<PlanReport>();
    expectTypeOf<CheckReport>().toExtend<z.output<typeof checkReportSchema>>();
    expectTypeOf<z.output<typeof checkReportSchema>>().toExtend<CheckReport>();
    expectTypeOf<TopologyInput>().toExtend<z.input<typeof topologySchema>>();
    expectTypeOf<z.input<typeof topologySchema>>().toExtend<TopologyInput>();
    expectTypeOf<z.output<typeof topologySchema>>().toExtend<TopologyInput>();
    expectTypeOf<GridDocument>().toExtend<z.output<typeof gridDocumentSchema>>();
    expectTypeOf<z.output<typeof gridDocumentSchema>>().toExtend<GridDocument>();
    expectTypeOf<RecommendDocument>().toExtend<z.output<typeof recommendDocumentSchema>>();
    expectTypeOf<z.output<typeof recommendDocumentSchema>>().toExtend<RecommendDocument>();
  });
});

describe('docs/api.md', () => {
  const text = readFileSync(join(projectRoot, 'docs/api.md'), 'utf8');

  it('describes every function, class, constant and type src/index.ts exports', () => {
    const index = readFileSync(join(projectRoot, 'src/index.ts'), 'utf8');
    const names = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((n) => n.replace(/^\s*type\s+/, '').trim())
        .filter(Boolean),
    );
    expect(names.length).toBeGreaterThan(20);
    const missing = names.filter((name) => !text.includes(`\`${name}\``) && !text.includes(`\`${name}(`));
    expect(missing).toEqual([]);
  });

  it('its example runs against the built package and prints what the page shows', () => {
    const scripts = readmeScripts(text);
    const examples = readmeExamples(text);
    expect(scripts.size).toBeGreaterThan(0);
    expect(examples.map((e) => e.command)).toEqual([...scripts.keys()].map((name) => `node ${name}`));
    for (const example of examples) {
      const actual = runReadmeCommand(example.command, scripts);
      if (!matchesExcerpt(actual, example.expected))
        expect(actual.replace(/\n$/, '')).toBe(example.expected.join('\n'));
    }
  });
});
