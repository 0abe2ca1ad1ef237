import type { MemoryModel } from '../model.js';
import type { Finding } from '../report-schema.js';
import type { SettingProblem } from '../settings.js';
import type { ContainerSpec, ResolvedTopology } from '../topology.js';

/** What every finding check can look at. */
export interface FindingContext {
  readonly model: MemoryModel;
  /** Assignments the server would reject (from a configuration file), with their source. */
  readonly problems: readonly SettingProblem[];
  /** The topology, when one was given. */
  readonly topology?: ResolvedTopology | null;
  readonly container?: ContainerSpec | null;
  readonly replicationConnections?: number;
}

/** A finding without its id: the rule adds it. */
export type FindingBody = Omit<Finding, 'id'>;

/** One finding: metadata and a pure check. */
export interface FindingRule {
  readonly id: string;
  readonly title: string;
  check(context: FindingContext): FindingBody[];
}

/** Splits a "<file>:<line>" source into its parts; other sources give nothing. */
export function sourceLocation(source: string): { file?: string; line?: number } {
  const match = /^(.*):(\d+)$/.exec(source);
  return match ? { file: match[1]!, line: Number(match[2]) } : {};
}
