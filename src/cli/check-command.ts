/** `pgmem check FILE...`: postgresql.conf files judged as the server reads them, for CI. */
import { ExitCode } from '../errors.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import { analyzeConfig, autoConfChoice, loadConfig, loadPlanFlags, type CheckReport } from './plan-input.js';
import { readFormat, type CommandOptions, type PlanFlags } from './plan-options.js';
import { renderCheckReports } from './render-report.js';

/** Runs `check` over files and returns the exit code: the worst over the files. */
export async function checkCommand(
  files: readonly string[],
  options: CommandOptions<'check'>,
  io: CliIo,
): Promise<number> {
  const format = readFormat(options, 'table');
  const flags: PlanFlags = await loadPlanFlags(options, io, { failOnDefault: 'error' });
  const autoConf = autoConfChoice(options);
  const reports: CheckReport[] = files.map(
    (file) => analyzeConfig(flags, loadConfig(file, flags, autoConf, io)).report,
  );
  io.stdout.write(await renderCheckReports(reports, format, { color: useColor(io, flags.color) }));
  return Math.max(...reports.map((r) => exitCodeFor(r.findings, flags.failOn)), ExitCode.Ok);
}
