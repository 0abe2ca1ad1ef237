import { formatSize, plural } from '../format.js';
import { defineRule } from './types.js';

/** The worst case does not fit in RAM: the OOM killer decides. */
export const worstCaseExceedsRam = defineRule({
  id: 'worst-case-exceeds-ram',
  check({ model }) {
    const { ramBytes, worstCaseBytes } = model.totals;
    if (ramBytes === null || worstCaseBytes <= ramBytes) return [];
    const { backends } = model.connections;
    const { backendsBytes, sharedBytes, backgroundBytes } = model.totals;
    const overBy = worstCaseBytes - ramBytes;
    const parts = [
      ['client backends', backendsBytes],
      ['shared memory', sharedBytes],
      ['background processes', backgroundBytes],
    ] as const;
    const [largest, largestBytes] = [...parts].sort((a, b) => b[1] - a[1])[0]!;
    return [
      {
        setting: 'work_mem',
        message:
          `worst case ${formatSize(worstCaseBytes)} exceeds RAM ${formatSize(ramBytes)} by ${formatSize(overBy)}; ` +
          `the largest part is ${largest}, ${formatSize(largestBytes)}${largest === 'client backends' ? ` for ${plural(backends, 'backend')}` : ''}`,
        fix: 'lower work_mem or the sort/hash nodes per query, cap connections with a pooler, or add memory',
        data: { worstCaseBytes, ramBytes, overByBytes: overBy, backends, backendsBytes, sharedBytes, backgroundBytes },
      },
    ];
  },
});
