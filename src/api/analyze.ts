/**
 * The library: the report `pgmem plan --json` prints, for options that say what its flags say, and
 * the configuration and topology readers on their own. Nothing here prints or exits: failures are
 * thrown as pgmem's error classes (src/errors.ts), each with its `code`, `exitCode` and, for files,
 * `file` and `line`. Options go through the flags' own parsers, so a wrong value is refused with
 * the message the flag gives (naming the flag, e.g. `--pods: expected a whole number, got "x"`).
 */
import { UsageError } from '../errors.js';
import { COMMAND_OPTIONS, type CommandOptions, type PlanOptions } from '../cli/plan-options.js';
import { loadConfig, planReport } from '../cli/plan-input.js';
import { solvePlan, splitValues, varyPlan } from '../cli/plan-command.js';
import { recommendOutcome } from '../cli/recommend-command.js';
import { gridJson } from '../render/grid.js';
import type { CliIo, TextSink } from '../cli/io.js';
import { parseVersion } from '../input/flags.js';
import { parseTopology as parseTopologyText } from '../input/topology.js';
import { readInputFile } from '../cli/read-input.js';
import type { ConfIssue } from '../input/conf/types.js';
import { fileSystemFor, memoryFileSystem, type MemoryFiles } from './files.js';
import type {
  CheckReport,
  GridDocument,
  PlanReport,
  RecommendDocument,
  SolveSection,
  TopologyInput,
} from './report-types.js';

export type { MemoryFiles };

/** PostgreSQL major versions pgmem knows. */
export type PgMajor = 13 | 14 | 15 | 16 | 17 | 18;

/** Where files are read from: the working directory, and in-memory files in front of the disk. */
export interface FileOptions {
  /** The directory relative paths are taken from (default: process.cwd()). */
  readonly cwd?: string;
  /**
   * In-memory files by path (relative to `cwd`, or absolute): read instead of the disk, e.g. a
   * postgresql.conf and the files it includes, a topology and the pgbouncer.ini files it names.
   */
  readonly files?: MemoryFiles;
}

/** What to analyse: the options of `pgmem plan`, named as its flags are (camelCase, without `--`). */
export interface AnalyzeOptions extends FileOptions {
  /** PostgreSQL major version (--pg-version; default 18). */
  readonly version?: PgMajor;
  /** The server's build profile (--build; default "distribution"). */
  readonly build?: 'distribution' | 'embedded';
  /** Memory of the machine or container: bytes, or a size such as "16GB" (--ram). */
  readonly ram?: number | string;
  /** Application pods that each keep a pool (--pods, with --pool). */
  readonly pods?: number;
  /** Connections in each pod's pool (--pool). */
  readonly pool?: number;
  /** Total client connections, instead of pods × pool (--clients). */
  readonly clients?: number;
  /** Settings in postgresql.conf syntax, each as --set name=value. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /**
   * A postgresql.conf to read, with its includes and postgresql.auto.conf (--config): a path, or
   * its text (named `file`, default "postgresql.conf"; without postgresql.auto.conf unless autoConf
   * names one).
   */
  readonly config?: string | { readonly text: string; readonly file?: string };
  /** The postgresql.auto.conf to apply last (--auto-conf), or false for none (--no-auto-conf). */
  readonly autoConf?: string | false;
  /** A topology file (--topology), or the document itself. */
  readonly topology?: string | TopologyInput;
  /** pgbouncer.ini files the clients connect through (--pgbouncer). */
  readonly pgbouncer?: readonly string[];
  /** Kubernetes manifests (--manifest). */
  readonly manifest?: readonly string[];
  /** EXPLAIN (FORMAT JSON) output or auto_explain logs: the queries the backends run (--plans). */
  readonly plans?: readonly string[];
  /** Plan nodes per query as a preset (--workload). */
  readonly workload?: 'oltp' | 'olap' | 'mixed';
  /** Sort-like nodes per query (--sort-ops). */
  readonly sortOps?: number;
  /** Hash nodes per query (--hash-ops). */
  readonly hashOps?: number;
  /** The rule of thumb's single knob (--ops-per-query). */
  readonly opsPerQuery?: number;
  /** Concurrent CREATE INDEX / VACUUM commands (--maintenance-ops). */
  readonly maintenanceOps?: number;
  /** Walsenders doing logical decoding (--logical-senders). */
  readonly logicalSenders?: number;
  /** False: no parallel query workers (--no-parallel). */
  readonly parallel?: boolean;
  /** False: sessions use no temporary tables (--no-temp-buffers). */
  readonly tempBuffers?: boolean;
  /** Private memory of an idle backend: bytes or a size (--backend-baseline). */
  readonly backendBaseline?: number | string;
  /** Managed PostgreSQL whose default parameters apply (--provider, with instanceClass). */
  readonly provider?: 'rds' | 'aurora' | 'azure';
  /** The DB instance class or Azure SKU (--instance-class). */
  readonly instanceClass?: string;
  /** The memory the provider's defaults take: bytes or a size (--instance-memory). */
  readonly instanceMemory?: number | string;
  /** An exported parameter group (--parameter-group). */
  readonly parameterGroup?: string;
  /** Receives the notes and warnings the CLI writes to standard error (e.g. pgbouncer.ini keys it ignores). */
  readonly onMessage?: (line: string) => void;
}

/** The report analyze() returns: `config` is there when a configuration file is read. */
export type AnalyzeReport = PlanReport | CheckReport;

/** The name the topology document handed in as an object is read under. */
const TOPOLOGY_DOCUMENT = '<topology>';

const PLAN = COMMAND_OPTIONS.plan;

/** A value through the flag's own parser, as if given on the command line. */
function parsed<T>(
  spec: { readonly flags: string; readonly parse?: (raw: string, flag: string, previous: T | undefined) => T },
  value: string | number,
): T {
  const flag = spec.flags.split(' ')[0]!;
  return spec.parse!(String(value), flag, undefined);
}

/** A size given as bytes (a number) or as text ("16GB"). */
function sizeOption(spec: Parameters<typeof parsed<number>>[0], value: number | string): number {
  if (typeof value === 'string') return parsed(spec, value);
  const flag = spec.flags.split(' ')[0]!;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new UsageError(`expected a positive whole number of bytes, got ${value}`, flag);
  return value;
}

function list(name: string, value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new UsageError(`${name}: expected a list of file names`);
  return [...value];
}

/**
 * The JavaScript type each option must have where the flag's parser does not check it (a caller
 * without TypeScript may hand in anything): a wrong one is refused as a wrong flag value is, never
 * read as something else (`config: 5` as a postgresql.conf, `parallel: 'no'` as true).
 */
function assertOptionTypes(o: AnalyzeOptions): void {
  const text = (v: unknown): boolean => typeof v === 'string';
  const record = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const checks: [boolean, string, string][] = [
    [o.cwd === undefined || text(o.cwd), 'cwd', 'a directory name'],
    [
      o.files === undefined ||
        (record(o.files) && Object.values(o.files).every((v) => text(v) || v instanceof Uint8Array)),
      'files',
      '{ path: text or bytes }',
    ],
    [
      o.settings === undefined ||
        (record(o.settings) && Object.values(o.settings).every((v) => text(v) || typeof v === 'number')),
      '--set',
      'settings as { name: value }, each value text or a number',
    ],
    [
      o.config === undefined ||
        text(o.config) ||
        (record(o.config) && text(o.config.text) && (o.config.file === undefined || text(o.config.file))),
      '--config',
      'a file name or { text, file? }',
    ],
    [o.autoConf === undefined || o.autoConf === false || text(o.autoConf), '--auto-conf', 'a file name or false'],
    [o.topology === undefined || text(o.topology) || record(o.topology), '--topology', 'a file name or a document'],
    [o.instanceClass === undefined || text(o.instanceClass), '--instance-class', 'a name'],
    [o.parameterGroup === undefined || text(o.parameterGroup), '--parameter-group', 'a file name'],
    [o.parallel === undefined || typeof o.parallel === 'boolean', 'parallel', 'true or false'],
    [o.tempBuffers === undefined || typeof o.tempBuffers === 'boolean', 'tempBuffers', 'true or false'],
    [o.onMessage === undefined || typeof o.onMessage === 'function', 'onMessage', 'a function'],
  ];
  for (const [ok, name, expected] of checks) {
    if (ok) continue;
    if (name.startsWith('--')) throw new UsageError(`expected ${expected}`, name);
    throw new UsageError(`${name}: expected ${expected}`);
  }
}

/** Every option analyze() knows (tsc checks the list is complete): others are refused, as unknown flags are. */
const ANALYZE_KEYS: Readonly<Record<keyof AnalyzeOptions, true>> = {
  cwd: true,
  files: true,
  version: true,
  build: true,
  ram: true,
  pods: true,
  pool: true,
  clients: true,
  settings: true,
  config: true,
  autoConf: true,
  topology: true,
  pgbouncer: true,
  manifest: true,
  plans: true,
  workload: true,
  sortOps: true,
  hashOps: true,
  opsPerQuery: true,
  maintenanceOps: true,
  logicalSenders: true,
  parallel: true,
  tempBuffers: true,
  backendBaseline: true,
  provider: true,
  instanceClass: true,
  instanceMemory: true,
  parameterGroup: true,
  onMessage: true,
};

/** Options must be an object (a JavaScript caller may hand in anything). */
function assertObject(options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new UsageError(`expected an object of options, got ${options === null ? 'null' : typeof options}`);
}

/** A path or a document's text must be a string. */
function assertText(name: string, value: unknown): void {
  if (typeof value !== 'string')
    throw new UsageError(`${name}: expected text, got ${value === null ? 'null' : typeof value}`);
}

/** The plan options (as commander would hand them to `plan`), and the files given as text in them. */
function planOptions(
  options: AnalyzeOptions,
  extraKeys: readonly string[] = [],
  known: Readonly<Partial<Record<string, true>>> = ANALYZE_KEYS,
): { plan: PlanOptions; inline: MemoryFiles } {
  assertObject(options);
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key) && !extraKeys.includes(key));
  if (unknown.length > 0)
    throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const o = options;
  assertOptionTypes(o);
  const plan: { -readonly [K in keyof PlanOptions]: PlanOptions[K] } = { json: true };
  if (o.version !== undefined) plan.pgVersion = parsed(PLAN.pgVersion, o.version);
  if (o.build !== undefined) plan.build = parsed(PLAN.build, o.build);
  if (o.ram !== undefined) plan.ram = sizeOption(PLAN.ram, o.ram);
  if (o.pods !== undefined) plan.pods = parsed(PLAN.pods, o.pods);
  if (o.pool !== undefined) plan.pool = parsed(PLAN.pool, o.pool);
  if (o.clients !== undefined) plan.clients = parsed(PLAN.clients, o.clients);
  if (o.settings !== undefined) plan.set = Object.entries(o.settings).map(([name, value]) => `${name}=${value}`);
  const inline: Record<string, string> = {};
  if (typeof o.config === 'string') plan.config = o.config;
  else if (o.config !== undefined) {
    plan.config = o.config.file ?? 'postgresql.conf';
    inline[plan.config] = o.config.text;
    if (o.autoConf === undefined) plan.autoConf = false;
  }
  if (o.autoConf !== undefined) plan.autoConf = o.autoConf;
  if (typeof o.topology === 'string') plan.topology = o.topology;
  else if (o.topology !== undefined) {
    plan.topology = TOPOLOGY_DOCUMENT;
    inline[TOPOLOGY_DOCUMENT] = JSON.stringify(o.topology);
  }
  const pgbouncer = list('pgbouncer', o.pgbouncer);
  if (pgbouncer) plan.pgbouncer = pgbouncer;
  const manifest = list('manifest', o.manifest);
  if (manifest) plan.manifest = manifest;
  const plans = list('plans', o.plans);
  if (plans) plan.plans = plans;
  if (o.workload !== undefined) plan.workload = parsed(PLAN.workload, o.workload);
  if (o.sortOps !== undefined) plan.sortOps = parsed(PLAN.sortOps, o.sortOps);
  if (o.hashOps !== undefined) plan.hashOps = parsed(PLAN.hashOps, o.hashOps);
  if (o.opsPerQuery !== undefined) plan.opsPerQuery = parsed(PLAN.opsPerQuery, o.opsPerQuery);
  if (o.maintenanceOps !== undefined) plan.maintenanceOps = parsed(PLAN.maintenanceOps, o.maintenanceOps);
  if (o.logicalSenders !== undefined) plan.logicalSenders = parsed(PLAN.logicalSenders, o.logicalSenders);
  if (o.parallel === false) plan.parallel = false;
  if (o.tempBuffers === false) plan.tempBuffers = false;
  if (o.backendBaseline !== undefined) plan.backendBaseline = sizeOption(PLAN.backendBaseline, o.backendBaseline);
  if (o.provider !== undefined) plan.provider = parsed(PLAN.provider, o.provider);
  if (o.instanceClass !== undefined) plan.instanceClass = o.instanceClass;
  if (o.instanceMemory !== undefined) plan.instanceMemory = sizeOption(PLAN.instanceMemory, o.instanceMemory);
  if (o.parameterGroup !== undefined) plan.parameterGroup = o.parameterGroup;
  return { plan, inline };
}

/** The process surface the CLI's loaders take: no terminal, messages to the callback. */
function libraryIo(options: FileOptions & { readonly onMessage?: (line: string) => void }, extra?: MemoryFiles): CliIo {
  const cwd = options.cwd ?? process.cwd();
  const files = extra && Object.keys(extra).length > 0 ? { ...options.files, ...extra } : options.files;
  const confFs = fileSystemFor(cwd, files);
  let pending = '';
  const stderr: TextSink = {
    write: (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.onMessage?.(line);
      return true;
    },
  };
  const stdout: TextSink = { write: () => true };
  return { stdout, stderr, env: {}, cwd, ...(confFs && { confFs }) };
}

/**
 * The worst case for the options: the report `pgmem plan --json` prints for the same inputs
 * (without --solve and --vary), as a plain object. Throws UsageError for an option the flag would
 * refuse and InputError for a file that cannot be read or understood.
 */
export async function analyze(options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const { plan, inline } = planOptions(options);
  const io = libraryIo(options, inline);
  const { report } = await planReport(plan, io);
  // The document as the JSON output carries it: no shared objects, no undefined fields.
  const document: AnalyzeReport = JSON.parse(JSON.stringify(report));
  return document;
}

/** The options of solve(): those of analyze(), and what to solve for (--solve). */
export interface SolveOptions extends AnalyzeOptions {
  /** pods or pool: the most that fit (with a pool or pods to go with it); work_mem: the largest value. */
  readonly variable: 'pods' | 'pool' | 'work_mem';
}

/** What solve() returns: the plan at the answer (or at the first value that does not fit), and the answer. */
export type SolveReport = PlanReport & { solve: SolveSection };

/**
 * The largest pods, pool or work_mem whose worst case fits in `ram` (and, for pods and pool, in the
 * connection slots): the document `pgmem plan --solve VARIABLE --json` prints. `solve.value` is
 * null when nothing fits. A configuration the server would refuse throws InputError with its file
 * and line, as the command exits 2.
 */
export async function solve(options: SolveOptions): Promise<SolveReport> {
  const { plan, inline } = planOptions(options, ['variable']);
  const variable = parsed(PLAN.solve, options.variable);
  const { document } = await solvePlan(variable, plan, libraryIo(options, inline));
  const report: SolveReport = JSON.parse(JSON.stringify(document));
  return report;
}

/** The options of vary(): those of analyze(), and the grid's axes (--vary). */
export interface VaryOptions extends AnalyzeOptions {
  /**
   * Up to two axes, each a setting (work_mem, shared_buffers, …) or pods, pool or clients, with its
   * values: `{ work_mem: ['4MB', '16MB', '64MB'], pods: [2, 4, 8] }`. The first varies slowest.
   */
  readonly axes: Readonly<Record<string, readonly (string | number)[]>>;
}

/**
 * The worst case over a grid of settings and topology knobs: the document
 * `pgmem plan --vary NAME=V1,V2,… --json` prints. Axes, values and combinations the command
 * refuses throw its UsageError (naming `--vary NAME`).
 */
export async function vary(options: VaryOptions): Promise<GridDocument> {
  const { plan, inline } = planOptions(options, ['axes']);
  if (options.axes === null || typeof options.axes !== 'object' || Array.isArray(options.axes))
    throw new UsageError('axes: expected { name: [values] }', '--vary');
  if (Object.keys(options.axes).length === 0) throw new UsageError('axes: expected at least one axis', '--vary');
  const raw = Object.entries(options.axes).map(([name, values]) => {
    if (!Array.isArray(values)) throw new UsageError(`expected a list of values for ${name}`, `--vary ${name}`);
    // Each entry is one value: "4MB,8MB" is not two (a comma inside LEAST(…) or {…} is part of it).
    const split = values.find((v) => splitValues(String(v)).length > 1);
    if (split !== undefined)
      throw new UsageError(`"${split}" is more than one value: give each as its own entry`, `--vary ${name}`);
    return `${name}=${values.join(',')}`;
  });
  const { grid } = await varyPlan(raw, { ...plan, vary: raw }, libraryIo(options, inline));
  const document: GridDocument = JSON.parse(JSON.stringify(gridJson(grid)));
  return document;
}

/** The options of recommend(): the connections, the memory and the workload, as `pgmem recommend` takes them. */
export interface RecommendOptions
  extends Pick<
    AnalyzeOptions,
    | 'cwd'
    | 'files'
    | 'version'
    | 'build'
    | 'ram'
    | 'pods'
    | 'pool'
    | 'clients'
    | 'topology'
    | 'pgbouncer'
    | 'manifest'
    | 'plans'
    | 'workload'
    | 'onMessage'
  > {
  /** CPUs of the server, for parallel query and autovacuum workers (--cpus; default 4). */
  readonly cpus?: number;
  /** Share of RAM kept for the OS and page cache: 0.2 or "20%" (--reserve; default 20%). */
  readonly reserve?: number | string;
}

const RECOMMEND_KEYS: Readonly<Record<keyof RecommendOptions, true>> = {
  cwd: true,
  files: true,
  version: true,
  build: true,
  ram: true,
  pods: true,
  pool: true,
  clients: true,
  topology: true,
  pgbouncer: true,
  manifest: true,
  plans: true,
  workload: true,
  onMessage: true,
  cpus: true,
  reserve: true,
};

/** The plan options recommend takes too. */
const RECOMMEND_PLAN_KEYS = [
  'pgVersion',
  'build',
  'ram',
  'pods',
  'pool',
  'clients',
  'topology',
  'pgbouncer',
  'manifest',
  'plans',
  'workload',
] as const;

/**
 * Settings whose worst case fits in RAM minus the reserve, for the connections and the workload:
 * the document `pgmem recommend --json` prints. When no settings are safe, `recommendations` is
 * null and `error` says why (the command's exit 1); nothing is thrown for that.
 */
export async function recommend(options: RecommendOptions): Promise<RecommendDocument> {
  assertObject(options);
  const { cpus, reserve, ...rest } = options;
  const { plan, inline } = planOptions(rest, [], RECOMMEND_KEYS);
  const REC = COMMAND_OPTIONS.recommend;
  const picked: { -readonly [K in keyof CommandOptions<'recommend'>]: CommandOptions<'recommend'>[K] } = {
    json: true,
  };
  for (const key of RECOMMEND_PLAN_KEYS) if (plan[key] !== undefined) Object.assign(picked, { [key]: plan[key] });
  if (cpus !== undefined) picked.cpus = parsed(REC.cpus, cpus);
  if (reserve !== undefined) picked.reserve = parsed(REC.reserve, reserve);
  const { document } = await recommendOutcome(picked, libraryIo(options, inline));
  const result: RecommendDocument = JSON.parse(JSON.stringify(document));
  return result;
}

/** One effective setting of a configuration: its value as written, and where. */
export interface ConfSetting {
  readonly name: string;
  readonly value: string;
  /** "<file>:<line>" */
  readonly source: string;
}

/** What the server would refuse in a configuration: the kind, the file and line, and its message. */
export type ConfError = ConfIssue;

/** A configuration file set as the server reads it (includes followed, postgresql.auto.conf last). */
export interface ConfResult {
  /** The main file, relative to the working directory when below it. */
  readonly file: string;
  /** Every file read, in order. */
  readonly files: readonly string[];
  /** Whether the server would start with it: no errors. */
  readonly valid: boolean;
  /** The effective value of each setting the server knows, last assignment winning. */
  readonly settings: readonly ConfSetting[];
  /** What the server would refuse, each with its file and line, in the server's order. */
  readonly errors: readonly ConfError[];
}

/** Options of readConf and parseConf. */
export interface ConfOptions extends FileOptions {
  /** The major version whose settings and value syntax apply (default 18). */
  readonly version?: PgMajor;
  /** The build profile (default "distribution"). */
  readonly build?: 'distribution' | 'embedded';
  /** The postgresql.auto.conf to read last; null for none; default: the one beside the file. */
  readonly autoConf?: string | null;
}

function confResult(file: string, options: ConfOptions, io: CliIo): ConfResult {
  const version = parseVersion('version', String(options.version ?? 18));
  const build = options.build === undefined ? 'distribution' : parsed(PLAN.build, options.build);
  const config = loadConfig(file, { version, build }, options.autoConf, io);
  return {
    file: config.file,
    files: [...config.files],
    valid: config.issues.length === 0,
    settings: config.assignments.map(({ name, value, source }) => ({ name, value, source })),
    errors: config.issues.map((issue) => ({ ...issue })),
  };
}

/**
 * Reads a postgresql.conf (and what it includes) from the disk, or from `files` where they hold
 * it. What the server would refuse is in `errors`; a main file that cannot be read throws InputError.
 */
export function readConf(path: string, options: ConfOptions = {}): ConfResult {
  assertText('path', path);
  assertObject(options);
  assertOptionTypes({ cwd: options.cwd, files: options.files });
  return confResult(path, options, libraryIo(options));
}

/**
 * Reads a postgresql.conf given as text, named `file` (default "postgresql.conf"); the files it
 * includes come from `files` only, never from the disk. No postgresql.auto.conf unless named.
 */
export function parseConf(text: string, options: ConfOptions & { readonly file?: string } = {}): ConfResult {
  assertText('text', text);
  assertObject(options);
  assertOptionTypes({ cwd: options.cwd, files: options.files });
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? 'postgresql.conf';
  const io: CliIo = {
    ...libraryIo({ cwd }),
    confFs: memoryFileSystem({ ...options.files, [file]: text }, cwd, null),
  };
  return confResult(file, { ...options, autoConf: options.autoConf ?? null }, io);
}

/**
 * Parses and validates a topology document (YAML or JSON), with defaults filled in. Throws
 * InputError naming `file` (default "<topology>") and every problem's path in the document.
 */
export function parseTopology(text: string, file = TOPOLOGY_DOCUMENT): TopologyInput {
  assertText('text', text);
  assertText('file', file);
  const document: TopologyInput = parseTopologyText(text, file);
  return document;
}

/** Reads and validates a topology file (from `files` where they hold it, else the disk). */
export function readTopology(path: string, options: FileOptions = {}): TopologyInput {
  assertText('path', path);
  assertObject(options);
  assertOptionTypes({ cwd: options.cwd, files: options.files });
  return parseTopology(readInputFile(path, libraryIo(options)), path);
}
