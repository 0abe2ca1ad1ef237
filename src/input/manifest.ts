/**
 * Kubernetes manifests as a topology: CloudNativePG Cluster and Pooler, Zalando postgresql, Crunchy
 * PGO PostgresCluster (with its PgBouncer), and Deployments (with HorizontalPodAutoscalers) whose pod template carries pgmem's pool annotation.
 * Each operator's defaults are applied where the manifest leaves a field out; every figure keeps the
 * resource and field it came from. Resources pgmem does not know are skipped and counted.
 */
import { InputError } from '../errors.js';
import type { PgBouncerConfig } from '../core/pgbouncer.js';
import { configFromSections, isPgBouncerSetting, type IniWarning, type RawEntry } from './pgbouncer.js';
import type { InputLocations, SourceLocation } from './locations.js';
import { parseYamlDocuments } from './yaml.js';

/** The annotation (on a Deployment or its pod template) giving connections per pod. */
export const POOL_ANNOTATION = 'pgmem.dev/pool';
/** Optional: the role the app connects as. */
export const ROLE_ANNOTATION = 'pgmem.dev/role';
/** Optional: the database it connects to (picks its PgBouncer pool). */
export const DATABASE_ANNOTATION = 'pgmem.dev/database';
/** Optional: the pooler it connects through (a Pooler's or Zalando cluster's pooler name). */
export const VIA_ANNOTATION = 'pgmem.dev/via';

/** CloudNativePG's own parameter defaults (pkg/postgres/configuration.go CnpgConfigurationSettings) and its mandatory wal_level. */
const CNPG_DEFAULTS: Record<string, string> = {
  max_parallel_workers: '32',
  max_worker_processes: '32',
  max_replication_slots: '32',
  wal_level: 'logical',
};

/** What the manifests describe, as a topology document (validated by the topology schema) and where each figure came from. */
export interface ManifestTopology {
  readonly document: Record<string, unknown>;
  /** Setting name → "Kind/name field". */
  readonly settingSources: Record<string, string>;
  /** Pooler name → the resource and field it came from. */
  readonly poolerSources: Record<string, string>;
  /** Resources read, as Kind/name. */
  readonly read: string[];
  /** Resources skipped, as Kind/name. */
  readonly skipped: string[];
  /** Notes on defaults taken (a missing memory limit, an operator default). */
  readonly notes: string[];
  /** The PgBouncer configuration an operator generates, by index in `document.poolers`. */
  readonly inis: Map<number, PgBouncerConfig[]>;
  /** Where each setting, pooler field and the memory limit is written (the resource itself for a default). */
  readonly locations: InputLocations;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

/** Kubernetes resource quantities (apimachinery resource.Quantity): 512Mi, 4Gi, 1G, 500M, plain bytes. */
export function quantityBytes(raw: unknown, where: string, file: string): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$/.exec(text);
  if (!m)
    throw new InputError(
      `${where}: expected a Kubernetes quantity such as 4Gi or 512Mi, got ${JSON.stringify(raw)}`,
      file,
    );
  const factor: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
  };
  return Math.ceil(Number(m[1]) * (m[2] ? factor[m[2]]! : 1));
}

/** A PostgreSQL major version from an image tag (ghcr.io/cloudnative-pg/postgresql:16.4-bookworm → 16). */
function versionOfImage(image: unknown): number | undefined {
  if (typeof image !== 'string') return undefined;
  const tag = /:(\d+)(?:[.-]|$)/.exec(image.slice(image.lastIndexOf('/')));
  return tag ? Number(tag[1]) : undefined;
}

/** Reads manifests (several files, each possibly several documents) into one topology. */
export function readManifests(files: readonly { file: string; text: string }[]): ManifestTopology {
  const server: Obj = {};
  const settings: Record<string, string> = {};
  const settingSources: Record<string, string> = {};
  const poolerSources: Record<string, string> = {};
  const apps: Obj[] = [];
  const poolers: Obj[] = [];
  const reserved: Obj = {};
  const read: string[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  const inis = new Map<number, PgBouncerConfig[]>();
  const hpas: { target: string; maxReplicas: number; source: string }[] = [];
  const deployments: { resource: Obj; id: string; file: string }[] = [];
  let database: string | null = null;
  const settingLocations = new Map<string, { source: string; location: SourceLocation }>();
  const poolerLocations = new Map<string, Map<string, SourceLocation>>();
  let serverLocation: SourceLocation | undefined;
  let budgetLocation: SourceLocation | undefined;
  // Where the document being read writes a field (its resource's first line when it does not).
  let locate: (path: readonly (string | number)[]) => SourceLocation = () => ({ file: '', line: 1 });

  const setAll = (
    values: Record<string, unknown>,
    source: (name: string) => string,
    path?: (name: string) => readonly string[],
  ): void => {
    for (const [name, value] of Object.entries(values)) {
      settings[name.toLowerCase()] = String(value);
      settingSources[name.toLowerCase()] = source(name);
      settingLocations.set(name.toLowerCase(), { source: source(name), location: locate(path ? path(name) : []) });
    }
  };
  const poolerFields = (pooler: string, fields: Record<string, readonly string[]>): void => {
    poolerLocations.set(pooler, new Map(Object.entries(fields).map(([key, path]) => [key, locate(path)])));
  };
  const claimServer = (id: string, file: string): void => {
    if (database !== null)
      throw new InputError(`${id}: a second database cluster (${database} came first); give one per run`, file);
    database = id;
  };

  for (const { file, text } of files) {
    for (const { data, line, locate: position } of parseYamlDocuments(text, file)) {
      if (data === null || data === undefined) continue;
      locate = (path) => ({ file, ...position(path) });
      if (!isObj(data))
        throw new InputError('expected a Kubernetes resource (a mapping with apiVersion and kind)', file, line);
      const kind = String(data.kind ?? '');
      const apiVersion = String(data.apiVersion ?? '');
      const name = String(at(data, 'metadata', 'name') ?? '?');
      const id = `${kind}/${name}`;
      const spec = isObj(data.spec) ? data.spec : {};
      const group = apiVersion.split('/')[0];

      if (group === 'postgresql.cnpg.io' && kind === 'Cluster') {
        claimServer(id, file);
        const version = versionOfImage(spec.imageName);
        if (version !== undefined) server.version = version;
        serverLocation = locate([]);
        setAll(CNPG_DEFAULTS, () => `${id} (CloudNativePG default)`);
        const params = at(spec, 'postgresql', 'parameters');
        if (isObj(params))
          setAll(
            params,
            (n) => `${id} spec.postgresql.parameters.${n}`,
            (n) => ['spec', 'postgresql', 'parameters', n],
          );
        const limit = at(spec, 'resources', 'limits', 'memory');
        if (limit !== undefined) budgetLocation = locate(['spec', 'resources', 'limits', 'memory']);
        if (limit !== undefined) {
          const bytes = quantityBytes(limit, `${id} spec.resources.limits.memory`, file);
          // The shm emptyDir is memory-backed and charged to the pod: without a size limit, it is bounded by the pod's memory limit.
          const shm = at(spec, 'ephemeralVolumesSizeLimit', 'shm');
          server.container = {
            memoryLimit: bytes,
            shmSize: shm === undefined ? bytes : quantityBytes(shm, `${id} spec.ephemeralVolumesSizeLimit.shm`, file),
          };
        } else {
          notes.push(`${id}: no spec.resources.limits.memory; the budget is --ram`);
        }
        const instances = typeof spec.instances === 'number' ? spec.instances : 1;
        if (instances > 1) reserved.replication = instances - 1;
        read.push(id);
      } else if (group === 'postgresql.cnpg.io' && kind === 'Pooler') {
        const pgbouncer = isObj(spec.pgbouncer) ? spec.pgbouncer : {};
        const params = isObj(pgbouncer.parameters) ? pgbouncer.parameters : {};
        const num = (key: string): number | undefined => {
          if (params[key] === undefined) return undefined;
          const n = Number(params[key]);
          if (!Number.isInteger(n) || n < 0)
            throw new InputError(
              `${id} spec.pgbouncer.parameters.${key}: expected a whole number, got ${JSON.stringify(params[key])}`,
              file,
            );
          return n;
        };
        const pooler: Obj = {
          name,
          replicas: typeof spec.instances === 'number' ? spec.instances : 1,
          // pooler_types.go: poolMode defaults to session.
          pool_mode: typeof pgbouncer.poolMode === 'string' ? pgbouncer.poolMode : 'session',
        };
        for (const key of [
          'default_pool_size',
          'min_pool_size',
          'reserve_pool_size',
          'max_db_connections',
          'max_user_connections',
          'max_client_conn',
        ]) {
          const n = num(key);
          if (n !== undefined) pooler[key] = n;
        }
        poolers.push(pooler);
        poolerSources[name] = `${id} spec.instances, spec.pgbouncer`;
        const param = (key: string): readonly string[] =>
          params[key] === undefined ? ['spec', 'pgbouncer'] : ['spec', 'pgbouncer', 'parameters', key];
        poolerFields(name, {
          '': [],
          pool_mode: ['spec', 'pgbouncer', 'poolMode'],
          default_pool_size: param('default_pool_size'),
          max_client_conn: param('max_client_conn'),
          max_db_connections: param('max_db_connections'),
        });
        read.push(id);
      } else if (group === 'acid.zalan.do' && kind === 'postgresql') {
        claimServer(id, file);
        const version = at(spec, 'postgresql', 'version');
        if (version !== undefined) server.version = Number(version);
        // Operator default_memory_limit 500Mi when the manifest gives none (docs/reference/operator_parameters.md).
        const limitRaw = at(spec, 'resources', 'limits', 'memory');
        const limit =
          limitRaw === undefined ? 500 * 2 ** 20 : quantityBytes(limitRaw, `${id} spec.resources.limits.memory`, file);
        const limitSource =
          limitRaw === undefined ? `${id} (operator default_memory_limit 500Mi)` : `${id} spec.resources.limits.memory`;
        serverLocation = locate([]);
        const limitPath = ['spec', 'resources', 'limits', 'memory'];
        if (limitRaw !== undefined) budgetLocation = locate(limitPath);
        // Spilo (configure_spilo.py) on Kubernetes: shared_buffers = memory/5 in whole MB; 1 connection per 30 MB, 100 to 1000.
        const mb = limit / 1048576;
        setAll(
          {
            shared_buffers: `${Math.floor(mb / 5)}MB`,
            max_connections: Math.min(Math.max(100, Math.floor(mb / 30)), 1000),
          },
          (n) => `${limitSource} → Spilo's ${n}`,
          () => limitPath,
        );
        const params = at(spec, 'postgresql', 'parameters');
        if (isObj(params))
          setAll(
            params,
            (n) => `${id} spec.postgresql.parameters.${n}`,
            (n) => ['spec', 'postgresql', 'parameters', n],
          );
        // enableShmVolume (default true) mounts a memory emptyDir without a size limit: bounded by the pod limit.
        server.container = { memoryLimit: limit, shmSize: spec.enableShmVolume === false ? 64 * 2 ** 20 : limit };
        const instances = typeof spec.numberOfInstances === 'number' ? spec.numberOfInstances : 1;
        if (instances > 1) reserved.replication = instances - 1;
        for (const [flag, suffix] of [
          ['enableConnectionPooler', 'pooler'],
          ['enableReplicaConnectionPooler', 'pooler-repl'],
        ] as const) {
          if (spec[flag] !== true) continue;
          const cp = isObj(spec.connectionPooler) ? spec.connectionPooler : {};
          // connection_pooler.go: instances default 2 (the minimum), maxDBConnections 60 divided among them,
          // default pool half of that, reserve a quarter; mode transaction.
          const replicas = Math.max(2, typeof cp.numberOfInstances === 'number' ? cp.numberOfInstances : 2);
          const maxDb = Math.floor((typeof cp.maxDBConnections === 'number' ? cp.maxDBConnections : 60) / replicas);
          const defaultSize = Math.floor(maxDb / 2);
          poolers.push({
            name: `${name}-${suffix}`,
            replicas,
            pool_mode: typeof cp.mode === 'string' ? cp.mode : 'transaction',
            default_pool_size: defaultSize,
            reserve_pool_size: Math.floor(defaultSize / 2),
            max_db_connections: maxDb,
            max_client_conn: 10000,
          });
          poolerSources[`${name}-${suffix}`] = `${id} spec.connectionPooler (operator defaults where absent)`;
          const field = (key: string): readonly string[] =>
            cp[key] !== undefined
              ? ['spec', 'connectionPooler', key]
              : isObj(spec.connectionPooler)
                ? ['spec', 'connectionPooler']
                : ['spec', flag];
          poolerFields(`${name}-${suffix}`, {
            '': ['spec', flag],
            pool_mode: field('mode'),
            default_pool_size: field('maxDBConnections'),
            max_db_connections: field('maxDBConnections'),
            max_client_conn: ['spec', flag],
          });
        }
        read.push(id);
      } else if (group === PGO_GROUP && kind === 'PostgresCluster') {
        claimServer(id, file);
        const pgo = readPostgresCluster(spec, id, name, file);
        if (pgo.version !== undefined) server.version = pgo.version;
        serverLocation = locate([]);
        for (const [setting, { value, source }] of Object.entries(pgo.settings)) {
          settings[setting] = value;
          settingSources[setting] = source;
          // A field path in the source ("PostgresCluster/x spec.config.parameters.work_mem") is where it is written.
          const written = PGO_PARAMETER_PATHS.find((path) => source.startsWith(`${id} ${path.join('.')}.`));
          const key = written ? source.slice(`${id} ${written.join('.')}.`.length) : undefined;
          settingLocations.set(setting, { source, location: locate(written && key ? [...written, key] : []) });
        }
        if (pgo.container) server.container = pgo.container;
        if (pgo.replication > 0) reserved.replication = pgo.replication;
        if (pgo.pooler) {
          inis.set(poolers.length, [pgo.pooler.config]);
          poolers.push({ name: pgo.pooler.name, replicas: pgo.pooler.replicas });
          poolerSources[pgo.pooler.name] = pgo.pooler.source;
          const global = at(spec, 'proxy', 'pgBouncer', 'config', 'global');
          const key = (k: string): readonly string[] =>
            isObj(global) && global[k] !== undefined
              ? ['spec', 'proxy', 'pgBouncer', 'config', 'global', k]
              : ['spec', 'proxy', 'pgBouncer'];
          poolerFields(pgo.pooler.name, {
            '': ['spec', 'proxy', 'pgBouncer'],
            pool_mode: key('pool_mode'),
            default_pool_size: key('default_pool_size'),
            max_client_conn: key('max_client_conn'),
            max_db_connections: key('max_db_connections'),
          });
        }
        notes.push(...pgo.notes);
        read.push(id);
      } else if (group === 'apps' && kind === 'Deployment') {
        deployments.push({ resource: data, id, file });
      } else if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler') {
        const target = at(spec, 'scaleTargetRef');
        if (at(target, 'kind') === 'Deployment' && typeof spec.maxReplicas === 'number') {
          hpas.push({
            target: String(at(target, 'name')),
            maxReplicas: spec.maxReplicas,
            source: `${id} spec.maxReplicas`,
          });
          read.push(id);
        } else skipped.push(id);
      } else {
        skipped.push(id);
      }
    }
  }

  for (const { resource, id, file } of deployments) {
    const annotations = {
      ...(at(resource, 'metadata', 'annotations') as Obj | undefined),
      ...(at(resource, 'spec', 'template', 'metadata', 'annotations') as Obj | undefined),
    };
    if (annotations[POOL_ANNOTATION] === undefined) {
      skipped.push(id);
      continue;
    }
    const pool = Number(annotations[POOL_ANNOTATION]);
    if (!Number.isInteger(pool) || pool < 1)
      throw new InputError(
        `${id} ${POOL_ANNOTATION}: expected a positive whole number, got ${JSON.stringify(annotations[POOL_ANNOTATION])}`,
        file,
      );
    const name = String(at(resource, 'metadata', 'name'));
    const hpa = hpas.find((h) => h.target === name);
    const replicas = at(resource, 'spec', 'replicas');
    // A Deployment's defaults: 1 replica, RollingUpdate with maxSurge 25% (apps/v1).
    const strategy = at(resource, 'spec', 'strategy', 'type') ?? 'RollingUpdate';
    const surge =
      strategy === 'Recreate' ? 0 : (at(resource, 'spec', 'strategy', 'rollingUpdate', 'maxSurge') ?? '25%');
    const app: Obj = {
      name,
      pods: hpa ? hpa.maxReplicas : typeof replicas === 'number' ? replicas : 1,
      pool,
      maxSurge: surge,
    };
    if (typeof annotations[ROLE_ANNOTATION] === 'string') app.role = { name: annotations[ROLE_ANNOTATION] };
    if (typeof annotations[DATABASE_ANNOTATION] === 'string') app.database = annotations[DATABASE_ANNOTATION];
    if (typeof annotations[VIA_ANNOTATION] === 'string') app.via = annotations[VIA_ANNOTATION];
    apps.push(app);
    read.push(id);
    notes.push(
      `${name}: ${app.pods} pods from ${hpa ? hpa.source : typeof replicas === 'number' ? `${id} spec.replicas` : `${id} (default 1 replica)`}, pool from ${id} ${POOL_ANNOTATION}`,
    );
  }

  if (Object.keys(settings).length > 0) server.settings = settings;
  const document: Obj = { server, apps, poolers };
  if (Object.keys(reserved).length > 0) document.reserved = reserved;
  const locations: InputLocations = {
    settings: settingLocations,
    poolers: poolerLocations,
    ...(serverLocation && { server: serverLocation }),
    ...(budgetLocation && { budget: budgetLocation }),
  };
  return { document, settingSources, poolerSources, read, skipped, notes, inis, locations };
}

/** Crunchy PGO's API group (v1beta1, and v1 from PGO 6). */
const PGO_GROUP = 'postgres-operator.crunchydata.com';

/** Where a PostgresCluster writes parameters, as its settings' sources name them. */
const PGO_PARAMETER_PATHS: readonly (readonly string[])[] = [
  ['spec', 'config', 'parameters'],
  ['spec', 'patroni', 'dynamicConfiguration', 'postgresql', 'parameters'],
];

/** What a PostgresCluster gives the topology: one server, its pods' budget, and its PgBouncer. */
interface PostgresClusterTopology {
  readonly version?: number;
  readonly settings: Record<string, { value: string; source: string }>;
  readonly container?: { memoryLimit: number; shmSize: number };
  /** Walsenders: every pod but the primary streams from it. */
  readonly replication: number;
  readonly pooler?: { name: string; replicas: number; config: PgBouncerConfig; source: string };
  readonly notes: string[];
}

/** A PGO parameter value as the operator writes it: Patroni's fmt.Sprint of scalars, IntOrString as text. */
function pgoValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * A Crunchy PGO PostgresCluster (pkg/apis/postgres-operator.crunchydata.com/v1beta1). Parameters as
 * internal/controller/postgrescluster/postgres.go generatePostgresParameters layers them: PGO's
 * defaults (internal/postgres/parameters.go: jit = off; huge_pages.go: try when an instance set
 * limits hugepages-*, else off) < spec.patroni.dynamicConfiguration.postgresql.parameters
 * (internal/patroni/postgres.go) < spec.config.parameters < mandatory (wal_level = logical).
 */
function readPostgresCluster(spec: Obj, id: string, name: string, file: string): PostgresClusterTopology {
  const settings: Record<string, { value: string; source: string }> = {};
  const notes: string[] = [];
  const set = (key: string, value: unknown, source: string): void => {
    settings[key.toLowerCase()] = { value: pgoValue(value), source };
  };

  // Instance sets: every pod runs the same parameters, and any may be promoted, so the smallest
  // memory limit of a set is the budget the worst case must fit.
  const sets = Array.isArray(spec.instances) ? spec.instances.filter(isObj) : [];
  if (sets.length === 0) throw new InputError(`${id} spec.instances: expected at least one instance set`, file);
  let pods = 0;
  let budget: { bytes: number; set: string } | undefined;
  let hugePages: string | undefined;
  sets.forEach((instanceSet, i) => {
    const setName = typeof instanceSet.name === 'string' && instanceSet.name !== '' ? instanceSet.name : String(i);
    const where = `${id} spec.instances[${setName}]`;
    const replicas = instanceSet.replicas ?? 1; // +kubebuilder:default=1, Minimum=1
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1)
      throw new InputError(
        `${where}.replicas: expected a positive whole number, got ${JSON.stringify(replicas)}`,
        file,
      );
    pods += replicas;
    const limits = at(instanceSet, 'resources', 'limits');
    const memory = at(limits, 'memory');
    if (memory === undefined) notes.push(`${where}: no resources.limits.memory`);
    else {
      const bytes = quantityBytes(memory, `${where}.resources.limits.memory`, file);
      if (!budget || bytes < budget.bytes) budget = { bytes, set: `${where}.resources.limits.memory` };
    }
    // huge_pages.go HugePagesRequested: any hugepages-* limit above zero in any instance set.
    for (const [resource, quantity] of Object.entries(isObj(limits) ? limits : {})) {
      if (
        resource.startsWith('hugepages-') &&
        quantityBytes(quantity, `${where}.resources.limits.${resource}`, file) > 0
      )
        hugePages ??= `${where}.resources.limits.${resource}`;
    }
  });

  set('jit', 'off', `${id} (PGO default)`);
  set(
    'huge_pages',
    hugePages ? 'try' : 'off',
    hugePages ? `${hugePages} (PGO sets try)` : `${id} (PGO default: no hugepages limit)`,
  );
  if (hugePages)
    notes.push(
      `${id}: huge_pages = try (${hugePages}); shared memory is still charged to the memory limit, as when the huge pages do not fit`,
    );
  const patroni = at(spec, 'patroni', 'dynamicConfiguration', 'postgresql', 'parameters');
  if (isObj(patroni))
    for (const [k, v] of Object.entries(patroni))
      set(k, v, `${id} spec.patroni.dynamicConfiguration.postgresql.parameters.${k}`);
  const config = at(spec, 'config', 'parameters');
  if (isObj(config)) for (const [k, v] of Object.entries(config)) set(k, v, `${id} spec.config.parameters.${k}`);
  set('wal_level', 'logical', `${id} (PGO mandatory)`);

  let container: PostgresClusterTopology['container'];
  if (budget) {
    // internal/controller/postgrescluster/util.go addDevSHM: a memory emptyDir without a size limit, bounded by the pod's memory.
    container = { memoryLimit: budget.bytes, shmSize: budget.bytes };
    if (sets.length > 1)
      notes.push(`${id}: the budget is the smallest memory limit of its instance sets, ${budget.set}`);
  } else notes.push(`${id}: no memory limit in any instance set; the budget is --ram`);

  const version = spec.postgresVersion;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version)))
    throw new InputError(
      `${id} spec.postgresVersion: expected a major version such as 16, got ${JSON.stringify(version)}`,
      file,
    );
  return {
    ...(typeof version === 'number' && { version }),
    settings,
    ...(container && { container }),
    replication: pods - 1,
    ...readPgoPgBouncer(spec, id, name, file, notes),
    notes,
  };
}

/**
 * spec.proxy.pgBouncer (v1beta1/pgbouncer_types.go): replicas (default 1) PgBouncer pods, each with
 * the ini internal/pgbouncer/config.go clusterINI writes: config.global over PGO's own globals (none
 * of them sizes pools), `[databases] * = host=<cluster>-primary` unless config.databases is given,
 * and config.users. Everything else is PgBouncer's own default (pool_mode session, default_pool_size 20).
 */
function readPgoPgBouncer(
  spec: Obj,
  id: string,
  name: string,
  file: string,
  notes: string[],
): Pick<PostgresClusterTopology, 'pooler'> {
  const pgBouncer = at(spec, 'proxy', 'pgBouncer');
  if (!isObj(pgBouncer)) return {};
  const field = `${id} spec.proxy.pgBouncer`;
  const replicas = pgBouncer.replicas ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw new InputError(`${field}.replicas: expected a whole number, got ${JSON.stringify(replicas)}`, file);
  if (replicas === 0) {
    notes.push(`${field}.replicas is 0: no PgBouncer pods`);
    return {};
  }
  const section = (key: string, fallback: Record<string, string> = {}): Map<string, RawEntry> => {
    const values = at(pgBouncer, 'config', key);
    const given = isObj(values) && Object.keys(values).length > 0;
    const source = given ? values : fallback;
    return new Map(
      Object.entries(source).map(([k, v]) => [
        k,
        {
          value: String(v),
          at: { file, line: 0, field: given ? `${field}.config.${key}.${k}` : `${id} (PGO's [databases] ${k})` },
        },
      ]),
    );
  };
  const settings = section('global');
  // config.files are mounted under /etc/pgbouncer and read first; pgmem cannot see what they set.
  const files = at(pgBouncer, 'config', 'files');
  if (Array.isArray(files) && files.length > 0)
    notes.push(
      `${field}.config.files: pgmem does not read the mounted files; pool settings they make and config.global does not repeat are taken at PgBouncer's defaults`,
    );
  const warnings: IniWarning[] = [];
  for (const [key, entry] of settings)
    if (!isPgBouncerSetting(key))
      warnings.push({ file, line: 0, message: `${entry.at.field}: unknown PgBouncer setting, ignored` });
  const { config } = configFromSections(
    {
      settings,
      databases: section('databases', { '*': `host=${name}-primary` }),
      users: section('users'),
      peers: new Map(),
    },
    `${field}.config`,
    [file],
    warnings,
  );
  notes.push(...warnings.map((w) => w.message));
  return {
    pooler: {
      name: `${name}-pgbouncer`,
      replicas,
      config,
      source: `${field} (replicas ${replicas}, pool_mode ${config.poolMode.value}, default_pool_size ${config.defaultPoolSize.value})`,
    },
  };
}
