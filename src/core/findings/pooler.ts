import type { FindingBody, FindingRule } from './types.js';

/** Clients that PgBouncer makes wait (pool too small) or turns away (max_client_conn). */
export const poolerCapacity: FindingRule = {
  id: 'pooler-clients-queue',
  title: 'Pooler clients queue for server connections',
  check({ topology }) {
    const out: FindingBody[] = [];
    for (const pooler of topology?.poolers ?? []) {
      if (pooler.clientConnections <= pooler.capacity) continue;
      const session = pooler.poolMode === 'session';
      out.push({
        severity: session ? 'warning' : 'info',
        message:
          `${pooler.name}: ${pooler.clientConnections} client connections share ${pooler.capacity} server connections ` +
          `(${pooler.replicas} replica${pooler.replicas > 1 ? 's' : ''}, pool_mode = ${pooler.poolMode})` +
          (session
            ? '; in session mode each client holds a server connection for its whole session, so the rest wait'
            : '; clients wait when more transactions are open at once than there are server connections'),
        fix: `raise default_pool_size (or pool_size) so the pools hold ${pooler.clientConnections}, or shrink the app pools`,
        data: { pooler: pooler.name, clientConnections: pooler.clientConnections, capacity: pooler.capacity },
      });
    }
    return out;
  },
};

/** PgBouncer refuses clients beyond max_client_conn per process. */
export const poolerClientLimit: FindingRule = {
  id: 'pooler-client-limit',
  title: 'More clients than PgBouncer accepts',
  check({ topology }) {
    return (topology?.poolers ?? [])
      .filter((p) => p.clientConnections > p.clientCapacity)
      .map((p) => ({
        severity: 'error' as const,
        message:
          `${p.name}: ${p.clientConnections} client connections but max_client_conn allows ${p.clientCapacity} ` +
          `(${p.replicas} × ${p.clientCapacity / p.replicas}); the rest get "no more connections allowed (max_client_conn)"`,
        fix: `raise max_client_conn to at least ${Math.ceil(p.clientConnections / p.replicas)} or add replicas`,
        data: { pooler: p.name, clientConnections: p.clientConnections, clientCapacity: p.clientCapacity },
      }));
  },
};
