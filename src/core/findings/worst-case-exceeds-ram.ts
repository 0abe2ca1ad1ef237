import { formatSize } from '../format.js';
import type { FindingRule } from './types.js';

/** The worst case does not fit in RAM: the OOM killer decides. */
export const worstCaseExceedsRam: FindingRule = {
  id: 'worst-case-exceeds-ram',
  title: 'Worst case exceeds RAM',
  check({ model }) {
    const { ramBytes, worstCaseBytes } = model.totals;
    if (ramBytes === null || worstCaseBytes <= ramBytes) return [];
    const { backends } = model.connections;
    const perBackend = model.perBackend.worstCaseBytes;
    const overBy = worstCaseBytes - ramBytes;
    return [
      {
        severity: 'error',
        setting: 'work_mem',
        message:
          `worst case ${formatSize(worstCaseBytes)} exceeds RAM ${formatSize(ramBytes)} by ${formatSize(overBy)}; ` +
          `${backends} backends × ${formatSize(perBackend)} is the largest part`,
        fix: 'lower work_mem or the sort/hash nodes per query, cap connections with a pooler, or add memory',
        data: { worstCaseBytes, ramBytes, overByBytes: overBy, backends, perBackendBytes: perBackend },
      },
    ];
  },
};
