/**
 * What-if grids: the worst case over one or two axes of settings or topology knobs, judged against
 * RAM and the reserve for the OS and page cache. Pure: the caller evaluates each cell.
 */
import type { Analysis } from './analyze.js';

/** At most this many axes (a table has rows and columns). */
export const MAX_GRID_AXES = 2;
/** At most this many cells, so a grid stays readable and quick. */
export const MAX_GRID_CELLS = 400;
/** Topology knobs an axis may vary besides settings. */
export const TOPOLOGY_KNOBS = ['pods', 'pool', 'clients'] as const;

/** One axis: a setting (PostgreSQL syntax values) or a topology knob (whole numbers). */
export interface GridAxis {
  readonly name: string;
  readonly values: readonly string[];
}

/** How a cell compares with RAM: within with the reserve left, within but into the reserve, over. */
export type GridStatus = 'within' | 'reserve' | 'over';

/** One combination of axis values. */
export interface GridCell {
  readonly values: Readonly<Record<string, string>>;
  readonly worstCaseBytes: number;
  /** RAM − worst case; null without RAM. */
  readonly headroomBytes: number | null;
  /** Whether the worst case fits in RAM; null without RAM. */
  readonly fits: boolean | null;
  readonly status: GridStatus | null;
}

/** A computed grid, cells in row-major order (the first axis varies slowest). */
export interface Grid {
  readonly axes: readonly GridAxis[];
  readonly ramBytes: number | null;
  readonly reserveShare: number;
  readonly cells: readonly GridCell[];
}

/** Every combination of axis values, the first axis varying slowest. */
export function gridCombinations(axes: readonly GridAxis[]): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.name]: value })));
  return combos;
}

/** Judges a worst case against RAM: over it, within it but eating into the reserve, or within both. */
export function gridStatus(worstCaseBytes: number, ramBytes: number | null, reserveShare: number): GridStatus | null {
  if (ramBytes === null) return null;
  if (worstCaseBytes > ramBytes) return 'over';
  // The same test as the low-headroom finding: headroom below ceil(RAM × share).
  return ramBytes - worstCaseBytes < Math.ceil(ramBytes * reserveShare) ? 'reserve' : 'within';
}

/** Evaluates every cell of the grid. */
export function computeGrid(
  axes: readonly GridAxis[],
  evaluate: (values: Readonly<Record<string, string>>) => Analysis,
  ramBytes: number | null,
  reserveShare: number,
): Grid {
  const cells = gridCombinations(axes).map((values): GridCell => {
    const worstCaseBytes = evaluate(values).report.totals.worstCaseBytes;
    return {
      values,
      worstCaseBytes,
      headroomBytes: ramBytes === null ? null : ramBytes - worstCaseBytes,
      fits: ramBytes === null ? null : worstCaseBytes <= ramBytes,
      status: gridStatus(worstCaseBytes, ramBytes, reserveShare),
    };
  });
  return { axes, ramBytes, reserveShare, cells };
}
