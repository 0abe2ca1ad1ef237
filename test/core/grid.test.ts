import { describe, expect, it } from 'vitest';
import { computeGrid, gridCombinations, gridStatus } from '../../src/core/grid.js';
import { GiB, plan } from '../support/analyze.js';

describe('gridCombinations', () => {
  it('row-major: the first axis varies slowest', () => {
    expect(gridCombinations([{ name: 'a', values: ['1', '2'] }, { name: 'b', values: ['x', 'y', 'z'] }])).toEqual([
      { a: '1', b: 'x' },
      { a: '1', b: 'y' },
      { a: '1', b: 'z' },
      { a: '2', b: 'x' },
      { a: '2', b: 'y' },
      { a: '2', b: 'z' },
    ]);
    expect(gridCombinations([{ name: 'a', values: ['1'] }])).toEqual([{ a: '1' }]);
  });
});

describe('gridStatus', () => {
  const ram = 1000;
  it('within with the reserve left, within but into the reserve, over', () => {
    expect(gridStatus(800, ram, 0.2)).toBe('within'); // headroom 200 = ceil(1000 × 0.2)
    expect(gridStatus(801, ram, 0.2)).toBe('reserve');
    expect(gridStatus(1000, ram, 0.2)).toBe('reserve');
    expect(gridStatus(1001, ram, 0.2)).toBe('over');
    expect(gridStatus(5, null, 0.2)).toBeNull();
  });
});

describe('computeGrid', () => {
  it('each cell is the plan of its values', () => {
    const ramBytes = 16 * GiB;
    const evaluate = (values: Readonly<Record<string, string>>) =>
      plan({ clients: Number(values.clients), settings: { work_mem: values.work_mem! }, ramBytes });
    const grid = computeGrid(
      [
        { name: 'work_mem', values: ['4MB', '64MB', '256MB'] },
        { name: 'clients', values: ['10', '100'] },
      ],
      evaluate,
      ramBytes,
      0.2,
    );
    expect(grid.cells).toHaveLength(6);
    for (const cell of grid.cells) {
      const worst = evaluate(cell.values).report.totals.worstCaseBytes;
      expect(cell.worstCaseBytes).toBe(worst);
      expect(cell.headroomBytes).toBe(ramBytes - worst);
      expect(cell.fits).toBe(worst <= ramBytes);
    }
    expect(grid.cells[0]!.status).toBe('within'); // 4MB × 10 clients
    expect(grid.cells[5]!.status).toBe('over'); // 256MB × 100 clients
  });

  it('without RAM, no judgement', () => {
    const grid = computeGrid([{ name: 'work_mem', values: ['4MB'] }], (v) => plan({ settings: { work_mem: v.work_mem! } }), null, 0.2);
    expect(grid.cells[0]).toMatchObject({ headroomBytes: null, fits: null, status: null });
  });
});
