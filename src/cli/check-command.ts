/** `pgmem check FILE...`: postgresql.conf files judged as the server reads them, for CI. */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.js';
import type { Analysis } from '../core/analyze.js';
import type { configSectionSchema, Finding, PlanReport } from '../core/report-schema.js';
import type { z } from 'zod';
import type { SettingAssignment } from '../core/settings.js';
import { compareFindings } from '../core/findings/index.js';
import { readConfiguration, type ConfIssue } from '../input/conf/index.js';
import { nodeConfFileSystem } from './conf-fs.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import { analyzeFlags } from './plan-command.js';
import { readFormat, readPlanFlags, type PlanFlags, type RawPlanOptions } from './plan-options.js';
import { renderReport } from './render-report.js';
import { applyTopologyFlag } from './topology-loader.js';
import { renderGithub } from '../render/github.js';
import { renderJson } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';

/** Formats `check` writes. */
export const CHECK_FORMATS = ['table', 'json', 'markdown', 'github', 'sarif'] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];

/** What `check` adds to a plan report. */
export type ConfigSection = z.infer<typeof configSectionSchema>;

/** A plan report for one configuration file. */
export type CheckReport = PlanReport & { config: ConfigSection };

const ISSUE_FINDING: Record<string, string> = {
  'unknown-setting': 'invalid-setting',
  'invalid-value': 'invalid-setting',
  syntax: 'config-syntax-error',
};

/** A configuration issue as an error finding (the server would not start). */
function issueFinding(issue: ConfIssue): Finding {
  return {
    id: ISSUE_FINDING[issue.kind] ?? 'config-include-error',
    severity: 'error',
    message: [issue.message, issue.detail, issue.hint].filter(Boolean).join('; '),
    ...(issue.setting !== undefined && { setting: issue.setting }),
    file: issue.file,
    // At the end of a file without a final newline the server names the line before ("line 0" for a
    // one-line file); a finding's line must be a real one (>= 1, as the report schema says).
    ...(issue.line !== null && { line: Math.max(1, issue.line) }),
  };
}

/** The file named on the command line must be a readable regular file: otherwise exit 2, not a finding. */
function assertReadableFile(path: string, shown: string): void {
  let stats;
  try {
    stats = statSync(path);
    if (stats.isFile()) accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})`, shown);
  }
  if (!stats.isFile()) throw new InputError(stats.isDirectory() ? 'is a directory, not a configuration file' : 'not a regular file', shown);
}

/** A path relative to `cwd` when it lies below it, else as it is. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Reads one configuration file and analyses it with the flags on top. */
export function checkOne(file: string, flags: PlanFlags, options: RawPlanOptions, io: CliIo): { analysis: Analysis; report: CheckReport } {
  const autoConf = options.autoConf === false ? null : typeof options.autoConf === 'string' ? options.autoConf : undefined;
  assertReadableFile(resolve(io.cwd, file), file);
  const result = readConfiguration(flags.version, file, nodeConfFileSystem(io.cwd), { autoConf });
  // The server reads absolute, canonical paths; reports show them relative to the current directory
  // so that output does not depend on where the repository is checked out.
  const shownPaths = new Map<string, string>();
  const shown = (path: string): string => {
    let display = shownPaths.get(path);
    if (display === undefined) shownPaths.set(path, (display = displayPath(io.cwd, path)));
    return display;
  };
  const assignments: SettingAssignment[] = [...result.effective.values()].filter((a) => a.known).map((a) => ({
    name: a.name,
    value: a.rawValue,
    source: `${shown(a.file)}:${a.line}`,
  }));
  const analysis = analyzeFlags(flags, assignments);
  const issues = result.issues.map((i) => ({ ...i, file: shown(i.file), message: i.message.split(i.file).join(shown(i.file)) }));
  const issueFindings = issues.map(issueFinding);
  const report: CheckReport = {
    ...analysis.report,
    findings: [...issueFindings, ...analysis.report.findings].sort(compareFindings),
    config: {
      file: shown(resolve(io.cwd, file)),
      files: result.files.map(shown),
      valid: issues.length === 0,
      errors: issues.map((i) => ({ file: i.file, line: i.line, setting: i.setting ?? null, message: i.message })),
    },
  };
  return { analysis, report };
}

/** Runs `check` (or `plan --config`) over files and returns the exit code. */
export async function checkFiles(
  files: readonly string[],
  options: RawPlanOptions,
  io: CliIo,
  context: { command: 'plan' | 'check'; format?: string; flags?: PlanFlags },
): Promise<number> {
  const format = (context.format ?? readFormat(options, CHECK_FORMATS, 'table')) as CheckFormat;
  const flags = context.flags ?? (await applyTopologyFlag(readPlanFlags(options, { failOnDefault: 'error' }), io));
  const reports = files.map((file) => checkOne(file, flags, options, io).report);
  const color = useColor(io, flags.color);
  if (format === 'json') {
    io.stdout.write(renderJson(reports.length === 1 ? reports[0] : { schemaVersion: 1, results: reports }));
  } else if (format === 'github') {
    io.stdout.write(renderGithub(reports));
  } else if (format === 'sarif') {
    io.stdout.write(renderJson(renderSarif(reports)));
  } else {
    for (const report of reports) {
      io.stdout.write(await renderReport(report, format, { color, title: report.config.file }));
    }
  }
  const worst = Math.max(...reports.map((r) => exitCodeFor(r.findings, flags.failOn)), ExitCode.Ok);
  return worst;
}
