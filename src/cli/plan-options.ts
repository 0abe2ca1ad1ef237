/**
 * Every option of plan, check, inspect and recommend in one schema: its flag, help, parser and
 * choices. Commander registers the options from it, and the option values' types are derived from
 * it, so a command receives numbers, sizes and versions already parsed, each error naming its flag.
 * Then the shared options' translation into engine input.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { BUILD_NAMES, DEFAULT_BUILD, type BuildName } from '../core/build.js';
import type { ClientGroup, Workload } from '../core/model.js';
import type { ContainerSpec, ResolvedTopology, TopologySpec } from '../core/topology.js';
import { DEFAULT_WORKLOAD } from '../core/model.js';
import { presetWorkload, WORKLOAD_KINDS, type WorkloadKind } from '../core/presets.js';
import type { ManagedProviderName } from '../core/managed.js';
import type { FormulaVariables } from '../core/rds.js';
import { DEFAULT_WORKLOAD_SOURCE, type WorkloadSource } from '../core/workload.js';
import type { SettingAssignment } from '../core/settings.js';
import { SOLVE_VARIABLES } from '../core/solve.js';
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, type PgVersion } from '../core/versions.js';
import { parseAssignment, parseCount, parseRam, parseSize, parseVersion } from '../input/flags.js';
import type { InputLocations } from '../input/locations.js';
import { FAIL_ON, type FailOn } from './exit-code.js';
import { MAX_STATEMENTS } from '../input/statements.js';

/** Formats each command writes. */
export const FORMATS = {
  plan: ['table', 'json', 'markdown'],
  check: ['table', 'json', 'markdown', 'github', 'sarif'],
  inspect: ['table', 'json', 'markdown'],
  recommend: ['table', 'conf', 'sql', 'json'],
} as const;
/** A command that writes formats. */
export type FormatCommand = keyof typeof FORMATS;
/** A format of one command. */
export type FormatOf<C extends FormatCommand> = (typeof FORMATS)[C][number];

/** `--workload` kinds: the presets of core/presets.ts, one definition for every command. */
export const WORKLOAD_CHOICES: readonly WorkloadKind[] = WORKLOAD_KINDS;

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
/** A setting with a flag of its own. */
export type ShorthandSetting = (typeof SHORTHAND_SETTINGS)[number];

/** The flag of a shorthand setting: work_mem → --work-mem. */
export function shorthandFlag(name: string): string {
  return `--${name.replace(/_/g, '-')}`;
}

/** snake_case → camelCase, as commander names option values: work_mem → workMem. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** commander's key of a shorthand setting's value: work_mem → workMem. */
function optionKey<S extends string>(name: S): Camel<S> {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as Camel<S>;
}

/** One option: its flags as commander reads them, help, and how its value is parsed. */
export interface OptionSpec<T> {
  readonly flags: string;
  readonly description: string;
  /** Parses one occurrence; `previous` is the value so far (repeatable options collect). */
  readonly parse?: (raw: string, flag: string, previous: T | undefined) => T;
  /** Fixed values, shown in help and offered by shell completion. */
  readonly choices?: readonly string[];
  /** Whether the option may be given more than once (otherwise a second occurrence is an error). */
  readonly repeatable?: boolean;
  /** Left out of help: accepted only to be refused with a reason (inspect's --pg-version). */
  readonly hidden?: boolean;
  readonly defaultValue?: T;
  /** Marks the value type; never read. */
  readonly type?: T;
}

/** The type of the values an option table produces: each absent unless given (or defaulted). */
export type OptionValues<S> = { readonly [K in keyof S]?: S[K] extends OptionSpec<infer T> ? T : never };

const option = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;
const flagOnly = (flags: string, description: string): OptionSpec<boolean> => option<boolean>({ flags, description });
const count = (flags: string, description: string, bounds?: { min?: number; max?: number }): OptionSpec<number> =>
  option({ flags, description, parse: (raw, flag) => parseCount(flag, raw, bounds) });
const size = (flags: string, description: string): OptionSpec<number> =>
  option({ flags, description, parse: (raw, flag) => parseSize(flag, raw) });
const text = (flags: string, description: string): OptionSpec<string> =>
  option({ flags, description, parse: (raw) => raw });
/** One of fixed words, with pgmem's own message for any other. */
const oneOf = <W extends string>(flags: string, description: string, words: readonly W[]): OptionSpec<W> =>
  option<W>({
    flags,
    description,
    choices: words,
    parse: (raw, flag) => {
      if (!(words as readonly string[]).includes(raw))
        throw new UsageError(`expected one of ${words.join(', ')}, got "${raw}"`, flag);
      return raw as W;
    },
  });
const collect = (raw: string, _flag: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  raw,
];

/** Options for the topology: how many client connections the applications open. */
const CONNECTION_OPTIONS = {
  pods: count('--pods <n>', 'application pods (or processes) that each keep a pool', { min: 0 }),
  pool: count('--pool <n>', "connections in each pod's pool", { min: 0 }),
  clients: count('--clients <n>', 'total client connections, instead of --pods × --pool', { min: 0 }),
  topology: text('--topology <file>', 'a topology file (YAML or JSON); - reads JSON or YAML from stdin'),
  pgbouncer: option<string[]>({
    flags: '--pgbouncer <file>',
    description: 'a pgbouncer.ini the clients connect through; repeat for processes sharing a port',
    parse: collect,
    repeatable: true,
  }),
  manifest: option<string[]>({
    flags: '--manifest <file>',
    description:
      'Kubernetes manifests (CloudNativePG, Zalando, Crunchy PGO, Deployments with pgmem.dev/pool); - reads stdin; repeatable',
    parse: collect,
    repeatable: true,
  }),
  ram: option({
    flags: '--ram <size>',
    description: 'memory of the machine or container limit, e.g. 16GB or 8Gi',
    parse: (raw, flag) => parseRam(flag, raw),
  }),
  pgVersion: option<PgVersion>({
    flags: '--pg-version <major>',
    description: `PostgreSQL major version (default ${DEFAULT_VERSION})`,
    choices: SUPPORTED_VERSIONS.map(String),
    parse: (raw, flag) => parseVersion(flag, raw),
  }),
  build: buildOption(DEFAULT_BUILD),
};

/**
 * --build: the server's build profile. No commander default, so that inspect can tell "not given"
 * (take it from the server) from a choice.
 */
function buildOption(defaultText: string): OptionSpec<BuildName> {
  return oneOf(
    '--build <profile>',
    `the server's build: distribution (JIT, lz4, zstd, GSSAPI: Debian, PGDG, the official images) or embedded (none) (default ${defaultText})`,
    BUILD_NAMES,
  );
}

/** --plans: the workload from EXPLAIN plans (plan, check, inspect, recommend). */
const PLANS_OPTION = option<string[]>({
  flags: '--plans <files...>',
  description: 'EXPLAIN (FORMAT JSON) output or auto_explain logs: the queries the backends run',
  parse: collect,
  repeatable: true,
});

/** The output options of a command that writes `formats`. */
function outputOptions<F extends string>(formats: readonly F[]) {
  return {
    format: oneOf('--format <format>', `output format (default ${formats[0]})`, formats),
    json: flagOnly('--json', 'same as --format json'),
    color: flagOnly('--no-color', 'no ANSI colours'),
  };
}

/** The shorthand settings' options: --work-mem <value> and so on. */
type ShorthandOptions = { readonly [N in ShorthandSetting as Camel<N>]: OptionSpec<string> };
const SHORTHAND_OPTIONS = Object.fromEntries(
  SHORTHAND_SETTINGS.map((name) => [
    optionKey(name),
    option<string>({
      flags: `${shorthandFlag(name)} <value>`,
      description: `same as --set ${name}=<value>`,
      parse: (raw) => raw,
      ...(name === 'huge_pages' && { choices: ['on', 'off', 'try'] }),
    }),
  ]),
) as unknown as ShorthandOptions;

/** The options plan, check and inspect share. */
function sharedOptions(failOnDefault: FailOn) {
  return {
    ...CONNECTION_OPTIONS,
    set: option<string[]>({
      flags: '--set <name=value>',
      description: 'a setting in postgresql.conf syntax, repeatable',
      parse: collect,
      repeatable: true,
    }),
    provider: oneOf(
      '--provider <provider>',
      'managed PostgreSQL: apply its default parameters (with --instance-class)',
      ['rds', 'aurora', 'azure'] as const,
    ),
    instanceClass: text(
      '--instance-class <class>',
      'the DB instance class or Azure SKU, e.g. db.r6g.xlarge, Standard_D4ds_v5 (its memory is the budget)',
    ),
    instanceMemory: size(
      '--instance-memory <size>',
      "the memory the defaults take: DBInstanceClassMemory instead of the estimate from the class; an unlisted Azure SKU's memory",
    ),
    parameterGroup: text(
      '--parameter-group <file>',
      'an exported parameter group (aws rds describe-db-parameters JSON); formulas evaluated',
    ),
    sortOps: count('--sort-ops <n>', `sort-like nodes per query, work_mem each (default ${DEFAULT_WORKLOAD.sortOps})`, {
      max: 1000,
    }),
    hashOps: count(
      '--hash-ops <n>',
      `hash nodes per query, work_mem × hash_mem_multiplier each (default ${DEFAULT_WORKLOAD.hashOps})`,
      { max: 1000 },
    ),
    opsPerQuery: count('--ops-per-query <n>', "the rule of thumb's single knob: n nodes of work_mem, no hash nodes", {
      max: 1000,
    }),
    workload: oneOf('--workload <kind>', 'plan nodes per query as recommend --workload means them', WORKLOAD_CHOICES),
    plans: PLANS_OPTION,
    parallel: flagOnly('--no-parallel', 'assume no parallel query workers'),
    maintenanceOps: count(
      '--maintenance-ops <n>',
      `concurrent CREATE INDEX / VACUUM commands (default ${DEFAULT_WORKLOAD.maintenanceOps})`,
      { max: 1000 },
    ),
    logicalSenders: count(
      '--logical-senders <n>',
      'walsenders doing logical decoding (default: all slots when wal_level = logical)',
    ),
    backendBaseline: size(
      '--backend-baseline <size>',
      'private memory of an idle backend (default: measured per version)',
    ),
    failOn: oneOf(
      '--fail-on <severity>',
      `exit 1 on findings at or above: ${FAIL_ON.join(', ')} (default ${failOnDefault})`,
      FAIL_ON,
    ),
    ...SHORTHAND_OPTIONS,
    // --temp-buffers <value> is a shorthand; --no-temp-buffers (same value, false) drops them from the workload.
    tempBuffers: option<string | false>({ ...SHORTHAND_OPTIONS.tempBuffers, parse: (raw) => raw }),
    noTempBuffers: flagOnly('--no-temp-buffers', 'assume sessions do not use temporary tables'),
  };
}

const AUTO_CONF_OPTIONS = (beside: string) => ({
  autoConf: option<string | false>({
    flags: '--auto-conf <file>',
    description: `postgresql.auto.conf to apply last (default: beside ${beside})`,
    parse: (raw) => raw,
  }),
  noAutoConf: flagOnly('--no-auto-conf', 'do not apply postgresql.auto.conf'),
});

/** Each command's options. */
export const COMMAND_OPTIONS = {
  plan: {
    config: text('--config <file>', 'read a postgresql.conf (with its includes and postgresql.auto.conf)'),
    ...AUTO_CONF_OPTIONS('the configuration file'),
    ...sharedOptions('none'),
    ...outputOptions(FORMATS.plan),
    solve: oneOf(
      '--solve <variable>',
      `the largest ${SOLVE_VARIABLES.join(', ')} that fits in --ram (and in the connection slots)`,
      SOLVE_VARIABLES,
    ),
    vary: option<string[]>({
      flags: '--vary <name=v1,v2,...>',
      description: 'a what-if grid over a setting or pods, pool, clients; up to 2 axes',
      parse: collect,
      repeatable: true,
    }),
  },
  check: {
    ...AUTO_CONF_OPTIONS('each file'),
    ...sharedOptions('error'),
    ...outputOptions(FORMATS.check),
  },
  inspect: {
    ...sharedOptions('none'),
    // The server says its version; help shows no default inspect would refuse.
    pgVersion: { ...CONNECTION_OPTIONS.pgVersion, hidden: true },
    build: buildOption('from the server'),
    ...outputOptions(FORMATS.inspect),
    connectTimeout: count('--connect-timeout <s>', 'seconds to wait for the connection (default 10)', { max: 86_400 }),
    statements: count(
      '--statements <n>',
      'the workload from pg_stat_statements: its top n statements by total time, EXPLAINed (never run) on the server',
      { min: 1, max: MAX_STATEMENTS },
    ),
  },
  recommend: {
    ...CONNECTION_OPTIONS,
    workload: oneOf('--workload <kind>', 'plan nodes per query and parallel query (default mixed)', WORKLOAD_CHOICES),
    plans: PLANS_OPTION,
    cpus: count('--cpus <n>', 'CPUs of the server, for parallel query and autovacuum workers (default 4)', {
      min: 1,
      max: 10_000,
    }),
    reserve: option<number>({
      flags: '--reserve <share>',
      description: 'share of RAM kept for the OS and page cache (default 20%, as the low-headroom finding)',
      parse: (raw, flag) => parseShare(flag, raw),
    }),
    ...outputOptions(FORMATS.recommend),
  },
};

/** A command with options in the schema. */
export type OptionCommand = keyof typeof COMMAND_OPTIONS;
/** The parsed options of one command. */
export type CommandOptions<C extends OptionCommand> = OptionValues<(typeof COMMAND_OPTIONS)[C]>;
/** The parsed options of plan. */
export type PlanOptions = CommandOptions<'plan'>;
/** The options readPlanFlags reads: those plan, check and inspect share (recommend has some of them). */
export type SharedOptions = OptionValues<ReturnType<typeof sharedOptions>> & { readonly color?: boolean | undefined };

/** A share such as `20%` or `0.2`, from 0 up to (not including) 1. */
export function parseShare(flag: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!match || !(value >= 0 && value < 1)) {
    throw new UsageError(`expected a share from 0 to below 1, such as 20% or 0.2, got "${raw}"`, flag);
  }
  return value;
}

/** The long flag of a spec: '--pods <n>' → '--pods'. */
function longFlag(spec: OptionSpec<unknown>): string {
  return spec.flags.split(/[ ,]/)[0]!;
}

/**
 * Adds a command's options from the schema. A value option given twice, and --auto-conf together
 * with --no-auto-conf, are usage errors naming both: never a silent last-one-wins.
 */
export function addCommandOptions<C extends OptionCommand>(command: Command, name: C): Command {
  const specs = COMMAND_OPTIONS[name] as Record<string, OptionSpec<unknown>>;
  for (const [key, spec] of Object.entries(specs)) {
    const flag = longFlag(spec);
    const opt = new Option(spec.flags, spec.description);
    if (spec.choices) opt.choices(spec.choices);
    if (spec.hidden) opt.hideHelp();
    const parse = spec.parse;
    if (parse) {
      let earlierText: string | undefined;
      opt.argParser((raw: string, previous: unknown) => {
        if (!spec.repeatable && previous !== undefined && previous !== spec.defaultValue) {
          const earlier = previous === false ? `--no-${flag.slice(2)}` : `${flag} ${earlierText ?? String(previous)}`;
          throw new UsageError(`given twice (${earlier} and ${flag} ${raw}); give it once`, flag);
        }
        earlierText = raw;
        return parse(raw, flag, previous);
      });
    }
    if (spec.defaultValue !== undefined) opt.default(spec.defaultValue);
    if (opt.negate && command.options.some((o) => o.attributeName() === opt.attributeName())) {
      // --no-auto-conf after --auto-conf FILE: registered before commander's own listener, so the
      // earlier value is still there to name.
      command.on(`option:${opt.name()}`, () => {
        const earlier = command.getOptionValue(opt.attributeName()) as unknown;
        if (earlier !== undefined && earlier !== false) {
          throw new UsageError(
            `given with ${opt.long!.replace(/^--no-/, '--')} ${String(earlier)}; give one of them`,
            opt.long,
          );
        }
      });
    }
    command.addOption(opt);
    // The schema's key is the name commander stores the value under (--no-auto-conf's is autoConf's).
    const attribute = opt.negate && key.startsWith('no') ? key.charAt(2).toLowerCase() + key.slice(3) : key;
    if (opt.attributeName() !== attribute)
      throw new Error(`option ${spec.flags} is keyed "${key}", commander names it "${opt.attributeName()}"`);
  }
  return command;
}

/** The options as commander hands them to an action, typed by the schema that registered them. */
export function commandOptions<C extends OptionCommand>(command: Command, _name: C): CommandOptions<C> {
  return command.opts() as CommandOptions<C>;
}

/** Engine input taken from flags (and, once merged, from a topology file). */
export interface PlanFlags {
  readonly version: PgVersion;
  /** The build profile (--build, default distribution). */
  readonly build: BuildName;
  /** Whether --build was given (inspect otherwise takes the build from the server). */
  readonly buildFlag: boolean;
  readonly clients: number | null;
  /** --pods/--pool as given, to override a one-app topology. */
  readonly pods?: number;
  readonly pool?: number;
  readonly ramBytes: number | null;
  readonly workload: Workload;
  /** Workload fields given as flags, which win over a topology file's. */
  readonly workloadFlags: Partial<Workload>;
  /** --workload, when given. */
  readonly workloadKind: WorkloadKind | null;
  /** Where the server's workload comes from (flags, the topology's workload section, the default). */
  readonly workloadSource: WorkloadSource;
  /** --plans files, as given; read by the loader, classified once the version is known. */
  readonly planFiles: readonly string[];
  /** The --plans files' text. */
  readonly planTexts?: readonly { readonly file: string; readonly text: string }[];
  readonly assignments: SettingAssignment[];
  readonly failOn: FailOn;
  readonly color: boolean | undefined;
  /** Which of version and RAM came from flags (so a topology file does not override them). */
  readonly versionFlag: boolean;
  readonly topologyFile: string | null;
  /** --pgbouncer files, in order. */
  readonly pgbouncerFiles: readonly string[];
  /** --manifest files, in order. */
  readonly manifestFiles: readonly string[];
  /** Filled in from a topology file. */
  readonly groups?: readonly ClientGroup[];
  /** The topology's apps with plan files, to classify them again for another version (inspect). */
  readonly topologyPlans?: {
    readonly spec: TopologySpec;
    readonly texts: ReadonlyMap<number, readonly { readonly file: string; readonly text: string }[]>;
    readonly label: string;
    readonly version: PgVersion;
  };
  readonly topology?: ResolvedTopology;
  readonly container?: ContainerSpec | null;
  readonly replicationConnections?: number;
  /** A postgresql.conf the topology names, relative to the current directory. */
  readonly topologyConfig?: string;
  /** Where the manifests and pgbouncer.ini files read set each value, to point findings at it. */
  readonly locations?: InputLocations;
  /** The manifests and pgbouncer.ini files read (includes too), as shown. */
  readonly inputFiles?: readonly string[];
  /**
   * --provider's default parameters and --parameter-group's values, in order: beneath a
   * configuration file's, the topology's and the flags' own values.
   */
  readonly providerAssignments?: readonly SettingAssignment[];
  /** --provider, when given, and its service as findings name it ("Amazon RDS"). */
  readonly provider?: ManagedProviderName;
  readonly managedService?: string;
  /** What AWS parameter formulas take for the instance class (--provider rds or aurora). */
  readonly formulaVariables?: FormulaVariables;
}

/**
 * The settings given as flags, in order: --set first, then the shorthands. A setting given twice
 * (--work-mem and --set work_mem, or two --set work_mem) is a usage error naming both flags.
 */
function flagAssignments(options: SharedOptions): SettingAssignment[] {
  const assignments: SettingAssignment[] = [];
  const given = new Map<string, string>();
  const add = (name: string, value: string, flag: string): void => {
    const earlier = given.get(name);
    if (earlier !== undefined)
      throw new UsageError(`${name} is given twice (${earlier} and ${flag}); give it once`, flag);
    given.set(name, flag);
    assignments.push({ name, value, source: 'flag' });
  };
  for (const raw of options.set ?? []) {
    const { name, value } = parseAssignment('--set', raw);
    add(name, value, `--set ${name}=${value}`);
  }
  for (const name of SHORTHAND_SETTINGS) {
    const value = options[optionKey(name)];
    if (typeof value === 'string') add(name, value, `${shorthandFlag(name)} ${value}`);
  }
  return assignments;
}

/** Validates the shared options' combinations; every error names its flag. */
export function readPlanFlags(options: SharedOptions, { failOnDefault }: { failOnDefault: FailOn }): PlanFlags {
  const { pods, pool, clients: clientsFlag, opsPerQuery, sortOps, hashOps, maintenanceOps, logicalSenders } = options;
  if (clientsFlag !== undefined && (pods !== undefined || pool !== undefined)) {
    throw new UsageError('give either --clients or --pods and --pool, not both', '--clients');
  }
  if (pods !== undefined && pool === undefined) throw new UsageError('needs --pool (connections per pod)', '--pods');
  const clients = clientsFlag ?? (pool !== undefined ? (pods ?? 1) * pool : null);

  if (opsPerQuery !== undefined && (sortOps !== undefined || hashOps !== undefined)) {
    throw new UsageError('give either --ops-per-query or --sort-ops/--hash-ops, not both', '--ops-per-query');
  }
  const counted = opsPerQuery !== undefined || sortOps !== undefined || hashOps !== undefined;
  const kind = options.workload;
  if (kind !== undefined && counted) {
    throw new UsageError(
      'give either --workload or node counts (--sort-ops, --hash-ops, --ops-per-query), not both',
      '--workload',
    );
  }
  const plans = options.plans;
  if (plans !== undefined && (counted || kind !== undefined)) {
    throw new UsageError(
      `give either --plans or ${kind !== undefined ? '--workload' : 'node counts (--sort-ops, --hash-ops, --ops-per-query)'}, not both`,
      '--plans',
    );
  }
  const workloadFlags: { -readonly [K in keyof Workload]?: Workload[K] } = {};
  if (kind !== undefined) Object.assign(workloadFlags, presetWorkload(kind));
  if (opsPerQuery !== undefined) Object.assign(workloadFlags, { sortOps: opsPerQuery, hashOps: 0 });
  if (sortOps !== undefined) workloadFlags.sortOps = sortOps;
  if (hashOps !== undefined) workloadFlags.hashOps = hashOps;
  if (options.parallel === false) workloadFlags.parallel = false;
  if (options.tempBuffers === false) workloadFlags.tempBuffers = false;
  if (maintenanceOps !== undefined) workloadFlags.maintenanceOps = maintenanceOps;
  if (logicalSenders !== undefined) workloadFlags.logicalSenders = logicalSenders;
  if (options.backendBaseline !== undefined) workloadFlags.backendBaselineBytes = options.backendBaseline;

  return {
    version: options.pgVersion ?? DEFAULT_VERSION,
    build: options.build ?? DEFAULT_BUILD,
    buildFlag: options.build !== undefined,
    clients,
    ...(pods !== undefined && { pods }),
    ...(pool !== undefined && { pool }),
    ramBytes: options.ram ?? null,
    workload: { ...DEFAULT_WORKLOAD, ...workloadFlags },
    workloadFlags,
    workloadKind: kind ?? null,
    workloadSource:
      kind !== undefined
        ? { kind: 'preset', origin: 'flags', preset: kind }
        : counted
          ? { kind: 'flags', origin: 'flags' }
          : plans !== undefined
            ? { kind: 'plans', origin: 'flags', files: [...plans] }
            : DEFAULT_WORKLOAD_SOURCE,
    planFiles: plans ?? [],
    assignments: flagAssignments(options),
    failOn: options.failOn ?? failOnDefault,
    color: options.color === false ? false : undefined,
    versionFlag: options.pgVersion !== undefined,
    topologyFile: options.topology ?? null,
    pgbouncerFiles: options.pgbouncer ?? [],
    manifestFiles: options.manifest ?? [],
  };
}

/** The output format from --format / --json: --json with another --format is a usage error. */
export function readFormat<F extends string>(
  options: { readonly format?: F | undefined; readonly json?: boolean | undefined },
  fallback: F,
): F {
  if (options.json === true) {
    if (options.format !== undefined && options.format !== 'json') {
      throw new UsageError(`--json asks for json, --format for ${options.format}; give one of them`, '--json');
    }
    return 'json' as F;
  }
  return options.format ?? fallback;
}
