/**
 * The findings' documentation, written from the registry: docs/findings.md (one heading per id, the
 * anchor SARIF's helpUri points at) and the README's findings table. `npm run docs:findings`
 * writes both; a test fails when either is out of date.
 */
import {
  FINDINGS,
  FINDINGS_DOC_PATH,
  type FindingCategory,
  type FindingDefinition,
  type FindingId,
} from '../core/findings/registry.js';

/** The README's findings table sits between these two lines. */
export const README_FINDINGS_START =
  '<!-- findings:start (generated from src/core/findings/registry.ts by npm run docs:findings) -->';
export const README_FINDINGS_END = '<!-- findings:end -->';

const CATEGORY_TITLE: Record<FindingCategory, string> = {
  configuration: 'Configuration errors: the server would refuse the files',
  connections: 'Connections and processes',
  memory: 'Memory',
  pooler: 'PgBouncer',
  container: 'Containers',
};

/** Registered findings in registry order (configuration errors first, errors before warnings). */
function definitions(): FindingDefinition<FindingId>[] {
  return Object.values(FINDINGS);
}

/** A finding's levels as the docs show them: the default first. */
function levels(definition: FindingDefinition): string {
  return definition.levels.join(' / ');
}

/** Text for one Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README's findings table: one row per finding, its id linking to its docs. */
export function renderFindingsTable(docsPath = FINDINGS_DOC_PATH): string {
  const rows = definitions().map(
    (d) => `| [\`${d.id}\`](${docsPath}#${d.id}) | ${levels(d)} | ${cell(d.description)} |`,
  );
  return ['| id | severity | when |', '| --- | --- | --- |', ...rows].join('\n');
}

/** docs/findings.md: every finding with its level, description, help and data fields. */
export function renderFindingsDoc(): string {
  const out: string[] = [
    '# Findings',
    '',
    '<!-- Generated from src/core/findings/registry.ts by `npm run docs:findings`; edit the registry, not this file. -->',
    '',
    'Every finding pgmem reports, by its stable id: the `id` of each entry in `findings` of the JSON output,',
    'the `title` of GitHub annotations and the `ruleId` of SARIF results (whose rules link here).',
    'The severity is the default first; a finding with two levels says when it takes the other.',
    '`--fail-on` sets the lowest severity that makes the exit code 1.',
    '',
  ];
  for (const category of Object.keys(CATEGORY_TITLE) as FindingCategory[]) {
    const group = definitions().filter((d) => d.category === category);
    if (group.length === 0) continue;
    out.push(`## ${CATEGORY_TITLE[category]}`, '');
    for (const d of group) {
      out.push(`### ${d.id}`, '', `**${d.title}** · severity: ${levels(d)}`, '', d.description, '', d.help, '');
      const fields = Object.entries(d.data);
      if (fields.length > 0) {
        out.push(
          '| `data` field | holds |',
          '| --- | --- |',
          ...fields.map(([key, text]) => `| \`${key}\` | ${cell(text)} |`),
          '',
        );
      }
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** `readme` with the findings table between the markers replaced by the registry's. */
export function replaceReadmeFindingsTable(readme: string): string {
  const start = readme.indexOf(README_FINDINGS_START);
  const end = readme.indexOf(README_FINDINGS_END);
  if (start < 0 || end < start)
    throw new Error(`README has no ${README_FINDINGS_START} … ${README_FINDINGS_END} section`);
  return `${readme.slice(0, start + README_FINDINGS_START.length)}\n${renderFindingsTable()}\n${readme.slice(end)}`;
}
