/**
 * GitHub Actions workflow commands (`::error file=F,line=N,title=T::message`), escaped the way
 * GitHub's own toolkit does (@actions/core: escapeData and escapeProperty).
 */
import type { Finding } from '../core/report-schema.js';
import { shownFindings, terminalText } from './terminal.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Escapes a message: %, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value: also ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One annotation per finding; findings without a file are pinned to the checked file. Control
 * characters are shown as escapes (a log renders ESC sequences), messages are capped, and past
 * MAX_FINDINGS_SHOWN per file one notice counts the rest.
 */
export function renderGithub(reports: readonly { config: { file: string }; findings: readonly Finding[] }[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const { shown, hidden } = shownFindings(report.findings);
    for (const f of shown) {
      const props = [`file=${escapeProperty(terminalText(f.file ?? report.config.file))}`];
      if (f.line !== undefined) props.push(`line=${f.line}`);
      if (f.line !== undefined && f.column !== undefined) props.push(`col=${f.column}`);
      props.push(`title=${escapeProperty(`pgmem ${f.id}`)}`);
      const message = f.fix ? `${terminalText(f.message)}\nfix: ${terminalText(f.fix)}` : terminalText(f.message);
      lines.push(`::${LEVEL[f.severity]} ${props.join(',')}::${escapeData(message)}`);
    }
    if (hidden > 0) {
      lines.push(
        `::notice file=${escapeProperty(terminalText(report.config.file))},title=pgmem::${hidden} more finding${hidden === 1 ? '' : 's'} not shown; pgmem check --json lists all`,
      );
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
