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

/**
 * How a cell fares: within RAM with the reserve left, within but into the reserve, over RAM, or
 * within RAM but with clients refused a connection slot (max_connections), as --solve judges it.
 */
export type GridStatus = 'within' | 'reserve' | 'over' | 'refused';

/** One combination of axis values. */
export interface GridCell {
  readonly values: Readonly<Record<string, string>>;
  readonly worstCaseBytes: number;
  /** RAM − worst case; null without RAM. */
  readonly headroomBytes: number | null;
  /** Client connections refused for lack of connection slots. */
  readonly refusedClients: number;
  /** Whether the plan holds: worst case within RAM and no client refused; null without RAM unless clients are refused. */
  readonly fits: boolean | null;
  /** null without RAM, unless clients are refused. */
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
  for (const axis of axes)
    combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.name]: value })));
  return combos;
}

/**
 * Judges a cell: over RAM, clients refused a slot, within RAM but eating into the reserve, or
 * within both. Over RAM wins over refused (both make the cell fail; the refused count stays in the cell).
 */
export function gridStatus(
  worstCaseBytes: number,
  ramBytes: number | null,
  reserveShare: number,
  refusedClients = 0,
): GridStatus | null {
  if (ramBytes !== null && worstCaseBytes > ramBytes) return 'over';
  if (refusedClients > 0) return 'refused';
  if (ramBytes === null) return null;
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
    const { totals, connections } = evaluate(values).report;
    const worstCaseBytes = totals.worstCaseBytes;
    const refusedClients = connections.refused;
    return {
      values,
      worstCaseBytes,
      headroomBytes: ramBytes === null ? null : ramBytes - worstCaseBytes,
      refusedClients,
      // Refused clients fail the plan whatever the RAM, as in solve's fitsIn.
      fits: refusedClients > 0 ? false : ramBytes === null ? null : worstCaseBytes <= ramBytes,
      status: gridStatus(worstCaseBytes, ramBytes, reserveShare, refusedClients),
    };
  });
  return { axes, ramBytes, reserveShare, cells };
}
