/** The "Live server" section of `pgmem inspect`, for the table and Markdown formats. */
import { formatSize } from '../core/format.js';
import type { LiveSection } from '../core/live-schema.js';
import { markdownCell as cell, markdownCode } from './markdown.js';
import { escapeControls } from './terminal.js';

type Statements = NonNullable<LiveSection['statements']>;

/** Characters of a statement's text the table and Markdown show. */
const SHOWN_QUERY_CHARS = 72;

/** A statement's text for a terminal or a Markdown cell: control characters escaped, then cut. */
function shownQuery(query: string): string {
  const text = escapeControls(query);
  return text.length <= SHOWN_QUERY_CHARS ? text : `${text.slice(0, SHOWN_QUERY_CHARS - 1)}…`;
}

/** The summary line of --statements: what was read and what became the workload. */
function statementsSummary(s: Statements): string {
  if (s.status !== 'read') return `not used: ${escapeControls(s.message ?? s.status)}`;
  const skipped = Object.entries(s.skipped)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const method =
    s.method === 'generic-plan' ? 'EXPLAIN (GENERIC_PLAN)' : 'PREPARE + EXPLAIN EXECUTE, force_generic_plan';
  const extra = [
    s.hiddenStatements > 0 && `${s.hiddenStatements} hidden from this role (needs pg_read_all_stats)`,
    s.otherDatabases > 0 && `${s.otherDatabases} of other databases not read`,
  ].filter(Boolean);
  return (
    `top ${s.requested} by ${s.sortedBy} in database "${escapeControls(s.database)}": ${s.read} read, ${s.planned} planned` +
    `${skipped ? `, skipped ${skipped}` : ''} (${method})${extra.length ? `; ${extra.join('; ')}` : ''}` +
    (s.planned === 0 ? '; the workload is the one without them' : '')
  );
}

function statementTime(ms: number): string {
  return `${ms.toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} ms`;
}

function statementStatus(row: Statements['statements'][number]): string {
  return row.planned ? 'planned' : `skipped: ${row.reason}`;
}

function shared(live: LiveSection): string {
  const predicted = `predicted ${formatSize(live.predictedSharedBytes)} (${live.predictedSharedBytes} bytes)`;
  if (live.allocatedSharedBytes === null) {
    return `${predicted}; allocated figure unavailable: ${live.allocatedSharedUnavailable ?? 'not reported'}`;
  }
  const diff = live.differenceBytes ?? 0;
  const difference =
    diff === 0 ? 'exactly as predicted' : `difference ${diff > 0 ? '+' : ''}${formatSize(diff)} (${diff} bytes)`;
  return `${predicted}, allocated ${formatSize(live.allocatedSharedBytes)} (${live.allocatedSharedBytes} bytes): ${difference}`;
}

/** The build line: the profile, where it came from, and the options the server showed. */
function buildText(live: LiveSection): string {
  const { profile, source, detected, evidence } = live.build;
  const names: Record<keyof typeof evidence, string> = {
    llvm: 'JIT',
    lz4: 'lz4',
    zstd: 'zstd',
    gssapi: 'GSSAPI',
    liburing: 'io_uring',
  };
  const shown = (value: boolean): string =>
    (Object.keys(names) as (keyof typeof evidence)[])
      .filter((k) => evidence[k] === value)
      .map((k) => names[k])
      .join(', ');
  const parts = [shown(true) && `has ${shown(true)}`, shown(false) && `lacks ${shown(false)}`]
    .filter(Boolean)
    .join('; ');
  const why = parts ? `the server ${parts}` : 'the server shows no build option; the default';
  if (source === 'server') return `${profile} (${why})`;
  return `${profile} (--build${detected !== profile ? `; the server looks like ${detected}: ${why}` : ''})`;
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}

function pendingText(p: LiveSection['pendingRestart'][number]): string {
  const running = `${p.setting}${p.unit ? ` (${p.unit})` : ''}`;
  return `${p.name}: running ${running}${p.pendingValue !== undefined ? `, after restart ${p.pendingValue}` : ''}`;
}

/** The "Live server" section of the table output. */
export function renderLiveText(live: LiveSection): string {
  const lines = [
    `Live server (PostgreSQL ${live.serverVersion})`,
    `  Shared memory     ${shared(live)}`,
    ...(live.sharedMemorySizeMB !== null
      ? [`  Server reports    shared_memory_size = ${live.sharedMemorySizeMB}MB`]
      : []),
    `  Build             ${buildText(live)}`,
    `  Processes now     ${live.currentBackends.total}: ${counts(live.currentBackends.byType)}`,
    `  States            ${counts(live.currentBackends.byState)}`,
    `  Worst case        ${live.worstCaseBackends} client backends`,
    live.pendingRestart.length === 0
      ? '  Pending restart   none'
      : `  Pending restart   ${live.pendingRestart.map(pendingText).join('; ')}`,
  ];
  const statements = live.statements;
  if (statements) {
    lines.push(`  Statements        ${statementsSummary(statements)}`);
    for (const row of statements.statements) {
      lines.push(
        `    ${row.queryid.padStart(20)}  ${statementStatus(row).padEnd(26)} ${statementTime(row.totalTimeMs).padStart(14)}  ${shownQuery(row.query)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The "Live server" section of the Markdown output. */
export function renderLiveMarkdown(live: LiveSection): string {
  const rows: [string, string][] = [
    ['Shared memory', shared(live)],
    ...(live.sharedMemorySizeMB !== null
      ? [['shared_memory_size', `${live.sharedMemorySizeMB}MB`] as [string, string]]
      : []),
    ['Build', buildText(live)],
    ['Processes now', `${live.currentBackends.total}: ${counts(live.currentBackends.byType)}`],
    ['States', counts(live.currentBackends.byState)],
    ['Worst case', `${live.worstCaseBackends} client backends`],
    ['Pending restart', live.pendingRestart.length === 0 ? 'none' : live.pendingRestart.map(pendingText).join('; ')],
  ];
  const statements = live.statements;
  if (statements) rows.push(['Statements', statementsSummary(statements)]);
  const body = rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`).join('\n');
  const table = `#### Live server (PostgreSQL ${cell(live.serverVersion)})\n\n| | |\n| --- | --- |\n${body}\n`;
  if (!statements || statements.statements.length === 0) return table;
  const list = statements.statements.map(
    (row) =>
      `| ${row.queryid} | ${cell(statementStatus(row))} | ${statementTime(row.totalTimeMs)} | ${row.calls} | ${markdownCode(shownQuery(row.query))} |`,
  );
  return `${table}\n| queryid | Status | Total time | Calls | Statement |\n| ---: | --- | ---: | ---: | --- |\n${list.join('\n')}\n`;
}
