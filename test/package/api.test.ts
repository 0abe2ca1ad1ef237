/**
 * The library as an installed package: `npm pack` of the built tree (npm test builds first), the
 * tarball installed into an empty project (from the npm cache when it holds the dependencies), then
 * `import … from '@pgmem/cli'` from an ES module and from TypeScript, type-checked against the
 * installed declarations alone (no @types/node, no zod).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReportSchema } from '../../src/core/report-schema.js';
import { projectRoot, runCli } from '../support/cli.js';
import { npm, packBuiltTree } from '../support/pack.js';

const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
let project: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pgmem-api-'));
  const packed = packBuiltTree(work);
  files = packed.files;
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'pgmem-api-test', version: '1.0.0', private: true, type: 'module' }),
  );
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', packed.tarball], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const run = (file: string) =>
  spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

describe('@pgmem/cli as a library', () => {
  it('ships the ES module and its declarations, and nothing of the sources', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts']));
    expect(files.filter((f) => f.startsWith('dist/lib/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  });

  it('imports from an .mjs file: analyze() gives the report plan --json prints, errors are its classes', async () => {
    writeFileSync(
      join(project, 'main.mjs'),
      `import { analyze, parseConf, InputError, UsageError, ExitCode } from '@pgmem/cli';
const report = await analyze({ pods: 5, pool: 10, ram: '16GB' });
const conf = parseConf('work_mem = = 4MB\\n');
let error;
try { await analyze({ config: 'missing.conf' }); } catch (e) { error = e; }
let usage;
try { await analyze({ pods: 5 }); } catch (e) { usage = e; }
console.log(JSON.stringify({
  report,
  confError: conf.errors[0],
  input: [error instanceof InputError, error.file, error.exitCode === ExitCode.Usage],
  usage: [usage instanceof UsageError, usage.flag, usage.message],
}));
`,
    );
    const result = run('main.mjs');
    expect([result.status, result.stderr]).toEqual([0, '']);
    const out = JSON.parse(result.stdout) as { report: unknown; confError: unknown; input: unknown; usage: unknown };
    const cli = await runCli(['plan', '--pods', '5', '--pool', '10', '--ram', '16GB', '--json']);
    expect(out.report).toStrictEqual(JSON.parse(cli.stdout));
    expect(planReportSchema.parse(out.report).connections.clients).toBe(50);
    expect(out.confError).toMatchObject({ kind: 'syntax', file: 'postgresql.conf', line: 1 });
    expect(out.input).toEqual([true, 'missing.conf', true]);
    expect(out.usage).toEqual([true, '--pods', '--pods: needs --pool (connections per pod)']);
  });

  it('type-checks from TypeScript against the installed declarations alone', () => {
    writeFileSync(
      join(project, 'main.ts'),
      `import { analyze, parseTopology, readConf, solve, PgmemError, type AnalyzeReport, type Finding, type PlanReport, type TopologyInput, type ConfResult } from '@pgmem/cli';

const topology: TopologyInput = { apps: [{ name: 'web', pods: 4, pool: 20 }], server: { ram: '16GB' } };
const report: AnalyzeReport = await analyze({ topology, settings: { work_mem: '16MB' } });
const worst: number = report.totals.worstCaseBytes;
const ids: string[] = report.findings.map((f: Finding) => f.id);
const severity: 'error' | 'warning' | 'info' | undefined = report.findings[0]?.severity;
const config = 'config' in report ? report.config.valid : null;
const plan: PlanReport = report;
const doc: TopologyInput = parseTopology('apps: []');
const conf: ConfResult = readConf('postgresql.conf');
const line: number | null | undefined = conf.errors[0]?.line;
const solved: number | null = (await solve({ variable: 'pods', pool: 10, ram: '16GB' })).solve.value;
const codes: (string | number)[] = [];
try {
  await analyze({ pods: 1, pool: 1 });
} catch (e) {
  if (e instanceof PgmemError) codes.push(e.code, e.exitCode);
}
// @ts-expect-error pods is a number
await analyze({ pods: 'five' });
// @ts-expect-error no such field in the report
report.totals.bogusBytes;
// @ts-expect-error version is a major pgmem supports
await analyze({ version: 12 });
export const used = [worst, ids, severity, config, plan, doc, line, codes, solved];
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // The package's declarations must stand alone: no Node types, and checked themselves.
          types: [],
          skipLibCheck: false,
        },
        files: ['main.ts'],
      }),
    );
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
