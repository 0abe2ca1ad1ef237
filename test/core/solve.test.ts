import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestFitting, solve } from '../../src/core/solve.js';
import { GiB, plan } from '../support/analyze.js';

describe('largestFitting', () => {
  it('finds the boundary of a monotone predicate', () => {
    expect(largestFitting(0, 100, (v) => v <= 37)).toBe(37);
    expect(largestFitting(0, 100, (v) => v <= 0)).toBe(0);
    expect(largestFitting(0, 100, () => true)).toBe(100);
    expect(largestFitting(5, 100, (v) => v < 5)).toBeNull();
    expect(largestFitting(64, 2147483647, (v) => v <= 123_456_789)).toBe(123_456_789);
  });

  it('matches a linear scan on random thresholds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: -10, max: 600 }), (high, t) => {
        let expected: number | null = null;
        for (let v = 0; v <= high; v++) if (v <= t) expected = v;
        expect(largestFitting(0, high, (v) => v <= t)).toBe(expected);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('solve pods', () => {
  it('limited by connection slots: 97 usable slots / 20 per pod = 4 pods', () => {
    const result = solve({
      variable: 'pods',
      low: 0,
      high: 1000,
      highIsRange: false,
      ramBytes: 64 * GiB,
      checkSlots: true,
      evaluate: (n) => plan({ clients: n * 20, ramBytes: 64 * GiB }),
    });
    expect(result).toMatchObject({ value: 4, limitedBy: 'slots', next: { value: 5, refused: 3 } });
    expect(result.analysis.report.connections.clients).toBe(80);
  });

  it('limited by RAM: the answer fits, one more pod does not', () => {
    const ramBytes = 8 * GiB;
    const evaluate = (n: number) =>
      plan({ clients: n * 10, ramBytes, settings: { work_mem: '64MB', max_connections: '1000' } });
    const result = solve({
      variable: 'pods',
      low: 0,
      high: 1000,
      highIsRange: false,
      ramBytes,
      checkSlots: true,
      evaluate,
    });
    expect(result.limitedBy).toBe('ram');
    expect(evaluate(result.value!).report.totals.worstCaseBytes).toBeLessThanOrEqual(ramBytes);
    expect(evaluate(result.value! + 1).report.totals.worstCaseBytes).toBeGreaterThan(ramBytes);
    expect(result.next!.worstCaseBytes).toBe(evaluate(result.value! + 1).report.totals.worstCaseBytes);
  });

  it('nothing fits: null and the figures at the lowest value', () => {
    const result = solve({
      variable: 'pods',
      low: 0,
      high: 100,
      highIsRange: false,
      ramBytes: 64 * 1024 ** 2,
      checkSlots: true,
      evaluate: (n) => plan({ clients: n * 10 }),
    });
    expect(result).toMatchObject({ value: null, limitedBy: 'ram', next: { value: 0 } });
  });
});

describe('solve work_mem', () => {
  it('the largest kB within RAM, over random machines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 400 }), (ramGiB, clients) => {
        const ramBytes = ramGiB * GiB;
        const evaluate = (kB: number) => plan({ clients, ramBytes, settings: { work_mem: `${kB}kB` } });
        const result = solve({
          variable: 'work_mem',
          low: 64,
          high: 2147483647,
          highIsRange: true,
          ramBytes,
          checkSlots: false,
          evaluate,
        });
        if (result.value === null) {
          expect(evaluate(64).report.totals.worstCaseBytes).toBeGreaterThan(ramBytes);
          return;
        }
        expect(result.analysis.report.totals.worstCaseBytes).toBeLessThanOrEqual(ramBytes);
        expect(result.limitedBy).toBe('ram');
        expect(evaluate(result.value + 1).report.totals.worstCaseBytes).toBeGreaterThan(ramBytes);
      }),
      { seed: 11, numRuns: 60 },
    );
  });
});
