/** What makes a finding disagree with the registry: its id, its level, its data fields. */
import { FINDINGS, isFindingId } from '../../src/core/findings/registry.js';

/** The ways `finding` departs from its registry entry; empty when it conforms. */
export function registryProblems(finding: {
  id: string;
  severity: string;
  data?: Record<string, unknown> | undefined;
}): string[] {
  if (!isFindingId(finding.id)) return [`"${finding.id}" is not a registered finding`];
  const definition = FINDINGS[finding.id];
  const problems: string[] = [];
  if (!(definition.levels as readonly string[]).includes(finding.severity))
    problems.push(`${finding.id}: level ${finding.severity} is not one of ${definition.levels.join(', ')}`);
  for (const key of Object.keys(finding.data ?? {})) {
    if (!Object.hasOwn(definition.data, key))
      problems.push(`${finding.id}: data field "${key}" is not in the registry`);
  }
  return problems;
}
