import { defineRule } from './types.js';

/** MAX_BACKENDS: 2^18 − 1 process slots (postmaster.h / proc.h). */
const MAX_BACKENDS = 0x3ffff;

/** The postmaster refuses more process slots than MAX_BACKENDS (InitializeMaxBackends in postinit.c). */
export const tooManyProcesses = defineRule({
  id: 'too-many-processes',
  check({ model }) {
    const maxBackends = model.shared.maxBackends;
    if (maxBackends <= MAX_BACKENDS) return [];
    return [
      {
        setting: 'max_connections',
        message: `the server refuses to start: max_connections plus autovacuum, worker and walsender slots make ${maxBackends} process slots, more than ${MAX_BACKENDS}`,
        fix: 'lower max_connections, max_worker_processes or max_wal_senders',
        data: { maxBackends, limit: MAX_BACKENDS },
      },
    ];
  },
});
