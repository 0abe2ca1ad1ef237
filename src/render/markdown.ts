/** The Markdown renderer, for pull-request comments and docs. */
import type { PlanReport } from '../core/report-schema.js';
import { formatSize } from '../core/format.js';
import { headline, queryRows, summaryRows, topologyRows } from './summary.js';
import type { RenderOptions } from './options.js';
import { terminalText } from './terminal.js';

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

// Characters that start links, images, HTML, entities, emphasis, code or strikethrough, or split a table cell.
const MARKDOWN_ACTIVE = /[\\`*[\]<>|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/**
 * Text from files and arguments as Markdown shows it literally: control characters written as
 * escapes and capped (as for terminals), then every Markdown-active character backslash-escaped, so a
 * label or value cannot add links, images, HTML or table cells. Safe in table cells and list items.
 */
export function markdownCell(text: string): string {
  return terminalText(text).replace(MARKDOWN_ACTIVE, (c) => `\\${c}`);
}

/** Text as a Markdown code span: a fence longer than any backtick run inside, controls escaped. */
export function markdownCode(text: string): string {
  const shown = terminalText(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** Renders a plan report as a Markdown section. */
export function renderMarkdown(report: PlanReport, options: Pick<RenderOptions, 'title'> = {}): string {
  const lines: string[] = [];
  lines.push(`### pgmem${options.title ? `: ${markdownCell(options.title)}` : ''}`, '', headline(report), '');
  const groups = topologyRows(report);
  if (groups.length > 0) {
    const workload = groups.some((g) => g.workload !== null);
    lines.push(
      `| Group | Pods | Pool | Connections | Backends | Memory |${workload ? ' Workload |' : ''}`,
      `| --- | ---: | ---: | ---: | ---: | ---: |${workload ? ' --- |' : ''}`,
    );
    for (const g of groups) {
      const memory = g.bytes === null ? '' : formatSize(g.bytes);
      lines.push(
        `| ${markdownCell(g.name)} | ${g.pods} | ${g.pool} | ${g.connections} | ${g.backends ?? 'via pooler'} | ${memory} |${workload ? ` ${markdownCell(g.workload ?? '')} |` : ''}`,
      );
    }
    lines.push('');
  }
  lines.push('| Memory | How | Size |', '| --- | --- | ---: |');
  for (const row of summaryRows(report)) {
    const label = row.kind === 'item' ? `&nbsp;&nbsp;${markdownCell(row.label)}` : `**${markdownCell(row.label)}**`;
    const size = row.kind === 'item' ? formatSize(row.bytes) : `**${formatSize(row.bytes)}**`;
    lines.push(`| ${label} | ${markdownCell(row.detail)} | ${size} |`);
  }
  lines.push('');
  const queries = queryRows(report);
  if (queries.length > 0) {
    for (const q of queries) {
      lines.push(
        `- ${q.group !== null ? `${markdownCell(q.group)}: ` : ''}${q.hungriest ? '**hungriest** ' : ''}${markdownCode(q.source)}: ${formatSize(q.backendBytes)} per backend${q.workers ? `, ${q.workers} workers` : ''}${q.nodes.length ? `: ${q.nodes.map(markdownCell).join(', ')}` : ', no memory nodes'}`,
      );
    }
    lines.push('');
  }
  if (report.findings.length === 0) lines.push('No findings.');
  for (const f of report.findings) {
    const where = f.file ? ` ${markdownCode(`${f.file}${f.line ? `:${f.line}` : ''}`)}` : '';
    lines.push(
      `- ${ICON[f.severity]} **${f.severity}** \`${f.id}\`${where}: ${markdownCell(f.message)}${f.fix ? ` — *fix:* ${markdownCell(f.fix)}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
