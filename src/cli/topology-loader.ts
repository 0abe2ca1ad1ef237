/** Reads a topology file (or stdin) and merges it under the flags: flags win. */
import { dirname, join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_WORKLOAD } from '../core/model.js';
import { Settings } from '../core/settings.js';
import { DOCKER_DEFAULT_SHM_BYTES, resolveTopology, type TopologySpec } from '../core/topology.js';
import { parseRam, parseSize } from '../input/flags.js';
// Loaded only when --topology is given: it brings yaml and zod, which plain `plan` should not pay for.
import type { TopologyDocument } from '../input/topology.js';
import type { CliIo } from './io.js';
import { readInputFile, readStdinText } from './read-input.js';
import type { PlanFlags } from './plan-options.js';

/** Reads the document at `file` ("-" for stdin), with the limits of configuration files. */
export async function readTopologyText(file: string, io: CliIo): Promise<string> {
  return file === '-' ? readStdinText(io, '--topology') : readInputFile(file, io);
}

/** Merges a topology document (and its spec, `topologySpec(doc)`) into the flags; the flags keep priority. */
export function mergeTopology(flags: PlanFlags, doc: TopologyDocument, docSpec: TopologySpec, file: string): PlanFlags {
  const label = file === '-' ? '<stdin>' : file;
  const version = flags.versionFlag ? flags.version : ((doc.server.version as PlanFlags['version'] | undefined) ?? flags.version);

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
    if (spec.apps.length !== 1 || !only || flags.clients !== null && flags.pool === undefined) {
      throw new UsageError('with a topology of several apps, change pods and pools in the file', flags.pool !== undefined ? '--pool' : '--clients');
    }
    spec = { ...spec, apps: [{ ...only, pods: flags.pods ?? only.pods, pool: flags.pool ?? only.pool }] };
  }
  const topology = resolveTopology(spec);

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

  const settings = Object.entries(doc.server.settings ?? {}).map(([name, value]) => ({ name: name.toLowerCase(), value, source: 'topology' }));
  const workloadFromFile = Object.fromEntries(Object.entries(doc.workload ?? {}).filter(([, v]) => v !== undefined));
  return {
    ...flags,
    version,
    clients: null,
    ramBytes,
    workload: { ...DEFAULT_WORKLOAD, ...workloadFromFile, ...flags.workloadFlags },
    assignments: [...settings, ...flags.assignments],
    groups: topology.groups,
    topology,
    container,
    replicationConnections: doc.reserved.replication,
    ...(doc.server.config !== undefined && {
      topologyConfig: file === '-' || doc.server.config.startsWith('/') ? doc.server.config : join(dirname(file), doc.server.config),
    }),
  };
}

/** Loads --topology when given. */
export async function applyTopologyFlag(flags: PlanFlags, io: CliIo): Promise<PlanFlags> {
  if (!flags.topologyFile) return flags;
  const text = await readTopologyText(flags.topologyFile, io);
  const { parseTopology, topologySpec } = await import('../input/topology.js');
  const doc = parseTopology(text, flags.topologyFile === '-' ? '<stdin>' : flags.topologyFile);
  return mergeTopology(flags, doc, topologySpec(doc), flags.topologyFile);
}
