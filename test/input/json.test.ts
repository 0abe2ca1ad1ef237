import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseJson } from '../../src/input/json.js';

function failure(text: string, firstLine?: number): string {
  try {
    parseJson(text, 'plan.json', firstLine);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the text to be refused');
}

describe('parseJson', () => {
  it('parses JSON', () => {
    expect(parseJson('[{"a": 1}]', 'plan.json')).toEqual([{ a: 1 }]);
  });

  it("says where the JSON breaks, in pgmem's words, not the engine's", () => {
    expect(failure('[\n  {"a": 1,\n   "b" 2}\n]')).toBe('plan.json:3: invalid JSON at column 8');
    expect(failure('{"a": }', 10)).toBe('plan.json:10: invalid JSON: unexpected "}"');
    expect(failure('{"a": [1, 2')).toBe('plan.json: invalid JSON: it ends too soon');
    for (const text of ['x', '{"a":}', '[1,,2]', "{'a': 1}"])
      expect(failure(text)).not.toMatch(/Unexpected|Expected|position|is not valid JSON/);
  });
});
