/** `pgmem recommend`: settings whose worst case fits RAM minus a reserve, for a topology and workload. */
import type { Command } from 'commander';
import { ExitCode, InputError, UsageError } from '../errors.js';
import type { WorkloadKind } from '../core/recommend.js';
import { parseCount } from '../input/flags.js';
import { useColor, type CliIo } from './io.js';
import { readFormat, readPlanFlags, type RawPlanOptions } from './plan-options.js';
import { applyTopologyFlag } from './topology-loader.js';
import { renderJson } from '../render/json.js';

/** Formats `recommend` writes. */
export const RECOMMEND_FORMATS = ['table', 'conf', 'sql', 'json'] as const;
type RecommendFormat = (typeof RECOMMEND_FORMATS)[number];

/** CPUs assumed when --cpus is not given. */
export const DEFAULT_CPUS = 4;

/** A share such as `20%` or `0.2`, from 0 up to (not including) 1. */
export function parseShare(flag: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!match || !(value >= 0 && value < 1)) {
    throw new UsageError(`expected a share from 0 to below 1, such as 20% or 0.2, got "${raw}"`, flag);
  }
  return value;
}

/** Registers `recommend` on the program; `setExit` receives its exit code. */
export function registerRecommendCommand(program: Command, io: CliIo, setExit: (code: number) => void): Command {
  return program
    .command('recommend')
    .description('settings whose worst case fits in RAM minus a reserve for the OS and page cache')
    .option('--ram <size>', 'memory of the machine or container limit, e.g. 16GB or 8Gi')
    .option('--pods <n>', 'application pods (or processes) that each keep a pool')
    .option('--pool <n>', 'connections in each pod\'s pool')
    .option('--clients <n>', 'total client connections, instead of --pods × --pool')
    .option('--topology <file>', 'a topology file (YAML or JSON); - reads it from stdin')
    // Help text is static so that registering the command loads no engine code.
    .option('--workload <kind>', 'oltp, olap or mixed: plan nodes per query and parallel query (default mixed)')
    .option('--cpus <n>', `CPUs of the server, for parallel query and autovacuum workers (default ${DEFAULT_CPUS})`)
    .option('--reserve <share>', 'share of RAM kept for the OS and page cache (default 20%, as the low-headroom finding)')
    .option('--pg-version <major>', 'PostgreSQL major version, 13–18')
    .option('--format <format>', `${RECOMMEND_FORMATS.join(', ')} (default table)`)
    .option('--json', 'same as --format json')
    .option('--no-color', 'no ANSI colours')
    .action(async (options: RawPlanOptions) => {
      setExit(await recommendCommand(options, io));
    });
}

/** Runs `recommend` and returns the exit code: 0 with settings, 1 when nothing safe fits. */
export async function recommendCommand(options: RawPlanOptions, io: CliIo): Promise<number> {
  const format = readFormat<RecommendFormat>(options, RECOMMEND_FORMATS, 'table');
  const [{ DEFAULT_RESERVE_SHARE, WORKLOAD_KINDS, recommend }, { Settings }] = await Promise.all([
    import('../core/recommend.js'),
    import('../core/settings.js'),
  ]);
  const workloadText = typeof options.workload === 'string' ? options.workload : 'mixed';
  if (!(WORKLOAD_KINDS as readonly string[]).includes(workloadText)) {
    throw new UsageError(`expected one of ${WORKLOAD_KINDS.join(', ')}, got "${workloadText}"`, '--workload');
  }
  const cpus = typeof options.cpus === 'string' ? parseCount('--cpus', options.cpus, { min: 1, max: 10_000 }) : DEFAULT_CPUS;
  const reserveShare = typeof options.reserve === 'string' ? parseShare('--reserve', options.reserve) : DEFAULT_RESERVE_SHARE;

  const flags = await applyTopologyFlag(readPlanFlags(options, { failOnDefault: 'none' }), io);
  if (flags.ramBytes === null) {
    throw new UsageError('needs the memory to plan for (or a topology with a container limit or server.ram)', '--ram');
  }
  if (!flags.groups && flags.clients === null) {
    throw new UsageError('needs the connections: --pods and --pool, --clients, or --topology', '--pods');
  }
  // A topology's server settings stay, except those the recommendation sets; they must be valid.
  const base = flags.assignments.filter((a) => a.source === 'topology');
  const problem = Settings.resolve(flags.version, base, 'boot').problems[0];
  if (problem) throw new InputError(`server.settings.${problem.name}: ${problem.message}`, flags.topologyFile ?? undefined);

  const result = recommend({
    version: flags.version,
    ramBytes: flags.ramBytes,
    cpus,
    workload: workloadText as WorkloadKind,
    reserveShare,
    clients: flags.clients,
    groups: flags.groups ?? null,
    topology: flags.topology ?? null,
    container: flags.container ?? null,
    replicationConnections: flags.replicationConnections ?? 0,
    baseAssignments: base,
    workloadOverrides: flags.workloadFlags,
  });

  if (!result.ok) {
    if (format === 'json') {
      const error = { code: result.code, message: result.message, exitCode: ExitCode.Findings, budgetBytes: result.budgetBytes };
      io.stdout.write(`${JSON.stringify({ schemaVersion: 1, recommendations: null, error, plan: result.analysis?.report ?? null }, null, 2)}\n`);
    }
    io.stderr.write(`pgmem: error: ${result.message}\n`);
    return ExitCode.Findings;
  }

  const view = {
    settings: result.settings,
    budgetBytes: result.budgetBytes,
    reserveShare,
    workload: workloadText,
    cpus,
    plan: result.analysis.report,
  };
  const render = await import('../render/recommend.js');
  switch (format) {
    case 'json':
      io.stdout.write(renderJson(render.recommendJson(view)));
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
