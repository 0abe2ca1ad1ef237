/**
 * The finding registry: every finding pgmem can report, the configuration errors (what makes the
 * server refuse its files) and the analysis findings, each with its stable id, default level, title,
 * description, help and the `data` fields it carries. SARIF rules, the README's findings table and
 * docs/findings.md are generated from it; findings are built with `createFinding`, so an
 * unregistered id or a level the finding does not take fails to compile.
 */
import type { Finding } from '../report-schema.js';

/** How serious a finding is; `--fail-on` compares against it. */
export type FindingLevel = Finding['severity'];

/** What a finding is about: files the server would refuse, or what the memory model found. */
export type FindingCategory = 'configuration' | 'connections' | 'memory' | 'pooler' | 'container';

/** A finding's metadata. */
export interface FindingDefinition<Id extends string = string> {
  /** Stable kebab-case id: JSON, annotations, SARIF rule ids and the docs anchor. */
  readonly id: Id;
  /** The level it is reported at unless the check decides otherwise. */
  readonly level: FindingLevel;
  /** Every level it can be reported at, the default first. */
  readonly levels: readonly FindingLevel[];
  readonly category: FindingCategory;
  /** A short title (SARIF shortDescription). */
  readonly title: string;
  /** One or two sentences: when it is reported (the README's table, SARIF fullDescription). */
  readonly description: string;
  /** Why it matters and what to do (Markdown; docs/findings.md and SARIF help). */
  readonly help: string;
  /** The `data` fields it carries, each with what it holds. */
  readonly data: Readonly<Record<string, string>>;
}

/** Where the per-finding docs live, relative to the repository root; each finding is a heading with its id. */
export const FINDINGS_DOC_PATH = 'docs/findings.md';
/** The project's home, for links from SARIF and the docs. */
export const PROJECT_URL = 'https://github.com/pgmem/pgmem';

const DEFINITIONS = {
  'config-syntax-error': {
    id: 'config-syntax-error',
    level: 'error',
    levels: ['error'],
    category: 'configuration',
    title: 'Syntax error in a configuration file',
    description:
      'A line the server cannot parse: the server refuses to start, naming the file, the line and the token.',
    help:
      'The message is the one PostgreSQL logs (its own lexer rules: quoting, escapes, units glued to numbers). ' +
      'The server stops reading a file after 100 syntax errors, and so does pgmem. Fix the line; quote values that contain spaces or other ' +
      'non-identifier characters (`search_path = \'"$user", public\'`).',
    data: {},
  },
  'config-include-error': {
    id: 'config-include-error',
    level: 'error',
    levels: ['error'],
    category: 'configuration',
    title: 'An include the server cannot follow',
    description:
      'An `include`, `include_dir` or `include_if_exists` that names a file or directory that cannot be read, an empty name, or includes itself: the server refuses to start.',
    help:
      "The finding sits on the directive's line. A relative path is resolved against the directory of the file that holds the directive, as the server does. " +
      '`include_if_exists` skips a missing file (the server logs that it does); `include` and `include_dir` refuse it. Recursion and nesting deeper than ten levels are refused.',
    data: {},
  },
  'config-too-large': {
    id: 'config-too-large',
    level: 'error',
    levels: ['error'],
    category: 'configuration',
    title: 'Configuration too large to read',
    description:
      'A configuration file (or an include such as `/dev/zero`) beyond the size pgmem reads, or more files or bytes in total than a configuration plausibly holds: pgmem stops reading and judges nothing more of it.',
    help:
      'pgmem bounds what it reads so a hostile or mistaken include cannot exhaust memory. The message names the limit. A real configuration is far below it: look for an ' +
      '`include_dir` over a directory of unrelated files or an include of a device.',
    data: {},
  },
  'invalid-setting': {
    id: 'invalid-setting',
    level: 'error',
    levels: ['error'],
    category: 'configuration',
    title: 'Setting the server rejects',
    description:
      'An unknown name, a bad value or unit, a value out of range, a setting that cannot be changed, or a value that breaks a rule across settings: the server refuses the configuration.',
    help:
      "Values are validated as the server validates them, in the order it applies them, for the version given: the message, detail and hint are the server's. " +
      'Custom settings need a dotted prefix (`myext.name`). The checks that look at other settings (such as `max_connections` + `autovacuum_max_workers` + ' +
      '`max_worker_processes` + `max_wal_senders` within 262,143 processes) see the values applied before them. Under `plan`, a bad `--set` is a usage error naming the flag instead.',
    data: {
      kind: '`unknown-setting` or `invalid-value`',
      value: 'the value as written',
    },
  },
  'reserved-connections-exceed-max': {
    id: 'reserved-connections-exceed-max',
    level: 'error',
    levels: ['error'],
    category: 'connections',
    title: 'Reserved connections leave no slots',
    description:
      '`superuser_reserved_connections` + `reserved_connections` ≥ `max_connections`: the server does not start.',
    help: 'The postmaster checks this at start (PostmasterMain in postmaster.c) and exits with the message pgmem quotes. Raise `max_connections` or lower the reserved slots.',
    data: {
      superuserReserved: 'superuser_reserved_connections',
      reserved: 'reserved_connections (0 before 16)',
      maxConnections: 'max_connections',
    },
  },
  'too-many-processes': {
    id: 'too-many-processes',
    level: 'error',
    levels: ['error'],
    category: 'connections',
    title: 'Too many server processes configured',
    description:
      'More than 262,143 process slots (`max_connections` plus autovacuum, worker and walsender slots): the server does not start.',
    help:
      'MAX_BACKENDS is 2^18 − 1 (postmaster.h); InitializeMaxBackends refuses more. Lower `max_connections`, `max_worker_processes` or `max_wal_senders`; ' +
      'a pooler serves many clients with few backends.',
    data: {
      maxBackends: 'the process slots the settings add up to',
      limit: 'MAX_BACKENDS, 262,143',
    },
  },
  'clients-exceed-slots': {
    id: 'clients-exceed-slots',
    level: 'error',
    levels: ['error'],
    category: 'connections',
    title: 'Clients exceed usable connection slots',
    description:
      'The applications open more connections than the slots left after the reserved ones: the rest are refused.',
    help:
      'Clients beyond the usable slots get "sorry, too many clients already" or "remaining connection slots are reserved". Raise `max_connections` ' +
      '(the fix names the value, and the worst case grows with it), put a pooler in front, or shrink the application pools.',
    data: {
      clients: 'client connections the applications open',
      usableSlots: 'max_connections minus the reserved slots',
      maxConnections: 'max_connections',
      refused: 'connections that would be refused',
      neededMaxConnections: 'the max_connections that admits every client',
    },
  },
  'shared-memory-exceeds-ram': {
    id: 'shared-memory-exceeds-ram',
    level: 'error',
    levels: ['error'],
    category: 'memory',
    title: 'Shared memory exceeds RAM',
    description:
      'The shared memory segment alone is larger than the RAM (or container limit): the server fails at start.',
    help:
      'The postmaster maps the whole segment at start and fails with "could not map anonymous shared memory". `shared_buffers` is nearly all of it; ' +
      'start from about 25% of RAM.',
    data: {
      sharedBytes: 'the segment size',
      ramBytes: 'the RAM or container limit',
    },
  },
  'worst-case-exceeds-ram': {
    id: 'worst-case-exceeds-ram',
    level: 'error',
    levels: ['error'],
    category: 'memory',
    title: 'Worst case exceeds RAM',
    description:
      'The worst case is larger than the RAM or the container limit: under full load the OOM killer decides.',
    help:
      'The worst case is shared memory, every backend at its budget and the background processes. The message names the largest part. ' +
      'Lower `work_mem` or the memory nodes per query, cap connections with a pooler, or add memory; `pgmem recommend` and `--solve` find values that fit.',
    data: {
      worstCaseBytes: 'the worst case',
      ramBytes: 'the RAM or container limit',
      overByBytes: 'how far the worst case exceeds it',
      backends: 'client backends',
      backendsBytes: 'what the client backends take',
      sharedBytes: 'shared memory',
      backgroundBytes: 'background processes and parallel workers',
    },
  },
  'pooler-client-limit': {
    id: 'pooler-client-limit',
    level: 'error',
    levels: ['error'],
    category: 'pooler',
    title: 'More clients than PgBouncer accepts',
    description: "More clients than PgBouncer's `max_client_conn` × replicas × processes: the rest are refused.",
    help: 'PgBouncer refuses clients beyond `max_client_conn` per process with "no more connections allowed (max_client_conn)". Raise it (the fix names the value) or add replicas.',
    data: {
      pooler: 'the pooler',
      clientConnections: 'client connections to it',
      clientCapacity: 'max_client_conn × replicas × processes',
    },
  },
  'replication-exceeds-wal-senders': {
    id: 'replication-exceeds-wal-senders',
    level: 'error',
    levels: ['error'],
    category: 'connections',
    title: 'More replication connections than max_wal_senders',
    description: 'The topology opens more replication connections than `max_wal_senders`: the rest are refused.',
    help: 'Replication connections use walsender slots, not client slots; beyond `max_wal_senders` they get "number of requested standby connections exceeds max_wal_senders".',
    data: {
      replicationConnections: 'replication connections the topology opens',
      maxWalSenders: 'max_wal_senders',
    },
  },
  'low-headroom': {
    id: 'low-headroom',
    level: 'warning',
    levels: ['warning'],
    category: 'memory',
    title: 'Too little left for the OS and page cache',
    description:
      'The worst case fits, but leaves less than 20% of the RAM to the kernel, other processes and the page cache.',
    help:
      'PostgreSQL reads through the page cache; a server whose worst case takes nearly all RAM runs from disk under load, and the kernel needs memory of its own. ' +
      'Lower `work_mem` or connections until the worst case stays under 80% of RAM.',
    data: {
      headroomBytes: 'RAM minus the worst case',
      wantedBytes: '20% of RAM',
      ramBytes: 'the RAM or container limit',
      worstCaseBytes: 'the worst case',
    },
  },
  'shared-buffers-share': {
    id: 'shared-buffers-share',
    level: 'warning',
    levels: ['warning', 'info'],
    category: 'memory',
    title: 'shared_buffers outside a sane share of RAM',
    description: '`shared_buffers` above 40% of RAM (a warning), or below 10% of a machine of 4 GiB or more (info).',
    help:
      "PostgreSQL's documentation suggests 25% of RAM as a start. Above 40% the page cache starves and pages are cached twice; far below 10% is usually a default left in place. " +
      'The fix names 25% of RAM in whole megabytes.',
    data: {
      sharedBuffersBytes: 'shared_buffers',
      ramBytes: 'the RAM or container limit',
      share: 'shared_buffers ÷ RAM, to three decimals',
    },
  },
  'autovacuum-memory': {
    id: 'autovacuum-memory',
    level: 'warning',
    levels: ['warning', 'info'],
    category: 'memory',
    title: 'Autovacuum memory budget',
    description:
      'Autovacuum workers can take more than 10% of RAM (a warning); or, before PostgreSQL 17, its memory setting is above the 1 GB vacuum can use (info).',
    help:
      'Each autovacuum worker may use `autovacuum_work_mem` (or `maintenance_work_mem` when it is -1). Before 17 vacuum stores at most 1 GB of dead tuples, so more is never used by autovacuum. ' +
      'Setting `autovacuum_work_mem` bounds autovacuum and leaves `maintenance_work_mem` for index builds.',
    data: {
      workers: 'autovacuum_max_workers',
      bytesPerWorker: 'what one worker may use',
      totalBytes: 'all workers together',
      configuredBytes: 'the setting as configured',
      ramBytes: 'the RAM or container limit, null without one',
    },
  },
  'parallel-work-mem': {
    id: 'parallel-work-mem',
    level: 'info',
    levels: ['info', 'warning'],
    category: 'memory',
    title: 'Parallel workers multiply work_mem',
    description:
      'Parallel workers run the same plan nodes with their own `work_mem` each (a warning when they can take more than 10% of RAM).',
    help:
      "A parallel query's workers each get the budget of every memory node they run. The instance-wide figure is `max_parallel_workers` workers at once. " +
      'Lower `max_parallel_workers_per_gather` or `max_parallel_workers` if it does not fit.',
    data: {
      workersPerQuery: 'max_parallel_workers_per_gather',
      instanceWorkers: 'parallel workers the instance runs at once',
      bytesPerWorker: 'what one worker may use',
      totalBytes: 'all of them together',
    },
  },
  'pooler-clients-queue': {
    id: 'pooler-clients-queue',
    level: 'warning',
    levels: ['warning'],
    category: 'pooler',
    title: 'Pooler clients queue for server connections',
    description:
      "In PgBouncer's session mode, more clients than server connections: the rest wait for whole sessions to end (transaction and statement pooling queue by design: no finding).",
    help:
      'In session mode a client holds its server connection until it disconnects, so the clients beyond the pools wait for other sessions to end, and PgBouncer disconnects those that ' +
      'waited `query_wait_timeout` (120 s by default). Use `pool_mode = transaction` if the applications keep no session state, or size the pools for every client.',
    data: {
      pooler: 'the pooler',
      clientConnections: 'client connections to it',
      capacity: 'server connections its pools hold',
      waiting: 'clients that wait',
    },
  },
  'container-shared-memory': {
    id: 'container-shared-memory',
    level: 'warning',
    levels: ['warning'],
    category: 'container',
    title: 'Shared memory approaches the container limit',
    description: 'Shared memory takes half the container limit or more.',
    help:
      'Shared memory pages count against the cgroup limit as they are touched, so a large `shared_buffers` leaves the backends little before the OOM killer acts. ' +
      'Keep `shared_buffers` near 25% of the container limit.',
    data: {
      sharedBytes: 'the segment size',
      memoryLimitBytes: 'the container memory limit',
    },
  },
  'dev-shm-too-small': {
    id: 'dev-shm-too-small',
    level: 'warning',
    levels: ['warning'],
    category: 'container',
    title: '/dev/shm too small for parallel hash joins',
    description: '`/dev/shm` cannot hold the shared hash tables the parallel hash joins of every backend may build.',
    help:
      'A Parallel Hash builds one table of hash_mem × (workers planned + 1) in dynamic shared memory, launched or not (nodeHash.c); with ' +
      '`dynamic_shared_memory_type = posix` it lives in `/dev/shm`, and a small one fails queries with "No space left on device". ' +
      'Docker gives containers 64 MB unless `--shm-size` says otherwise; in Kubernetes mount a memory-backed emptyDir at /dev/shm.',
    data: {
      shmBytes: 'the size of /dev/shm',
      neededBytes: "what every backend's parallel hash joins can need at once",
      concurrentQueries: 'backends that may run them',
    },
  },
  'huge-pages': {
    id: 'huge-pages',
    level: 'info',
    levels: ['info'],
    category: 'memory',
    title: 'Huge pages',
    description:
      'With `huge_pages = on`, the pages to reserve in the pool of `huge_page_size`; otherwise advised from 2 GiB of shared memory, with the page-table cost it saves.',
    help:
      'Every backend maps shared memory with its own page tables: one entry per 4 kB page, so many backends over a large segment cost gigabytes. Huge pages need page size ÷ 4 kB ' +
      'times fewer entries (512× for 2 MB pages). `vm.nr_hugepages` sizes the default (2 MB) pool; 1 GB pages have their own pool ' +
      '(`/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages`) and are reliably had only from the kernel command line (`hugepagesz=1G hugepages=N`).',
    data: {
      hugePages: 'huge pages the segment needs (shared_memory_size_in_huge_pages)',
      hugePageSizeBytes: 'the huge page size',
      sharedBytes: 'the segment size',
      pageTableBytes: 'page tables across processes in 4 kB pages',
      pageTableFactor: 'how many times fewer page-table entries huge pages need',
    },
  },
  'estimate-bound-node': {
    id: 'estimate-bound-node',
    level: 'info',
    levels: ['info'],
    category: 'memory',
    title: "A plan node bounded only by the planner's estimate",
    description:
      "A plan's hashed SetOp, hashed SubPlan or the hash table of a recursive UNION: its hash table has no memory limit, and pgmem counts it at `hash_mem` as the planner sized it.",
    help:
      'The executor builds these hash tables without a memory limit (nodeSetOp.c, nodeSubplan.c buildSubPlanHash, nodeRecursiveunion.c); the planner chooses them only when its estimate of the rows fits `work_mem × hash_mem_multiplier`. ' +
      'When the estimate is wrong the table grows past that, and pgmem cannot see how far. Keep statistics current (`ANALYZE`); `NOT IN (subquery)` written as `NOT EXISTS` becomes a hash anti-join, which stays within `hash_mem` by spilling; ' +
      '`enable_hashagg = off` makes the planner sort for `INTERSECT` and `EXCEPT` instead.',
    data: {
      query: 'the plan (file and plan index)',
      nodeType: 'the node as pgmem names it, e.g. "SubPlan (hashed)"',
      path: 'where it sits in the plan',
      budgetBytes: 'the hash_mem it is counted at',
    },
  },
  'unknown-node-type': {
    id: 'unknown-node-type',
    level: 'warning',
    levels: ['warning'],
    category: 'memory',
    title: 'A plan node type pgmem does not know',
    description:
      "A plan has a node type that is not one of PostgreSQL's own (an extension's, or a newer version's): pgmem counts it at `hash_mem` with the largest overhead it measured.",
    help:
      "pgmem knows how much memory each of PostgreSQL's node types may hold, from their executor code. A node it does not know may hold nothing, or more than `hash_mem`; " +
      "it is counted as one `hash_mem` node, which may be wrong either way. Check what the node does (its extension's documentation), and give the plan of the version the server runs (`--pg-version`).",
    data: {
      query: 'the plan (file and plan index)',
      nodeType: 'the node type as EXPLAIN names it',
      path: 'where it sits in the plan',
      budgetBytes: 'the hash_mem it is counted at',
    },
  },
} as const satisfies Record<string, FindingDefinition>;

/** Every finding id pgmem can report. */
export type FindingId = keyof typeof DEFINITIONS;

/** The registry, by id; an entry whose id differs from its key fails to compile here. */
export const FINDINGS: { readonly [Id in FindingId]: (typeof DEFINITIONS)[Id] & FindingDefinition<Id> } = DEFINITIONS;

/** The levels finding `Id` can be reported at. */
export type FindingLevelOf<Id extends FindingId> = (typeof FINDINGS)[Id]['levels'][number];

/** The `data` fields finding `Id` carries. */
export type FindingDataKey<Id extends FindingId> = keyof (typeof FINDINGS)[Id]['data'] & string;

/** A value in a finding's `data`. */
export type FindingValue = NonNullable<Finding['data']>[string];

/** A finding's fields as a check writes them: no id, and a level only where it differs from the default. */
export type FindingFields<Id extends FindingId = FindingId> = Omit<Finding, 'id' | 'severity' | 'data'> & {
  readonly severity?: FindingLevelOf<Id>;
  readonly data?: { readonly [K in FindingDataKey<Id>]?: FindingValue };
};

/** Every registered finding, ordered by id. */
export const FINDING_LIST: readonly FindingDefinition<FindingId>[] = (Object.keys(FINDINGS) as FindingId[])
  .sort()
  .map((id) => FINDINGS[id]);

/** Whether `id` is a registered finding id. */
export function isFindingId(id: string): id is FindingId {
  return Object.hasOwn(FINDINGS, id);
}

/** The URL of a finding's docs: its heading in docs/findings.md. */
export function findingHelpUri(id: FindingId): string {
  return `${PROJECT_URL}/blob/main/${FINDINGS_DOC_PATH}#${id}`;
}

/** Builds a finding with its registered id and level (or one of the levels it takes). */
export function createFinding<Id extends FindingId>(id: Id, fields: FindingFields<Id>): Finding {
  const { severity, data, ...rest } = fields;
  return {
    id,
    severity: severity ?? FINDINGS[id].level,
    ...rest,
    ...(data !== undefined && { data: data as Finding['data'] }),
  };
}
