import { formatPgSize, formatSize } from '../format.js';
import { defineRule } from './types.js';

/** Above this share of RAM, shared_buffers starves the page cache and double-buffers. */
export const SHARED_BUFFERS_MAX_SHARE = 0.4;
/** Below this share of a machine of at least 4 GiB, shared_buffers is likely left at a default. */
export const SHARED_BUFFERS_MIN_SHARE = 0.1;

/** shared_buffers outside the usual 10–40% of RAM (the docs suggest 25% as a start). */
export const sharedBuffersShare = defineRule({
  id: 'shared-buffers-share',
  check({ model }) {
    const ram = model.totals.ramBytes;
    const sharedBuffers = model.input.settings.bytes('shared_buffers') ?? 0;
    if (ram === null || ram <= 0) return [];
    const share = sharedBuffers / ram;
    const data = { sharedBuffersBytes: sharedBuffers, ramBytes: ram, share: Math.round(share * 1000) / 1000 };
    // a whole number of MB, as people write it in postgresql.conf
    const suggested = formatPgSize(Math.floor(ram / 4 / 1048576) * 1048576);
    if (share > SHARED_BUFFERS_MAX_SHARE && sharedBuffers <= ram) {
      return [
        {
          setting: 'shared_buffers',
          message: `shared_buffers ${formatSize(sharedBuffers)} is ${Math.round(share * 100)}% of RAM; above ${SHARED_BUFFERS_MAX_SHARE * 100}% it starves the page cache`,
          fix: `start from 25% of RAM: shared_buffers = ${suggested}`,
          data,
        },
      ];
    }
    if (share < SHARED_BUFFERS_MIN_SHARE && ram >= 4 * 1024 ** 3) {
      return [
        {
          severity: 'info',
          setting: 'shared_buffers',
          message: `shared_buffers ${formatSize(sharedBuffers)} is only ${(share * 100).toFixed(1)}% of RAM ${formatSize(ram)}`,
          fix: `start from 25% of RAM: shared_buffers = ${suggested}`,
          data,
        },
      ];
    }
    return [];
  },
});
