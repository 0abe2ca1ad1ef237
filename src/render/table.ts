/** The table renderer for people: memory by part, then findings in colour. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Finding, PlanReport } from '../core/report-schema.js';
import { formatSize } from '../core/format.js';
import type { RenderOptions } from './options.js';
import { headline, summaryRows, topologyRows } from './summary.js';
import { shownFindings, terminalText } from './terminal.js';

const WIDTHS = [38, 66, 12];

/** Renders a plan report as a terminal table followed by its findings. */
export function renderTable(report: PlanReport, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const table = new Table({
    head: ['Memory', 'How', 'Size'].map((h) => chalk.bold(h)),
    colAligns: ['left', 'left', 'right'],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    colWidths: WIDTHS,
  });
  let previous: string | undefined;
  for (const row of summaryRows(report)) {
    // A rule above each section keeps the compact table readable.
    if (row.kind !== 'item' && previous === 'item') table.push([{ colSpan: 3, content: chalk.dim('─'.repeat(WIDTHS.reduce((a, b) => a + b, 0))) }]);
    previous = row.kind;
    const size = formatSize(row.bytes);
    if (row.kind === 'item') table.push([`  ${row.label}`, chalk.dim(row.detail), size]);
    else if (row.kind === 'section') table.push([chalk.bold(row.label), row.detail, chalk.bold(size)]);
    else table.push([chalk.bold(row.label), row.detail, chalk.bold(colorTotal(chalk, row.id, size, report))]);
  }
  const title = options.title ? `${terminalText(options.title)}\n` : '';
  return `${title}${headline(report)}\n${renderTopology(report, chalk)}${table.toString()}\n${renderFindings(report.findings, chalk)}`;
}

/** The connections table: pods, pools, connections, backends and memory per group. */
function renderTopology(report: PlanReport, chalk: ChalkInstance): string {
  const rows = topologyRows(report);
  if (rows.length === 0) return '';
  const cells = rows.map((row) => [
    terminalText(row.name, 80),
    row.pods,
    row.pool,
    String(row.connections),
    row.backends === null ? chalk.dim('via pooler') : String(row.backends),
    row.bytes === null ? '' : formatSize(row.bytes),
  ]);
  return `${drawLongTable(
    {
      head: ['Group', 'Pods', 'Pool', 'Connections', 'Backends', 'Memory'].map((h) => chalk.bold(h)),
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [], compact: true },
    },
    cells,
  )}\n`;
}

/** Rows cli-table3 lays out at once; see drawLongTable. */
const SLICE_ROWS = 200;

/**
 * A compact table of any length in time linear in its rows. cli-table3 checks every cell against
 * every row above it (for row spans), which made 4,000 groups take seconds; the rows are laid out
 * in slices, first to learn each slice's column widths, then again with the widest, and the slices'
 * borders between them are dropped, which gives the very table one layout would.
 */
function drawLongTable(options: Table.TableConstructorOptions, rows: readonly string[][]): string {
  const slices: string[][][] = [];
  for (let i = 0; i < rows.length; i += SLICE_ROWS) slices.push(rows.slice(i, i + SLICE_ROWS));
  const draw = (slice: string[][], first: boolean, colWidths?: number[]): { text: string; widths: number[] } => {
    const table = new Table({ ...options, head: first ? options.head : [], ...(colWidths && { colWidths }) });
    table.push(...slice);
    const text = table.toString();
    return { text, widths: table.options.colWidths.map((w) => w ?? 0) };
  };
  if (slices.length <= 1) return draw(slices[0] ?? [], true).text;
  const widths = slices.map((slice, i) => draw(slice, i === 0).widths).reduce((a, b) => a.map((w, i) => Math.max(w, b[i] ?? 0)));
  return slices
    .map((slice, i) => {
      const lines = draw(slice, i === 0, widths).text.split('\n');
      return lines.slice(i === 0 ? 0 : 1, i === slices.length - 1 ? lines.length : -1).join('\n');
    })
    .join('\n');
}

function colorTotal(chalk: ChalkInstance, id: string, size: string, report: PlanReport): string {
  if (id === 'over-by') return chalk.red(size);
  if (id === 'headroom') {
    const low = report.findings.some((f) => f.id === 'low-headroom');
    return low ? chalk.yellow(size) : chalk.green(size);
  }
  return size;
}

/** Findings as lines: severity, id, message, fix. */
export function renderFindings(findings: readonly Finding[], chalk: ChalkInstance): string {
  if (findings.length === 0) return `${chalk.green('No findings.')}\n`;
  const paint = { error: chalk.red, warning: chalk.yellow, info: chalk.cyan } as const;
  const { shown, hidden } = shownFindings(findings);
  const rest = hidden > 0 ? `${chalk.dim(`… and ${hidden} more finding${hidden === 1 ? '' : 's'} (--json lists all)`)}\n` : '';
  return `${shown
    .map((f) => {
      const where = f.file ? `${terminalText(f.file)}${f.line ? `:${f.line}` : ''}: ` : '';
      const fix = f.fix ? `\n    ${chalk.dim(`fix: ${terminalText(f.fix)}`)}` : '';
      return `${paint[f.severity](`${f.severity}`)} ${chalk.bold(f.id)}: ${where}${terminalText(f.message)}${fix}`;
    })
    .join('\n')}\n${rest}`;
}
