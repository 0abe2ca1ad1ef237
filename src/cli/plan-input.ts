/**
 * The input of `plan`, `check` and `inspect`, loaded in one place: flags, the topology file and the
 * configuration files, each read once, with the configuration's issues kept beside its settings.
 * The commands call this module; none calls another command.
 */
import { resolve } from 'node:path';
import { displayPath } from './display-path.js';
import type { z } from 'zod';
import { InputError, UsageError } from '../errors.js';
import { analyze, type Analysis } from '../core/analyze.js';
import { compareFindings } from '../core/findings/index.js';
import { createFinding, type FindingId } from '../core/findings/registry.js';
import type { configSectionSchema, Finding, PlanReport } from '../core/report-schema.js';
import { Settings, type DefaultsBase, type SettingAssignment } from '../core/settings.js';
import type { PgVersion } from '../core/versions.js';
import type { BuildName } from '../core/build.js';
import {
  readConfiguration,
  type ConfAssignment,
  type ConfFileSystem,
  type ConfIssue,
  type ConfIssueKind,
} from '../input/conf/index.js';
import { evaluateFormula, isFormula } from '../core/rds.js';
import { findGuc } from '../core/catalog/index.js';
import { nodeConfFileSystem } from './conf-fs.js';
import type { CliIo } from './io.js';
import { readPlanFlags, type CommandOptions, type PlanFlags, type SharedOptions } from './plan-options.js';
import { applyTopologyFlag, reclassifyTopology, type TopologyFlagOptions } from './topology-loader.js';
import { locateFindings } from './finding-locations.js';
import type { FailOn } from './exit-code.js';
import { readInputFile } from './read-input.js';
import { readPlans } from '../input/plans/index.js';

/** What `check` adds to a plan report. */
export type ConfigSection = z.infer<typeof configSectionSchema>;

/** A plan report for one configuration file. */
export type CheckReport = PlanReport & { config: ConfigSection };

/** A configuration file set as the server reads it, with paths as reports show them. */
export interface LoadedConfig {
  /** The main file, relative to the current directory when below it. */
  readonly file: string;
  /** Every file read, in order, as shown. */
  readonly files: readonly string[];
  /** The effective values of settings the server knows, sourced "<file>:<line>". */
  readonly assignments: readonly SettingAssignment[];
  /** What the server would refuse to start with (syntax, includes, names, values), paths as shown. */
  readonly issues: readonly ConfIssue[];
}

export { displayPath };

/** The postgresql.auto.conf choice of --auto-conf / --no-auto-conf: a file, none (null) or the default. */
export function autoConfChoice(options: Pick<CommandOptions<'check'>, 'autoConf'>): string | null | undefined {
  return options.autoConf === false ? null : options.autoConf;
}

/** The file system configuration files are read from: node:fs unless the caller hands one in. */
function confFileSystem(io: CliIo): ConfFileSystem {
  return io.confFs ?? nodeConfFileSystem(io.cwd);
}

/** The reader's strerror() texts a main file that cannot be opened gives, as pgmem's one-line reasons. */
const OPEN_FAILURES: Readonly<Record<string, string>> = {
  'Permission denied': 'permission denied',
  'No such file or directory': 'no such file',
};

/**
 * Reads one configuration file set once. The file named on the command line must be a readable
 * regular file (otherwise exit 2, not a finding); everything wrong inside it is kept as issues.
 */
export function loadConfig(
  file: string,
  server: Pick<PlanFlags, 'version' | 'build' | 'provider' | 'formulaVariables'>,
  autoConf: string | null | undefined,
  io: CliIo,
): LoadedConfig {
  const fs = confFileSystem(io);
  const absolute = resolve(io.cwd, file);
  const stat = fs.stat(absolute);
  if (stat === null) throw new InputError('no such file', file);
  if (stat.kind === 'directory') throw new InputError('is a directory, not a configuration file', file);
  if (stat.kind !== 'file') throw new InputError('not a regular file', file);
  if (typeof autoConf === 'string') {
    const autoStat = fs.stat(resolve(io.cwd, autoConf));
    if (autoStat?.kind !== 'file')
      throw new InputError(
        `${autoStat === null ? 'no such file' : 'not a regular file'} (given as --auto-conf)`,
        autoConf,
      );
  }
  const result = readConfiguration(server.version, file, fs, {
    autoConf,
    build: server.build,
    evaluate: (item, setting) => evaluateConfFormula(item, setting, server, displayPath(io.cwd, item.file)),
  });
  const mainFailure =
    result.files.length === 0 ? result.issues.find((i) => i.line === null && i.kind === 'include') : undefined;
  if (mainFailure) {
    const reason = /: ([^:"]+)$/.exec(mainFailure.message)?.[1] ?? 'cannot read';
    throw new InputError(OPEN_FAILURES[reason] ?? `cannot read (${reason})`, file);
  }
  // The server reads absolute, canonical paths; reports show them relative to the current directory
  // so that output does not depend on where the repository is checked out.
  const shownPaths = new Map<string, string>();
  const shown = (path: string): string => {
    let display = shownPaths.get(path);
    if (display === undefined) {
      display = displayPath(io.cwd, path);
      shownPaths.set(path, display);
    }
    return display;
  };
  const assignments: SettingAssignment[] = [];
  for (const a of result.effective.values()) {
    if (a.known) assignments.push({ name: a.name, value: a.rawValue, source: `${shown(a.file)}:${a.line}` });
  }
  return {
    file: shown(absolute),
    files: result.files.map(shown),
    assignments,
    issues: result.issues.map((i) => ({
      ...i,
      file: shown(i.file),
      message: i.message.split(i.file).join(shown(i.file)),
    })),
  };
}

/** What an AWS parameter formula needs when no --provider evaluates it: the end of the error. */
export function formulaNeedsProvider(provider: string | undefined): string {
  return provider
    ? `--provider ${provider} does not evaluate them (--provider rds or aurora does)`
    : 'give --provider rds or aurora and --instance-class to evaluate it';
}

/**
 * A numeric value of a configuration file as the server gets it: an AWS parameter formula
 * (`{DBInstanceClassMemory/32768}`, `LEAST(…)`) evaluated for --provider rds|aurora's instance class,
 * anything else as written. A formula with no instance class to take, or one that does not parse,
 * is an input error naming its line (exit 2).
 */
function evaluateConfFormula(
  item: ConfAssignment,
  setting: string,
  server: Pick<PlanFlags, 'provider' | 'formulaVariables'>,
  shownFile: string,
): string {
  if (!isFormula(item.rawValue)) return item.rawValue;
  const vars = server.formulaVariables;
  if (!vars) {
    throw new InputError(
      `${item.name} = '${item.rawValue}' is an AWS parameter formula; ${formulaNeedsProvider(server.provider)}`,
      shownFile,
      item.line,
    );
  }
  try {
    return String(evaluateFormula(item.rawValue, vars));
  } catch (error) {
    throw new InputError(`${setting}: ${(error as Error).message}`, shownFile, item.line);
  }
}

/** The first issue of a configuration as an input error (exit 2): for answers a broken file cannot give. */
export function assertConfigValid(config: LoadedConfig): void {
  const issue = config.issues[0];
  if (!issue) return;
  const more =
    config.issues.length > 1 ? ` (and ${config.issues.length - 1} more; pgmem check ${config.file} lists them)` : '';
  const message = [issue.message, issue.detail, issue.hint].filter(Boolean).join('; ');
  throw new InputError(
    `the server would not start with this configuration: ${message}${more}`,
    issue.file,
    issue.line ?? undefined,
  );
}

/** Flags, merged with the topology file when --topology is given. */
export async function loadPlanFlags(
  options: SharedOptions,
  io: CliIo,
  defaults: { failOnDefault: FailOn } & TopologyFlagOptions,
): Promise<PlanFlags> {
  const flags = readPlanFiles(await applyTopologyFlag(readPlanFlags(options, defaults), io, defaults), io);
  return withProvider(flags, options, io);
}

/** The flags with --provider's defaults, memory and formulas applied (and its note written once). */
export async function withProvider(flags: PlanFlags, options: SharedOptions, io: CliIo): Promise<PlanFlags> {
  if (!options.provider && !options.instanceClass && options.instanceMemory === undefined && !options.parameterGroup)
    return assertFormulasEvaluated(flags);
  const { applyProvider } = await import('./provider.js');
  return assertFormulasEvaluated(applyProvider(flags, options, io));
}

/**
 * A --set value that is an AWS formula, with no --provider rds|aurora to evaluate it, is refused as
 * one (as it is in a configuration file and under --vary), not as a value the setting does not take.
 */
function assertFormulasEvaluated(flags: PlanFlags): PlanFlags {
  if (flags.formulaVariables) return flags;
  for (const a of flags.assignments) {
    if (a.source !== 'flag' || !isFormula(a.value)) continue;
    const type = findGuc(flags.version, a.name, flags.build)?.type;
    if (type === 'integer' || type === 'real')
      throw new UsageError(
        `${a.value} is an AWS parameter formula; ${formulaNeedsProvider(flags.provider)}`,
        `--set ${a.name}`,
      );
  }
  return flags;
}

/** Reads the --plans files (each once, with the limits of configuration files). */
export function readPlanFiles(flags: PlanFlags, io: CliIo): PlanFlags {
  if (flags.planFiles.length === 0) return flags;
  return { ...flags, planTexts: flags.planFiles.map((file) => ({ file, text: readInputFile(file, io) })) };
}

/**
 * The workload with the --plans files' queries, classified for the flags' version, after any
 * queries it already has (inspect --statements).
 */
export function planWorkload(flags: PlanFlags): PlanFlags['workload'] {
  if (!flags.planTexts?.length) return flags.workload;
  const queries = flags.planTexts.flatMap(({ file, text }) => readPlans(text, file, flags.version));
  return { ...flags.workload, queries: [...(flags.workload.queries ?? []), ...queries] };
}

/** The configuration a plan reads: --config, else the one the topology names, else none. */
export function configFileOf(
  options: Pick<CommandOptions<'plan'>, 'config' | 'autoConf'>,
  flags: PlanFlags,
): string | undefined {
  const file = options.config ?? flags.topologyConfig;
  if (file === undefined && options.autoConf !== undefined) {
    const flag = options.autoConf === false ? '--no-auto-conf' : '--auto-conf';
    throw new UsageError('needs --config (or a topology that names server.config)', flag);
  }
  return file;
}

/** Rejects --set and shorthand values the server would reject, naming the flag: exit 2. */
function checkFlagAssignments(
  server: { readonly version: PgVersion; readonly build: BuildName },
  base: readonly SettingAssignment[],
  flags: readonly SettingAssignment[],
  defaults: DefaultsBase,
): void {
  const { problems } = Settings.resolve(server.version, [...base, ...flags], defaults, server.build);
  const problem = problems.find((p) => p.source === 'flag');
  if (!problem) return;
  const flag = `--set ${problem.name}=${problem.value}`;
  const detail = [problem.detail, problem.hint].filter(Boolean).join(' ');
  throw new UsageError(`${problem.message}${detail ? ` (${detail})` : ''}`, flag.length > 60 ? '--set' : flag);
}

/** Analyses flags (merged with a topology) on top of initdb defaults or a configuration's assignments. */
export function analyzePlan(given: PlanFlags, fileAssignments: readonly SettingAssignment[] | null): Analysis {
  const flags = reclassifyTopology(given);
  const topologySettings = flags.assignments.filter((a) => a.source === 'topology');
  const topologyProblem = Settings.resolve(flags.version, topologySettings, 'boot', flags.build).problems[0];
  if (topologyProblem) {
    throw new InputError(
      `server.settings.${topologyProblem.name}: ${topologyProblem.message}`,
      flags.topologyFile ?? undefined,
    );
  }
  const defaults: DefaultsBase = fileAssignments ? 'boot' : 'initdb';
  const base = [...(flags.providerAssignments ?? []), ...(fileAssignments ?? []), ...topologySettings];
  checkFlagAssignments(
    flags,
    base,
    flags.assignments.filter((a) => a.source === 'flag'),
    defaults,
  );
  return analyze({
    version: flags.version,
    build: flags.build,
    assignments: [...(flags.providerAssignments ?? []), ...(fileAssignments ?? []), ...flags.assignments],
    defaults,
    clients: flags.clients,
    groups: flags.groups ?? null,
    topology: flags.topology ?? null,
    container: flags.container ?? null,
    replicationConnections: flags.replicationConnections ?? 0,
    workload: planWorkload(flags),
    workloadSource: flags.workloadSource,
    ramBytes: flags.ramBytes,
    managed: flags.managedService ?? null,
  });
}

/** The finding each kind of configuration issue is reported as. */
export const CONF_ISSUE_FINDINGS: Readonly<Record<ConfIssueKind, FindingId>> = {
  syntax: 'config-syntax-error',
  include: 'config-include-error',
  limit: 'config-too-large',
  'unknown-setting': 'invalid-setting',
  'invalid-value': 'invalid-setting',
  'cannot-change': 'invalid-setting',
};

/** A configuration issue as an error finding (the server would not start). */
function issueFinding(issue: ConfIssue): Finding {
  return createFinding(CONF_ISSUE_FINDINGS[issue.kind], {
    message: [issue.message, issue.detail, issue.hint].filter(Boolean).join('; '),
    ...(issue.setting !== undefined && { setting: issue.setting }),
    file: issue.file,
    // At the end of a file without a final newline the server names the line before ("line 0" for a
    // one-line file); a finding's line must be a real one (>= 1, as the report schema says).
    ...(issue.line !== null && { line: Math.max(1, issue.line) }),
  });
}

/**
 * The report `plan` writes (without --solve or --vary), and the flags it was made from: with the
 * configuration's `config` section when one is read (--config, or the topology's server.config).
 * `plan --json` prints it as it is; the library's analyze() returns it.
 */
export async function planReport(
  options: CommandOptions<'plan'>,
  io: CliIo,
): Promise<{ flags: PlanFlags; report: PlanReport | CheckReport }> {
  const flags = await loadPlanFlags(options, io, { failOnDefault: 'none' });
  const configFile = configFileOf(options, flags);
  if (configFile === undefined) return { flags, report: analyzePlan(flags, null).report };
  return { flags, report: analyzeConfig(flags, loadConfig(configFile, flags, autoConfChoice(options), io)).report };
}

/** Analyses a loaded configuration with the flags on top: the report with its config section. */
export function analyzeConfig(flags: PlanFlags, config: LoadedConfig): { analysis: Analysis; report: CheckReport } {
  const analysis = analyzePlan(flags, config.assignments);
  const report: CheckReport = {
    ...analysis.report,
    findings: [
      ...config.issues.map(issueFinding),
      ...locateFindings(analysis.report.findings, analysis, flags.locations),
    ].sort(compareFindings),
    config: {
      file: config.file,
      files: [...config.files],
      valid: config.issues.length === 0,
      errors: config.issues.map((i) => ({
        file: i.file,
        line: i.line,
        setting: i.setting ?? null,
        message: i.message,
      })),
    },
  };
  return { analysis, report };
}

/**
 * Analyses the flags' own inputs (a manifest, a pgbouncer.ini) as `check` judges a configuration
 * file: the report names them in its config section, settings the server would refuse are its
 * errors, and every finding points at the line that sets its value.
 */
export function analyzeInputs(flags: PlanFlags): { analysis: Analysis; report: CheckReport } {
  const analysis = analyzePlan(flags, null);
  const files = flags.inputFiles ?? [];
  const refused = analysis.problems.filter((p) => p.source !== 'flag');
  const errors = refused.map((p) => {
    const at = flags.locations?.settings.get(p.name);
    return {
      file: at?.location.file ?? files[0] ?? '',
      line: at?.location.line ?? null,
      setting: p.name,
      message: p.message,
    };
  });
  const report: CheckReport = {
    ...analysis.report,
    findings: locateFindings(analysis.report.findings, analysis, flags.locations).sort(compareFindings),
    config: { file: files[0] ?? '', files: [...files], valid: errors.length === 0, errors },
  };
  return { analysis, report };
}
