/** SARIF 2.1.0 for code scanning: one run, one result per finding. */
import type { Finding } from '../core/report-schema.js';

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

/** Builds a SARIF log (an object; the caller serialises it). */
export function renderSarif(
  reports: readonly { config: { file: string }; findings: readonly Finding[] }[],
  toolVersion: string,
): object {
  const ids = [...new Set(reports.flatMap((r) => r.findings.map((f) => f.id)))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgmem',
            version: toolVersion,
            informationUri: 'https://github.com/pgmem/pgmem',
            rules: ids.map((id) => ({ id, shortDescription: { text: id.replace(/-/g, ' ') } })),
          },
        },
        results: reports.flatMap((report) =>
          report.findings.map((f) => ({
            ruleId: f.id,
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
