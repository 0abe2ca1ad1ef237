/** SARIF 2.1.0 for code scanning: one run, one result per finding. */
import type { Finding } from '../core/report-schema.js';
import {
  FINDING_LIST,
  type FindingDefinition,
  type FindingId,
  findingHelpUri,
  isFindingId,
  PROJECT_URL,
} from '../core/findings/registry.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * A file as SARIF names it: a relative path is a URI reference against the checkout root
 * (%SRCROOT%, which code scanning resolves), an absolute path a file:// URI.
 */
export function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const slashed = path.replace(/\\/g, '/');
  const encoded = slashed.split('/').map(encodeURIComponent).join('/');
  return slashed.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: '%SRCROOT%' };
}

/** Markdown as plain text: code spans lose their backticks. */
function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

/** Text and Markdown of one registry string, as SARIF's multiformat messages carry it. */
function multiformat(markdown: string): { text: string; markdown: string } {
  return { text: plainText(markdown), markdown };
}

/** A registered finding as a SARIF reporting descriptor. */
export function sarifRule(definition: FindingDefinition<FindingId>): object {
  return {
    id: definition.id,
    name: definition.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: definition.title },
    fullDescription: multiformat(definition.description),
    help: multiformat(definition.help),
    helpUri: findingHelpUri(definition.id),
    defaultConfiguration: { level: LEVEL[definition.level] },
    properties: { tags: ['postgresql', definition.category] },
  };
}

/** Index of each registered finding in the rules array. */
const RULE_INDEX = new Map<string, number>(FINDING_LIST.map((definition, index) => [definition.id, index]));

/**
 * Builds a SARIF log (an object; the caller serialises it). The rules are every registered finding,
 * in id order, and each result points at its rule by ruleId and ruleIndex.
 */
export function renderSarif(
  reports: readonly { config: { file: string }; findings: readonly Finding[] }[],
  toolVersion: string,
): object {
  const unregistered = reports.flatMap((r) => r.findings).find((f) => !isFindingId(f.id));
  if (unregistered) throw new Error(`finding "${unregistered.id}" is not in the registry`);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgmem',
            version: toolVersion,
            informationUri: PROJECT_URL,
            rules: FINDING_LIST.map(sarifRule),
          },
        },
        results: reports.flatMap((report) =>
          report.findings.map((f) => ({
            ruleId: f.id,
            ruleIndex: RULE_INDEX.get(f.id),
            level: LEVEL[f.severity],
            message: { text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: artifactLocation(f.file ?? report.config.file),
                  ...(f.line !== undefined && {
                    region: { startLine: f.line, ...(f.column !== undefined && { startColumn: f.column }) },
                  }),
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}
