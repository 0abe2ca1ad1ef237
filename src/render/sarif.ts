/** SARIF 2.1.0 for code scanning: one run, one result per finding. */
import type { Finding } from '../core/report-schema.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** Builds a SARIF log (an object; the caller serialises it). */
export function renderSarif(
  reports: readonly { config: { file: string }; findings: readonly Finding[] }[],
  toolVersion = '0.1.0',
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
                  artifactLocation: { uri: (f.file ?? report.config.file).replace(/\\/g, '/') },
                  ...(f.line !== undefined && { region: { startLine: f.line } }),
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}
