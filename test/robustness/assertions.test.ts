/**
 * Tests that cannot fail prove nothing: no test may pass on whichever error is thrown. Every
 * `toThrow` names the error (its message, class or code), and no test swallows an error unseen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/cli.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.test\.(ts|mts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Patterns that accept any error: a bare toThrow, and catch blocks that drop the error. */
const ANY_ERROR = [
  { name: 'toThrow() without the expected error', pattern: /\.(toThrow|toThrowError)\(\s*\)/g },
  { name: 'an empty catch block', pattern: /catch\s*(\([^)]*\))?\s*\{\s*\}/g },
];

describe('assertions on errors', () => {
  const files = testFiles(join(projectRoot, 'test'));

  it('finds the test files', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('no test passes on whichever error is thrown', () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const { name, pattern } of ANY_ERROR) {
        for (const match of text.matchAll(pattern)) {
          const line = text.slice(0, match.index).split('\n').length;
          found.push(`${relative(projectRoot, file)}:${line}: ${name}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
