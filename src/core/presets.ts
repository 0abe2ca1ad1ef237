/**
 * The workload presets: what `--workload oltp|olap|mixed` means, one definition for plan, check,
 * inspect, recommend and topology apps. Pure.
 */
import { DEFAULT_WORKLOAD, type Workload } from './model.js';

/** The workload kinds `--workload` knows, on every command. */
export const WORKLOAD_KINDS = ['oltp', 'olap', 'mixed'] as const;
/** One of WORKLOAD_KINDS. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** What a workload kind assumes: plan nodes per query and how far parallel query may fan out. */
export interface WorkloadProfile {
  readonly sortOps: number;
  readonly hashOps: number;
  /** Parallel workers one Gather may get, from the CPU count. */
  readonly workersPerGather: (cpus: number) => number;
  readonly why: string;
  /** The largest server-wide work_mem this workload can defend, whatever the budget allows. */
  readonly workMemCapBytes: number;
  /** Why that cap. */
  readonly capWhy: string;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * The profiles. OLTP: short indexed queries, at most an ORDER BY and one hash join or aggregate, and
 * parallel query rarely pays off for them (a Gather costs process start-up per query), so at most 2
 * workers and only from 8 CPUs. Mixed: pgmem's default query (2 sorts, 2 hashes) and up to 4 workers,
 * half the CPUs. OLAP: reporting queries with several joins, aggregates and window functions (4 sorts,
 * 4 hashes), up to 8 workers, half the CPUs — the other half serves the other sessions.
 */
export const WORKLOAD_PROFILES: Readonly<Record<WorkloadKind, WorkloadProfile>> = {
  oltp: {
    sortOps: 1,
    hashOps: 1,
    workersPerGather: (cpus) => Math.min(2, Math.floor(cpus / 4)),
    why: 'OLTP: 1 sort + 1 hash per query, parallel query at most 2 workers from 8 CPUs',
    workMemCapBytes: 64 * MiB,
    capWhy: 'OLTP queries sort and hash thousands of rows, not millions',
  },
  mixed: {
    sortOps: DEFAULT_WORKLOAD.sortOps,
    hashOps: DEFAULT_WORKLOAD.hashOps,
    workersPerGather: (cpus) => Math.min(4, Math.floor(cpus / 2)),
    why: `mixed: ${DEFAULT_WORKLOAD.sortOps} sorts + ${DEFAULT_WORKLOAD.hashOps} hashes per query, up to 4 workers (half the CPUs)`,
    workMemCapBytes: 256 * MiB,
    capWhy: 'a sort of a million rows fits in memory (measured: 108 MiB of quicksort)',
  },
  olap: {
    sortOps: 4,
    hashOps: 4,
    workersPerGather: (cpus) => Math.min(8, Math.floor(cpus / 2)),
    why: 'OLAP: 4 sorts + 4 hashes per query, up to 8 workers (half the CPUs)',
    workMemCapBytes: GiB,
    capWhy: 'sorts of ten million rows fit in memory; larger ones spill to disk at little cost',
  },
};
/** Narrows a string to a workload kind. */
export function isWorkloadKind(value: string): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value);
}

/** The workload fields a preset sets: its plan nodes per query. */
export function presetWorkload(kind: WorkloadKind): Pick<Workload, 'sortOps' | 'hashOps'> {
  const profile = WORKLOAD_PROFILES[kind];
  return { sortOps: profile.sortOps, hashOps: profile.hashOps };
}
