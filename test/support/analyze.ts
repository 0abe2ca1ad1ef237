/** Shorthand for engine tests: analyze with initdb defaults and the default workload. */
import { analyze, type Analysis, type AnalyzeInput } from '../../src/core/analyze.js';
import { DEFAULT_WORKLOAD, type Workload } from '../../src/core/model.js';
import type { PgVersion } from '../../src/core/versions.js';
import { registryProblems } from './findings.js';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/**
 * Runs the engine with `settings` given as flags on top of a fresh initdb cluster. Every finding it
 * gives must agree with the registry (id, level, data fields), or the test using it fails.
 */
export function plan(
  options: {
    version?: PgVersion;
    settings?: Record<string, string>;
    clients?: number | null;
    workload?: Partial<Workload>;
    ramBytes?: number | null;
  } & Partial<Pick<AnalyzeInput, 'defaults' | 'build'>> = {},
): Analysis {
  const analysis = analyze({
    version: options.version ?? 18,
    // The embedded build unless a test asks for another: its figures are the plain per-version ones.
    build: options.build ?? 'embedded',
    assignments: Object.entries(options.settings ?? {}).map(([name, value]) => ({ name, value, source: 'flag' })),
    defaults: options.defaults ?? 'initdb',
    clients: options.clients === undefined ? 50 : options.clients,
    workload: { ...DEFAULT_WORKLOAD, ...options.workload },
    ramBytes: options.ramBytes ?? null,
  });
  const problems = analysis.report.findings.flatMap(registryProblems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return analysis;
}

/** A component's bytes by its stable id, failing loudly when it is missing. */
export function component(list: readonly { id: string; bytes: number }[], id: string): number {
  const found = list.find((c) => c.id === id);
  if (!found) throw new Error(`no component "${id}" in ${list.map((c) => c.id).join(', ')}`);
  return found.bytes;
}
