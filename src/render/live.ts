/** The "Live server" section of `pgmem inspect`, for the table and Markdown formats. */
import { formatSize } from '../core/format.js';
import type { LiveSection } from '../core/live-schema.js';
import { markdownCell as cell } from './markdown.js';

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
  const body = rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`).join('\n');
  return `#### Live server (PostgreSQL ${cell(live.serverVersion)})\n\n| | |\n| --- | --- |\n${body}\n`;
}
