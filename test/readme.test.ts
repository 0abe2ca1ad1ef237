import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/cli.js';
import { matchesExcerpt, readmeExamples, runReadmeCommand } from './support/readme.js';

describe("the README's first lines", () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const firstBlock = readme.split('```sh\n')[1]!.split('```')[0]!;
  const commands = firstBlock
    .trim()
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, ''));

  it('install and run the main job in a clone, then run the tests', () => {
    expect(commands).toEqual(['npm install && npx pgmem plan --pods 5 --pool 10', 'npm test']);
  });

  it('run: npx pgmem plan after the install prints the plan for 50 connections', () => {
    // npm install has run (the suite runs in the installed clone); this is the command after it.
    const main = commands[0]!.split(' && ')[1]!.split(' ');
    const run = spawnSync(main[0]!, main.slice(1), {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^PostgreSQL 18 · 50 client connections → 50 backends/);
  });
});

describe('README examples print what the README says', () => {
  const examples = readmeExamples();

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  for (const example of examples) {
    it(`$ ${example.command}`, () => {
      const actual = runReadmeCommand(example.command);
      if (!matchesExcerpt(actual, example.expected)) {
        // Show the real output in the failure, so the README can be corrected (npm run readme:update).
        expect(actual.replace(/\n$/, '')).toBe(example.expected.join('\n'));
      }
    });
  }
});

describe('excerpt matching', () => {
  it('anchors both ends unless … says otherwise', () => {
    expect(matchesExcerpt('a\nb\nc\n', ['a', 'b', 'c'])).toBe(true);
    expect(matchesExcerpt('a\nb\nc\n', ['a', 'b'])).toBe(false);
    expect(matchesExcerpt('a\nb\nc\n', ['a', '…'])).toBe(true);
    expect(matchesExcerpt('a\nb\nc\n', ['…', 'b', '…'])).toBe(true);
    expect(matchesExcerpt('a\nb\nc\n', ['…', 'c'])).toBe(true);
    expect(matchesExcerpt('a\nb\nc\n', ['…', 'x', '…'])).toBe(false);
    expect(matchesExcerpt('a\nb\nc\n', ['a', '…', 'c'])).toBe(true);
  });
});
