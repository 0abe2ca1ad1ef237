import { describe, expect, it } from 'vitest';
import { computeGrid, gridCombinations, gridStatus } from '../../src/core/grid.js';
import { GiB, plan } from '../support/analyze.js';

describe('gridCombinations', () => {
  it('row-major: the first axis varies slowest', () => {
    expect(
      gridCombinations([
        { name: 'a', values: ['1', '2'] },
        { name: 'b', values: ['x', 'y', 'z'] },
      ]),
    ).toEqual([
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

  it('clients refused a slot fail the cell within RAM, with or without RAM; over RAM stays over', () => {
    expect(gridStatus(100, ram, 0.2, 3)).toBe('refused');
    expect(gridStatus(100, null, 0.2, 3)).toBe('refused');
    expect(gridStatus(1001, ram, 0.2, 3)).toBe('over');
    expect(gridStatus(100, ram, 0.2, 0)).toBe('within');
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
        { name: 'clients', values: ['10', '90'] }, // within the 97 usable slots
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
      expect(cell.refusedClients).toBe(0);
    }
    expect(grid.cells[0]!.status).toBe('within'); // 4MB × 10 clients
    expect(grid.cells[5]!.status).toBe('over'); // 256MB × 90 clients
  });

  it('a cell whose clients find no connection slot does not fit, however much RAM is left (as --solve judges)', () => {
    const ramBytes = 64 * GiB;
    // max_connections 100 − 3 reserved = 97 usable slots: 97 clients fit, 98 and 200 do not.
    const grid = computeGrid(
      [{ name: 'clients', values: ['97', '98', '200'] }],
      (values) => plan({ clients: Number(values.clients), ramBytes }),
      ramBytes,
      0.2,
    );
    expect(grid.cells.map((c) => c.refusedClients)).toEqual([0, 1, 103]);
    expect(grid.cells.map((c) => c.fits)).toEqual([true, false, false]);
    expect(grid.cells.map((c) => c.status)).toEqual(['within', 'refused', 'refused']);
    for (const cell of grid.cells) expect(cell.headroomBytes).toBeGreaterThan(ramBytes / 2);
    const noRam = computeGrid(
      [{ name: 'clients', values: ['10', '200'] }],
      (v) => plan({ clients: Number(v.clients) }),
      null,
      0.2,
    );
    expect(noRam.cells.map((c) => [c.fits, c.status])).toEqual([
      [null, null],
      [false, 'refused'],
    ]);
  });

  it('without RAM, no judgement', () => {
    const grid = computeGrid(
      [{ name: 'work_mem', values: ['4MB'] }],
      (v) => plan({ settings: { work_mem: v.work_mem! } }),
      null,
      0.2,
    );
    expect(grid.cells[0]).toMatchObject({ headroomBytes: null, fits: null, status: null });
  });
});
