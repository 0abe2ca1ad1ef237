/**
 * The options `plan` and `check` share, and their translation into engine input.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { ClientGroup, Workload } from '../core/model.js';
import type { ContainerSpec, ResolvedTopology } from '../core/topology.js';
import { DEFAULT_WORKLOAD } from '../core/model.js';
import type { SettingAssignment } from '../core/settings.js';
import { DEFAULT_VERSION, type PgVersion } from '../core/versions.js';
import { parseAssignment, parseCount, parseSize, parseVersion } from '../input/flags.js';
import { FAIL_ON, type FailOn } from './exit-code.js';

/** Settings with a flag of their own, e.g. --work-mem for work_mem. */
export const SHORTHAND_SETTINGS = [
  'max_connections',
  'shared_buffers',
  'work_mem',
  'hash_mem_multiplier',
  'maintenance_work_mem',
  'autovacuum_work_mem',
  'autovacuum_max_workers',
  'temp_buffers',
  'wal_buffers',
  'max_worker_processes',
  'max_parallel_workers',
  'max_parallel_workers_per_gather',
  'max_wal_senders',
  'logical_decoding_work_mem',
  'huge_pages',
] as const;

/** The flag of a shorthand setting: work_mem → --work-mem. */
export function shorthandFlag(name: string): string {
  return `--${name.replace(/_/g, '-')}`;
}

/** commander's camelCase key of a flag: --work-mem → workMem. */
function optionKey(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds the shared plan/check options to a command. */
export function addPlanOptions(command: Command, { failOnDefault }: { failOnDefault: FailOn }): Command {
  command
    .option('--pods <n>', 'application pods (or processes) that each keep a pool')
    .option('--pool <n>', 'connections in each pod\'s pool')
    .option('--clients <n>', 'total client connections, instead of --pods × --pool')
    .option('--topology <file>', 'a topology file (YAML or JSON); - reads JSON or YAML from stdin')
    .option('--ram <size>', 'memory of the machine or container limit, e.g. 16GB or 8Gi')
    .option('--pg-version <major>', `PostgreSQL major version, 13–18 (default ${DEFAULT_VERSION})`)
    .option('--set <name=value>', 'a setting in postgresql.conf syntax, repeatable', collect, [])
    .option('--sort-ops <n>', `sort-like nodes per query, work_mem each (default ${DEFAULT_WORKLOAD.sortOps})`)
    .option('--hash-ops <n>', `hash nodes per query, work_mem × hash_mem_multiplier each (default ${DEFAULT_WORKLOAD.hashOps})`)
    .option('--ops-per-query <n>', 'the rule of thumb\'s single knob: n nodes of work_mem, no hash nodes')
    .option('--no-parallel', 'assume no parallel query workers')
    .option('--no-temp-buffers', 'assume sessions do not use temporary tables')
    .option('--maintenance-ops <n>', `concurrent CREATE INDEX / VACUUM commands (default ${DEFAULT_WORKLOAD.maintenanceOps})`)
    .option('--logical-senders <n>', 'walsenders doing logical decoding (default: all slots when wal_level = logical)')
    .option('--backend-baseline <size>', 'private memory of an idle backend (default: measured per version)')
    .option('--fail-on <severity>', `exit 1 on findings at or above: ${FAIL_ON.join(', ')} (default ${failOnDefault})`)
    .option('--format <format>', 'table, json or markdown')
    .option('--json', 'same as --format json')
    .option('--no-color', 'no ANSI colours');
  for (const name of SHORTHAND_SETTINGS) {
    command.option(`${shorthandFlag(name)} <value>`, `same as --set ${name}=<value>`);
  }
  if (command.name() === 'plan') {
    command
      .option('--solve <variable>', 'the largest pods, pool or work_mem that fits in --ram (and in the connection slots)')
      .option('--vary <name=v1,v2,...>', 'a what-if grid over a setting or pods, pool, clients; up to 2 axes', collect, []);
  }
  return command;
}

/** The options as commander hands them over. */
export type RawPlanOptions = Record<string, unknown>;

/** Engine input taken from flags (and, once merged, from a topology file). */
export interface PlanFlags {
  readonly version: PgVersion;
  readonly clients: number | null;
  /** --pods/--pool as given, to override a one-app topology. */
  readonly pods?: number;
  readonly pool?: number;
  readonly ramBytes: number | null;
  readonly workload: Workload;
  /** Workload fields given as flags, which win over a topology file's. */
  readonly workloadFlags: Partial<Workload>;
  readonly assignments: SettingAssignment[];
  readonly failOn: FailOn;
  readonly color: boolean | undefined;
  /** Which of version and RAM came from flags (so a topology file does not override them). */
  readonly versionFlag: boolean;
  readonly topologyFile: string | null;
  /** Filled in from a topology file. */
  readonly groups?: readonly ClientGroup[];
  readonly topology?: ResolvedTopology;
  readonly container?: ContainerSpec | null;
  readonly replicationConnections?: number;
  /** A postgresql.conf the topology names, relative to the current directory. */
  readonly topologyConfig?: string;
}

function text(options: RawPlanOptions, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

/** Validates the shared options; every error names its flag. */
export function readPlanFlags(options: RawPlanOptions, { failOnDefault }: { failOnDefault: FailOn }): PlanFlags {
  const count = (flag: string, key: string, bounds?: { min?: number; max?: number }): number | undefined => {
    const raw = text(options, key);
    return raw === undefined ? undefined : parseCount(flag, raw, bounds);
  };
  const version = text(options, 'pgVersion') === undefined ? DEFAULT_VERSION : parseVersion('--pg-version', text(options, 'pgVersion')!);

  const pods = count('--pods', 'pods', { min: 0 });
  const pool = count('--pool', 'pool', { min: 0 });
  const clientsFlag = count('--clients', 'clients', { min: 0 });
  if (clientsFlag !== undefined && (pods !== undefined || pool !== undefined)) {
    throw new UsageError('give either --clients or --pods and --pool, not both', '--clients');
  }
  if (pods !== undefined && pool === undefined) throw new UsageError('needs --pool (connections per pod)', '--pods');
  const clients = clientsFlag ?? (pool !== undefined ? (pods ?? 1) * pool : null);

  const ramText = text(options, 'ram');
  const ramBytes = ramText === undefined ? null : parseSize('--ram', ramText);

  const opsPerQuery = count('--ops-per-query', 'opsPerQuery', { max: 1000 });
  const sortOps = count('--sort-ops', 'sortOps', { max: 1000 });
  const hashOps = count('--hash-ops', 'hashOps', { max: 1000 });
  if (opsPerQuery !== undefined && (sortOps !== undefined || hashOps !== undefined)) {
    throw new UsageError('give either --ops-per-query or --sort-ops/--hash-ops, not both', '--ops-per-query');
  }
  const baselineText = text(options, 'backendBaseline');
  const logicalSenders = count('--logical-senders', 'logicalSenders');
  const maintenanceOps = count('--maintenance-ops', 'maintenanceOps', { max: 1000 });
  const workloadFlags: { -readonly [K in keyof Workload]?: Workload[K] } = {};
  if (opsPerQuery !== undefined) Object.assign(workloadFlags, { sortOps: opsPerQuery, hashOps: 0 });
  if (sortOps !== undefined) workloadFlags.sortOps = sortOps;
  if (hashOps !== undefined) workloadFlags.hashOps = hashOps;
  if (options.parallel === false) workloadFlags.parallel = false;
  if (options.tempBuffers === false) workloadFlags.tempBuffers = false;
  if (maintenanceOps !== undefined) workloadFlags.maintenanceOps = maintenanceOps;
  if (logicalSenders !== undefined) workloadFlags.logicalSenders = logicalSenders;
  if (baselineText !== undefined) workloadFlags.backendBaselineBytes = parseSize('--backend-baseline', baselineText);
  const workload: Workload = { ...DEFAULT_WORKLOAD, ...workloadFlags };

  const assignments: SettingAssignment[] = [];
  for (const raw of (options.set as string[] | undefined) ?? []) {
    assignments.push({ ...parseAssignment('--set', raw), source: 'flag' });
  }
  for (const name of SHORTHAND_SETTINGS) {
    const value = text(options, optionKey(name));
    if (value !== undefined) assignments.push({ name, value, source: 'flag' });
  }

  const failOnText = text(options, 'failOn') ?? failOnDefault;
  if (!(FAIL_ON as readonly string[]).includes(failOnText)) {
    throw new UsageError(`expected one of ${FAIL_ON.join(', ')}, got "${failOnText}"`, '--fail-on');
  }

  return {
    version,
    clients,
    ...(pods !== undefined && { pods }),
    ...(pool !== undefined && { pool }),
    ramBytes,
    workload,
    workloadFlags,
    assignments,
    failOn: failOnText as FailOn,
    color: options.color === false ? false : undefined,
    versionFlag: text(options, 'pgVersion') !== undefined,
    topologyFile: text(options, 'topology') ?? null,
  };
}

/** The output format from --format / --json, checked against what the command supports. */
export function readFormat<F extends string>(options: RawPlanOptions, allowed: readonly F[], fallback: F): F {
  if (options.json === true) return 'json' as F;
  const value = text(options, 'format') ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`expected one of ${allowed.join(', ')}, got "${value}"`, '--format');
  }
  return value as F;
}
