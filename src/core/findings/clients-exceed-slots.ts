import { plural } from '../format.js';
import { defineRule } from './types.js';

/** More client connections than non-reserved slots: the rest get "too many clients already". */
export const clientsExceedSlots = defineRule({
  id: 'clients-exceed-slots',
  check({ model }) {
    const { clients, usableSlots, maxConnections, refused } = model.connections;
    if (refused === 0) return [];
    const reserved = maxConnections - usableSlots;
    return [
      {
        setting: 'max_connections',
        message:
          `${plural(clients, 'client connection')} but only ${plural(usableSlots, 'usable slot')} ` +
          `(max_connections ${maxConnections} − ${reserved} reserved): ${refused} would fail with ` +
          `"sorry, too many clients already" or "remaining connection slots are reserved"`,
        fix: `raise max_connections to at least ${clients + reserved}, put a pooler in front, or shrink the pools`,
        data: { clients, usableSlots, maxConnections, refused, neededMaxConnections: clients + reserved },
      },
    ];
  },
});
