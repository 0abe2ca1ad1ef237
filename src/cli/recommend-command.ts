/** `pgmem recommend`: settings whose worst case fits RAM minus a reserve, for a topology and workload. */
import type { Command } from 'commander';
import { ExitCode, InputError, UsageError } from '../errors.js';
import type { WorkloadKind } from '../core/recommend.js';
import { useColor, type CliIo } from './io.js';
import { addCommandOptions, readFormat, readPlanFlags, type CommandOptions, type PlanFlags } from './plan-options.js';
import { formatPgSize } from '../core/format.js';
import type { RecommendAssumptions, RecommendView } from '../render/recommend.js';
import type { PlanReport, RecommendDocument } from '../core/report-schema.js';

type WorkloadSourceReport = PlanReport['workload']['groups'][number]['sources'][number];
import { applyTopologyFlag } from './topology-loader.js';
import { renderJson } from '../render/json.js';

/**
 * The inputs a recommendation assumed, as the flags that give them to `check`: the workload, the
 * connections (a topology file or pods and pools), the memory and the version. Checking the written
 * settings with these flags judges them as recommend did.
 */
export function assumedInputs(
  flags: PlanFlags,
  workload: WorkloadKind,
  groups: PlanReport['workload']['groups'] = [],
): RecommendAssumptions {
  const connections = flags.topologyFile
    ? ['--topology', flags.topologyFile]
    : flags.pods !== undefined
      ? ['--pods', String(flags.pods), '--pool', String(flags.pool)]
      : ['--clients', String(flags.clients)];
  const ram = ['--ram', formatPgSize(flags.ramBytes ?? 0)];
  // Workload flags replace the apps' own; without them each group ran its own (or the topology's
  // workload section, or the default), as `check` with the same topology and no workload flag does.
  const perGroup = flags.topologyFile !== null && flags.workloadSource.origin !== 'flags';
  const work = flags.planFiles.length
    ? ['--plans', ...flags.planFiles]
    : perGroup && (flags.workloadSource.origin !== 'default' || groups.some((g) => g.sources.some(isAppSource)))
      ? []
      : ['--workload', workload];
  return {
    workload: work.length ? work.join(' ') : perGroupText(flags, workload, groups),
    topology: connections.join(' '),
    checkArgs: [...ram, '--pg-version', String(flags.version), ...work, ...connections],
  };
}

function isAppSource(source: WorkloadSourceReport): boolean {
  return source.origin === 'app';
}

/** "api: plans a.json, b.json; reporting: olap; others: mixed (default)". */
function perGroupText(flags: PlanFlags, workload: WorkloadKind, groups: PlanReport['workload']['groups']): string {
  const source = flags.workloadSource;
  const server =
    source.origin !== 'topology'
      ? `${workload} (default)`
      : source.kind === 'preset'
        ? `the topology's ${source.preset}`
        : source.kind === 'plans'
          ? `the topology's plans ${source.files?.join(', ')}`
          : `the topology's ${flags.workload.sortOps} sort + ${flags.workload.hashOps} hash nodes`;
  const own = groups
    .filter((g) => g.sources.some(isAppSource))
    .map((g) => `${g.name}: ${g.sources.map((s) => describeSource(s, server, g.queries[0]?.nodes ?? [])).join(' + ')}`);
  return [...own, `others: ${server}`].join('; ');
}

function describeSource(
  source: WorkloadSourceReport,
  server: string,
  nodes: readonly { readonly budget: string }[],
): string {
  if (source.origin !== 'app') return server;
  switch (source.kind) {
    case 'preset':
      return source.preset ?? 'mixed';
    case 'plans':
      return `plans ${source.files.join(', ')}`;
    default:
      return `sortOps ${nodes.filter((n) => n.budget === 'work_mem').length}, hashOps ${nodes.filter((n) => n.budget !== 'work_mem').length}`;
  }
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
  const cpus = options.cpus ?? DEFAULT_CPUS;
  const reserveShare = options.reserve ?? DEFAULT_RESERVE_SHARE;

  const { planWorkload, readPlanFiles } = await import('./plan-input.js');
  const flags = readPlanFiles(await applyTopologyFlag(readPlanFlags(options, { failOnDefault: 'none' }), io), io);
  // The preset for parallel query and work_mem's cap: --workload, else the topology's workload preset.
  const source = flags.workloadSource;
  const workloadText: WorkloadKind =
    options.workload ??
    (source.origin === 'topology' && source.kind === 'preset' ? source.preset : undefined) ??
    'mixed';
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
    ...(flags.workloadSource.origin === 'topology' && { serverWorkloadLabel: `${flags.topologyFile} workload` }),
    workloadOverrides: flags.planTexts?.length
      ? { ...flags.workloadFlags, queries: planWorkload(flags).queries ?? null }
      : flags.workloadSource.origin === 'topology'
        ? { sortOps: flags.workload.sortOps, hashOps: flags.workload.hashOps, ...flags.workloadFlags }
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

  const assumed = assumedInputs(flags, workloadText, result.analysis.report.workload.groups);
  const fromFile = !assumed.checkArgs.includes('--workload') && !assumed.checkArgs.includes('--plans');
  const ownApps = result.analysis.report.workload.groups.some((g) => g.sources.some(isAppSource));
  const view: RecommendView = {
    ...(fromFile && { workloadLabel: ownApps ? "each app's own workload" : "the topology's workload" }),
    settings: result.settings,
    budgetBytes: result.budgetBytes,
    reserveShare,
    workload: workloadText,
    cpus,
    plan: result.analysis.report,
    assumed,
  };
  const render = await import('../render/recommend.js');
  return { flags, document: render.recommendJson(view), view };
}
