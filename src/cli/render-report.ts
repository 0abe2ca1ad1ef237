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
