import { formatSize } from '../format.js';
import { defineRule } from './types.js';

/** Shared memory alone does not fit: the server cannot even start. */
export const sharedMemoryExceedsRam = defineRule({
  id: 'shared-memory-exceeds-ram',
  check({ model }) {
    const { ramBytes } = model.totals;
    const shared = model.shared.totalBytes;
    if (ramBytes === null || shared <= ramBytes) return [];
    return [
      {
        setting: 'shared_buffers',
        message:
          `shared memory ${formatSize(shared)} is more than RAM ${formatSize(ramBytes)}: the server fails at start ` +
          `with "could not map anonymous shared memory"`,
        fix: 'lower shared_buffers to about 25% of RAM',
        data: { sharedBytes: shared, ramBytes },
      },
    ];
  },
});
