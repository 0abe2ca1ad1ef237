/** `pgmem recommend`: settings whose worst case fits RAM minus a reserve, for a topology and workload. */
import type { Command } from 'commander';
import { ExitCode, InputError, UsageError } from '../errors.js';
import type { WorkloadKind } from '../core/recommend.js';
import { useColor, type CliIo } from './io.js';
import { addCommandOptions, readFormat, readPlanFlags, type CommandOptions, type PlanFlags } from './plan-options.js';
import { formatPgSize } from '../core/format.js';
import type { RecommendAssumptions, RecommendView } from '../render/recommend.js';
import type { RecommendDocument } from '../core/report-schema.js';
import { applyTopologyFlag } from './topology-loader.js';
import { renderJson } from '../render/json.js';

/**
 * The inputs a recommendation assumed, as the flags that give them to `check`: the workload, the
 * connections (a topology file or pods and pools), the memory and the version. Checking the written
 * settings with these flags judges them as recommend did.
 */
export function assumedInputs(flags: PlanFlags, workload: WorkloadKind): RecommendAssumptions {
  const connections = flags.topologyFile
    ? ['--topology', flags.topologyFile]
    : flags.pods !== undefined
      ? ['--pods', String(flags.pods), '--pool', String(flags.pool)]
      : ['--clients', String(flags.clients)];
  const ram = ['--ram', formatPgSize(flags.ramBytes ?? 0)];
  const work = flags.planFiles.length ? ['--plans', ...flags.planFiles] : ['--workload', workload];
  return {
    workload: work.join(' '),
    topology: connections.join(' '),
    checkArgs: [...ram, '--pg-version', String(flags.version), ...work, ...connections],
  };
}

/** CPUs assumed when --cpus is not given. */
export const DEFAULT_CPUS = 4;

/** Registers `recommend` on the program; `setExit` receives its exit code. */
export function registerRecommendCommand(program: Command, io: CliIo, setExit: (code: number) => void): Command {
  return addCommandOptions(
    program
      .command('recommend')
      .description('settings whose worst case fits in RAM minus a reserve for the OS and page cache'),
    'recommend',
  ).action(async (options: CommandOptions<'recommend'>) => {
    setExit(await recommendCommand(options, io));
  });
}

/** Runs `recommend` and returns the exit code: 0 with settings, 1 when nothing safe fits. */
export async function recommendCommand(options: CommandOptions<'recommend'>, io: CliIo): Promise<number> {
  const format = readFormat(options, 'table');
  const { flags, document, view } = await recommendOutcome(options, io);
  if (view === null) {
    if (format === 'json') io.stdout.write(renderJson(document));
    if (document.recommendations === null) io.stderr.write(`pgmem: error: ${document.error.message}\n`);
    return ExitCode.Findings;
  }
  const render = await import('../render/recommend.js');
  switch (format) {
    case 'json':
      io.stdout.write(renderJson(document));
      break;
    case 'conf':
      io.stdout.write(render.renderRecommendConf(view));
      break;
    case 'sql':
      io.stdout.write(render.renderRecommendSql(view));
      break;
    case 'table':
      io.stdout.write(render.renderRecommendTable(view, { color: useColor(io, flags.color) }));
      break;
  }
  return ExitCode.Ok;
}

/**
 * What `recommend` answers: the document --json prints, and the view the other formats render
 * (null when no settings are safe: the document then carries the error). The library's
 * recommend() returns the document.
 */
export async function recommendOutcome(
  options: CommandOptions<'recommend'>,
  io: CliIo,
): Promise<{ flags: PlanFlags; document: RecommendDocument; view: RecommendView | null }> {
  const [{ DEFAULT_RESERVE_SHARE, recommend }, { Settings }] = await Promise.all([
    import('../core/recommend.js'),
    import('../core/settings.js'),
  ]);
  const workloadText: WorkloadKind = options.workload ?? 'mixed';
  const cpus = options.cpus ?? DEFAULT_CPUS;
  const reserveShare = options.reserve ?? DEFAULT_RESERVE_SHARE;

  const { planWorkload, readPlanFiles } = await import('./plan-input.js');
  const flags = readPlanFiles(await applyTopologyFlag(readPlanFlags(options, { failOnDefault: 'none' }), io), io);
  if (flags.ramBytes === null) {
    throw new UsageError('needs the memory to plan for (or a topology with a container limit or server.ram)', '--ram');
  }
  if (!flags.groups && flags.clients === null) {
    throw new UsageError('needs the connections: --pods and --pool, --clients, or --topology', '--pods');
  }
  // A topology's server settings stay, except those the recommendation sets; they must be valid.
  const base = flags.assignments.filter((a) => a.source === 'topology');
  const problem = Settings.resolve(flags.version, base, 'boot', flags.build).problems[0];
  if (problem)
    throw new InputError(`server.settings.${problem.name}: ${problem.message}`, flags.topologyFile ?? undefined);

  const result = recommend({
    version: flags.version,
    build: flags.build,
    ramBytes: flags.ramBytes,
    cpus,
    workload: workloadText,
    reserveShare,
    clients: flags.clients,
    groups: flags.groups ?? null,
    topology: flags.topology ?? null,
    container: flags.container ?? null,
    replicationConnections: flags.replicationConnections ?? 0,
    baseAssignments: base,
    workloadSource: flags.workloadSource,
    workloadOverrides: flags.planTexts?.length
      ? { ...flags.workloadFlags, queries: planWorkload(flags).queries ?? null }
      : flags.workloadFlags,
  });

  if (!result.ok) {
    const error = {
      code: result.code,
      message: result.message,
      exitCode: ExitCode.Findings,
      budgetBytes: result.budgetBytes,
    };
    return {
      flags,
      document: { schemaVersion: 1, recommendations: null, error, plan: result.analysis?.report ?? null },
      view: null,
    };
  }

  const view: RecommendView = {
    settings: result.settings,
    budgetBytes: result.budgetBytes,
    reserveShare,
    workload: workloadText,
    cpus,
    plan: result.analysis.report,
    assumed: assumedInputs(flags, workloadText),
  };
  const render = await import('../render/recommend.js');
  return { flags, document: render.recommendJson(view), view };
}
