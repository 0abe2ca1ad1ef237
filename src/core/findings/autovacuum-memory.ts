import { formatSize } from '../format.js';
import { versionProfile } from '../versions.js';
import { defineRule } from './types.js';

/** Share of RAM above which the autovacuum budget deserves a look. */
export const AUTOVACUUM_MAX_SHARE = 0.1;

/** Autovacuum's memory budget: large against RAM, or set above what pre-17 vacuum can use. */
export const autovacuumMemory = defineRule({
  id: 'autovacuum-memory',
  check({ model }) {
    const { workers, memoryPerWorker, configuredBytes } = model.autovacuum;
    const { features } = versionProfile(model.input.settings.version);
    const total = workers * memoryPerWorker;
    const ram = model.totals.ramBytes;
    const setting =
      model.input.settings.num('autovacuum_work_mem') === -1 ? 'maintenance_work_mem' : 'autovacuum_work_mem';
    const data = { workers, bytesPerWorker: memoryPerWorker, totalBytes: total, configuredBytes, ramBytes: ram };
    const out = [];
    if (!features.tidStore && configuredBytes > 1024 ** 3) {
      out.push({
        severity: 'info' as const,
        setting,
        message: `${setting} ${formatSize(configuredBytes)}: before PostgreSQL 17 vacuum stores at most 1 GiB of dead tuples, the rest is never used by autovacuum`,
        fix: `set autovacuum_work_mem = 1GB (keep ${setting === 'maintenance_work_mem' ? 'maintenance_work_mem for index builds' : 'it'} as you like)`,
        data,
      });
    }
    if (ram !== null && total > ram * AUTOVACUUM_MAX_SHARE) {
      out.push({
        setting,
        message: `${workers} autovacuum workers × ${formatSize(memoryPerWorker)} = ${formatSize(total)}, ${Math.round((total / ram) * 100)}% of RAM`,
        fix: `set autovacuum_work_mem = ${Math.floor((ram * AUTOVACUUM_MAX_SHARE) / workers / 1048576)}MB so autovacuum stays within ${AUTOVACUUM_MAX_SHARE * 100}% of RAM and index builds keep maintenance_work_mem`,
        data,
      });
    }
    return out;
  },
});
