import { formatSize } from '../format.js';
import type { FindingRule } from './types.js';

/** From this much shared memory on, per-process page tables without huge pages become noticeable. */
export const HUGE_PAGES_THRESHOLD_BYTES = 2 * 1024 ** 3;

/** Huge pages: advisable for large segments, and the count to reserve when they are on. */
export const hugePages: FindingRule = {
  id: 'huge-pages',
  title: 'Huge pages',
  check({ model }) {
    const mode = model.input.settings.str('huge_pages');
    const { hugePages: pages, hugePageSizeBytes, totalBytes } = model.shared;
    const pageTables = model.background.components.find((c) => c.name === 'Page tables')?.bytes ?? 0;
    const data = { hugePages: pages, hugePageSizeBytes, sharedBytes: totalBytes, pageTableBytes: pageTables };
    if (mode === 'on') {
      return [
        {
          severity: 'info',
          setting: 'huge_pages',
          message: `huge_pages = on needs ${pages} huge pages of ${formatSize(hugePageSizeBytes)} reserved, or the server will not start`,
          fix: `sysctl -w vm.nr_hugepages=${pages} (more if other programs use huge pages)`,
          data,
        },
      ];
    }
    if (mode === 'off' || totalBytes < HUGE_PAGES_THRESHOLD_BYTES) return [];
    return [
      {
        severity: 'info',
        setting: 'huge_pages',
        message:
          `${formatSize(totalBytes)} of shared memory in 4 kB pages costs up to ${formatSize(pageTables)} of page tables ` +
          `across processes; huge pages would shrink that about 500×`,
        fix: `reserve ${pages} huge pages (vm.nr_hugepages = ${pages}) and set huge_pages = on`,
        data,
      },
    ];
  },
};
