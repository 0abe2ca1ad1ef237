import { defineRule } from './types.js';

/** Replication connections use walsender slots, not client slots. */
export const replicationSlots = defineRule({
  id: 'replication-exceeds-wal-senders',
  check({ model, replicationConnections }) {
    const wanted = replicationConnections ?? 0;
    const max = model.input.settings.num('max_wal_senders');
    if (wanted <= max) return [];
    return [
      {
        setting: 'max_wal_senders',
        message: `${wanted} replication connections but max_wal_senders is ${max}: the rest get "number of requested standby connections exceeds max_wal_senders"`,
        fix: `raise max_wal_senders to at least ${wanted}`,
        data: { replicationConnections: wanted, maxWalSenders: max },
      },
    ];
  },
});
