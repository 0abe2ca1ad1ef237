/** `pgmem plan`: worst-case memory for flags and, optionally, a postgresql.conf. */
import { InputError, UsageError } from '../errors.js';
import { analyze, type Analysis } from '../core/analyze.js';
import { Settings, type SettingAssignment } from '../core/settings.js';
import type { PgVersion } from '../core/versions.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import { readFormat, readPlanFlags, shorthandFlag, type PlanFlags, type RawPlanOptions } from './plan-options.js';
import { renderReport } from './render-report.js';
import { applyTopologyFlag } from './topology-loader.js';

/** Formats `plan` writes. */
export const PLAN_FORMATS = ['table', 'json', 'markdown'] as const;

/** Rejects --set and shorthand values the server would reject, naming the flag: exit 2. */
export function checkFlagAssignments(version: PgVersion, assignments: readonly SettingAssignment[]): void {
  for (const assignment of assignments) {
    const { problems } = Settings.resolve(version, [assignment], 'boot');
    const problem = problems[0];
    if (!problem) continue;
    const flag = `--set ${assignment.name}=${assignment.value}`;
    const detail = [problem.detail, problem.hint].filter(Boolean).join(' ');
    throw new UsageError(`${problem.message}${detail ? ` (${detail})` : ''}`, flag.length > 60 ? '--set' : flag);
  }
}

/** Analyses flags (merged with a topology) on top of initdb defaults or a configuration file's assignments. */
export function analyzeFlags(flags: PlanFlags, fileAssignments: readonly SettingAssignment[] | null): Analysis {
  checkFlagAssignments(
    flags.version,
    flags.assignments.filter((a) => a.source === 'flag'),
  );
  const topologyProblems = Settings.resolve(flags.version, flags.assignments.filter((a) => a.source === 'topology'), 'boot').problems;
  if (topologyProblems[0]) {
    throw new InputError(`server.settings.${topologyProblems[0].name}: ${topologyProblems[0].message}`, flags.topologyFile ?? undefined);
  }
  return analyze({
    version: flags.version,
    assignments: [...(fileAssignments ?? []), ...flags.assignments],
    defaults: fileAssignments ? 'boot' : 'initdb',
    clients: flags.clients,
    groups: flags.groups ?? null,
    topology: flags.topology ?? null,
    container: flags.container ?? null,
    replicationConnections: flags.replicationConnections ?? 0,
    workload: flags.workload,
    ramBytes: flags.ramBytes,
  });
}

/** Runs `plan` and returns the exit code. */
export async function planCommand(options: RawPlanOptions, io: CliIo): Promise<number> {
  const format = readFormat(options, PLAN_FORMATS, 'table');
  const flags = await applyTopologyFlag(readPlanFlags(options, { failOnDefault: 'none' }), io);
  const config = typeof options.config === 'string' ? options.config : flags.topologyConfig;
  if (config !== undefined) {
    const { checkFiles } = await import('./check-command.js');
    return checkFiles([config], options, io, { command: 'plan', format, flags });
  }
  const { report } = analyzeFlags(flags, null);
  io.stdout.write(await renderReport(report, format, { color: useColor(io, flags.color) }));
  return exitCodeFor(report.findings, flags.failOn);
}

export { shorthandFlag };
