/** `pgmem plan`: worst-case memory for flags and, optionally, a postgresql.conf. */
import { ExitCode, UsageError } from '../errors.js';
import type { Analysis } from '../core/analyze.js';
import type { SettingAssignment } from '../core/settings.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import {
  analyzePlan,
  assertConfigValid,
  autoConfChoice,
  configFileOf,
  formulaNeedsProvider,
  loadConfig,
  planReport,
  readPlanFiles,
  withProvider,
} from './plan-input.js';
import { readFormat, readPlanFlags, type FormatOf, type PlanFlags, type PlanOptions } from './plan-options.js';
import { renderCheckReports, renderReport } from './render-report.js';
import { renderJson } from '../render/json.js';
import {
  loadManifestFlags,
  loadTopologyDocument,
  mergeTopology,
  readPgBouncerFiles,
  underFlags,
  withPgBouncers,
  type AppPlanTexts,
} from './topology-loader.js';
import type { TopologyDocument } from '../input/topology.js';
import type { TopologySpec } from '../core/topology.js';
import { findGuc } from '../core/catalog/index.js';
import { parseSettingValue } from '../core/units.js';
import { formatPgSize, formatSize, plural } from '../core/format.js';
import { parseCount } from '../input/flags.js';
import type { PlanReport, SolveSection } from '../core/report-schema.js';
import type { SolveResult, SolveVariable } from '../core/solve.js';
import type { Grid, GridAxis } from '../core/grid.js';
import { evaluateFormula, isFormula } from '../core/rds.js';

/** Runs `plan` and returns the exit code. */
export async function planCommand(options: PlanOptions, io: CliIo): Promise<number> {
  const format = readFormat(options, 'table');
  const vary = options.vary ?? [];
  if (options.solve !== undefined || vary.length > 0) {
    if (options.solve !== undefined && vary.length > 0)
      throw new UsageError('give either --solve or --vary, not both', '--solve');
    return options.solve !== undefined
      ? solveCommand(options.solve, options, io, format)
      : varyCommand(vary, options, io, format);
  }
  const { flags, report } = await planReport(options, io);
  const color = useColor(io, flags.color);
  io.stdout.write(
    'config' in report
      ? await renderCheckReports([report], format, { color })
      : await renderReport(report, format, { color }),
  );
  return exitCodeFor(report.findings, flags.failOn);
}

/** A change to the plan's input: topology knobs and extra settings (for --solve and --vary). */
interface Variation {
  readonly pods?: number;
  readonly pool?: number;
  readonly clients?: number;
  readonly settings?: readonly SettingAssignment[];
}

/** The flags as merged for the plan, and the plan for any variation of them. */
interface PlanEvaluator {
  readonly flags: PlanFlags;
  readonly hasTopology: boolean;
  readonly evaluate: (variation: Variation) => Analysis;
}

/** Reads flags, topology and configuration file once; evaluates variations without reading again. */
async function planEvaluator(options: PlanOptions, io: CliIo, knobs: readonly string[]): Promise<PlanEvaluator> {
  // --pods alone is incomplete for plan, but complete when the pool is what varies.
  const poolVaries = knobs.includes('pool') && options.pods !== undefined && options.pool === undefined;
  const parsed = readPlanFlags(poolVaries ? { ...options, pool: 1 } : options, { failOnDefault: 'none' });
  const { pool: _placeholder, ...withoutPool } = parsed;
  const raw: PlanFlags = readPlanFiles(poolVaries ? { ...withoutPool, clients: null } : parsed, io);
  let doc: TopologyDocument | null = null;
  let spec: TopologySpec | null = null;
  let planTexts: AppPlanTexts = new Map();
  let manifests: ((flags: PlanFlags) => PlanFlags) | null = null;
  if (raw.manifestFiles.length > 0) {
    if (raw.topologyFile || raw.pgbouncerFiles.length > 0)
      throw new UsageError('give either --manifest or --topology/--pgbouncer', '--manifest');
    manifests = await loadManifestFlags(raw, io);
  } else if (raw.topologyFile) {
    if (raw.pgbouncerFiles.length > 0)
      throw new UsageError('with --topology, name the pgbouncer.ini in poolers[].ini', '--pgbouncer');
    ({ doc, spec, planTexts } = underFlags(await loadTopologyDocument(raw.topologyFile, io), raw, io));
  }
  const bouncers =
    !doc && !manifests && raw.pgbouncerFiles.length > 0 ? readPgBouncerFiles(raw.pgbouncerFiles, io) : null;
  const hasTopology = doc !== null || manifests !== null;
  // The topology merged for one variation; --provider's part is the same for all, applied once.
  let provided: PlanFlags | null = null;
  const merge = (v: Variation): PlanFlags => {
    let f: PlanFlags = raw;
    if (v.clients !== undefined) {
      const { pods: _pods, pool: _pool, ...rest } = raw;
      f = { ...rest, clients: v.clients };
    } else if (v.pods !== undefined || v.pool !== undefined) {
      const pods = v.pods ?? raw.pods;
      const pool = v.pool ?? raw.pool;
      f = {
        ...raw,
        ...(pods !== undefined && { pods }),
        ...(pool !== undefined && { pool }),
        clients: hasTopology ? null : (pods ?? 1) * pool!,
      };
    }
    if (manifests) f = manifests(f);
    else if (doc && spec) f = mergeTopology(f, doc, spec, raw.topologyFile!, planTexts);
    else if (bouncers) f = withPgBouncers(f, bouncers);
    if (provided) f = withProviderOf(f, provided);
    if (v.settings?.length) f = { ...f, assignments: [...f.assignments, ...v.settings] };
    return f;
  };
  provided = await withProvider(merge({}), options, io);
  const flags = provided;
  const configFile = configFileOf(options, flags);
  let fileAssignments: readonly SettingAssignment[] | null = null;
  if (configFile !== undefined) {
    // Read once; a configuration the server would refuse has no worst case to solve or vary.
    const config = loadConfig(configFile, flags, autoConfChoice(options), io);
    assertConfigValid(config);
    fileAssignments = config.assignments;
  }
  return { flags, hasTopology, evaluate: (v) => analyzePlan(merge(v), fileAssignments) };
}

/** A variation's flags with what --provider gave the plan: its budget, defaults and evaluated formulas. */
function withProviderOf(flags: PlanFlags, provided: PlanFlags): PlanFlags {
  if (provided.provider === undefined) return flags;
  return {
    ...flags,
    ramBytes: provided.ramBytes,
    assignments: provided.assignments,
    provider: provided.provider,
    ...(provided.managedService && { managedService: provided.managedService }),
    ...(provided.providerAssignments && { providerAssignments: provided.providerAssignments }),
    ...(provided.formulaVariables && { formulaVariables: provided.formulaVariables }),
  };
}

/** Search cap for pods and pool when nothing else binds (e.g. a pooler caps the server connections). */
const SOLVE_COUNT_CAP = 1_000_000;

/** `plan --solve pods|pool|work_mem`: the largest value within --ram (and the connection slots). */
async function solveCommand(
  variable: SolveVariable,
  options: PlanOptions,
  io: CliIo,
  format: FormatOf<'plan'>,
): Promise<number> {
  const { flags, result, document } = await solvePlan(variable, options, io);
  const report = result.analysis.report;
  if (format === 'json') {
    io.stdout.write(renderJson(document));
  } else {
    const line = `${solveHeadline(result)}\n\n`;
    io.stdout.write(
      `${format === 'markdown' ? `**${line.trim()}**\n\n` : line}${await renderReport(report, format, { color: useColor(io, flags.color) })}`,
    );
  }
  if (result.value === null || result.value === 0) return ExitCode.Findings;
  return exitCodeFor(report.findings, flags.failOn);
}

/**
 * `plan --solve`'s answer: the search, and the document --json prints (the plan at the answer, or
 * at the first value that does not fit, with the `solve` section first). The library's solve()
 * returns the document.
 */
export async function solvePlan(
  variable: SolveVariable,
  options: PlanOptions,
  io: CliIo,
): Promise<{ flags: PlanFlags; result: SolveResult; document: PlanReport & { solve: SolveSection } }> {
  const { solve } = await import('../core/solve.js');
  const { flags, hasTopology, evaluate } = await planEvaluator(options, io, [variable]);
  if (flags.ramBytes === null)
    throw new UsageError('needs --ram (or a topology with a container limit or server.ram)', '--solve');
  if (hasTopology && variable !== 'work_mem' && (flags.topology?.apps.length ?? 1) > 1)
    throw new UsageError(
      'with a topology of several apps, solve for work_mem, or change pods and pools in the file',
      `--solve ${variable}`,
    );
  if (!hasTopology && variable !== 'work_mem') {
    if (flags.clients !== null && flags.pods === undefined && flags.pool === undefined) {
      throw new UsageError(`give --pods and --pool instead of --clients to solve for ${variable}`, '--solve');
    }
    if (variable === 'pods' && flags.pool === undefined)
      throw new UsageError('needs --pool (connections per pod) to solve for pods', '--solve');
    if (variable === 'pool' && flags.pods === undefined)
      throw new UsageError('needs --pods to solve for pool', '--solve');
  }
  const workMem = findGuc(flags.version, 'work_mem', flags.build)!;
  const result = solve(
    variable === 'work_mem'
      ? {
          variable,
          low: workMem.min!,
          high: workMem.max!,
          highIsRange: true,
          ramBytes: flags.ramBytes,
          checkSlots: false,
          evaluate: (kB) => evaluate({ settings: [{ name: 'work_mem', value: `${kB}kB`, source: 'flag' }] }),
        }
      : {
          variable,
          low: 0,
          high: SOLVE_COUNT_CAP,
          highIsRange: false,
          ramBytes: flags.ramBytes,
          checkSlots: true,
          evaluate: (n) => evaluate(variable === 'pods' ? { pods: n } : { pool: n }),
        },
  );
  return { flags, result, document: { solve: solveSection(result), ...result.analysis.report } };
}

/** The `solve` section of the JSON document. */
function solveSection(result: SolveResult): SolveSection {
  const isWorkMem = result.variable === 'work_mem';
  return {
    variable: result.variable,
    value: result.value,
    ...(isWorkMem && { unit: 'kB', setting: result.value === null ? null : formatPgSize(result.value * 1024) }),
    limitedBy: result.limitedBy,
    ramBytes: result.ramBytes,
    worstCaseBytes: result.value === null ? null : result.analysis.report.totals.worstCaseBytes,
    next: result.next,
  };
}

/** One line: the answer and what binds it. */
function solveHeadline(result: SolveResult): string {
  const ram = formatSize(result.ramBytes);
  const show = (v: number): string =>
    result.variable === 'work_mem'
      ? `work_mem = ${formatPgSize(v * 1024)}`
      : result.variable === 'pods'
        ? plural(v, 'pod')
        : `a pool of ${v}`;
  if (result.value === null) {
    return `--solve ${result.variable}: nothing fits: even ${show(result.next!.value)} needs ${formatSize(result.next!.worstCaseBytes)} of RAM ${ram}`;
  }
  const why =
    result.limitedBy === 'slots'
      ? `limited by connection slots: ${show(result.next!.value)} would have ${plural(result.next!.refused, 'client')} refused`
      : result.limitedBy === 'ram'
        ? `limited by RAM: ${show(result.next!.value)} would need ${formatSize(result.next!.worstCaseBytes)} of ${ram}`
        : result.limitedBy === 'range'
          ? "limited by the setting's maximum"
          : `nothing binds up to ${SOLVE_COUNT_CAP} (server connections are capped elsewhere, e.g. by a pooler)`;
  return `--solve ${result.variable}: ${show(result.value)} (${why})`;
}

const TOPOLOGY_KNOB_NAMES = ['pods', 'pool', 'clients'];

/** V1,V2,… split at the commas outside parentheses and braces: LEAST(a,b) stays one value. */
export function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      values.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  values.push(text.slice(start).trim());
  return values;
}

/** Parses the --vary flags into axes; every error names the flag. */
function readAxes(
  raw: readonly string[],
  flags: PlanFlags,
  hasTopology: boolean,
  maxAxes: number,
  maxCells: number,
  /** Filled with what an AWS formula among the values evaluates to, by `${name}=${value}`. */
  evaluated: Map<string, string> = new Map(),
): GridAxis[] {
  if (raw.length > maxAxes) throw new UsageError(`at most ${maxAxes} axes, got ${raw.length}`, '--vary');
  const axes: GridAxis[] = [];
  for (const text of raw) {
    const eq = text.indexOf('=');
    const given = eq > 0 ? text.slice(0, eq).trim().toLowerCase() : '';
    const values = eq > 0 ? splitValues(text.slice(eq + 1)) : [];
    const flag = `--vary ${given || text}`;
    if (!given || values.length === 0 || values.some((v) => v === '')) {
      throw new UsageError(`expected NAME=V1,V2,… such as work_mem=4MB,16MB, got "${text}"`, '--vary');
    }
    let name = given;
    if (TOPOLOGY_KNOB_NAMES.includes(given)) {
      for (const v of values) parseCount(flag, v, { min: 0 });
    } else {
      const definition = findGuc(flags.version, given, flags.build);
      if (!definition) throw new UsageError(`unrecognized configuration parameter "${given}"`, flag);
      name = definition.name;
      const numeric = definition.type === 'integer' || definition.type === 'real';
      for (const v of values) {
        let value = v;
        if (numeric && isFormula(v)) {
          if (!flags.formulaVariables)
            throw new UsageError(`${v} is an AWS parameter formula; ${formulaNeedsProvider(flags.provider)}`, flag);
          try {
            value = String(evaluateFormula(v, flags.formulaVariables));
          } catch (error) {
            throw new UsageError(`${v}: ${(error as Error).message}`, flag);
          }
          evaluated.set(`${definition.name}=${v}`, value);
        }
        const parsed = parseSettingValue(flags.version, definition, value);
        if (!parsed.ok) throw new UsageError(`${parsed.message}${parsed.hint ? ` (${parsed.hint})` : ''}`, flag);
      }
    }
    if (axes.some((a) => a.name === name)) throw new UsageError(`${name} is varied twice`, flag);
    axes.push({ name, values });
  }
  const names = axes.map((a) => a.name);
  if (
    names.includes('clients') &&
    (names.includes('pods') || names.includes('pool') || flags.pods !== undefined || flags.pool !== undefined)
  ) {
    throw new UsageError('vary clients, or pods and pool, not both', '--vary clients');
  }
  if (hasTopology && names.includes('clients'))
    throw new UsageError('with a topology, vary pods or pool', '--vary clients');
  const knob = names.find((n) => n === 'pods' || n === 'pool');
  if (hasTopology && knob && (flags.topology?.apps.length ?? 1) > 1)
    throw new UsageError(
      'with a topology of several apps, vary settings, or change pods and pools in the file',
      `--vary ${knob}`,
    );
  if (!hasTopology && names.includes('pods') && !names.includes('pool') && flags.pool === undefined) {
    throw new UsageError('needs --pool (connections per pod)', '--vary pods');
  }
  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  if (cells > maxCells) throw new UsageError(`${cells} cells; at most ${maxCells}`, '--vary');
  return axes;
}

/** `plan --vary NAME=V1,V2,…`: the worst case over a grid of settings and topology knobs. */
async function varyCommand(
  raw: readonly string[],
  options: PlanOptions,
  io: CliIo,
  format: FormatOf<'plan'>,
): Promise<number> {
  if (format === 'markdown') throw new UsageError('--vary writes table or json', '--format');
  const { flags, grid } = await varyPlan(raw, options, io);
  const render = await import('../render/grid.js');
  io.stdout.write(
    format === 'json'
      ? renderJson(render.gridJson(grid))
      : render.renderGridTable(grid, { color: useColor(io, flags.color) }),
  );
  return ExitCode.Ok;
}

/** `plan --vary`'s grid (`raw`: the --vary values, NAME=V1,V2,…); the library's vary() returns its JSON. */
export async function varyPlan(
  raw: readonly string[],
  options: PlanOptions,
  io: CliIo,
): Promise<{ flags: PlanFlags; grid: Grid }> {
  const [{ computeGrid, MAX_GRID_AXES, MAX_GRID_CELLS }, { MIN_HEADROOM_SHARE }] = await Promise.all([
    import('../core/grid.js'),
    import('../core/findings/low-headroom.js'),
  ]);
  const knobs = raw.map((text) =>
    text
      .slice(0, Math.max(text.indexOf('='), 0))
      .trim()
      .toLowerCase(),
  );
  const { flags, hasTopology, evaluate } = await planEvaluator(options, io, knobs);
  const evaluated = new Map<string, string>();
  const axes = readAxes(raw, flags, hasTopology, MAX_GRID_AXES, MAX_GRID_CELLS, evaluated);
  const grid = computeGrid(
    axes,
    (values) => {
      const variation: { pods?: number; pool?: number; clients?: number; settings: SettingAssignment[] } = {
        settings: [],
      };
      for (const [name, value] of Object.entries(values)) {
        if (name === 'pods' || name === 'pool' || name === 'clients') variation[name] = Number(value);
        else variation.settings.push({ name, value: evaluated.get(`${name}=${value}`) ?? value, source: 'flag' });
      }
      return evaluate(variation);
    },
    flags.ramBytes,
    MIN_HEADROOM_SHARE,
  );
  return { flags, grid };
}
