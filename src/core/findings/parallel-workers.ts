import { formatSize, plural } from '../format.js';
import { defineRule } from './types.js';

/** Parallel workers run the same plan nodes with their own work_mem each. */
export const parallelWorkers = defineRule({
  id: 'parallel-work-mem',
  check({ model }) {
    const { workersPerQuery, instanceWorkers, bytesPerWorker } = model.parallel;
    // No backend to start workers (a manifest without apps): nothing to warn of.
    if (workersPerQuery === 0 || instanceWorkers === 0 || model.perBackend.queryBytes === 0) return [];
    const total = instanceWorkers * bytesPerWorker;
    const ram = model.totals.ramBytes;
    const heavy = ram !== null && total > ram * 0.1;
    return [
      {
        severity: heavy ? 'warning' : 'info',
        setting: 'max_parallel_workers_per_gather',
        message:
          `each query can add ${plural(workersPerQuery, 'parallel worker')}, each with its own work_mem per node ` +
          `(up to ${formatSize(bytesPerWorker)} each); ${plural(instanceWorkers, 'worker')} at once add ${formatSize(total)}`,
        fix: 'lower max_parallel_workers_per_gather or max_parallel_workers if this does not fit',
        data: { workersPerQuery, instanceWorkers, bytesPerWorker, totalBytes: total },
      },
    ];
  },
});
