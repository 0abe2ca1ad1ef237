/** The exit code as a pure function of findings and the --fail-on threshold. */
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Finding } from '../core/report-schema.js';

/** Thresholds for --fail-on; "none" never fails on findings. */
export const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;
/** A --fail-on threshold. */
export type FailOn = (typeof FAIL_ON)[number];

const RANK = { error: 3, warning: 2, info: 1 } as const;

/** 1 when any finding is at or above the threshold, else 0. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): ExitCodeValue {
  if (failOn === 'none') return ExitCode.Ok;
  const threshold = RANK[failOn];
  return findings.some((f) => RANK[f.severity] >= threshold) ? ExitCode.Findings : ExitCode.Ok;
}
