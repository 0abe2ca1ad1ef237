import { formatSize } from '../format.js';
import { defineRule } from './types.js';

/** Share of RAM the worst case should leave for the kernel, other processes and the page cache. */
export const MIN_HEADROOM_SHARE = 0.2;

/** The worst case fits, but leaves the OS and page cache too little. */
export const lowHeadroom = defineRule({
  id: 'low-headroom',
  check({ model }) {
    const { ramBytes, headroomBytes, worstCaseBytes } = model.totals;
    if (ramBytes === null || headroomBytes === null || headroomBytes < 0) return [];
    const wanted = Math.ceil(ramBytes * MIN_HEADROOM_SHARE);
    if (headroomBytes >= wanted) return [];
    return [
      {
        message:
          `worst case ${formatSize(worstCaseBytes)} leaves ${formatSize(headroomBytes)} of ${formatSize(ramBytes)} ` +
          `for the OS and page cache, less than ${MIN_HEADROOM_SHARE * 100}% (${formatSize(wanted)})`,
        fix: 'lower work_mem or connections until the worst case stays under 80% of RAM',
        data: { headroomBytes, wantedBytes: wanted, ramBytes, worstCaseBytes },
      },
    ];
  },
});
