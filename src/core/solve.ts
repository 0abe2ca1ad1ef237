/**
 * Inverse questions on a plan: the largest value of one variable (pods, pool, work_mem) whose worst
 * case still fits in RAM and, for connection counts, in the usable connection slots. Pure.
 */
import type { Analysis } from './analyze.js';

/** The variables `plan --solve` can answer for. */
export const SOLVE_VARIABLES = ['pods', 'pool', 'work_mem'] as const;
/** One of SOLVE_VARIABLES. */
export type SolveVariable = (typeof SOLVE_VARIABLES)[number];

/**
 * What stops the variable from growing: RAM (the worst case would exceed it), slots (clients would be
 * refused by max_connections), range (the setting's maximum), none (nothing binds up to the search cap).
 */
export type LimitedBy = 'ram' | 'slots' | 'range' | 'none';

/** A question: the range to search and how to evaluate one candidate value. */
export interface SolveProblem {
  readonly variable: SolveVariable;
  /** Smallest value to consider (0 pods, 64 kB of work_mem). */
  readonly low: number;
  /** Largest value to consider: the setting's maximum, or a search cap. */
  readonly high: number;
  /** Whether reaching `high` means the setting's range (range) or only the search cap (none). */
  readonly highIsRange: boolean;
  /** The memory budget, in bytes. */
  readonly ramBytes: number;
  /** Whether refused clients make a value infeasible (connection counts, not work_mem). */
  readonly checkSlots: boolean;
  /** The plan for one value of the variable. */
  readonly evaluate: (value: number) => Analysis;
}

/** Why a value fails, checked on the first value past the answer. */
export interface SolveLimit {
  readonly value: number;
  readonly worstCaseBytes: number;
  readonly refused: number;
}

/** The answer: the largest fitting value (null when even `low` does not fit) and what binds it. */
export interface SolveResult {
  readonly variable: SolveVariable;
  readonly value: number | null;
  readonly limitedBy: LimitedBy;
  readonly ramBytes: number;
  /** The plan at the answer (at `low` when nothing fits). */
  readonly analysis: Analysis;
  /** The first value that does not fit, with its figures; null when the search reached `high`. */
  readonly next: SolveLimit | null;
}

/**
 * The largest value in [low, high] for which `fits` holds, assuming `fits` is monotone (true up to a
 * point, false after it); null when `fits(low)` is false. Binary search: O(log(high − low)) calls.
 */
export function largestFitting(low: number, high: number, fits: (value: number) => boolean): number | null {
  if (!fits(low)) return null;
  if (fits(high)) return high;
  let good = low;
  let bad = high;
  while (bad - good > 1) {
    const mid = good + Math.floor((bad - good) / 2);
    if (fits(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Whether a plan fits: worst case within RAM and, if asked, no client refused a slot. */
function fitsIn(analysis: Analysis, ramBytes: number, checkSlots: boolean): boolean {
  return (
    analysis.report.totals.worstCaseBytes <= ramBytes && (!checkSlots || analysis.report.connections.refused === 0)
  );
}

/**
 * Solves one question. The worst case grows with pods, pool and work_mem, and refused clients grow
 * with pods and pool, so feasibility is monotone and a binary search finds the boundary.
 */
export function solve(problem: SolveProblem): SolveResult {
  const { low, high, ramBytes, checkSlots, evaluate } = problem;
  const cache = new Map<number, Analysis>();
  const at = (value: number): Analysis => {
    let analysis = cache.get(value);
    if (!analysis) {
      analysis = evaluate(value);
      cache.set(value, analysis);
    }
    return analysis;
  };
  const value = largestFitting(low, high, (v) => fitsIn(at(v), ramBytes, checkSlots));
  const failing = value === null ? low : value === high ? null : value + 1;
  const next =
    failing === null
      ? null
      : {
          value: failing,
          worstCaseBytes: at(failing).report.totals.worstCaseBytes,
          refused: at(failing).report.connections.refused,
        };
  let limitedBy: LimitedBy;
  if (next === null) limitedBy = problem.highIsRange ? 'range' : 'none';
  else if (checkSlots && next.refused > 0) limitedBy = 'slots';
  else limitedBy = 'ram';
  return { variable: problem.variable, value, limitedBy, ramBytes, analysis: at(value ?? low), next };
}
