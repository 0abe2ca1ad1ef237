/**
 * Connection topology: app groups with pools, autoscalers and rollouts, PgBouncer in between,
 * admin sessions. Turns a validated topology into client groups for the model. Pure.
 */
import type { ClientGroup, GroupWorkload } from './model.js';
import { WORKLOAD_PROFILES, type WorkloadKind } from './presets.js';
import { countsShape, type QueryShape } from './workload.js';
import { derivePools, maxServerConnections, type PoolerSpec, type PoolSpec } from './pgbouncer.js';
import type { SettingAssignment } from './settings.js';

export type { PoolerSpec, PoolSpec } from './pgbouncer.js';

/** How many pods an app can run: a fixed count or an autoscaler's range. */
export type PodCount = number | { readonly min: number; readonly max: number };

/** Extra pods during a rolling update: a count or a percentage of the pods ("25%"). */
export type Surge = number | `${number}%`;

/** Role-level settings an app's connections run with (ALTER ROLE … SET). */
export interface RoleSpec {
  readonly name?: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** What an app's own workload may say beside its queries. */
interface AppWorkloadOptions {
  /** Whether parallel query may run for its queries; absent, as the server's workload says. */
  readonly parallel?: boolean;
  /** Whether its sessions may fill temp_buffers; absent, as the server's workload says. */
  readonly tempBuffers?: boolean;
}

/**
 * An app's own workload: a preset (what --workload means), node counts, or the plans of its queries
 * (read and classified by the caller, with their files as shown).
 */
export type AppWorkload = AppWorkloadOptions &
  (
    | { readonly kind: 'preset'; readonly preset: WorkloadKind }
    | { readonly kind: 'counts'; readonly sortOps: number; readonly hashOps: number }
    | { readonly kind: 'plans'; readonly files: readonly string[]; readonly queries: readonly QueryShape[] }
  );

/** One application tier that keeps a connection pool per pod. */
export interface AppSpec {
  readonly name: string;
  readonly pods: PodCount;
  /** Connections per pod (the app-side pool's maximum). */
  readonly pool: number;
  readonly maxSurge?: Surge;
  readonly role?: RoleSpec;
  /** Name of the pooler it connects through; direct when absent. */
  readonly via?: string;
  /** The database it connects to (picks its PgBouncer pool); needed when a pgbouncer.ini serves several. */
  readonly database?: string;
  /** Its clients connect as any users (unknown): no per-user pool limits them. */
  readonly anyUser?: boolean;
  /** Its own queries; absent, its backends run the server's workload (flags, the topology's `workload:`). */
  readonly workload?: AppWorkload;
}

/** The application side of a topology. */
export interface TopologySpec {
  readonly apps: readonly AppSpec[];
  readonly poolers: readonly PoolerSpec[];
  /** Admin, monitoring and migration sessions, which may use the superuser-reserved slots. */
  readonly adminConnections: number;
}

/** The container the server runs in. */
export interface ContainerSpec {
  /** The cgroup memory limit: the budget everything must fit in. */
  readonly memoryLimitBytes: number;
  /** Size of /dev/shm, where parallel query's dynamic shared memory lives (Docker's default: 64 MB). */
  readonly shmBytes: number;
}

/** Docker's default /dev/shm size. */
export const DOCKER_DEFAULT_SHM_BYTES = 64 * 1024 * 1024;

/** An app's contribution, for tables and JSON. */
export interface AppSummary {
  readonly name: string;
  readonly pods: number;
  /** Pods in the worst case: the autoscaler's maximum plus the rollout surge. */
  readonly podsWorstCase: number;
  readonly surgePods: number;
  readonly pool: number;
  readonly connections: number;
  readonly via: string | null;
  readonly role: string | null;
}

/** A pooler's contribution. */
export interface PoolerSummary {
  readonly name: string;
  readonly replicas: number;
  /** PgBouncer processes per replica. */
  readonly processes: number;
  /** The pgbouncer.ini or manifest it was read from; null for a topology's own fields. */
  readonly source: string | null;
  readonly poolMode: PoolerSpec['poolMode'];
  readonly clientConnections: number;
  /** Server connections all replicas may open: Σ pools (pool size + reserve), capped, × replicas. */
  readonly capacity: number;
  /** Server connections in the worst case: capacity, but never more than the clients need. */
  readonly serverConnections: number;
  /** Client connections all processes accept (max_client_conn × replicas × processes). */
  readonly clientCapacity: number;
  readonly pools: readonly PoolSummary[];
}

/** One (database, user) pool of a pooler, over all its replicas and processes. */
export interface PoolSummary {
  readonly database: string;
  readonly user: string;
  /** What the pool can hold: (pool_size + reserve) × replicas × processes within the user and database caps; its clients when nothing limits it. */
  readonly cap: number;
  readonly clients: number;
  readonly serverConnections: number;
  readonly poolMode: PoolerSpec['poolMode'];
  /** Where the pool's size was set (file:line), null for a default. */
  readonly source: string | null;
}

/** Groups for the model plus what the topology looked like. */
export interface ResolvedTopology {
  readonly groups: ClientGroup[];
  readonly apps: AppSummary[];
  readonly poolers: PoolerSummary[];
  readonly adminConnections: number;
}

/** The client group of one PgBouncer pool: its server connections, as the model and reports name them. */
export function poolGroupName(pooler: string, database: string, user: string): string {
  return `${pooler}: ${database}/${user}`;
}

/** Pods in the worst case: the autoscaler's max plus the surge of a rolling update. */
export function worstCasePods(pods: PodCount, surge: Surge | undefined): { pods: number; surge: number } {
  const max = typeof pods === 'number' ? pods : pods.max;
  // Kubernetes rounds a percentage maxSurge up (deployment util: intstr scaled value, round up).
  const extra =
    surge === undefined ? 0 : typeof surge === 'number' ? surge : Math.ceil((max * Number(surge.slice(0, -1))) / 100);
  return { pods: max + extra, surge: extra };
}

/** The query shapes and source of one app's own workload. */
export function appGroupWorkload(app: AppSpec): GroupWorkload | null {
  const w = app.workload;
  if (!w) return null;
  const options = {
    ...(w.parallel !== undefined && { parallel: w.parallel }),
    ...(w.tempBuffers !== undefined && { tempBuffers: w.tempBuffers }),
  };
  switch (w.kind) {
    case 'preset': {
      const profile = WORKLOAD_PROFILES[w.preset];
      return {
        queries: [countsShape(profile.sortOps, profile.hashOps, `${app.name}: ${w.preset}`)],
        sources: [{ kind: 'preset', origin: 'app', app: app.name, preset: w.preset }],
        ...options,
      };
    }
    case 'counts':
      return {
        queries: [countsShape(w.sortOps, w.hashOps, `${app.name}: sortOps ${w.sortOps}, hashOps ${w.hashOps}`)],
        sources: [{ kind: 'counts', origin: 'app', app: app.name }],
        ...options,
      };
    case 'plans':
      return {
        queries: w.queries,
        sources: [{ kind: 'plans', origin: 'app', app: app.name, files: [...w.files] }],
        ...options,
      };
  }
}

/**
 * The workload of backends that serve several apps (a PgBouncer pool): any of their queries, and the
 * server's workload too when one of them has none of its own. Parallel query and temp_buffers are
 * allowed when any of them allows them; null when none has its own workload.
 */
export function sharedGroupWorkload(apps: readonly AppSpec[]): GroupWorkload | null {
  const own = apps.map(appGroupWorkload);
  const given = own.filter((w): w is GroupWorkload => w !== null);
  if (given.length === 0) return null;
  if (given.length === 1 && own.length === 1) return given[0]!;
  const either = (pick: (w: GroupWorkload | null) => boolean | undefined): boolean | undefined => {
    const values = own.map(pick);
    return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
  };
  const parallel = either((w) => w?.parallel);
  const tempBuffers = either((w) => w?.tempBuffers);
  return {
    queries: given.flatMap((w) => w.queries),
    sources: given.flatMap((w) => w.sources ?? []),
    ...(given.length < own.length && { withServerQueries: true }),
    ...(parallel !== undefined && { parallel }),
    ...(tempBuffers !== undefined && { tempBuffers }),
  };
}

function roleOverrides(app: AppSpec, source: string): SettingAssignment[] {
  return Object.entries(app.role?.settings ?? {}).map(([name, value]) => ({ name, value, source }));
}

/** Resolves apps, poolers and admin sessions into client groups. */
export function resolveTopology(spec: TopologySpec): ResolvedTopology {
  const groups: ClientGroup[] = [];
  const apps: AppSummary[] = spec.apps.map((app) => {
    const worst = worstCasePods(app.pods, app.maxSurge);
    return {
      name: app.name,
      pods: typeof app.pods === 'number' ? app.pods : app.pods.max,
      podsWorstCase: worst.pods,
      surgePods: worst.surge,
      pool: app.pool,
      connections: worst.pods * app.pool,
      via: app.via ?? null,
      role: app.role?.name ?? null,
    };
  });

  spec.apps.forEach((app, i) => {
    if (app.via) return;
    const workload = appGroupWorkload(app);
    groups.push({
      name: app.name,
      connections: apps[i]!.connections,
      overrides: roleOverrides(app, `topology:apps[${i}].role`),
      ...(workload && { workload }),
    });
  });

  const poolers = spec.poolers.map((pooler) => resolvePooler(pooler, spec, apps, groups));

  if (spec.adminConnections > 0) {
    groups.push({ name: 'admin', connections: spec.adminConnections, overrides: [], reservedSlots: true });
  }
  return { groups, apps, poolers, adminConnections: spec.adminConnections };
}

/**
 * PgBouncer opens at most pool_size + reserve_pool_size server connections per (database, user)
 * pool and process, within max_db_connections and max_user_connections (doc/config.md); clients
 * beyond that queue and never become backends. Every process (replicas × processes) keeps its own
 * pools and counts.
 */
function resolvePooler(
  pooler: PoolerSpec,
  spec: TopologySpec,
  apps: readonly AppSummary[],
  groups: ClientGroup[],
): PoolerSummary {
  const through = spec.apps
    .map((app, i) => ({ app, summary: apps[i]!, index: i }))
    .filter((a) => a.app.via === pooler.name);
  const userOf = (app: AppSpec): string => app.role?.name ?? app.name;
  const processes = pooler.processes ?? 1;
  const multiplier = pooler.replicas * processes;

  interface Pool {
    database: string;
    user: string;
    cap: number;
    minOpen: number;
    clients: number;
    userKey: string;
    userLimit: number;
    dbKey: string;
    dbLimit: number;
    poolMode: PoolerSpec['poolMode'];
    source: string | null;
    /** The app whose role settings the pool's backends run with. */
    app: (typeof through)[number] | undefined;
    /** Every app whose clients it serves: its backends run their queries. */
    clientApps: readonly AppSpec[];
  }
  let pools: Pool[];
  if (pooler.ini) {
    const derived = derivePools(
      pooler.ini,
      through.map(({ app, summary }) => ({
        name: app.name,
        user: app.role?.name ?? (app.anyUser ? undefined : app.name),
        database: app.database,
        connections: summary.connections,
      })),
    );
    if (derived.problems[0]) throw new TopologyError(`poolers: ${pooler.name}: ${derived.problems[0]}`);
    pools = derived.pools.map((p) => ({
      ...p,
      clients: p.clients.reduce((sum, i) => sum + through[i]!.summary.connections, 0),
      app: through[p.clients[0]!],
      clientApps: p.clients.map((i) => through[i]!.app),
    }));
  } else {
    const specPools: PoolSpec[] = pooler.pools?.length
      ? [...pooler.pools]
      : through.map(({ app }) => ({ database: 'postgres', user: userOf(app) }));
    // Clients of a pool: the apps through this pooler whose role is the pool's user, spread over
    // its databases evenly when one user has several pools.
    pools = specPools.map((p) => {
      const users = through.filter(({ app }) => userOf(app) === p.user);
      const sameUserPools = specPools.filter((q) => q.user === p.user).length;
      return {
        database: p.database,
        user: p.user,
        // pool_size 0: no limit on the pool (src/objects.c launch_new_connection checks it only when > 0).
        cap:
          (p.poolSize ?? pooler.defaultPoolSize) === 0
            ? Infinity
            : (p.poolSize ?? pooler.defaultPoolSize) + (p.reservePoolSize ?? pooler.reservePoolSize),
        minOpen: 0,
        clients: Math.ceil(users.reduce((sum, u) => sum + u.summary.connections, 0) / sameUserPools),
        userKey: p.user,
        userLimit: pooler.maxUserConnections,
        dbKey: p.database,
        dbLimit: pooler.maxDbConnections,
        poolMode: pooler.poolMode,
        source: pooler.source ?? null,
        app: users[0],
        clientApps: users.map((u) => u.app),
      };
    });
  }

  // What the pools can hold (their caps within the user and database caps), and what they hold for these clients.
  const capacities = maxServerConnections(
    pools.map((p) => ({ ...p, demand: Number.isFinite(p.cap) ? p.cap * multiplier : p.clients })),
    multiplier,
  );
  const served = maxServerConnections(
    pools.map((p) => ({ ...p, demand: p.clients === 0 ? 0 : Math.max(p.clients, p.minOpen * multiplier) })),
    multiplier,
  );
  const poolSummaries: PoolSummary[] = pools.map((pool, i) => {
    const serverConnections = served[i]!;
    const workload = sharedGroupWorkload(pool.clientApps);
    groups.push({
      name: poolGroupName(pooler.name, pool.database, pool.user),
      connections: serverConnections,
      overrides: pool.app ? roleOverrides(pool.app.app, `topology:apps[${pool.app.index}].role`) : [],
      ...(workload && { workload }),
    });
    return {
      database: pool.database,
      user: pool.user,
      cap: capacities[i]!,
      clients: pool.clients,
      serverConnections,
      poolMode: pool.poolMode,
      source: pool.source,
    };
  });

  const clientConnections = through.reduce((sum, a) => sum + a.summary.connections, 0);
  return {
    name: pooler.name,
    replicas: pooler.replicas,
    processes,
    source: pooler.source ?? null,
    poolMode: pooler.poolMode,
    clientConnections,
    capacity: poolSummaries.reduce((sum, p) => sum + p.cap, 0),
    serverConnections: poolSummaries.reduce((sum, p) => sum + p.serverConnections, 0),
    clientCapacity: pooler.maxClientConn * multiplier,
    pools: poolSummaries,
  };
}

/** A topology the pools cannot be derived from (an app whose database a pgbouncer.ini does not serve). */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}
