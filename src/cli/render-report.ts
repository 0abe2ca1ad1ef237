/** Picks and lazily loads a renderer, so --json never loads table or colour libraries. */
import type { PlanReport } from '../core/report-schema.js';
import type { RenderOptions } from '../render/options.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';

/** Renders one plan report in a human or machine format. */
export async function renderReport(
  report: PlanReport,
  format: 'table' | 'json' | 'markdown',
  options: RenderOptions,
): Promise<string> {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, options);
    case 'table':
      return (await import('../render/table.js')).renderTable(report, options);
  }
}

/** Renders the reports of configuration files: one JSON document, annotations, SARIF, or one table each. */
export async function renderCheckReports(
  reports: readonly (PlanReport & { config: { file: string } })[],
  format: 'table' | 'json' | 'markdown' | 'github' | 'sarif',
  options: RenderOptions,
): Promise<string> {
  switch (format) {
    case 'json':
      return renderJson(reports.length === 1 ? reports[0] : { schemaVersion: 1, results: reports });
    case 'github':
      return (await import('../render/github.js')).renderGithub(reports);
    case 'sarif':
      return renderJson(
        (await import('../render/sarif.js')).renderSarif(reports, (await import('./version.js')).VERSION),
      );
    default: {
      const parts: string[] = [];
      for (const report of reports)
        parts.push(await renderReport(report, format, { ...options, title: report.config.file }));
      return parts.join('');
    }
  }
}
