/**
 * The finding registry: well-formed entries, one check or configuration issue behind every id, every
 * finding the examples and fixtures produce registered, and the generated docs up to date.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_RULES } from '../../src/core/findings/index.js';
import {
  FINDING_LIST,
  FINDINGS,
  FINDINGS_DOC_PATH,
  findingHelpUri,
  PROJECT_URL,
} from '../../src/core/findings/registry.js';
import { KEBAB_ID } from '../../src/core/report-schema.js';
import { CONF_ISSUE_FINDINGS } from '../../src/cli/plan-input.js';
import {
  README_FINDINGS_END,
  README_FINDINGS_START,
  renderFindingsDoc,
  renderFindingsTable,
} from '../../src/render/findings-docs.js';
import { projectRoot, runCli } from '../support/cli.js';
import { registryProblems } from '../support/findings.js';
import { memoryFs } from '../support/memory-fs.js';

const read = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');
const files = (dir: string, pattern: RegExp): string[] =>
  readdirSync(join(projectRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f))
    .sort();

/** Every finding a `--json` run printed, over one report or a fleet's results. */
async function findingsOf(args: string[]): Promise<{ id: string; severity: string; data?: Record<string, unknown> }[]> {
  const { stdout, stderr } = await runCli([...args, '--json']);
  const doc = JSON.parse(stdout) as { error?: unknown; findings?: never[]; results?: { findings: never[] }[] };
  expect(doc.error, `${args.join(' ')}: ${stderr}`).toBeUndefined();
  return (doc.results ?? [doc as { findings: never[] }]).flatMap((r) => r.findings);
}

describe('finding registry', () => {
  it('each entry is keyed by its kebab-case id, with its default level first among its levels', () => {
    for (const [key, definition] of Object.entries(FINDINGS)) {
      expect(definition.id).toBe(key);
      expect(key).toMatch(KEBAB_ID);
      expect(definition.levels[0]).toBe(definition.level);
      expect(new Set(definition.levels).size).toBe(definition.levels.length);
      expect(definition.title.length).toBeGreaterThan(0);
      expect(definition.description.length).toBeGreaterThan(0);
      expect(definition.help.length).toBeGreaterThan(0);
    }
    expect(FINDING_LIST.map((d) => d.id)).toEqual(Object.keys(FINDINGS).sort());
  });

  it('every id is emitted by one check or by a kind of configuration issue, and nothing else is', () => {
    const ruleIds = FINDING_RULES.map((r) => r.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    const emitted = new Set<string>([...ruleIds, ...Object.values(CONF_ISSUE_FINDINGS)]);
    expect([...emitted].sort()).toEqual(Object.keys(FINDINGS).sort());
  });

  it('every finding the examples and fixtures produce is registered, at a registered level, with registered data fields', async () => {
    const confs = [
      ...files('examples', /\.conf$/),
      ...files('test/fixtures', /\.conf$/),
      ...files('test/input/conf-corpus', /\.conf$/),
    ].filter((f) => !f.includes('conf.d') && !f.startsWith('examples/rds/'));
    const plans = files('test/fixtures/plans', /\.(json|log|jsonlog)$/);
    const findings = [
      ...(await findingsOf(['check', ...confs, '--ram', '4GB'])),
      ...(await findingsOf(['check', ...confs, '--ram', '256MB', '--pods', '20', '--pool', '20'])),
      ...(
        await Promise.all(files('examples', /topology\.yaml$/).map((f) => findingsOf(['plan', '--topology', f])))
      ).flat(),
      ...(await findingsOf(['plan', '--manifest', 'examples/cnpg/cluster.yaml', '--ram', '2GB'])),
      ...(await findingsOf(['plan', '--manifest', 'examples/zalando/postgresql.yaml'])),
      ...(await findingsOf(['plan', '--pgbouncer', 'examples/pgbouncer/pgbouncer.ini', '--ram', '8GB'])),
      // AWS formulas need the instance class they are evaluated for.
      ...(await findingsOf([
        'check',
        ...files('examples/rds', /\.conf$/),
        '--provider',
        'rds',
        '--instance-class',
        'db.r6g.xlarge',
      ])),
      ...(await findingsOf([
        'plan',
        '--provider',
        'rds',
        '--instance-class',
        'db.t4g.medium',
        '--parameter-group',
        'examples/rds/parameter-group.json',
      ])),
      ...(await findingsOf(['plan', '--plans', ...plans.filter((f) => f.includes('pg15')), '--ram', '1GB'])),
    ];
    expect(confs.length).toBeGreaterThan(10);
    expect(findings.length).toBeGreaterThan(20);
    expect(findings.flatMap(registryProblems)).toEqual([]);
    // The README's own outputs name registered findings only.
    const named = [...read('README.md').matchAll(/title=pgmem ([a-z0-9-]+)::|"id": "([a-z0-9-]+)",\s+"severity"/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((id) => !Object.hasOwn(FINDINGS, id))).toEqual([]);
  });
});

describe('generated finding docs', () => {
  it(`${FINDINGS_DOC_PATH} is what npm run docs:findings writes`, () => {
    expect(read(FINDINGS_DOC_PATH)).toBe(renderFindingsDoc());
  });

  it("the README's findings table is what npm run docs:findings writes", () => {
    const readme = read('README.md');
    const start = readme.indexOf(README_FINDINGS_START);
    const end = readme.indexOf(README_FINDINGS_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + README_FINDINGS_START.length, end)).toBe(`\n${renderFindingsTable()}\n`);
  });

  it('every id has its heading in the docs, every data field its row, and each help link lands on it', () => {
    const doc = read(FINDINGS_DOC_PATH);
    const headings = [...doc.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual(Object.keys(FINDINGS).sort());
    for (const definition of FINDING_LIST) {
      const section = doc.slice(doc.indexOf(`### ${definition.id}\n`)).split(/\n#{2,3} /)[0]!;
      for (const key of Object.keys(definition.data)) expect(section).toContain(`| \`${key}\` |`);
      expect(findingHelpUri(definition.id)).toBe(`${PROJECT_URL}/blob/main/${FINDINGS_DOC_PATH}#${definition.id}`);
    }
  });
});

describe('configuration issues as findings', () => {
  it('each kind of issue is reported under its own registered id', async () => {
    const confFs = memoryFs({
      '/work/syntax.conf': 'work_mem = 4MB extra\n',
      '/work/unknown.conf': 'bogus_name = 1\n',
      '/work/value.conf': "work_mem = 'lots'\n",
      '/work/fixed.conf': 'block_size = 16384\n',
      '/work/include.conf': "work_mem = 4MB\ninclude 'missing.conf'\n",
    });
    const { stdout } = await runCli(
      ['check', 'syntax.conf', 'unknown.conf', 'value.conf', 'fixed.conf', 'include.conf', '--json'],
      { cwd: '/work', confFs },
    );
    const results = (JSON.parse(stdout) as { results: { findings: { id: string; file?: string; line?: number }[] }[] })
      .results;
    const found = results.flatMap((r) => r.findings).filter((f) => f.line !== undefined);
    expect(found.map((f) => [f.file, f.line, f.id])).toEqual([
      ['syntax.conf', 1, 'config-syntax-error'],
      ['unknown.conf', 1, 'invalid-setting'],
      ['value.conf', 1, 'invalid-setting'],
      ['fixed.conf', 1, 'invalid-setting'],
      ['include.conf', 2, 'config-include-error'],
    ]);
  });
});
