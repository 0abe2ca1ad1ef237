/**
 * action.yml, run as GitHub's runner runs a composite action: the README's workflow is read from the
 * README, its `with:` inputs substituted into the step's environment, and the step's script run by
 * `bash --noprofile --norc -eo pipefail` against the packed tarball (the one input a test changes is
 * `package`). So the README's snippet, the action's inputs and pgmem check cannot drift apart.
 * Installing the tarball reaches the npm registry for the dependencies.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../support/cli.js';
import { packBuiltTree } from '../support/pack.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

interface ActionInput {
  readonly description: string;
  readonly required?: boolean;
  readonly default?: string;
}
interface Action {
  readonly inputs: Record<string, ActionInput>;
  readonly runs: { using: string; steps: { shell: string; env: Record<string, string>; run: string }[] };
}
const action = parseYaml(readFileSync(join(projectRoot, 'action.yml'), 'utf8')) as Action;

interface WorkflowStep {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}

/** The README's ```yaml blocks that use the action. */
function readmeWorkflows(): { steps: WorkflowStep[] }[] {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .filter((b) => /uses: pgmem\/pgmem@/.test(b))
    .map((b) => {
      const doc = parseYaml(b) as { jobs: Record<string, { steps: WorkflowStep[] }> };
      const jobs = Object.values(doc.jobs);
      expect(jobs).toHaveLength(1);
      return { steps: jobs[0]!.steps };
    });
}

let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pgmem-action-'));
  ({ tarball } = packBuiltTree(work));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

let repos = 0;

/** A checked-out repository: files copied from this one (`to: from`) or written (`to: { text }`). */
function repository(files: Record<string, string | { text: string }>): string {
  const repo = join(work, `repo-${++repos}`);
  for (const [to, from] of Object.entries(files)) {
    const path = join(repo, to);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof from === 'string') copyFileSync(join(projectRoot, from), path);
    else writeFileSync(path, from.text);
  }
  return repo;
}

/** Runs the action's step as the runner does, with `with` inputs (and the tarball as `package`). */
function runAction(inputs: Record<string, unknown>, repo: string) {
  for (const name of Object.keys(inputs)) expect(Object.keys(action.inputs), `input ${name}`).toContain(name);
  expect(action.runs.using).toBe('composite');
  expect(action.runs.steps).toHaveLength(1);
  const [step] = action.runs.steps;
  expect(step!.shell).toBe('bash');
  // The script names no input: GitHub would paste it into the script unquoted.
  expect(step!.run).not.toContain('${{');
  const given: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
    package: tarball,
  };
  // ${{ inputs.x }} is the runner's expression syntax: an input as given, else its default, else ''.
  const env = Object.fromEntries(
    Object.entries(step!.env).map(([k, v]) => [
      k,
      v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
        expect(action.inputs, `env ${k} names input ${name}`).toHaveProperty([name]);
        return given[name] ?? action.inputs[name]?.default ?? '';
      }),
    ]),
  );
  const script = join(work, `step-${repos}.sh`);
  writeFileSync(script, step!.run);
  // shell: bash in a composite action runs `bash --noprofile --norc -eo pipefail {0}`.
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: work,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_update_notifier: 'false',
      NO_COLOR: '1',
      ...env,
    },
  });
}

describe('the README workflow, run with action.yml', () => {
  it('is one job: checkout, then the action with inputs it has', () => {
    const workflows = readmeWorkflows();
    expect(workflows).toHaveLength(1);
    const { steps } = workflows[0]!;
    expect(steps.map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'pgmem/pgmem@v1']);
    expect(Object.keys(steps[1]!.with ?? {})).toEqual(['files', 'topology']);
  });

  it('annotates the lines of the findings and fails the job', () => {
    const { steps } = readmeWorkflows()[0]!;
    const inputs = steps[1]!.with!;
    // The checkout: examples/kubernetes at postgres/.
    const repo = repository({
      'postgres/postgresql.conf': 'examples/kubernetes/postgresql.conf',
      'postgres/topology.yaml': 'examples/kubernetes/topology.yaml',
    });
    expect([inputs.files, inputs.topology]).toEqual(['postgres/postgresql.conf', 'postgres/topology.yaml']);
    const result = runAction(inputs, repo);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      '::error file=postgres/postgresql.conf,line=6,title=pgmem worst-case-exceeds-ram::worst case',
    );
    // Only workflow commands on standard output: the github format.
    expect(
      result.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('::')),
    ).toBe(true);
  }, 300_000);

  it("the README names every input of action.yml, and the default package is @pgmem/cli's", () => {
    const section = readme.slice(readme.indexOf('### A GitHub Actions job'));
    const paragraph = section.slice(0, section.indexOf('\n## '));
    for (const name of Object.keys(action.inputs)) expect(paragraph, name).toContain(`\`${name}\``);
    expect(action.inputs.package?.default).toBe('@pgmem/cli@latest');
  });
});

describe('the action inputs', () => {
  it('manifests alone: check the manifests as one server', () => {
    const repo = repository({ 'k8s/cluster.yaml': 'examples/cnpg/cluster.yaml' });
    const result = runAction({ manifests: 'k8s/cluster.yaml' }, repo);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /^::error file=k8s\/cluster\.yaml,line=\d+(,col=\d+)?,title=pgmem worst-case-exceeds-ram::/m,
    );
  }, 300_000);

  it('provider and instance-class: AWS formulas in a postgresql.conf, findings on their lines', () => {
    const repo = repository({
      'rds/postgresql.conf': {
        text: "work_mem = 4MB\nshared_buffers = '{DBInstanceClassMemory/10240}'\n",
      },
    });
    const result = runAction(
      {
        files: 'rds/postgresql.conf',
        provider: 'rds',
        'instance-class': 'db.r5.large',
        'pg-version': 16,
        'fail-on': 'warning',
        args: '--pods 2 --pool 10',
      },
      repo,
    );
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      '::warning file=rds/postgresql.conf,line=2,title=pgmem shared-buffers-share::shared_buffers 12.8 GiB is 80%25 of RAM',
    );
  }, 300_000);

  it('an exported parameter group as a file: annotations on the lines of its values', () => {
    const repo = repository({ 'rds/parameter-group.json': 'examples/rds/parameter-group.json' });
    const result = runAction(
      {
        files: 'rds/parameter-group.json',
        provider: 'rds',
        'instance-class': 'db.r6g.xlarge',
        'pg-version': 16,
        args: '--pods 6 --pool 25',
      },
      repo,
    );
    expect(result.status, result.stderr).toBe(1);
    // work_mem's "ParameterValue" line in the example.
    const line = readFileSync(join(projectRoot, 'examples/rds/parameter-group.json'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('"ParameterValue": "32768"'));
    expect(result.stdout).toContain(
      `::error file=rds/parameter-group.json,line=${line + 1},title=pgmem worst-case-exceeds-ram::`,
    );
  }, 300_000);

  it('files: globs and ** expand; pgbouncer and ram are options', () => {
    const repo = repository({
      'db/a/postgresql.conf': { text: 'work_mem = lots\n' },
      'db/b/c/postgresql.conf': { text: 'shared_buffers = 12GB\n' },
      'pgbouncer.ini': 'examples/pgbouncer/pgbouncer.ini',
      'local.ini': 'examples/pgbouncer/local.ini',
    });
    const result = runAction({ files: 'db/**/*.conf', pgbouncer: 'pgbouncer.ini', ram: '16GB' }, repo);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('::error file=db/a/postgresql.conf,line=1,title=pgmem invalid-setting::');
    expect(result.stdout).toContain('file=db/b/c/postgresql.conf,line=1,');
  }, 300_000);

  it('inputs are data, never shell: $(…) and ; in an input run nothing', () => {
    const repo = repository({ 'postgresql.conf': { text: 'work_mem = 4MB\n' } });
    const result = runAction(
      { files: 'postgresql.conf', topology: '$(touch pwned); touch pwned2', args: '--pods $(touch pwned3) --pool 1' },
      repo,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^pgmem: error: /m);
    for (const f of ['pwned', 'pwned2', 'pwned3', '$(touch']) expect(existsSync(join(repo, f)), f).toBe(false);
  }, 300_000);
});

describe('install lines', () => {
  it('every command in the README and docs that installs or runs the package names @pgmem/cli', () => {
    const docs = ['README.md', ...readdirDocs()].map((f) => ({ f, text: readFileSync(join(projectRoot, f), 'utf8') }));
    const install = /\b(npm (install|i|add|exec)|npx|yarn (add|dlx)|pnpm (add|dlx)|bunx)\b[^\n`]*/g;
    const offenders: string[] = [];
    for (const { f, text } of docs) {
      for (const m of text.matchAll(install)) {
        const line = m[0];
        // `npx pgmem …` runs the installed bin; any other mention of a pgmem package must be @pgmem/cli.
        const names = line.match(/(?<![\w/-])@?pgmem[\w/@.-]*/g) ?? [];
        if (names.some((n) => n !== 'pgmem' && !n.startsWith('@pgmem/cli'))) offenders.push(`${f}: ${line}`);
        if (/\bnpx (--yes )?pgmem\b/.test(line) && !text.includes('@pgmem/cli')) offenders.push(`${f}: ${line}`);
        if (/\bnpm (install|i|add) (-[-\w]+ )*pgmem\b/.test(line)) offenders.push(`${f}: ${line}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

function readdirDocs(): string[] {
  return readdirSync(join(projectRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
}
