/** Every finding check pgmem runs (their metadata is in registry.ts), and the order findings are reported in. */
import type { Finding } from '../report-schema.js';
import { autovacuumMemory } from './autovacuum-memory.js';
import { clientsExceedSlots } from './clients-exceed-slots.js';
import { containerSharedMemory, devShmTooSmall } from './container.js';
import { poolerCapacity, poolerClientLimit } from './pooler.js';
import { hugePages } from './huge-pages.js';
import { invalidSetting } from './invalid-setting.js';
import { lowHeadroom } from './low-headroom.js';
import { parallelWorkers } from './parallel-workers.js';
import { estimateBoundNode, unknownNodeType } from './plan-nodes.js';
import { replicationSlots } from './replication.js';
import { reservedConnections } from './reserved-connections.js';
import { sharedBuffersShare } from './shared-buffers-share.js';
import { sharedMemoryExceedsRam } from './shared-memory-exceeds-ram.js';
import { tooManyProcesses } from './too-many-processes.js';
import type { FindingContext, FindingRule } from './types.js';
import { worstCaseExceedsRam } from './worst-case-exceeds-ram.js';

export type { FindingContext, FindingRule } from './types.js';

/** Every finding rule pgmem runs. */
export const FINDING_RULES: readonly FindingRule[] = [
  invalidSetting,
  reservedConnections,
  tooManyProcesses,
  clientsExceedSlots,
  sharedMemoryExceedsRam,
  worstCaseExceedsRam,
  lowHeadroom,
  sharedBuffersShare,
  autovacuumMemory,
  parallelWorkers,
  hugePages,
  poolerClientLimit,
  poolerCapacity,
  containerSharedMemory,
  devShmTooSmall,
  replicationSlots,
  estimateBoundNode,
  unknownNodeType,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** The order findings are reported in: severity, then id, then setting, then file and line. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.id.localeCompare(b.id) ||
    (a.setting ?? '').localeCompare(b.setting ?? '') ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}

/** Runs every rule and orders the findings. */
export function collectFindings(context: FindingContext, rules: readonly FindingRule[] = FINDING_RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(context)).sort(compareFindings);
}
