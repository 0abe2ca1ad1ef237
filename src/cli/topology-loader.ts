/** Reads a topology file (or stdin) and merges it under the flags: flags win. */
import { basename, dirname, join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_WORKLOAD } from '../core/model.js';
import { Settings } from '../core/settings.js';
import {
  DOCKER_DEFAULT_SHM_BYTES,
  resolveTopology,
  TopologyError,
  type ResolvedTopology,
  type TopologySpec,
} from '../core/topology.js';
import { groupProcesses, poolerFromIni, type PgBouncerConfig } from '../core/pgbouncer.js';
import { readPgBouncerIni } from '../input/pgbouncer.js';
import { displayPath } from './display-path.js';
import { nodeConfFileSystem } from './conf-fs.js';
import { parseRam, parseSize } from '../input/flags.js';
// Loaded only when --topology is given: it brings yaml and zod, which plain `plan` should not pay for.
import type { TopologyDocument } from '../input/topology.js';
import { presetWorkload, type WorkloadKind } from '../core/presets.js';
import type { CliIo } from './io.js';
import { readInputFile, readStdinText } from './read-input.js';
import type { PlanFlags } from './plan-options.js';
import { lineSource, type InputLocations, type SourceLocation } from '../input/locations.js';
import { readPlans } from '../input/plans/index.js';
import { terminalText } from '../render/terminal.js';
import type { QueryShape, WorkloadSource } from '../core/workload.js';
import type { PgVersion } from '../core/versions.js';

/** Reads the document at `file` ("-" for stdin), with the limits of configuration files. */
export async function readTopologyText(file: string, io: CliIo): Promise<string> {
  return file === '-' ? readStdinText(io, '--topology') : readInputFile(file, io);
}

/**
 * The plan files an app's workload names, read: their paths as shown and their text, by app index;
 * those of the topology's own `workload:` section under SERVER_PLANS.
 */
export type AppPlanTexts = ReadonlyMap<number, readonly { readonly file: string; readonly text: string }[]>;

/** The key of AppPlanTexts under which the topology's `workload.plans` are read (no app has it). */
export const SERVER_PLANS = -1;

/**
 * An error about an app's plan files (or the topology's own, SERVER_PLANS): one line naming the
 * topology file, the app and the plan file.
 */
function appPlanError(label: string, index: number, app: string, error: unknown): never {
  if (error instanceof InputError)
    throw new InputError(
      `${index === SERVER_PLANS ? '' : `apps[${index}] (${app}).`}workload.plans: ${error.message}`,
      label,
    );
  throw error;
}

/** Reads the plan files each app's workload names, relative to the topology file. */
function readAppPlanTexts(
  doc: TopologyDocument,
  file: string,
  io: CliIo,
  files: (app: { readonly workload?: TopologyDocument['workload'] }) => readonly string[],
): AppPlanTexts {
  const label = file === '-' ? '<stdin>' : file;
  const texts = new Map<number, { file: string; text: string }[]>();
  const sources: [number, { readonly name: string; readonly workload?: TopologyDocument['workload'] }][] = [
    [SERVER_PLANS, { name: 'server', ...(doc.workload !== undefined && { workload: doc.workload }) }],
    ...doc.apps.map((app, i): [number, TopologyDocument['apps'][number]] => [i, app]),
  ];
  for (const [i, app] of sources) {
    const names = files(app);
    if (names.length === 0) continue;
    texts.set(
      i,
      names.map((name) => {
        const path = file === '-' || name.startsWith('/') ? name : join(dirname(file), name);
        try {
          return { file: path, text: readInputFile(path, io) };
        } catch (error) {
          return appPlanError(label, i, app.name, error);
        }
      }),
    );
  }
  return texts;
}

/**
 * The apps' plans classified for the server's version: each plans workload gets its queries. Bad
 * plans are an input error naming the topology file, the app and the plan file.
 */
export function classifyAppPlans(
  spec: TopologySpec,
  texts: AppPlanTexts,
  version: PgVersion,
  label: string,
): TopologySpec {
  if (texts.size === 0) return spec;
  return {
    ...spec,
    apps: spec.apps.map((app, i) => {
      const files = texts.get(i);
      if (!files || app.workload?.kind !== 'plans') return app;
      let queries: QueryShape[];
      try {
        queries = files.flatMap(({ file, text }) => readPlans(text, file, version));
      } catch (error) {
        return appPlanError(label, i, app.name, error);
      }
      return { ...app, workload: { ...app.workload, files: files.map((f) => f.file), queries } };
    }),
  };
}

/**
 * Resolves the topology again when the version its apps' plans were classified for is not the
 * server's (inspect takes the version from the server).
 */
export function reclassifyTopology(flags: PlanFlags): PlanFlags {
  const plans = flags.topologyPlans;
  if (!plans || plans.version === flags.version) return flags;
  const topology = resolveOrFail(classifyAppPlans(plans.spec, plans.texts, flags.version, plans.label), plans.label);
  return { ...flags, groups: topology.groups, topology, topologyPlans: { ...plans, version: flags.version } };
}

/**
 * Flags win over the topology, apps' own workloads too: a workload given as flags (--workload, node
 * counts, --plans) replaces every app's, and --no-parallel / --no-temp-buffers apply to every app.
 * Returns the apps whose workload was replaced.
 */
export function workloadFlagsOverApps(
  spec: TopologySpec,
  flags: Pick<PlanFlags, 'workloadSource' | 'workloadFlags'>,
): { spec: TopologySpec; replaced: string[] } {
  const replace = flags.workloadSource.origin === 'flags';
  const { parallel, tempBuffers } = flags.workloadFlags;
  const replaced: string[] = [];
  const apps = spec.apps.map((app) => {
    if (!app.workload) return app;
    if (replace) {
      replaced.push(app.name);
      const { workload: _replaced, ...rest } = app;
      return rest;
    }
    return {
      ...app,
      workload: {
        ...app.workload,
        ...(parallel === false && { parallel }),
        ...(tempBuffers === false && { tempBuffers }),
      },
    };
  });
  return { spec: { ...spec, apps }, replaced };
}

/** A loaded topology with the workload flags applied to its apps (workloadFlagsOverApps); a note names the apps replaced. */
export function underFlags<T extends { spec: TopologySpec; planTexts: AppPlanTexts }>(
  loaded: T,
  flags: PlanFlags,
  io: CliIo,
): T {
  const { spec, replaced } = workloadFlagsOverApps(loaded.spec, flags);
  if (replaced.length === 0) return { ...loaded, spec };
  const flag = flags.workloadKind ? '--workload' : flags.planFiles.length > 0 ? '--plans' : 'the node count flags';
  io.stderr.write(
    `pgmem: note: ${flag} replaces the own workload of ${replaced.length === 1 ? 'app' : 'apps'} ${terminalText(replaced.join(', '))} (flags win over the topology)\n`,
  );
  return { ...loaded, spec, planTexts: new Map() };
}

/** Merges a topology document (and its spec, `topologySpec(doc)`) into the flags; the flags keep priority. */
export function mergeTopology(
  flags: PlanFlags,
  doc: TopologyDocument,
  docSpec: TopologySpec,
  file: string,
  planTexts: AppPlanTexts = new Map(),
): PlanFlags {
  const label = file === '-' ? '<stdin>' : file;
  const version = flags.versionFlag
    ? flags.version
    : ((doc.server.version as PlanFlags['version'] | undefined) ?? flags.version);

  // Role settings must be values the server accepts, like ALTER ROLE … SET would demand.
  doc.apps.forEach((app, i) => {
    for (const [name, value] of Object.entries(app.role ?? {})) {
      if (name === 'name' || value === undefined) continue;
      const { problems } = Settings.resolve(version, [{ name, value, source: 'topology' }], 'boot', flags.build);
      if (problems[0]) throw new InputError(`apps[${i}].role.${name}: ${problems[0].message}`, label);
    }
  });

  let spec = docSpec;
  if (flags.pods !== undefined || flags.pool !== undefined || flags.clients !== null) {
    const only = spec.apps[0];
    if (spec.apps.length !== 1 || !only || (flags.clients !== null && flags.pool === undefined)) {
      throw new UsageError(
        'with a topology of several apps, change pods and pools in the file',
        flags.pool !== undefined ? '--pool' : '--clients',
      );
    }
    spec = { ...spec, apps: [{ ...only, pods: flags.pods ?? only.pods, pool: flags.pool ?? only.pool }] };
  }
  const topology = resolveOrFail(classifyAppPlans(spec, planTexts, version, label), label);

  const container = doc.server.container
    ? {
        memoryLimitBytes: parseRam(`${label}: server.container.memoryLimit`, doc.server.container.memoryLimit),
        shmBytes: doc.server.container.shmSize
          ? parseSize(`${label}: server.container.shmSize`, doc.server.container.shmSize)
          : DOCKER_DEFAULT_SHM_BYTES,
      }
    : null;
  const ramFromFile = doc.server.ram ? parseRam(`${label}: server.ram`, doc.server.ram) : null;
  const ramBytes = flags.ramBytes ?? container?.memoryLimitBytes ?? ramFromFile;

  const settings = Object.entries(doc.server.settings ?? {}).map(([name, value]) => ({
    name: name.toLowerCase(),
    value,
    source: 'topology',
  }));
  const locations = iniLocations(spec);
  // The server's workload: flags, else the topology's workload section (a preset, node counts or
  // plans), else the default. Node counts given as flags replace the section's nodes whole (a flag
  // left out takes its default, as without a topology); its other fields merge, flags winning.
  const server = serverWorkloadSpec(doc);
  const nodesFromFlags = flags.workloadSource.origin === 'flags';
  const { sortOps: fileSortOps, hashOps: fileHashOps, ...otherFields } = server.fields;
  const workloadFromFile = nodesFromFlags
    ? otherFields
    : {
        ...otherFields,
        ...(fileSortOps !== undefined && { sortOps: fileSortOps }),
        ...(fileHashOps !== undefined && { hashOps: fileHashOps }),
      };
  const serverPlans = server.nodes?.kind === 'plans' && !nodesFromFlags ? (planTexts.get(SERVER_PLANS) ?? []) : [];
  // Classified now for the errors' sake (one line naming the topology file); the analysis classifies
  // them again for the server's version, as --plans files.
  try {
    for (const { file: plan, text } of serverPlans) readPlans(text, plan, version);
  } catch (error) {
    appPlanError(label, SERVER_PLANS, 'server', error);
  }
  const workloadSource: WorkloadSource =
    nodesFromFlags || server.nodes === null
      ? flags.workloadSource
      : server.nodes.kind === 'preset'
        ? { kind: 'preset', origin: 'topology', preset: server.nodes.preset }
        : server.nodes.kind === 'plans'
          ? { kind: 'plans', origin: 'topology', files: serverPlans.map((p) => p.file) }
          : { kind: 'counts', origin: 'topology' };
  const appPlans = new Map([...planTexts].filter(([i]) => i !== SERVER_PLANS));
  return {
    ...flags,
    version,
    workloadSource,
    ...(serverPlans.length > 0 && { planTexts: serverPlans }),
    ...(appPlans.size > 0 && { topologyPlans: { spec, texts: appPlans, label, version } }),
    clients: null,
    ramBytes,
    workload: { ...DEFAULT_WORKLOAD, ...workloadFromFile, ...flags.workloadFlags },
    assignments: [...settings, ...flags.assignments],
    groups: topology.groups,
    topology,
    ...(locations && { locations }),
    container,
    replicationConnections: doc.reserved.replication,
    ...(doc.server.config !== undefined && {
      topologyConfig:
        file === '-' || doc.server.config.startsWith('/') ? doc.server.config : join(dirname(file), doc.server.config),
    }),
  };
}

/** The topology's `workload:` as the server's workload fields and its nodes' kind (null: it sets no nodes). */
function serverWorkloadSpec(doc: TopologyDocument): {
  readonly fields: {
    sortOps?: number;
    hashOps?: number;
    parallel?: boolean;
    tempBuffers?: boolean;
    maintenanceOps?: number;
    logicalSenders?: number;
  };
  readonly nodes:
    | { readonly kind: 'preset'; readonly preset: WorkloadKind }
    | { readonly kind: 'counts' | 'plans' }
    | null;
} {
  const w = doc.workload;
  if (w === undefined) return { fields: {}, nodes: null };
  if (typeof w === 'string') return { fields: presetWorkload(w), nodes: { kind: 'preset', preset: w } };
  const { preset, plans, ...rest } = w;
  const fields = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (preset !== undefined)
    return { fields: { ...fields, ...presetWorkload(preset) }, nodes: { kind: 'preset', preset } };
  if (plans !== undefined) return { fields, nodes: { kind: 'plans' } };
  return { fields, nodes: w.sortOps !== undefined ? { kind: 'counts' } : null };
}

/** resolveTopology, with a pool that cannot be placed as an input error naming the file. */
function resolveOrFail(spec: TopologySpec, file: string): ResolvedTopology {
  try {
    return resolveTopology(spec);
  } catch (error) {
    if (error instanceof TopologyError) throw new InputError(error.message, file);
    throw error;
  }
}

/** Reads pgbouncer.ini files; their warnings (unknown keys and sections) go to stderr. */
export function readPgBouncerFiles(files: readonly string[], io: CliIo): PgBouncerConfig[] {
  const fs = io.confFs ?? nodeConfFileSystem(io.cwd);
  return files.map((file) => {
    const { config, warnings } = readPgBouncerIni(fs, file, (path) => displayPath(io.cwd, path));
    for (const w of warnings) io.stderr.write(`pgmem: warning: ${w.file}:${w.line}: ${w.message}\n`);
    return config;
  });
}

/** The ini files each topology pooler names, relative to the topology file, by pooler index. */
function topologyInis(doc: TopologyDocument, file: string, io: CliIo): Map<number, PgBouncerConfig[]> {
  const inis = new Map<number, PgBouncerConfig[]>();
  doc.poolers.forEach((pooler, i) => {
    if (pooler.ini === undefined) return;
    const names = typeof pooler.ini === 'string' ? [pooler.ini] : pooler.ini;
    inis.set(
      i,
      readPgBouncerFiles(
        names.map((n) => (file === '-' || n.startsWith('/') ? n : join(dirname(file), n))),
        io,
      ),
    );
  });
  return inis;
}

/** Reads a topology document and the pgbouncer.ini files it names. */
export async function loadTopologyDocument(
  file: string,
  io: CliIo,
): Promise<{ doc: TopologyDocument; spec: TopologySpec; planTexts: AppPlanTexts }> {
  const text = await readTopologyText(file, io);
  const { parseTopology, topologySpec, appPlanFiles } = await import('../input/topology.js');
  const doc = parseTopology(text, file === '-' ? '<stdin>' : file);
  return {
    doc,
    spec: topologySpec(doc, topologyInis(doc, file, io)),
    planTexts: readAppPlanTexts(doc, file, io, appPlanFiles),
  };
}

/**
 * --pgbouncer without a topology: the clients of --clients (or --pods × --pool) connect through
 * it as any users; without them, as many clients as max_client_conn lets in. Files listening on
 * one port with so_reuseport are processes of one pooler.
 */
export function withPgBouncers(flags: PlanFlags, configs: readonly PgBouncerConfig[]): PlanFlags {
  const groups = groupProcesses(configs);
  if (groups.length > 1 && flags.clients !== null) {
    throw new UsageError(
      'the files are separate poolers (not so_reuseport processes of one port); say which clients use which in a topology',
      '--pgbouncer',
    );
  }
  const used = new Set<string>();
  const poolers = groups.map((group) => {
    const stem = basename(group[0]!.file).replace(/\.ini$/, '');
    let name = stem;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}`;
    used.add(name);
    return poolerFromIni(name, group);
  });
  const spec: TopologySpec = {
    apps: poolers.map((p) => ({
      name: `clients of ${p.name}`,
      pods: 1,
      pool: flags.clients ?? p.maxClientConn * (p.processes ?? 1),
      via: p.name,
      anyUser: true,
    })),
    poolers,
    adminConnections: 0,
  };
  const topology = resolveOrFail(spec, '--pgbouncer');
  const locations = iniLocations(spec);
  return {
    ...flags,
    clients: null,
    groups: topology.groups,
    topology,
    ...(locations && { locations }),
    inputFiles: configs.flatMap((c) => c.files),
  };
}

/**
 * --manifest files (`-` for stdin) as a topology: each figure's source names the resource and
 * field it came from; what was read, skipped and defaulted goes to stderr.
 */
export async function applyManifestFlags(
  flags: PlanFlags,
  io: CliIo,
  options: TopologyFlagOptions = {},
): Promise<PlanFlags> {
  return (await loadManifestFlags(flags, io, options))(flags);
}

/**
 * Reads the --manifest files once (notes to stderr once) and returns what merges them into flags:
 * `plan --solve` and `--vary` merge them into each variation of pods, pool and settings.
 */
export async function loadManifestFlags(
  flags: PlanFlags,
  io: CliIo,
  options: TopologyFlagOptions = {},
): Promise<(flags: PlanFlags) => PlanFlags> {
  const files = await Promise.all(
    flags.manifestFiles.map(async (file) => ({
      file: file === '-' ? '<stdin>' : file,
      text: file === '-' ? await readStdinText(io, '--manifest') : await readInputFile(file, io),
    })),
  );
  const [{ readManifests }, { validateTopology, topologySpec }] = await Promise.all([
    import('../input/manifest.js'),
    import('../input/topology.js'),
  ]);
  const manifests = readManifests(files);
  const label = files.map((f) => f.file).join(', ');
  const doc = validateTopology(manifests.document, label);
  const version = flags.versionFlag
    ? flags.version
    : ((doc.server.version as PlanFlags['version'] | undefined) ?? flags.version);
  // A value the server refuses: for plan an input error on its line, for check a finding there.
  for (const [name, value] of options.keepInvalidSettings ? [] : Object.entries(doc.server.settings ?? {})) {
    const problem = Settings.resolve(version, [{ name, value, source: 'manifest' }], 'boot', flags.build).problems[0];
    const at = manifests.locations.settings.get(name.toLowerCase())?.location;
    if (problem)
      throw new InputError(
        `${manifests.settingSources[name.toLowerCase()] ?? name}: ${problem.message}`,
        at?.file ?? label,
        at?.line,
      );
  }
  const spec = topologySpec(doc, manifests.inis);
  const apply = (given: PlanFlags): PlanFlags => {
    const merged = mergeTopology({ ...given, topologyFile: label }, doc, spec, label);
    const topology = merged.topology && {
      ...merged.topology,
      poolers: merged.topology.poolers.map((p) => ({ ...p, source: manifests.poolerSources[p.name] ?? p.source })),
    };
    return {
      ...merged,
      ...(topology && { topology }),
      topologyFile: null,
      assignments: merged.assignments.map((a) =>
        a.source === 'topology' && manifests.settingSources[a.name]
          ? { ...a, source: manifests.settingSources[a.name]! }
          : a,
      ),
      locations: manifests.locations,
      inputFiles: files.map((f) => f.file),
    };
  };
  // Merged before the notes, so that an error in the manifests comes first.
  const first = apply(flags);
  io.stderr.write(
    `pgmem: note: read ${manifests.read.length} resource${manifests.read.length === 1 ? '' : 's'}` +
      (manifests.read.length ? ` (${manifests.read.join(', ')})` : '') +
      `, skipped ${manifests.skipped.length}${manifests.skipped.length ? ` (${manifests.skipped.join(', ')})` : ''}\n`,
  );
  for (const note of manifests.notes) io.stderr.write(`pgmem: note: ${note}\n`);
  return (given) => (given === flags ? first : apply(given));
}

/** How the topology inputs are read: check keeps a manifest's refused values, to report them as findings. */
export interface TopologyFlagOptions {
  readonly keepInvalidSettings?: boolean;
}

/** The PgBouncer keys of the topology's pgbouncer.ini files, where each file sets them. */
export function iniLocations(spec: TopologySpec): InputLocations | undefined {
  const poolers = new Map<string, Map<string, SourceLocation>>();
  for (const pooler of spec.poolers) {
    const ini = pooler.ini;
    if (!ini) continue;
    const fields = new Map<string, SourceLocation>();
    const keys = {
      pool_mode: ini.poolMode,
      default_pool_size: ini.defaultPoolSize,
      max_client_conn: ini.maxClientConn,
      max_db_connections: ini.maxDbConnections,
    };
    for (const [key, value] of Object.entries(keys)) {
      const at = lineSource(value.source);
      if (at) fields.set(key, at);
    }
    poolers.set(pooler.name, fields);
  }
  return poolers.size > 0 ? { settings: new Map(), poolers } : undefined;
}

/** Loads --topology (and the pgbouncer.ini files it names) or --pgbouncer when given. */
export async function applyTopologyFlag(
  flags: PlanFlags,
  io: CliIo,
  options: TopologyFlagOptions = {},
): Promise<PlanFlags> {
  if (flags.manifestFiles.length > 0) {
    if (flags.topologyFile || flags.pgbouncerFiles.length > 0)
      throw new UsageError('give either --manifest or --topology/--pgbouncer', '--manifest');
    return applyManifestFlags(flags, io, options);
  }
  if (!flags.topologyFile)
    return flags.pgbouncerFiles.length > 0
      ? withPgBouncers(flags, readPgBouncerFiles(flags.pgbouncerFiles, io))
      : flags;
  if (flags.pgbouncerFiles.length > 0)
    throw new UsageError('with --topology, name the pgbouncer.ini in poolers[].ini', '--pgbouncer');
  const { doc, spec, planTexts } = underFlags(await loadTopologyDocument(flags.topologyFile, io), flags, io);
  return mergeTopology(flags, doc, spec, flags.topologyFile, planTexts);
}
