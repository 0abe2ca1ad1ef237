import { formatSize } from '../format.js';
import type { FindingFields } from './registry.js';
import { defineRule } from './types.js';

/** Share of a container's limit above which shared memory alone leaves backends too little. */
export const CONTAINER_SHARED_MAX_SHARE = 0.5;

/** Shared memory counts against the cgroup limit once touched: near the limit, little is left. */
export const containerSharedMemory = defineRule({
  id: 'container-shared-memory',
  check({ model, container }) {
    if (!container) return [];
    const shared = model.shared.totalBytes;
    const limit = container.memoryLimitBytes;
    if (shared > limit || shared < limit * CONTAINER_SHARED_MAX_SHARE) return [];
    return [
      {
        setting: 'shared_buffers',
        message: `shared memory ${formatSize(shared)} is ${Math.round((shared / limit) * 100)}% of the container limit ${formatSize(limit)}; pages count against the limit as they are touched`,
        fix: 'keep shared_buffers near 25% of the container limit',
        data: { sharedBytes: shared, memoryLimitBytes: limit },
      },
    ];
  },
});

/**
 * Parallel hash joins build one shared hash table of hash_mem × (Workers Planned + 1) in dynamic
 * shared memory (nodeHash.c, ExecChooseHashTableSize), whether or not the workers launch; with
 * dynamic_shared_memory_type = posix it lives in /dev/shm, and a small /dev/shm fails them with
 * "No space left on device". Every backend may run such a query at once.
 */
export const devShmTooSmall = defineRule({
  id: 'dev-shm-too-small',
  check({ model, container }) {
    if (!container) return [];
    const s = model.input.settings;
    if (s.str('dynamic_shared_memory_type') !== 'posix') return [];
    const running = model.groups.filter((g) => g.backends > 0 && g.perBackend.sharedHashBytes > 0);
    const backends = running.reduce((total, g) => total + g.backends, 0);
    const needed = running.reduce((total, g) => total + g.backends * g.perBackend.sharedHashBytes, 0);
    if (needed === 0 || needed <= container.shmBytes) return [];
    const perQuery = Math.max(...running.map((g) => g.perBackend.sharedHashBytes));
    const out: FindingFields<'dev-shm-too-small'>[] = [
      {
        setting: 'max_parallel_workers_per_gather',
        message:
          `/dev/shm is ${formatSize(container.shmBytes)} but ${backends} backends running parallel hash joins can need ` +
          `${formatSize(needed)} (up to ${formatSize(perQuery)} per query: hash_mem × (workers planned + 1) per Parallel Hash, launched or not)`,
        fix: `give the container a larger /dev/shm (docker --shm-size=${Math.ceil(needed / 1048576)}m, or a memory-backed emptyDir at /dev/shm in Kubernetes)`,
        data: { shmBytes: container.shmBytes, neededBytes: needed, concurrentQueries: backends },
      },
    ];
    return out;
  },
});
