// Generated from the JSON Schemas pgmem publishes (src/core/report-schema.ts, src/input/topology.ts)
// by `npm run api:types`; do not edit.

/** One finding: a stable `id`, its severity, message and fix. */
export type Finding = {
  /** Stable kebab-case finding id */
  id: string;
  severity: "error" | "warning" | "info";
  message: string;
  /** What to change */
  fix?: string;
  /** The setting the finding is about */
  setting?: string;
  file?: string;
  line?: number;
  /** Where on the line the value is written, when the reader knows (YAML manifests) */
  column?: number;
  data?: {
    [key: string]: number | string | boolean | null;
  };
};

/** One setting as the report shows it. */
export type SettingReport = {
  /** As pg_settings.setting shows it, in the base unit */
  setting: string;
  /** pg_settings.unit */
  unit: string | null;
  /** Resolved size for memory settings, auto rules applied */
  bytes?: number;
  /** "default", "initdb", "flag", "topology" or "<file>:<line>" */
  source: string;
};

/** The workload the worst case assumes. */
export type WorkloadReport = {
  /** work_mem nodes of the hungriest query, each up to work_mem */
  sortOps: number;
  /** hash_mem nodes of the hungriest query, each up to work_mem × hash_mem_multiplier */
  hashOps: number;
  /** Whether parallel query can run */
  parallel: boolean;
  parallelWorkersPerQuery: number;
  /** Whether every session may fill temp_buffers */
  tempBuffers: boolean;
  /** Concurrent CREATE INDEX / manual VACUUM commands */
  maintenanceOps: number;
  /** Walsenders doing logical decoding */
  logicalSenders: number;
  /** Private memory of an idle backend */
  backendBaselineBytes: number;
  /** Where the server's workload came from: the queries of every group without a workload of its own */
  source: {
    /** "flags": --sort-ops/--hash-ops/--ops-per-query; "preset": a --workload or app preset (or the default, mixed); "counts": node counts of a topology; "plans": EXPLAIN plans; "statements": inspect --statements */
    kind: "flags" | "preset" | "counts" | "plans" | "statements";
    /** Who gave it: flags, the topology's workload section, an app of the topology, or pgmem's default */
    origin: "flags" | "topology" | "app" | "default";
    /** The app whose own workload it is (origin "app") */
    app: string | null;
    /** The preset (kind "preset") */
    preset: ("oltp" | "olap" | "mixed") | null;
    /** The plan files read (kind "plans", or "statements" with --plans) */
    files: string[];
  };
  /** The query shapes the server's backends run, costed with its settings */
  queries: {
    /** Where the shape came from: "flags", a preset, a file and plan index */
    source: string;
    /** Node counts without a plan: any node may run in every parallel worker */
    planUnknown: boolean;
    /** Whether it sets the per-backend worst case */
    hungriest: boolean;
    /** Node memory of the backend running it, overheads included */
    backendBytes: number;
    /** Parallel workers it launches */
    workers: number;
    /** All its workers together, baselines included */
    workersBytes: number;
    nodes: {
      /** The node class, which sets its budget and allowance */
      kind: "sort" | "incremental-sort" | "hash-join" | "parallel-hash" | "hash-aggregate" | "memoize" | "tuplestore" | "bitmap" | "hashed-estimate" | "generic-sort" | "generic-hash" | "unknown";
      /** As EXPLAIN names it, or the flag it came from */
      nodeType: string;
      budget: "work_mem" | "hash_mem" | "estimate";
      /** work_mem, or work_mem × hash_mem_multiplier */
      budgetBytes: number;
      /** Workers Planned of the Gather above it (0 outside parallel plans) */
      workers: number;
      /** Processes holding it: the backend and its Gather's workers */
      processes: number;
      /** Where it sits in its plan */
      path?: string;
      /** What EXPLAIN ANALYZE reported for it */
      measuredBytes?: number;
    }[];
  }[];
  /** Each client group's workload */
  groups: {
    /** The client group, as topology.groups names it */
    name: string;
    /** Where its queries came from: its app's own workload, the server's, or several for a pool shared by apps */
    sources: {
      /** "flags": --sort-ops/--hash-ops/--ops-per-query; "preset": a --workload or app preset (or the default, mixed); "counts": node counts of a topology; "plans": EXPLAIN plans; "statements": inspect --statements */
      kind: "flags" | "preset" | "counts" | "plans" | "statements";
      /** Who gave it: flags, the topology's workload section, an app of the topology, or pgmem's default */
      origin: "flags" | "topology" | "app" | "default";
      /** The app whose own workload it is (origin "app") */
      app: string | null;
      /** The preset (kind "preset") */
      preset: ("oltp" | "olap" | "mixed") | null;
      /** The plan files read (kind "plans", or "statements" with --plans) */
      files: string[];
    }[];
    /** Its per-backend worst case, at its role settings */
    perBackendBytes: number;
    /** Source of the query that sets it */
    hungriestQuery: string;
    /** Its own queries costed at its role settings; empty when it runs the server's workload (workload.queries) */
    queries: {
      /** Where the shape came from: "flags", a preset, a file and plan index */
      source: string;
      /** Node counts without a plan: any node may run in every parallel worker */
      planUnknown: boolean;
      /** Whether it sets the per-backend worst case */
      hungriest: boolean;
      /** Node memory of the backend running it, overheads included */
      backendBytes: number;
      /** Parallel workers it launches */
      workers: number;
      /** All its workers together, baselines included */
      workersBytes: number;
      nodes: {
        /** The node class, which sets its budget and allowance */
        kind: "sort" | "incremental-sort" | "hash-join" | "parallel-hash" | "hash-aggregate" | "memoize" | "tuplestore" | "bitmap" | "hashed-estimate" | "generic-sort" | "generic-hash" | "unknown";
        /** As EXPLAIN names it, or the flag it came from */
        nodeType: string;
        budget: "work_mem" | "hash_mem" | "estimate";
        /** work_mem, or work_mem × hash_mem_multiplier */
        budgetBytes: number;
        /** Workers Planned of the Gather above it (0 outside parallel plans) */
        workers: number;
        /** Processes holding it: the backend and its Gather's workers */
        processes: number;
        /** Where it sits in its plan */
        path?: string;
        /** What EXPLAIN ANALYZE reported for it */
        measuredBytes?: number;
      }[];
    }[];
  }[];
};

/** The report of `pgmem plan --json` when no configuration file is read. */
export type PlanReport = {
  schemaVersion: 1;
  pgVersion: number;
  /** Build profile: "distribution" (LLVM JIT, lz4, zstd, GSSAPI, liburing on 18) or "embedded" (none of them) */
  build: "distribution" | "embedded";
  settings: {
    [key: string]: SettingReport;
  };
  workload: WorkloadReport;
  connections: {
    /** Connections the application side can open */
    clients: number;
    /** max_connections − superuser_reserved_connections − reserved_connections */
    usableSlots: number;
    maxConnections: number;
    /** Worst-case client backends: min(clients, max_connections) */
    backends: number;
    /** Client connections beyond the usable slots */
    refused: number;
  };
  sharedMemory: {
    totalBytes: number;
    /** shared_memory_size as the server reports it */
    sizeMB: number;
    /** shared_memory_size_in_huge_pages */
    hugePages: number;
    hugePageSizeBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  perBackend: {
    /** One client backend running its worst query, without parallel workers */
    worstCaseBytes: number;
    /** The same query with its parallel workers */
    withParallelBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  background: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  /** Dynamic shared memory (/dev/shm with posix): Parallel Hash tables */
  dynamicSharedMemory: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  totals: {
    sharedBytes: number;
    /** Parallel Hash tables beyond the private copies the backends count */
    dynamicSharedBytes: number;
    /** Σ over topology.groups of backends × perBackendBytes (each group at its own role settings) */
    backendsBytes: number;
    backgroundBytes: number;
    worstCaseBytes: number;
    ramBytes: number | null;
    /** ramBytes − worstCaseBytes; negative when over */
    headroomBytes: number | null;
    /** shared_buffers + work_mem × max_connections × operations per query */
    ruleOfThumbBytes: number;
  };
  topology: {
    /** Each client group's contribution to the backends; the hungriest get the slots first */
    groups: {
      name: string;
      connections: number;
      backends: number;
      perBackendBytes: number;
      bytes: number;
      /** Source of the query that sets its per-backend worst case */
      hungriestQuery: string;
      /** Whether the group runs its own queries rather than the server's workload */
      ownWorkload: boolean;
    }[];
    apps: {
      name: string;
      pods: number;
      /** Autoscaler max plus rollout surge */
      podsWorstCase: number;
      surgePods: number;
      pool: number;
      connections: number;
      via: string | null;
      role: string | null;
    }[];
    poolers: {
      name: string;
      replicas: number;
      /** PgBouncer processes per replica (so_reuseport, peers), each with its own pools */
      processes: number;
      /** The pgbouncer.ini or manifest resource it was read from */
      source: string | null;
      poolMode: "session" | "transaction" | "statement";
      clientConnections: number;
      clientCapacity: number;
      /** Σ pools (pool size + reserve), capped, × replicas */
      capacity: number;
      serverConnections: number;
      pools: {
        database: string;
        user: string;
        /** Server connections the pool can hold: (pool_size + reserve) × replicas × processes within the user and database caps; its clients when nothing limits the pool */
        cap: number;
        clients: number;
        serverConnections: number;
        poolMode: "session" | "transaction" | "statement";
        /** Where the pool size was set (file:line); null for a default */
        source: string | null;
      }[];
    }[];
    adminConnections: number;
    /** The container the server runs in, if any */
    container: {
      memoryLimitBytes: number;
      shmBytes: number;
    } | null;
  };
  findings: Finding[];
};

/** What a configuration file adds to the report: the files read and whether the server would start with them. */
export type ConfigSection = {
  /** The file named on the command line */
  file: string;
  /** Every file read, in order: includes, then postgresql.auto.conf */
  files: string[];
  /** Whether the server would start with these files */
  valid: boolean;
  errors: {
    file: string;
    line: number | null;
    setting: string | null;
    /** As the server logs it */
    message: string;
  }[];
};

/** The report for one configuration file (`pgmem check FILE --json`, `pgmem plan --config FILE --json`). */
export type CheckReport = {
  schemaVersion: 1;
  pgVersion: number;
  /** Build profile: "distribution" (LLVM JIT, lz4, zstd, GSSAPI, liburing on 18) or "embedded" (none of them) */
  build: "distribution" | "embedded";
  settings: {
    [key: string]: SettingReport;
  };
  workload: WorkloadReport;
  connections: {
    /** Connections the application side can open */
    clients: number;
    /** max_connections − superuser_reserved_connections − reserved_connections */
    usableSlots: number;
    maxConnections: number;
    /** Worst-case client backends: min(clients, max_connections) */
    backends: number;
    /** Client connections beyond the usable slots */
    refused: number;
  };
  sharedMemory: {
    totalBytes: number;
    /** shared_memory_size as the server reports it */
    sizeMB: number;
    /** shared_memory_size_in_huge_pages */
    hugePages: number;
    hugePageSizeBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  perBackend: {
    /** One client backend running its worst query, without parallel workers */
    worstCaseBytes: number;
    /** The same query with its parallel workers */
    withParallelBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  background: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  /** Dynamic shared memory (/dev/shm with posix): Parallel Hash tables */
  dynamicSharedMemory: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  totals: {
    sharedBytes: number;
    /** Parallel Hash tables beyond the private copies the backends count */
    dynamicSharedBytes: number;
    /** Σ over topology.groups of backends × perBackendBytes (each group at its own role settings) */
    backendsBytes: number;
    backgroundBytes: number;
    worstCaseBytes: number;
    ramBytes: number | null;
    /** ramBytes − worstCaseBytes; negative when over */
    headroomBytes: number | null;
    /** shared_buffers + work_mem × max_connections × operations per query */
    ruleOfThumbBytes: number;
  };
  topology: {
    /** Each client group's contribution to the backends; the hungriest get the slots first */
    groups: {
      name: string;
      connections: number;
      backends: number;
      perBackendBytes: number;
      bytes: number;
      /** Source of the query that sets its per-backend worst case */
      hungriestQuery: string;
      /** Whether the group runs its own queries rather than the server's workload */
      ownWorkload: boolean;
    }[];
    apps: {
      name: string;
      pods: number;
      /** Autoscaler max plus rollout surge */
      podsWorstCase: number;
      surgePods: number;
      pool: number;
      connections: number;
      via: string | null;
      role: string | null;
    }[];
    poolers: {
      name: string;
      replicas: number;
      /** PgBouncer processes per replica (so_reuseport, peers), each with its own pools */
      processes: number;
      /** The pgbouncer.ini or manifest resource it was read from */
      source: string | null;
      poolMode: "session" | "transaction" | "statement";
      clientConnections: number;
      clientCapacity: number;
      /** Σ pools (pool size + reserve), capped, × replicas */
      capacity: number;
      serverConnections: number;
      pools: {
        database: string;
        user: string;
        /** Server connections the pool can hold: (pool_size + reserve) × replicas × processes within the user and database caps; its clients when nothing limits the pool */
        cap: number;
        clients: number;
        serverConnections: number;
        poolMode: "session" | "transaction" | "statement";
        /** Where the pool size was set (file:line); null for a default */
        source: string | null;
      }[];
    }[];
    adminConnections: number;
    /** The container the server runs in, if any */
    container: {
      memoryLimitBytes: number;
      shmBytes: number;
    } | null;
  };
  findings: Finding[];
  config: ConfigSection;
};

/** The answer of `plan --solve`. */
export type SolveSection = {
  variable: "pods" | "pool" | "work_mem";
  /** The largest value that fits; null when even the smallest does not */
  value: number | null;
  /** work_mem only: the unit of value */
  unit?: "kB";
  /** work_mem only: value in postgresql.conf syntax */
  setting?: string | null;
  /** What stops it growing: RAM, connection slots, the setting's range, nothing up to the search cap */
  limitedBy: "ram" | "slots" | "range" | "none";
  ramBytes: number;
  /** The worst case at the answer */
  worstCaseBytes: number | null;
  /** The first value that does not fit, with its worst case and refused clients */
  next: {
    value: number;
    worstCaseBytes: number;
    refused: number;
  } | null;
};

/** Any document `pgmem plan --json` writes: the report, with `config` when a configuration is read and `solve` under --solve. */
export type PlanDocument = {
  schemaVersion: 1;
  pgVersion: number;
  /** Build profile: "distribution" (LLVM JIT, lz4, zstd, GSSAPI, liburing on 18) or "embedded" (none of them) */
  build: "distribution" | "embedded";
  settings: {
    [key: string]: SettingReport;
  };
  workload: WorkloadReport;
  connections: {
    /** Connections the application side can open */
    clients: number;
    /** max_connections − superuser_reserved_connections − reserved_connections */
    usableSlots: number;
    maxConnections: number;
    /** Worst-case client backends: min(clients, max_connections) */
    backends: number;
    /** Client connections beyond the usable slots */
    refused: number;
  };
  sharedMemory: {
    totalBytes: number;
    /** shared_memory_size as the server reports it */
    sizeMB: number;
    /** shared_memory_size_in_huge_pages */
    hugePages: number;
    hugePageSizeBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  perBackend: {
    /** One client backend running its worst query, without parallel workers */
    worstCaseBytes: number;
    /** The same query with its parallel workers */
    withParallelBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  background: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  /** Dynamic shared memory (/dev/shm with posix): Parallel Hash tables */
  dynamicSharedMemory: {
    worstCaseBytes: number;
    components: {
      /** Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name */
      id: string;
      /** Human-readable name of the part */
      name: string;
      /** Its size in bytes */
      bytes: number;
      /** How it was computed, e.g. "5 × work_mem 4MB" */
      detail?: string;
      /** The rule behind the figure */
      formula?: string;
      /** Where the figure was measured */
      measured?: string;
    }[];
  };
  totals: {
    sharedBytes: number;
    /** Parallel Hash tables beyond the private copies the backends count */
    dynamicSharedBytes: number;
    /** Σ over topology.groups of backends × perBackendBytes (each group at its own role settings) */
    backendsBytes: number;
    backgroundBytes: number;
    worstCaseBytes: number;
    ramBytes: number | null;
    /** ramBytes − worstCaseBytes; negative when over */
    headroomBytes: number | null;
    /** shared_buffers + work_mem × max_connections × operations per query */
    ruleOfThumbBytes: number;
  };
  topology: {
    /** Each client group's contribution to the backends; the hungriest get the slots first */
    groups: {
      name: string;
      connections: number;
      backends: number;
      perBackendBytes: number;
      bytes: number;
      /** Source of the query that sets its per-backend worst case */
      hungriestQuery: string;
      /** Whether the group runs its own queries rather than the server's workload */
      ownWorkload: boolean;
    }[];
    apps: {
      name: string;
      pods: number;
      /** Autoscaler max plus rollout surge */
      podsWorstCase: number;
      surgePods: number;
      pool: number;
      connections: number;
      via: string | null;
      role: string | null;
    }[];
    poolers: {
      name: string;
      replicas: number;
      /** PgBouncer processes per replica (so_reuseport, peers), each with its own pools */
      processes: number;
      /** The pgbouncer.ini or manifest resource it was read from */
      source: string | null;
      poolMode: "session" | "transaction" | "statement";
      clientConnections: number;
      clientCapacity: number;
      /** Σ pools (pool size + reserve), capped, × replicas */
      capacity: number;
      serverConnections: number;
      pools: {
        database: string;
        user: string;
        /** Server connections the pool can hold: (pool_size + reserve) × replicas × processes within the user and database caps; its clients when nothing limits the pool */
        cap: number;
        clients: number;
        serverConnections: number;
        poolMode: "session" | "transaction" | "statement";
        /** Where the pool size was set (file:line); null for a default */
        source: string | null;
      }[];
    }[];
    adminConnections: number;
    /** The container the server runs in, if any */
    container: {
      memoryLimitBytes: number;
      shmBytes: number;
    } | null;
  };
  findings: Finding[];
  config?: ConfigSection;
  solve?: SolveSection;
};

/** The document `pgmem plan --vary … --json` writes: the worst case over a grid of settings and topology knobs. */
export type GridDocument = {
  schemaVersion: 1;
  grid: {
    /** A setting or pods, pool, clients; the first varies slowest */
    axes: {
      name: string;
      values: string[];
    }[];
    ramBytes: number | null;
    /** Share of RAM kept for the OS and page cache */
    reserveShare: number;
    cells: {
      /** Axis name → value */
      values: {
        [key: string]: string;
      };
      worstCaseBytes: number;
      /** ramBytes − worstCaseBytes; null without RAM */
      headroomBytes: number | null;
      /** Client connections that find no connection slot */
      refusedClients: number;
      /** Within RAM and no client refused; null without RAM unless clients are refused */
      fits: boolean | null;
      status: ("within" | "reserve" | "over" | "refused") | null;
    }[];
  };
};

/** The document `pgmem recommend --json` writes: the settings and their plan, or (recommendations null) why none are safe. */
export type RecommendDocument = {
  schemaVersion: 1;
  /** Setting → value in postgresql.conf syntax */
  recommendations: {
    [key: string]: string;
  };
  /** Setting → why */
  reasons: {
    [key: string]: string;
  };
  /** RAM × (1 − reserveShare): the worst case stays within it */
  budgetBytes: number;
  reserveShare: number;
  /** The preset of the server's workload (--workload, else the topology's workload preset, else mixed): it sets parallel query and work_mem's cap; groups with a workload of their own are budgeted at theirs (plan.workload.groups) */
  workload: "oltp" | "olap" | "mixed";
  cpus: number;
  /** The plan of the recommended settings */
  plan: PlanReport;
} | {
  schemaVersion: 1;
  recommendations: null;
  error: {
    code: "shared-memory-over-budget" | "backends-over-budget" | "invalid-setting";
    message: string;
    exitCode: 1;
    budgetBytes: number;
  };
  /** The plan at the smallest settings tried */
  plan: PlanReport | null;
};

/** The document `--json` writes instead of a report when pgmem stops with an error. */
export type ErrorDocument = {
  schemaVersion: 1;
  error: {
    /** usage: a flag or argument; input: a file; connection: the server; internal: pgmem failed */
    code: "usage" | "input" | "connection" | "internal";
    /** The one line printed on standard error, without "pgmem: error: " */
    message: string;
    exitCode: 2 | 3;
  };
};

/** A topology document (YAML or JSON, `pgmem schema topology`): fields with defaults may be left out. */
export type TopologyInput = {
  server?: {
    version?: number;
    /** Memory of the machine */
    ram?: string | number;
    container?: {
      /** The container's memory limit: the budget */
      memoryLimit: string | number;
      /** Size of /dev/shm (Docker's default is 64MB) */
      shmSize?: string | number;
    };
    settings?: {
      [key: string]: string | number | boolean;
    };
    /** A postgresql.conf, relative to this file */
    config?: string;
  };
  apps?: {
    name: string;
    /** Pods (processes) of this app, or an autoscaler range */
    pods: number | {
      min: number;
      max: number;
    };
    /** Connections in each pod's pool (its maximum) */
    pool: number;
    /** Extra pods during a rolling update, as in a Deployment's strategy */
    maxSurge?: number | string;
    /** Role-level settings, as ALTER ROLE … SET gives them */
    role?: {
      /** The role the app connects as */
      name?: string;
      work_mem?: string | number | boolean;
      hash_mem_multiplier?: string | number | boolean;
      temp_buffers?: string | number | boolean;
      maintenance_work_mem?: string | number | boolean;
    };
    /** Name of the pooler this app connects through */
    via?: string;
    /** The database it connects to (picks its PgBouncer pool) */
    database?: string;
    /** This app's own queries; absent, it runs the server's workload (flags, then the top-level workload) */
    workload?: ("oltp" | "olap" | "mixed") | {
      /** As --workload */
      preset?: "oltp" | "olap" | "mixed";
      /** work_mem nodes per query (with hashOps) */
      sortOps?: number;
      /** hash_mem nodes per query (with sortOps) */
      hashOps?: number;
      /** EXPLAIN (FORMAT JSON) files or auto_explain logs of its queries, relative to this file */
      plans?: string | string[];
      /** Whether its queries may run parallel workers (default: the server's) */
      parallel?: boolean;
      /** Whether its sessions may fill temp_buffers (default: the server's) */
      tempBuffers?: boolean;
    };
  }[];
  poolers?: {
    name: string;
    type?: "pgbouncer";
    replicas?: number;
    /** PgBouncer processes per replica (so_reuseport or peers); default: the ini files given, or its [peers] */
    processes?: number;
    /** pgbouncer.ini of the pooler (relative to this file); a list for processes sharing a port */
    ini?: string | string[];
    /** default session */
    pool_mode?: "session" | "transaction" | "statement";
    /** default 20 */
    default_pool_size?: number;
    /** default 0 */
    min_pool_size?: number;
    /** default 0 */
    reserve_pool_size?: number;
    /** default 0 (unlimited) */
    max_db_connections?: number;
    /** default 0 (unlimited) */
    max_user_connections?: number;
    /** default 100 */
    max_client_conn?: number;
    pools?: {
      database: string;
      user: string;
      pool_size?: number;
      reserve_pool_size?: number;
    }[];
  }[];
  reserved?: {
    /** Admin, monitoring and migration sessions (superuser) */
    admin?: number;
    /** Replication connections (walsenders) */
    replication?: number;
  };
  /** The server's workload, which every group without one of its own runs: a preset, node counts or plans (relative to this file), as an app's */
  workload?: ("oltp" | "olap" | "mixed") | {
    /** As --workload */
    preset?: "oltp" | "olap" | "mixed";
    /** work_mem nodes per query (with hashOps) */
    sortOps?: number;
    /** hash_mem nodes per query (with sortOps) */
    hashOps?: number;
    /** EXPLAIN (FORMAT JSON) files or auto_explain logs of its queries, relative to this file */
    plans?: string | string[];
    /** Whether queries may run parallel workers (as --no-parallel) */
    parallel?: boolean;
    /** Whether sessions may fill temp_buffers (as --no-temp-buffers) */
    tempBuffers?: boolean;
    /** Maintenance commands at once (as --maintenance-ops) */
    maintenanceOps?: number;
    /** Logical walsenders (as --logical-senders) */
    logicalSenders?: number;
  };
};
