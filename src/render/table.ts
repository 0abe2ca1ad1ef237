/** The table renderer for people: memory by part, then findings in colour. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { strlen } from 'cli-table3/src/utils.js';
import type { Finding, PlanReport } from '../core/report-schema.js';
import { formatSize } from '../core/format.js';
import type { RenderOptions } from './options.js';
import { headline, queryRows, summaryRows, topologyRows } from './summary.js';
import { escapeControls, shownFindings, terminalText } from './terminal.js';

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
    if (row.kind !== 'item' && previous === 'item')
      table.push([{ colSpan: 3, content: chalk.dim('─'.repeat(WIDTHS.reduce((a, b) => a + b, 0))) }]);
    previous = row.kind;
    const size = formatSize(row.bytes);
    // Labels and details can carry group names from a topology file: never raw to the terminal.
    const label = escapeControls(row.label);
    const detail = escapeControls(row.detail);
    if (row.kind === 'item') table.push([`  ${label}`, chalk.dim(detail), size]);
    else if (row.kind === 'section') table.push([chalk.bold(label), detail, chalk.bold(size)]);
    else table.push([chalk.bold(label), detail, chalk.bold(colorTotal(chalk, row.id, size, report))]);
  }
  const title = options.title ? `${terminalText(options.title)}\n` : '';
  return `${title}${headline(report)}\n${renderTopology(report, chalk)}${table.toString()}\n${renderQueries(report, chalk)}${renderFindings(report.findings, chalk)}`;
}

/** The plans of the workload: each with its memory nodes and bytes, the hungriest marked. */
function renderQueries(report: PlanReport, chalk: ChalkInstance): string {
  const rows = queryRows(report);
  if (rows.length === 0) return '';
  const sections = new Map<string | null, string[]>();
  for (const q of rows) {
    const head = `${q.hungriest ? chalk.bold('▶ ') : '  '}${terminalText(q.source, 120)}: ${formatSize(q.backendBytes)} per backend${q.workers ? `, ${q.workers} workers` : ''}${q.hungriest ? chalk.bold(' (hungriest)') : ''}`;
    const lines = sections.get(q.group) ?? [];
    lines.push(
      head,
      ...(q.nodes.length
        ? q.nodes.map((n) => `      ${chalk.dim(terminalText(n, 160))}`)
        : [`      ${chalk.dim('no memory nodes')}`]),
    );
    sections.set(q.group, lines);
  }
  return [...sections]
    .map(
      ([group, lines]) =>
        `${chalk.bold(group === null ? 'Queries' : `Queries of ${terminalText(group, 80)}`)}\n${lines.join('\n')}\n\n`,
    )
    .join('');
}

/** The connections table: pods, pools, connections, backends and memory per group. */
function renderTopology(report: PlanReport, chalk: ChalkInstance): string {
  const rows = topologyRows(report);
  if (rows.length === 0) return '';
  // The workload column only when some app has its own workload.
  const workload = rows.some((row) => row.workload !== null);
  const cells = rows.map((row) => [
    terminalText(row.name, 80),
    row.pods,
    row.pool,
    String(row.connections),
    row.backends === null ? chalk.dim('via pooler') : String(row.backends),
    row.bytes === null ? '' : formatSize(row.bytes),
    ...(workload ? [terminalText(row.workload ?? '', 60)] : []),
  ]);
  const head = ['Group', 'Pods', 'Pool', 'Connections', 'Backends', 'Memory', ...(workload ? ['Workload'] : [])].map(
    (h) => chalk.bold(h),
  );
  const aligns = ['left', 'right', 'right', 'right', 'right', 'right', 'left'] as const;
  return `${drawLongTable(head, aligns.slice(0, head.length), cells)}\n`;
}

/**
 * A compact table, drawn as cli-table3 draws one (its width measure, one space of padding, its
 * box characters) but in time linear in its rows: cli-table3 checks every cell against every row
 * above it for spans and merges its options anew per cell, which made 4,000 groups take seconds.
 * test/render/table-long.test.ts holds it to cli-table3's own layout.
 */
function drawLongTable(
  head: readonly string[],
  aligns: readonly ('left' | 'right')[],
  rows: readonly string[][],
): string {
  const widths = head.map((h, i) => rows.reduce((w, row) => Math.max(w, strlen(row[i] ?? '')), strlen(h)) + 2);
  const rule = (left: string, middle: string, right: string): string =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(middle)}${right}`;
  const line = (cells: readonly string[]): string =>
    `│${cells
      .map((cell, i) => {
        const room = ' '.repeat(widths[i]! - 2 - strlen(cell));
        return aligns[i] === 'right' ? ` ${room}${cell} ` : ` ${cell}${room} `;
      })
      .join('│')}│`;
  return [rule('┌', '┬', '┐'), line(head), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')].join('\n');
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
  const rest =
    hidden > 0 ? `${chalk.dim(`… and ${hidden} more finding${hidden === 1 ? '' : 's'} (--json lists all)`)}\n` : '';
  return `${shown
    .map((f) => {
      const where = f.file ? `${terminalText(f.file)}${f.line ? `:${f.line}` : ''}: ` : '';
      const fix = f.fix ? `\n    ${chalk.dim(`fix: ${terminalText(f.fix)}`)}` : '';
      return `${paint[f.severity](`${f.severity}`)} ${chalk.bold(f.id)}: ${where}${terminalText(f.message)}${fix}`;
    })
    .join('\n')}\n${rest}`;
}
