/**
 * Connection topology: app groups with pools, autoscalers and rollouts, PgBouncer in between,
 * admin sessions. Turns a validated topology into client groups for the model. Pure.
 */
import type { ClientGroup } from './model.js';
import type { SettingAssignment } from './settings.js';

/** How many pods an app can run: a fixed count or an autoscaler's range. */
export type PodCount = number | { readonly min: number; readonly max: number };

/** Extra pods during a rolling update: a count or a percentage of the pods ("25%"). */
export type Surge = number | `${number}%`;

/** Role-level settings an app's connections run with (ALTER ROLE … SET). */
export interface RoleSpec {
  readonly name?: string;
  readonly settings: Readonly<Record<string, string>>;
}

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
}

/** One (database, user) pool of a PgBouncer, with its own limits where set. */
export interface PoolSpec {
  readonly database: string;
  readonly user: string;
  readonly poolSize?: number;
  readonly reservePoolSize?: number;
}

/** A PgBouncer deployment (all replicas alike). Defaults are PgBouncer's own (doc/config.md). */
export interface PoolerSpec {
  readonly name: string;
  readonly replicas: number;
  readonly poolMode: 'session' | 'transaction' | 'statement';
  readonly defaultPoolSize: number;
  readonly minPoolSize: number;
  readonly reservePoolSize: number;
  /** 0 = unlimited. */
  readonly maxDbConnections: number;
  /** 0 = unlimited. */
  readonly maxUserConnections: number;
  readonly maxClientConn: number;
  /** Pools it keeps; when absent, one per app connecting through it, named after the app's role. */
  readonly pools?: readonly PoolSpec[];
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
  readonly poolMode: PoolerSpec['poolMode'];
  readonly clientConnections: number;
  /** Server connections all replicas may open: Σ pools (pool size + reserve), capped, × replicas. */
  readonly capacity: number;
  /** Server connections in the worst case: capacity, but never more than the clients need. */
  readonly serverConnections: number;
  /** Client connections each replica accepts (max_client_conn × replicas). */
  readonly clientCapacity: number;
  readonly pools: readonly { database: string; user: string; cap: number; clients: number; serverConnections: number }[];
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
    groups.push({ name: app.name, connections: apps[i]!.connections, overrides: roleOverrides(app, `topology:apps[${i}].role`) });
  });

  const poolers = spec.poolers.map((pooler) => resolvePooler(pooler, spec, apps, groups));

  if (spec.adminConnections > 0) {
    groups.push({ name: 'admin', connections: spec.adminConnections, overrides: [], reservedSlots: true });
  }
  return { groups, apps, poolers, adminConnections: spec.adminConnections };
}

/**
 * PgBouncer opens at most pool_size + reserve_pool_size server connections per (database, user)
 * pool and replica, within max_db_connections and max_user_connections (doc/config.md); clients
 * beyond that queue and never become backends.
 */
function resolvePooler(
  pooler: PoolerSpec,
  spec: TopologySpec,
  apps: readonly AppSummary[],
  groups: ClientGroup[],
): PoolerSummary {
  const through = spec.apps.map((app, i) => ({ app, summary: apps[i]!, index: i })).filter((a) => a.app.via === pooler.name);
  const userOf = (app: AppSpec): string => app.role?.name ?? app.name;
  const pools: PoolSpec[] = pooler.pools?.length
    ? [...pooler.pools]
    : through.map(({ app }) => ({ database: 'postgres', user: userOf(app) }));

  // Per replica: pool caps, then the per-user and per-database ceilings, taken in pool order.
  const caps = pools.map((p) => (p.poolSize ?? pooler.defaultPoolSize) + (p.reservePoolSize ?? pooler.reservePoolSize));
  const capBy = (limit: number, keyOf: (p: PoolSpec) => string): void => {
    if (limit <= 0) return;
    const used = new Map<string, number>();
    pools.forEach((p, i) => {
      const key = keyOf(p);
      const left = limit - (used.get(key) ?? 0);
      caps[i] = Math.max(0, Math.min(caps[i]!, left));
      used.set(key, (used.get(key) ?? 0) + caps[i]!);
    });
  };
  capBy(pooler.maxUserConnections, (p) => p.user);
  capBy(pooler.maxDbConnections, (p) => p.database);

  // Clients of a pool: the apps through this pooler whose role is the pool's user, spread over
  // its databases evenly when one user has several pools.
  const poolSummaries = pools.map((pool, i) => {
    const users = through.filter(({ app }) => userOf(app) === pool.user);
    const sameUserPools = pools.filter((p) => p.user === pool.user).length;
    const clients = Math.ceil(users.reduce((sum, u) => sum + u.summary.connections, 0) / sameUserPools);
    const serverConnections = Math.min(clients, caps[i]! * pooler.replicas);
    const app = users[0];
    groups.push({
      name: poolGroupName(pooler.name, pool.database, pool.user),
      connections: serverConnections,
      overrides: app ? roleOverrides(app.app, `topology:apps[${app.index}].role`) : [],
    });
    return { database: pool.database, user: pool.user, cap: caps[i]! * pooler.replicas, clients, serverConnections };
  });

  const clientConnections = through.reduce((sum, a) => sum + a.summary.connections, 0);
  return {
    name: pooler.name,
    replicas: pooler.replicas,
    poolMode: pooler.poolMode,
    clientConnections,
    capacity: poolSummaries.reduce((sum, p) => sum + p.cap, 0),
    serverConnections: poolSummaries.reduce((sum, p) => sum + p.serverConnections, 0),
    clientCapacity: pooler.maxClientConn * pooler.replicas,
    pools: poolSummaries,
  };
}
