/**
 * PgBouncer's own configuration as the model sees it, and the pools it opens for a set of clients.
 * Rules from PgBouncer's source (src/server.c, src/objects.c launch_new_connection, src/janitor.c)
 * and doc/config.md. Pure.
 */

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
  /** PgBouncer processes per replica (so_reuseport or peers), each with its own pools. Default 1. */
  readonly processes?: number;
  /** The pgbouncer.ini its pools come from; then `pools` and the sizes above are ignored. */
  readonly ini?: PgBouncerConfig;
  /** Where the pooler was described (a pgbouncer.ini, a manifest's resource and field). */
  readonly source?: string;
}

/** PgBouncer's pool modes. */
export type PoolMode = 'session' | 'transaction' | 'statement';

/** A value and the file:line that set it (null: PgBouncer's default). */
export interface Sourced<T> {
  readonly value: T;
  readonly source: string | null;
}

/** One [databases] entry; `*` is the fallback for every other database name. */
export interface PgBouncerDatabase {
  readonly name: string;
  readonly source: string;
  readonly dbname?: string;
  /** `user=`: every client of this database shares one pool, as this user. */
  readonly forcedUser?: string;
  readonly poolSize?: number;
  readonly reservePoolSize?: number;
  readonly minPoolSize?: number;
  readonly maxDbConnections?: number;
  readonly poolMode?: PoolMode;
}

/** One [users] entry. */
export interface PgBouncerUser {
  readonly name: string;
  readonly source: string;
  readonly poolSize?: number;
  readonly reservePoolSize?: number;
  readonly maxUserConnections?: number;
  readonly poolMode?: PoolMode;
}

/** A pgbouncer.ini with its includes: what bounds the server connections of one process. */
export interface PgBouncerConfig {
  /** The main file, as shown in reports. */
  readonly file: string;
  readonly files: readonly string[];
  readonly poolMode: Sourced<PoolMode>;
  readonly defaultPoolSize: Sourced<number>;
  readonly minPoolSize: Sourced<number>;
  readonly reservePoolSize: Sourced<number>;
  readonly reservePoolTimeoutSeconds: Sourced<number>;
  readonly maxClientConn: Sourced<number>;
  /** 0 = unlimited. */
  readonly maxDbConnections: Sourced<number>;
  /** 0 = unlimited. */
  readonly maxUserConnections: Sourced<number>;
  readonly soReuseport: boolean;
  readonly peerId: number;
  /** peer_ids listed in [peers]. */
  readonly peers: readonly number[];
  /** listen_addr:listen_port, to tell processes sharing a port (so_reuseport). */
  readonly listen: string;
  readonly databases: readonly PgBouncerDatabase[];
  readonly users: readonly PgBouncerUser[];
}

/** A client of a PgBouncer: an app's connections, as a user, to a database (undefined: not known). */
export interface PgBouncerClient {
  readonly name: string;
  readonly user: string | undefined;
  readonly database: string | undefined;
  readonly connections: number;
}

/** One pool a client set lands in, per PgBouncer process. */
export interface DerivedPool {
  readonly database: string;
  readonly user: string;
  /** pool_size + reserve_pool_size of one process; Infinity when pool_size is 0 (unlimited) or users are not known. */
  readonly cap: number;
  /** Connections kept open without waiting clients (min_pool_size, capped at the pool size). */
  readonly minOpen: number;
  readonly poolMode: PoolMode;
  /** Server connections of all pools of this database, per process (0 = unlimited), and its key. */
  readonly dbKey: string;
  readonly dbLimit: number;
  readonly userKey: string;
  readonly userLimit: number;
  /** Where the pool's size was set. */
  readonly source: string | null;
  /** Indexes of the clients in this pool. */
  readonly clients: readonly number[];
}

/** The pools of one PgBouncer process for the clients, or the reason a client cannot be placed. */
export function derivePools(
  config: PgBouncerConfig,
  clients: readonly PgBouncerClient[],
): { pools: DerivedPool[]; problems: string[] } {
  const problems: string[] = [];
  const byKey = new Map<string, DerivedPool & { clients: number[] }>();
  const named = config.databases.filter((d) => d.name !== '*');
  const wildcard = config.databases.find((d) => d.name === '*');
  clients.forEach((client, index) => {
    let database = client.database;
    if (database === undefined && client.user === undefined && named.length + (wildcard ? 1 : 0) > 1) {
      // Any users, any database: one pool standing for all of them, holding what every entry allows
      // together (an unlimited entry, or the * fallback's endless database names, leave it unbounded).
      byKey.set(`\u0000any\u0000${index}`, {
        database: '*',
        user: '*',
        cap: config.databases.reduce((sum, entry) => sum + entryLimit(config, entry), 0),
        minOpen: 0,
        poolMode: config.poolMode.value,
        dbKey: `*${client.name}`,
        dbLimit: 0,
        userKey: `*${client.name}`,
        userLimit: 0,
        source: config.file,
        clients: [index],
      });
      return;
    }
    if (database === undefined) {
      if (named.length === 1 && !wildcard) database = named[0]!.name;
      else if (named.length === 0 && wildcard) database = undefined;
      else {
        problems.push(
          `${client.name}: name the database it connects to: ${config.file} serves ${[...named.map((d) => d.name), ...(wildcard ? ['*'] : [])].join(', ')}`,
        );
        return;
      }
    }
    const entry = database === undefined ? wildcard! : (named.find((d) => d.name === database) ?? wildcard);
    if (!entry) {
      problems.push(
        `${client.name}: database "${database}" is not in ${config.file}'s [databases] and there is no * fallback`,
      );
      return;
    }
    const user = entry.forcedUser ?? client.user;
    const userEntry = user === undefined ? undefined : config.users.find((u) => u.name === user);
    // src/server.c pool_pool_size / pool_res_pool_size: the user's, else the database's, else the global value.
    const poolSize = userEntry?.poolSize ?? entry.poolSize ?? config.defaultPoolSize.value;
    // src/objects.c: the reserve is only used once a client has waited reserve_pool_timeout; 0 disables it.
    const reserve =
      config.reservePoolTimeoutSeconds.value > 0
        ? (userEntry?.reservePoolSize ?? entry.reservePoolSize ?? config.reservePoolSize.value)
        : 0;
    // pool_size 0 puts no limit on the pool (launch_new_connection only checks it when > 0); an unknown
    // set of users means any number of pools of this database, so only the database's cap holds.
    const cap = poolSize === 0 || user === undefined ? Infinity : poolSize + reserve;
    const minPool = entry.minPoolSize ?? config.minPoolSize.value;
    const dbName = database ?? `*${client.name}`;
    const key = `${dbName}\u0000${user ?? '*'}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.clients.push(index);
      return;
    }
    byKey.set(key, {
      database: database ?? '*',
      user: user ?? '*',
      cap,
      minOpen: user === undefined ? 0 : Math.min(minPool, poolSize === 0 ? minPool : poolSize),
      poolMode: userEntry?.poolMode ?? entry.poolMode ?? config.poolMode.value,
      dbKey: dbName,
      dbLimit:
        entry.maxDbConnections && entry.maxDbConnections > 0 ? entry.maxDbConnections : config.maxDbConnections.value,
      userKey: user ?? `*${client.name}`,
      userLimit:
        user === undefined
          ? 0
          : userEntry?.maxUserConnections && userEntry.maxUserConnections > 0
            ? userEntry.maxUserConnections
            : config.maxUserConnections.value,
      source:
        userEntry?.poolSize !== undefined
          ? userEntry.source
          : entry.poolSize !== undefined
            ? entry.source
            : config.defaultPoolSize.source,
      clients: [index],
    });
  });
  return { pools: [...byKey.values()], problems };
}

/** Server connections one process may open for a database entry whatever users connect (Infinity: no bound). */
function entryLimit(config: PgBouncerConfig, entry: PgBouncerDatabase): number {
  if (entry.name === '*') return Infinity;
  const dbLimit =
    entry.maxDbConnections && entry.maxDbConnections > 0 ? entry.maxDbConnections : config.maxDbConnections.value;
  let limit = dbLimit > 0 ? dbLimit : Infinity;
  if (entry.forcedUser !== undefined) {
    const user = config.users.find((u) => u.name === entry.forcedUser);
    const poolSize = user?.poolSize ?? entry.poolSize ?? config.defaultPoolSize.value;
    const reserve =
      config.reservePoolTimeoutSeconds.value > 0
        ? (user?.reservePoolSize ?? entry.reservePoolSize ?? config.reservePoolSize.value)
        : 0;
    const userLimit =
      user?.maxUserConnections && user.maxUserConnections > 0
        ? user.maxUserConnections
        : config.maxUserConnections.value;
    limit = Math.min(limit, poolSize === 0 ? Infinity : poolSize + reserve, userLimit > 0 ? userLimit : Infinity);
  }
  return limit;
}

/**
 * PgBouncer processes behind one address: the files given for the same listen address with
 * so_reuseport, or the peers a file lists (each process has its own pools; doc/config.md so_reuseport, peer_id).
 */
export function processCount(configs: readonly PgBouncerConfig[]): number {
  const peers = Math.max(0, ...configs.map((c) => c.peers.length));
  return Math.max(configs.length, peers, 1);
}

/** An edge of the flow network below. */
interface Edge {
  readonly to: number;
  cap: number;
  readonly rev: number;
}

/**
 * The largest number of server connections pools can hold at once within their own caps, the
 * per-user and per-database caps, and their clients' demand: a maximum flow
 * source → user (max_user_connections) → pool (pool size, clients) → database (max_db_connections) → sink.
 * Taking pools one by one would fill one user's pools first and understate what other users still get.
 * Caps are per process; `multiplier` (replicas × processes) scales them, demands stay totals.
 */
export function maxServerConnections(
  pools: readonly { cap: number; demand: number; userKey: string; userLimit: number; dbKey: string; dbLimit: number }[],
  multiplier: number,
): number[] {
  const users = [...new Set(pools.map((p) => p.userKey))];
  const dbs = [...new Set(pools.map((p) => p.dbKey))];
  const source = 0;
  const sink = 1;
  const userNode = (k: string): number => 2 + users.indexOf(k);
  const dbNode = (k: string): number => 2 + users.length + dbs.indexOf(k);
  const graph: Edge[][] = Array.from({ length: 2 + users.length + dbs.length }, () => []);
  const add = (from: number, to: number, cap: number): [number, number] => {
    graph[from]!.push({ to, cap, rev: graph[to]!.length });
    graph[to]!.push({ to: from, cap: 0, rev: graph[from]!.length - 1 });
    return [from, graph[from]!.length - 1];
  };
  const limit = (l: number): number => (l > 0 ? l * multiplier : Infinity);
  for (const u of users) add(source, userNode(u), limit(pools.find((p) => p.userKey === u)!.userLimit));
  for (const d of dbs) add(dbNode(d), sink, limit(pools.find((p) => p.dbKey === d)!.dbLimit));
  const poolEdges = pools.map((p) => add(userNode(p.userKey), dbNode(p.dbKey), Math.min(p.cap * multiplier, p.demand)));
  const initial = poolEdges.map(([n, i]) => graph[n]![i]!.cap);
  // Edmonds–Karp: breadth-first augmenting paths. Capacities are finite on every source-to-sink
  // path because each pool edge is bounded by its demand.
  for (;;) {
    const prev: ([number, number] | null)[] = graph.map(() => null);
    const queue = [source];
    const seen = new Set([source]);
    while (queue.length > 0 && !seen.has(sink)) {
      const node = queue.shift()!;
      graph[node]!.forEach((edge, i) => {
        if (edge.cap > 0 && !seen.has(edge.to)) {
          seen.add(edge.to);
          prev[edge.to] = [node, i];
          queue.push(edge.to);
        }
      });
    }
    if (!seen.has(sink)) break;
    let push = Infinity;
    for (let v = sink; v !== source; v = prev[v]![0]) push = Math.min(push, graph[prev[v]![0]]![prev[v]![1]]!.cap);
    for (let v = sink; v !== source; v = prev[v]![0]) {
      const edge = graph[prev[v]![0]]![prev[v]![1]]!;
      edge.cap -= push;
      graph[edge.to]![edge.rev]!.cap += push;
    }
  }
  return poolEdges.map(([n, i], k) => initial[k]! - graph[n]![i]!.cap);
}

/**
 * A topology pooler from the pgbouncer.ini files of its processes (one file per process sharing a
 * port, or one file listing its [peers]). The first file's pools stand for all: PgBouncer's own
 * multi-process example gives every process the same [databases].
 */
export function poolerFromIni(
  name: string,
  configs: readonly PgBouncerConfig[],
  options: { replicas?: number; processes?: number } = {},
): PoolerSpec {
  const first = configs[0]!;
  return {
    name,
    replicas: options.replicas ?? 1,
    processes: options.processes ?? processCount(configs),
    poolMode: first.poolMode.value,
    defaultPoolSize: first.defaultPoolSize.value,
    minPoolSize: first.minPoolSize.value,
    reservePoolSize: first.reservePoolSize.value,
    maxDbConnections: first.maxDbConnections.value,
    maxUserConnections: first.maxUserConnections.value,
    maxClientConn: first.maxClientConn.value,
    ini: first,
    source: first.file,
  };
}

/** Files that are processes of one PgBouncer: the same listen address and port with so_reuseport. */
export function groupProcesses(configs: readonly PgBouncerConfig[]): PgBouncerConfig[][] {
  const groups: PgBouncerConfig[][] = [];
  for (const config of configs) {
    const shared = config.soReuseport
      ? groups.find((g) => g[0]!.soReuseport && g[0]!.listen === config.listen)
      : undefined;
    if (shared) shared.push(config);
    else groups.push([config]);
  }
  return groups;
}
