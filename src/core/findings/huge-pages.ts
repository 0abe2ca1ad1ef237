import { formatSize, plural } from '../format.js';
import { defineRule } from './types.js';

/** From this much shared memory on, per-process page tables without huge pages become noticeable. */
export const HUGE_PAGES_THRESHOLD_BYTES = 2 * 1024 ** 3;

/** The page size x86-64 Linux maps memory in, and the size of one page-table entry (arch/x86). */
const BASE_PAGE_BYTES = 4096;
/** Linux's default huge page size on x86-64, the pool vm.nr_hugepages sizes. */
const DEFAULT_HUGE_PAGE_BYTES = 2 * 1024 ** 2;

/**
 * How to reserve `pages` huge pages of `pageBytes`. vm.nr_hugepages sizes only the default pool
 * (2 MB on x86-64); other sizes have their own pool under /sys/kernel/mm/hugepages, and 1 GB pages
 * are reliably had only from the kernel command line, before memory fragments
 * (Documentation/admin-guide/mm/hugetlbpage.rst).
 */
export function hugePagesReservation(pages: number, pageBytes: number): string {
  if (pageBytes === DEFAULT_HUGE_PAGE_BYTES) return `sysctl -w vm.nr_hugepages=${pages}`;
  const kB = pageBytes / 1024;
  const boot = pageBytes % 1024 ** 3 === 0 ? `${pageBytes / 1024 ** 3}G` : `${pageBytes / 1024 ** 2}M`;
  return `echo ${pages} > /sys/kernel/mm/hugepages/hugepages-${kB}kB/nr_hugepages, or boot with hugepagesz=${boot} hugepages=${pages}`;
}

/** How many times fewer page-table entries huge pages need: one per huge page instead of one per 4 kB page. */
export function hugePageTableFactor(pageBytes: number): number {
  return Math.round(pageBytes / BASE_PAGE_BYTES);
}

/** Huge pages: advisable for large segments, and the count to reserve when they are on. */
export const hugePages = defineRule({
  id: 'huge-pages',
  check({ model, managed }) {
    const mode = model.input.settings.str('huge_pages');
    const { hugePages: pages, hugePageSizeBytes, totalBytes } = model.shared;
    const pageTables = model.background.pageTableBytes;
    const pageTableFactor = hugePageTableFactor(hugePageSizeBytes);
    const data = {
      hugePages: pages,
      hugePageSizeBytes,
      sharedBytes: totalBytes,
      pageTableBytes: pageTables,
      pageTableFactor,
    };
    if (mode === 'on') {
      // The service manages the host's huge pages: no reservation for the user to make.
      if (managed) return [];
      return [
        {
          setting: 'huge_pages',
          message: `huge_pages = on needs ${plural(pages, 'huge page')} of ${formatSize(hugePageSizeBytes)} reserved, or the server will not start`,
          fix: `${hugePagesReservation(pages, hugePageSizeBytes)} (more if other programs use huge pages of that size)`,
          data,
        },
      ];
    }
    if (mode === 'off' || totalBytes < HUGE_PAGES_THRESHOLD_BYTES) return [];
    return [
      {
        setting: 'huge_pages',
        message:
          `${formatSize(totalBytes)} of shared memory in 4 kB pages costs up to ${formatSize(pageTables)} of page tables ` +
          `across processes; huge pages of ${formatSize(hugePageSizeBytes)} would shrink that about ` +
          `${pageTableFactor.toLocaleString('en-US')}×`,
        fix: managed
          ? `set huge_pages = on in the server's parameters, where ${managed} allows it: the service manages the host's huge pages, there is no vm.nr_hugepages to set`
          : `reserve ${plural(pages, 'huge page')} (${hugePagesReservation(pages, hugePageSizeBytes)}) and set huge_pages = on`,
        data,
      },
    ];
  },
});
