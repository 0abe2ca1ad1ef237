/** Renderers of `plan --vary`: a coloured table of worst-case totals, and the JSON document. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { formatSize } from '../core/format.js';
import type { Grid, GridCell, GridStatus } from '../core/grid.js';
import type { GridDocument } from '../core/report-schema.js';
import type { RenderOptions } from './options.js';

/** The JSON document: `{ schemaVersion: 1, grid: { axes, ramBytes, cells } }`, mapped field by field. */
export function gridJson(grid: Grid): GridDocument {
  return {
    schemaVersion: 1,
    grid: {
      axes: grid.axes.map((a) => ({ name: a.name, values: [...a.values] })),
      ramBytes: grid.ramBytes,
      reserveShare: grid.reserveShare,
      cells: grid.cells.map((c) => ({
        values: { ...c.values },
        worstCaseBytes: c.worstCaseBytes,
        headroomBytes: c.headroomBytes,
        refusedClients: c.refusedClients,
        fits: c.fits,
        status: c.status,
      })),
    },
  };
}

function paint(chalk: ChalkInstance, status: GridStatus | null, text: string): string {
  if (status === 'over' || status === 'refused') return chalk.red(text);
  if (status === 'reserve') return chalk.yellow(text);
  if (status === 'within') return chalk.green(text);
  return text;
}

/**
 * A cell's text: the worst case, marked for terminals without colour (! over RAM, ~ into the
 * reserve), and the clients refused a connection slot, if any.
 */
function cellText(cell: GridCell): string {
  const mark = cell.status === 'over' ? ' !' : cell.status === 'reserve' ? ' ~' : '';
  const refused = cell.refusedClients > 0 ? ` (${cell.refusedClients} refused)` : '';
  return `${formatSize(cell.worstCaseBytes)}${mark}${refused}`;
}

/**
 * One axis: a row per value with worst case and headroom. Two axes: the first down, the second
 * across, each cell the worst case. Coloured against RAM: green within, yellow into the reserve, red over.
 */
export function renderGridTable(grid: Grid, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const style = { head: [], border: [], compact: true };
  const [first, second] = grid.axes;
  let table: InstanceType<typeof Table>;
  if (!second) {
    table = new Table({
      head: [first!.name, 'Worst case', 'Headroom'].map((h) => chalk.bold(h)),
      colAligns: ['left', 'right', 'right'],
      style,
    });
    for (const cell of grid.cells) {
      table.push([
        cell.values[first!.name]!,
        paint(chalk, cell.status, cellText(cell)),
        cell.headroomBytes === null ? '' : paint(chalk, cell.status, formatSize(cell.headroomBytes)),
      ]);
    }
  } else {
    table = new Table({
      head: [`${first!.name} \\ ${second.name}`, ...second.values].map((h) => chalk.bold(h)),
      colAligns: ['left', ...second.values.map(() => 'right' as const)],
      style,
    });
    first!.values.forEach((value, row) => {
      const cells = grid.cells.slice(row * second.values.length, (row + 1) * second.values.length);
      table.push([value, ...cells.map((cell) => paint(chalk, cell.status, cellText(cell)))]);
    });
  }
  const legend =
    grid.ramBytes === null
      ? 'worst case per cell (give --ram to judge it)'
      : `worst case per cell against RAM ${formatSize(grid.ramBytes)}: ` +
        `${chalk.green('within')}, ${chalk.yellow(`~ within but into the ${Math.round(grid.reserveShare * 100)}% reserve`)}, ${chalk.red('! over')}`;
  const refused = grid.cells.some((c) => c.refusedClients > 0)
    ? `${chalk.red('(N refused)')}: N client connections find no slot (max_connections), whatever the RAM\n`
    : '';
  return `${table.toString()}\n${legend}\n${refused}`;
}
