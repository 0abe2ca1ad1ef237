/**
 * The npm tarball: `npm pack` (which builds through `prepare`), then `npm install` of the tarball in
 * an empty project gives a working `pgmem`. The tarball holds only what runs. Installing reaches
 * the npm registry for the dependencies.
 *
 * It packs a copy of the source tree: `prepare` rebuilds dist/, and in this tree other test files
 * run the built CLI at the same time, which would see its files half written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReportSchema } from '../../src/core/report-schema.js';
import { projectRoot } from '../support/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};

let work: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pgmem-pack-'));
  const source = join(work, 'source');
  const leftOut = new Set(['node_modules', 'dist', '.git', '.tmp', 'coverage']);
  cpSync(projectRoot, source, {
    recursive: true,
    filter: (from) => from === projectRoot || !leftOut.has(from.slice(projectRoot.length + 1).split('/')[0]!),
  });
  symlinkSync(join(projectRoot, 'node_modules'), join(source, 'node_modules'));
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
      cwd: source,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path).sort();
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds the bin, the bundle and the package metadata, nothing else', () => {
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^bin\/(pgmem|code-cache)\.cjs$/,
      /^dist\/bin\/(run|errors)\.cjs(\.v8cache)?$/,
      /^dist\/bin\/lazy\/\w+\.cjs(\.v8cache)?$/,
      /^dist\/bin\/catalog\/pg1[3-8]\.json$/,
      // The library (package.json "exports"): one ES module and its declarations.
      /^dist\/lib\/index\.js$/,
      /^dist\/lib\/([\w-]+\/)*[\w-]+\.d\.ts$/,
    ];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/pgmem.cjs',
        'bin/code-cache.cjs',
        'dist/bin/run.cjs',
        'dist/bin/errors.cjs',
        'dist/bin/catalog/pg18.json',
      ]),
    );
    expect(
      files.some(
        (f) =>
          f.endsWith('.map') ||
          (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
          f.startsWith('test/') ||
          f.startsWith('src/'),
      ),
    ).toBe(false);
  });

  it('installs into an empty project and runs', () => {
    const project = join(work, 'project');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'pgmem-pack-test', version: '1.0.0', private: true }),
    );
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Only the runtime dependencies come along.
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules', '@pgmem', 'cli', 'package.json'), 'utf8'),
    ) as { dependencies?: object };
    expect(installed.dependencies).toEqual(packageJson.dependencies);

    const pgmem = join(project, 'node_modules', '.bin', 'pgmem');
    const run = (args: string[]) =>
      spawnSync(pgmem, args, { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });

    const json = run(['plan', '--pods', '5', '--pool', '10', '--json']);
    expect([json.status, json.stderr]).toEqual([0, '']);
    const report = planReportSchema.parse(JSON.parse(json.stdout));
    expect(report.connections.clients).toBe(50);

    const version = run(['--version']);
    expect(version.stdout).toBe(`${packageJson.version}\n`);

    // The lazily loaded parts (table, schema, check) are in the tarball too.
    const table = run(['plan', '--pods', '5', '--pool', '10']);
    expect([table.status, table.stdout]).toEqual([0, expect.stringContaining('Shared memory')]);
    expect(run(['schema']).status).toBe(0);
    writeFileSync(join(project, 'postgresql.conf'), 'work_mem = 8MB\n');
    const check = run(['check', 'postgresql.conf', '--format', 'sarif', '--fail-on', 'none']);
    expect([check.status, JSON.parse(check.stdout).version]).toEqual([0, '2.1.0']);
  }, 300_000);
});
