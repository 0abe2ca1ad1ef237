/**
 * YAML as pgmem reads it: merge keys work; alias bombs, unknown tags, several documents and syntax
 * errors are input errors with the file, the line and pgmem's own words, never the library's, and
 * the library prints nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseYamlDocument, parseYamlDocuments } from '../../src/input/yaml.js';
import { parseTopology } from '../../src/input/topology.js';
import { binPath } from '../support/cli.js';

function problem(text: string): string {
  try {
    parseYamlDocument(text, 't.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the document to be refused');
}

/** Ten levels of ten aliases each: 10^10 values once expanded. */
const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  .concat(
    Array.from({ length: 9 }, (_, i) => {
      const [name, prev] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
      return `${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`;
    }),
  )
  .join('\n');

describe('parseYamlDocument', () => {
  it("applies merge keys, one or several, with the mapping's own keys winning", () => {
    const doc = parseTopology(
      'apps:\n  - &web { name: web, pods: 2, pool: 5 }\n  - <<: *web\n    name: jobs\n    pool: 1\n  - { <<: [*web], name: cron }\n',
      't.yaml',
    );
    expect(doc.apps.map((a) => [a.name, a.pods, a.pool])).toEqual([
      ['web', 2, 5],
      ['jobs', 2, 1],
      ['cron', 2, 5],
    ]);
  });

  it('takes a topology of 4,000 apps that each merge one anchor', () => {
    const text = [
      'apps:',
      '  - &app { name: app0, pods: 2, pool: 5 }',
      ...Array.from({ length: 3999 }, (_, i) => `  - { <<: *app, name: app${i + 1} }`),
    ].join('\n');
    expect(parseTopology(text, 't.yaml').apps).toHaveLength(4000);
  });

  it('refuses alias bombs, shallow and wide, without expanding them', () => {
    const bomb = 'too many aliases: anchors nested so that the document expands without bound';
    expect(problem(BOMB)).toBe(`t.yaml: ${bomb}`);
    const wide = `big: &big [${Array.from({ length: 2000 }, () => '1').join(', ')}]\nuse: [${Array.from({ length: 1000 }, () => '*big').join(', ')}]\n`;
    expect(problem(wide)).toBe(`t.yaml: ${bomb}`);
  });

  it('refuses unknown tags, YAML 1.1 types included, naming the tag and line', () => {
    expect(problem('apps: !foo []\n')).toBe('t.yaml:1: unknown tag "!foo"');
    expect(problem('a: 1\nb: !!binary aGk=\n')).toBe('t.yaml:2: unknown tag "!!binary"');
  });

  it('refuses aliases without an anchor, several documents and syntax errors in its own words', () => {
    expect(problem('a: 1\nb: *nope\n')).toBe('t.yaml:2: alias "*nope" has no anchor before it');
    expect(problem('a: &a [*a]\n')).toBe('t.yaml:1: alias "*a" has no anchor before it');
    expect(problem('a: 1\n---\nb: 2\n')).toBe('t.yaml:2: more than one document; give one');
    expect(problem('a: 1\na: 2\n')).toBe('t.yaml:2: duplicate key');
    expect(problem('a:\n\t- 1\n')).toBe('t.yaml:2: a tab used for indentation; indent with spaces');
    expect(problem('a: [1, 2\n')).toBe('t.yaml:1: bad indentation (or an unclosed bracket)');
    expect(problem('a: "\\q"\n')).toBe('t.yaml:1: invalid escape in a double-quoted string');
  });

  it('reads JSON and an empty document', () => {
    expect(parseYamlDocument('{"a": [1, "x", true, null]}', 'j')).toEqual({ a: [1, 'x', true, null] });
    expect(parseYamlDocument('', 'e')).toBeNull();
  });
});

describe('parseYamlDocuments: where values are written', () => {
  const text = [
    '# a comment',
    'kind: Cluster',
    'spec:',
    '  parameters:',
    '    work_mem: 64MB',
    '    "max_connections": "200"',
    '  containers:',
    '    - name: a',
    '    - { name: b, image: x }',
    '  defaults: &d',
    '    shm: 1Gi',
    '  merged:',
    '    <<: *d',
    '---',
    'kind: Pooler',
    '',
  ].join('\n');
  const [first, second] = parseYamlDocuments(text, 'm.yaml');

  it('a scalar at its value, a collection at its key, a list item by index (lines and columns from 1)', () => {
    expect(first!.line).toBe(2);
    expect(first!.locate(['spec', 'parameters', 'work_mem'])).toEqual({ line: 5, column: 15 });
    expect(first!.locate(['spec', 'parameters', 'max_connections'])).toEqual({ line: 6, column: 24 });
    expect(first!.locate(['spec', 'parameters'])).toEqual({ line: 4, column: 3 });
    expect(first!.locate(['spec', 'containers', 1, 'image'])).toEqual({ line: 9, column: 25 });
    expect(second!.locate(['kind'])).toEqual({ line: 15, column: 7 });
  });

  it('a path the text does not write stops at the nearest field that is written (a merged key, a default)', () => {
    expect(first!.locate(['spec', 'merged', 'shm'])).toEqual({ line: 12, column: 3 });
    expect(first!.locate(['spec', 'parameters', 'shared_buffers'])).toEqual({ line: 4, column: 3 });
    expect(first!.locate([])).toEqual({ line: 2, column: 1 });
  });
});

describe('YAML problems through the built bin', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgmem-yaml-'));
    writeFileSync(join(dir, 'bomb.yaml'), BOMB);
    writeFileSync(join(dir, 'tag.yaml'), 'apps:\n  - name: !secret web\n    pods: 2\n    pool: 5\n');
    writeFileSync(
      join(dir, 'merge.yaml'),
      'apps:\n  - &web { name: web, pods: 2, pool: 5 }\n  - { <<: *web, name: jobs }\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pgmem = (args: string[]) =>
    spawnSync(process.execPath, [binPath, ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });

  it('an alias bomb is an input error, exit 2', () => {
    const r = pgmem(['plan', '--topology', 'bomb.yaml', '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'input',
      message: 'bomb.yaml: too many aliases: anchors nested so that the document expands without bound',
      exitCode: 2,
    });
  });

  it('an unknown tag is one line on stderr, also with --json', () => {
    for (const args of [
      ['plan', '--topology', 'tag.yaml'],
      ['plan', '--topology', 'tag.yaml', '--json'],
    ]) {
      const r = pgmem(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('pgmem: error: tag.yaml:2: unknown tag "!secret"\n');
    }
  });

  it('merge keys work', () => {
    const r = pgmem(['plan', '--topology', 'merge.yaml', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).connections.clients).toBe(20);
  });
});
