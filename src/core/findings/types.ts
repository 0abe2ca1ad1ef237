import type { MemoryModel } from '../model.js';
import type { Finding } from '../report-schema.js';
import type { SettingProblem } from '../settings.js';
import type { ContainerSpec, ResolvedTopology } from '../topology.js';
import { createFinding, type FindingFields, type FindingId } from './registry.js';

/** What every finding check can look at. */
export interface FindingContext {
  readonly model: MemoryModel;
  /** Assignments the server would reject (from a configuration file), with their source. */
  readonly problems: readonly SettingProblem[];
  /** The topology, when one was given. */
  readonly topology?: ResolvedTopology | null;
  readonly container?: ContainerSpec | null;
  readonly replicationConnections?: number;
  /** The managed service the server runs on (Amazon RDS, Azure, …): it, not the user, reserves huge pages. */
  readonly managed?: string | null;
}

/** One finding's check: its registered id and a pure function giving its findings. */
export interface FindingRule {
  readonly id: FindingId;
  check(context: FindingContext): Finding[];
}

/**
 * A rule for registered finding `id`: `check` writes each finding's fields (a level only where it
 * differs from the registered default, and only one the finding takes); the rule adds id and level.
 */
export function defineRule<Id extends FindingId>(rule: {
  readonly id: Id;
  check(context: FindingContext): FindingFields<Id>[];
}): FindingRule {
  const { id } = rule;
  return { id, check: (context) => rule.check(context).map((fields) => createFinding(id, fields)) };
}

/** Splits a "<file>:<line>" source into its parts; other sources give nothing. */
export function sourceLocation(source: string): { file?: string; line?: number } {
  const match = /^(.*):(\d+)$/.exec(source);
  return match ? { file: match[1]!, line: Number(match[2]) } : {};
}
