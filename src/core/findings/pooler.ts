import { plural } from '../format.js';
import type { FindingFields } from './registry.js';
import { defineRule } from './types.js';

/** PgBouncer's query_wait_timeout default, in seconds (doc/config.md: "Default: 120"; 0 waits forever). */
export const PGBOUNCER_QUERY_WAIT_TIMEOUT = 120;

/**
 * Clients that PgBouncer keeps waiting for a whole session. In transaction and statement mode more
 * clients than server connections is the point of pooling: a server connection is released after
 * each transaction (statement), clients queue only while all are busy, and that is not advised
 * away. In session mode a client holds its server connection until it disconnects, so the clients
 * beyond the pools wait for other sessions to end, and PgBouncer disconnects those that waited
 * query_wait_timeout.
 */
export const poolerCapacity = defineRule({
  id: 'pooler-clients-queue',
  check({ topology }) {
    const out: FindingFields<'pooler-clients-queue'>[] = [];
    for (const pooler of topology?.poolers ?? []) {
      if (pooler.poolMode !== 'session' || pooler.clientConnections <= pooler.capacity) continue;
      const waiting = pooler.clientConnections - pooler.capacity;
      out.push({
        message:
          `${pooler.name}: ${plural(pooler.clientConnections, 'client connection')} share ${plural(pooler.capacity, 'server connection')} ` +
          `(${plural(pooler.replicas, 'replica')}${pooler.processes > 1 ? ` × ${pooler.processes} processes` : ''}, pool_mode = session): each client holds a server connection for its whole session, ` +
          `so ${waiting} wait for others to disconnect, and PgBouncer drops a client that waited query_wait_timeout ` +
          `(${PGBOUNCER_QUERY_WAIT_TIMEOUT} s by default)`,
        fix:
          `pool_mode = transaction if the apps keep no session state (prepared statements before PgBouncer 1.21, SET, advisory locks), ` +
          `or raise default_pool_size (or pool_size) so the pools hold ${pooler.clientConnections}, or shrink the app pools`,
        data: { pooler: pooler.name, clientConnections: pooler.clientConnections, capacity: pooler.capacity, waiting },
      });
    }
    return out;
  },
});

/** PgBouncer refuses clients beyond max_client_conn per process. */
export const poolerClientLimit = defineRule({
  id: 'pooler-client-limit',
  check({ topology }) {
    return (topology?.poolers ?? [])
      .filter((p) => p.clientConnections > p.clientCapacity)
      .map((p) => ({
        message:
          `${p.name}: ${plural(p.clientConnections, 'client connection')} but max_client_conn allows ${p.clientCapacity} ` +
          `(${p.replicas * p.processes} × ${p.clientCapacity / (p.replicas * p.processes)}); the rest get "no more connections allowed (max_client_conn)"`,
        fix: `raise max_client_conn to at least ${Math.ceil(p.clientConnections / (p.replicas * p.processes))} or add replicas`,
        data: { pooler: p.name, clientConnections: p.clientConnections, clientCapacity: p.clientCapacity },
      }));
  },
});
