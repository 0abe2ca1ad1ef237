/**
 * Findings pointed at the line that sets the value they are about: a setting's postgresql.conf or
 * manifest line, a PgBouncer key's pgbouncer.ini or Pooler line, a container's memory limit.
 * Findings that already carry a place (configuration errors) keep it.
 */
import type { Analysis } from '../core/analyze.js';
import type { Finding } from '../core/report-schema.js';
import { lineSource, type InputLocations, type SourceLocation } from '../input/locations.js';

/** The PgBouncer keys a pooler finding comes from, in the order they are looked for. */
const POOLER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'pooler-client-limit': ['max_client_conn'],
  // The pool sizes (a pool's own pool_size line first), then the mode that makes clients hold them.
  'pooler-clients-queue': ['pool_size', 'default_pool_size', 'pool_mode'],
};

/** Where the value behind a finding is set, or undefined when no input file sets it. */
function locationOf(
  finding: Finding,
  analysis: Analysis,
  locations: InputLocations | undefined,
): SourceLocation | undefined {
  if (finding.setting !== undefined) {
    const name = finding.setting;
    const set = locations?.settings.get(name);
    // A value the server refuses is not the effective one: its problem names where it was set.
    const problem = analysis.problems.find(
      (p) => p.name === name && (p.source === set?.source || lineSource(p.source)),
    );
    if (problem) return problem.source === set?.source ? set.location : lineSource(problem.source);
    if (!analysis.model.input.settings.has(name)) return locations?.server;
    const resolved = analysis.model.input.settings.get(name).source;
    const fromLine = lineSource(resolved);
    if (fromLine) return fromLine;
    // The input's own value, unless a later one (a flag) replaced it.
    if (set && set.source === resolved) return set.location;
    return resolved === 'flag' ? undefined : locations?.server;
  }
  const pooler = finding.data?.pooler;
  if (typeof pooler === 'string') {
    for (const field of POOLER_FIELDS[finding.id] ?? []) {
      const at =
        field === 'pool_size'
          ? lineSource(
              analysis.report.topology.poolers.find((p) => p.name === pooler)?.pools.find((p) => p.source !== null)
                ?.source,
            )
          : locations?.poolers.get(pooler)?.get(field);
      if (at) return at;
    }
    return locations?.poolers.get(pooler)?.get('') ?? locations?.server;
  }
  return locations?.budget ?? locations?.server;
}

/** The findings, each with the file, line and column of the value it comes from where an input sets it. */
export function locateFindings(
  findings: readonly Finding[],
  analysis: Analysis,
  locations: InputLocations | undefined,
): Finding[] {
  return findings.map((finding) => {
    if (finding.file !== undefined) return finding;
    const at = locationOf(finding, analysis, locations);
    if (!at) return finding;
    return { ...finding, file: at.file, line: at.line, ...(at.column !== undefined && { column: at.column }) };
  });
}
