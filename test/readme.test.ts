import { describe, expect, it } from 'vitest';
import { matchesExcerpt, readmeExamples, runReadmeCommand } from './support/readme.js';

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
