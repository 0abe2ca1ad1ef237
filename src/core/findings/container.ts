import { formatSize } from '../format.js';
import type { FindingBody, FindingRule } from './types.js';

/** Share of a container's limit above which shared memory alone leaves backends too little. */
export const CONTAINER_SHARED_MAX_SHARE = 0.5;

/** Shared memory counts against the cgroup limit once touched: near the limit, little is left. */
export const containerSharedMemory: FindingRule = {
  id: 'container-shared-memory',
  title: 'Shared memory approaches the container limit',
  check({ model, container }) {
    if (!container) return [];
    const shared = model.shared.totalBytes;
    const limit = container.memoryLimitBytes;
    if (shared > limit || shared < limit * CONTAINER_SHARED_MAX_SHARE) return [];
    return [
      {
        severity: 'warning',
        setting: 'shared_buffers',
        message: `shared memory ${formatSize(shared)} is ${Math.round((shared / limit) * 100)}% of the container limit ${formatSize(limit)}; pages count against the limit as they are touched`,
        fix: 'keep shared_buffers near 25% of the container limit',
        data: { sharedBytes: shared, memoryLimitBytes: limit },
      },
    ];
  },
};

/**
 * Parallel hash joins build one shared hash table of hash_mem × participants in dynamic shared
 * memory (nodeHash.c, ExecChooseHashTableSize), which lives in /dev/shm with
 * dynamic_shared_memory_type = posix: a small /dev/shm fails them with "No space left on device".
 */
export const devShmTooSmall: FindingRule = {
  id: 'dev-shm-too-small',
  title: '/dev/shm too small for parallel hash joins',
  check({ model, container }) {
    if (!container) return [];
    const s = model.input.settings;
    const { workersPerQuery, instanceWorkers } = model.parallel;
    // The query with the largest shared hash tables, among the server's and the running groups'.
    const queries = [model.perBackend, ...model.groups.filter((g) => g.backends > 0).map((g) => g.perBackend)].flatMap(
      (cost) => cost.queries,
    );
    const query = queries.reduce((a, b) => (b.sharedHashBytes > a.sharedHashBytes ? b : a));
    const hashOps = query.sharedHashNodes;
    if (workersPerQuery === 0 || hashOps === 0 || s.str('dynamic_shared_memory_type') !== 'posix') return [];
    const perQuery = query.sharedHashBytes;
    const concurrent = Math.ceil(instanceWorkers / workersPerQuery);
    const needed = perQuery * concurrent;
    if (needed <= container.shmBytes) return [];
    const out: FindingBody[] = [
      {
        severity: 'warning',
        setting: 'max_parallel_workers_per_gather',
        message:
          `/dev/shm is ${formatSize(container.shmBytes)} but ${concurrent} parallel queries with ${hashOps} parallel hash ` +
          `join${hashOps > 1 ? 's' : ''} each can need ${formatSize(needed)} (${formatSize(perQuery)} each: hash_mem × (workers + 1) per parallel hash)`,
        fix: `give the container a larger /dev/shm (docker --shm-size=${Math.ceil(needed / 1048576)}m, or a memory-backed emptyDir at /dev/shm in Kubernetes)`,
        data: { shmBytes: container.shmBytes, neededBytes: needed, concurrentQueries: concurrent },
      },
    ];
    return out;
  },
};
