/**
 * The JSON contract of `pgmem plan --json` (schemaVersion 1), as a zod schema. Adding a field keeps
 * the schema version; renaming or removing one bumps it. `pgmem schema` prints it as JSON Schema.
 */
import { z } from 'zod';
import { MAX_VERSION, MIN_VERSION } from './versions.js';
import { BUILD_NAMES } from './build.js';
import { SCHEMA_VERSION } from './schema-version.js';

export { SCHEMA_VERSION };

const bytes = z.number().int().nonnegative();

/** A stable kebab-case id: what tools match on, while names are for people and may be reworded. */
export const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const component = z.object({
  id: z
    .string()
    .regex(KEBAB_ID)
    .describe('Stable kebab-case id of the part, e.g. "page-tables"; match this, not the name'),
  name: z.string().describe('Human-readable name of the part'),
  bytes: bytes.describe('Its size in bytes'),
  detail: z.string().optional().describe('How it was computed, e.g. "5 × work_mem 4MB"'),
  formula: z.string().optional().describe('The rule behind the figure'),
  measured: z.string().optional().describe('Where the figure was measured'),
});

export const findingSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .describe('Stable kebab-case finding id'),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  fix: z.string().optional().describe('What to change'),
  setting: z.string().optional().describe('The setting the finding is about'),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Where on the line the value is written, when the reader knows (YAML manifests)'),
  data: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
});

export const settingSchema = z.object({
  setting: z.string().describe('As pg_settings.setting shows it, in the base unit'),
  unit: z.string().nullable().describe('pg_settings.unit'),
  bytes: bytes.optional().describe('Resolved size for memory settings, auto rules applied'),
  source: z.string().describe('"default", "initdb", "flag", "topology" or "<file>:<line>"'),
});

const nodeKinds = [
  'sort',
  'incremental-sort',
  'hash-join',
  'parallel-hash',
  'hash-aggregate',
  'memoize',
  'tuplestore',
  'bitmap',
  'hashed-estimate',
  'generic-sort',
  'generic-hash',
  'unknown',
] as const;

export const queryNodeSchema = z.object({
  kind: z.enum(nodeKinds).describe('The node class, which sets its budget and allowance'),
  nodeType: z.string().describe('As EXPLAIN names it, or the flag it came from'),
  budget: z.enum(['work_mem', 'hash_mem', 'estimate']),
  budgetBytes: bytes.describe('work_mem, or work_mem × hash_mem_multiplier'),
  workers: z.number().int().nonnegative().describe('Workers Planned of the Gather above it (0 outside parallel plans)'),
  processes: z.number().int().positive().describe("Processes holding it: the backend and its Gather's workers"),
  path: z.string().optional().describe('Where it sits in its plan'),
  measuredBytes: bytes.optional().describe('What EXPLAIN ANALYZE reported for it'),
});

export const queryShapeSchema = z.object({
  source: z.string().describe('Where the shape came from: "flags", a preset, a file and plan index'),
  planUnknown: z.boolean().describe('Node counts without a plan: any node may run in every parallel worker'),
  hungriest: z.boolean().describe('Whether it sets the per-backend worst case'),
  backendBytes: bytes.describe('Node memory of the backend running it, overheads included'),
  workers: z.number().int().nonnegative().describe('Parallel workers it launches'),
  workersBytes: bytes.describe('All its workers together, baselines included'),
  nodes: z.array(queryNodeSchema),
});

export const workloadSourceSchema = z.object({
  kind: z
    .enum(['flags', 'preset', 'counts', 'plans', 'statements'])
    .describe(
      '"flags": --sort-ops/--hash-ops/--ops-per-query; "preset": a --workload or app preset (or the default, mixed); "counts": node counts of a topology; "plans": EXPLAIN plans; "statements": inspect --statements',
    ),
  origin: z
    .enum(['flags', 'topology', 'app', 'default'])
    .describe("Who gave it: flags, the topology's workload section, an app of the topology, or pgmem's default"),
  app: z.string().nullable().describe('The app whose own workload it is (origin "app")'),
  preset: z.enum(['oltp', 'olap', 'mixed']).nullable().describe('The preset (kind "preset")'),
  files: z.array(z.string()).describe('The plan files read (kind "plans", or "statements" with --plans)'),
});

export const workloadSchema = z.object({
  sortOps: z.number().int().nonnegative().describe('work_mem nodes of the hungriest query, each up to work_mem'),
  hashOps: z
    .number()
    .int()
    .nonnegative()
    .describe('hash_mem nodes of the hungriest query, each up to work_mem × hash_mem_multiplier'),
  parallel: z.boolean().describe('Whether parallel query can run'),
  parallelWorkersPerQuery: z.number().int().nonnegative(),
  tempBuffers: z.boolean().describe('Whether every session may fill temp_buffers'),
  maintenanceOps: z.number().int().nonnegative().describe('Concurrent CREATE INDEX / manual VACUUM commands'),
  logicalSenders: z.number().int().nonnegative().describe('Walsenders doing logical decoding'),
  backendBaselineBytes: bytes.describe('Private memory of an idle backend'),
  source: workloadSourceSchema.describe(
    "Where the server's workload came from: the queries of every group without a workload of its own",
  ),
  queries: z.array(queryShapeSchema).describe("The query shapes the server's backends run, costed with its settings"),
  groups: z
    .array(
      z.object({
        name: z.string().describe('The client group, as topology.groups names it'),
        sources: z
          .array(workloadSourceSchema)
          .describe(
            "Where its queries came from: its app's own workload, the server's, or several for a pool shared by apps",
          ),
        perBackendBytes: bytes.describe('Its per-backend worst case, at its role settings'),
        hungriestQuery: z.string().describe('Source of the query that sets it'),
        queries: z
          .array(queryShapeSchema)
          .describe(
            "Its own queries costed at its role settings; empty when it runs the server's workload (workload.queries)",
          ),
      }),
    )
    .describe("Each client group's workload"),
});

export const planReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  pgVersion: z.number().int().min(MIN_VERSION).max(MAX_VERSION),
  build: z
    .enum(BUILD_NAMES)
    .describe(
      'Build profile: "distribution" (LLVM JIT, lz4, zstd, GSSAPI, liburing on 18) or "embedded" (none of them)',
    ),
  settings: z.record(z.string(), settingSchema),
  workload: workloadSchema,
  connections: z.object({
    clients: z.number().int().nonnegative().describe('Connections the application side can open'),
    usableSlots: z.number().int().describe('max_connections − superuser_reserved_connections − reserved_connections'),
    maxConnections: z.number().int().positive(),
    backends: z.number().int().nonnegative().describe('Worst-case client backends: min(clients, max_connections)'),
    refused: z.number().int().nonnegative().describe('Client connections beyond the usable slots'),
  }),
  sharedMemory: z.object({
    totalBytes: bytes,
    sizeMB: z.number().int().nonnegative().describe('shared_memory_size as the server reports it'),
    hugePages: z.number().int().nonnegative().describe('shared_memory_size_in_huge_pages'),
    hugePageSizeBytes: bytes,
    components: z.array(component),
  }),
  perBackend: z.object({
    worstCaseBytes: bytes.describe('One client backend running its worst query, without parallel workers'),
    withParallelBytes: bytes.describe('The same query with its parallel workers'),
    components: z.array(component),
  }),
  background: z.object({
    worstCaseBytes: bytes,
    components: z.array(component),
  }),
  dynamicSharedMemory: z
    .object({
      worstCaseBytes: bytes,
      components: z.array(component),
    })
    .describe('Dynamic shared memory (/dev/shm with posix): Parallel Hash tables'),
  totals: z.object({
    sharedBytes: bytes,
    dynamicSharedBytes: bytes.describe('Parallel Hash tables beyond the private copies the backends count'),
    backendsBytes: bytes.describe(
      'Σ over topology.groups of backends × perBackendBytes (each group at its own role settings)',
    ),
    backgroundBytes: bytes,
    worstCaseBytes: bytes,
    ramBytes: bytes.nullable(),
    headroomBytes: z.number().int().nullable().describe('ramBytes − worstCaseBytes; negative when over'),
    ruleOfThumbBytes: bytes.describe('shared_buffers + work_mem × max_connections × operations per query'),
  }),
  topology: z.object({
    groups: z
      .array(
        z.object({
          name: z.string(),
          connections: z.number().int().nonnegative(),
          backends: z.number().int().nonnegative(),
          perBackendBytes: bytes,
          bytes: bytes,
          hungriestQuery: z.string().describe('Source of the query that sets its per-backend worst case'),
          ownWorkload: z.boolean().describe("Whether the group runs its own queries rather than the server's workload"),
        }),
      )
      .describe("Each client group's contribution to the backends; the hungriest get the slots first"),
    apps: z.array(
      z.object({
        name: z.string(),
        pods: z.number().int().nonnegative(),
        podsWorstCase: z.number().int().nonnegative().describe('Autoscaler max plus rollout surge'),
        surgePods: z.number().int().nonnegative(),
        pool: z.number().int().nonnegative(),
        connections: z.number().int().nonnegative(),
        via: z.string().nullable(),
        role: z.string().nullable(),
      }),
    ),
    poolers: z.array(
      z.object({
        name: z.string(),
        replicas: z.number().int().positive(),
        processes: z
          .number()
          .int()
          .positive()
          .describe('PgBouncer processes per replica (so_reuseport, peers), each with its own pools'),
        source: z.string().nullable().describe('The pgbouncer.ini or manifest resource it was read from'),
        poolMode: z.enum(['session', 'transaction', 'statement']),
        clientConnections: z.number().int().nonnegative(),
        clientCapacity: z.number().int().nonnegative(),
        capacity: z.number().int().nonnegative().describe('Σ pools (pool size + reserve), capped, × replicas'),
        serverConnections: z.number().int().nonnegative(),
        pools: z.array(
          z.object({
            database: z.string(),
            user: z.string(),
            cap: z
              .number()
              .int()
              .nonnegative()
              .describe(
                'Server connections the pool can hold: (pool_size + reserve) × replicas × processes within the user and database caps; its clients when nothing limits the pool',
              ),
            clients: z.number().int().nonnegative(),
            serverConnections: z.number().int().nonnegative(),
            poolMode: z.enum(['session', 'transaction', 'statement']),
            source: z.string().nullable().describe('Where the pool size was set (file:line); null for a default'),
          }),
        ),
      }),
    ),
    adminConnections: z.number().int().nonnegative(),
    container: z
      .object({ memoryLimitBytes: bytes, shmBytes: bytes })
      .nullable()
      .describe('The container the server runs in, if any'),
  }),
  findings: z.array(findingSchema),
});

/** The document `pgmem plan --json` writes. */
export type PlanReport = z.infer<typeof planReportSchema>;
/** One finding in a report. */
export type Finding = z.infer<typeof findingSchema>;
/** A named part of a memory total. */
export type MemoryComponent = z.infer<typeof component>;
/** Workload assumptions echoed in the report. */
export type WorkloadReport = z.infer<typeof workloadSchema>;

/** What `check` adds: the files read and whether the server would accept them. */
export const configSectionSchema = z.object({
  file: z.string().describe('The file named on the command line'),
  files: z.array(z.string()).describe('Every file read, in order: includes, then postgresql.auto.conf'),
  valid: z.boolean().describe('Whether the server would start with these files'),
  errors: z.array(
    z.object({
      file: z.string(),
      line: z.number().int().nullable(),
      setting: z.string().nullable(),
      message: z.string().describe('As the server logs it'),
    }),
  ),
});

/** The document `pgmem check --json` writes for one file. */
export const checkReportSchema = planReportSchema.extend({ config: configSectionSchema });

/** The document `pgmem check --json` writes for several files. */
export const checkResultsSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  results: z.array(checkReportSchema),
});

/** `plan --solve`'s answer, beside the plan at the answer. */
export const solveSectionSchema = z.object({
  variable: z.enum(['pods', 'pool', 'work_mem']),
  value: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('The largest value that fits; null when even the smallest does not'),
  unit: z.literal('kB').optional().describe('work_mem only: the unit of value'),
  setting: z.string().nullable().optional().describe('work_mem only: value in postgresql.conf syntax'),
  limitedBy: z
    .enum(['ram', 'slots', 'range', 'none'])
    .describe("What stops it growing: RAM, connection slots, the setting's range, nothing up to the search cap"),
  ramBytes: bytes,
  worstCaseBytes: bytes.nullable().describe('The worst case at the answer'),
  next: z
    .object({ value: z.number().int().nonnegative(), worstCaseBytes: bytes, refused: z.number().int().nonnegative() })
    .nullable()
    .describe('The first value that does not fit, with its worst case and refused clients'),
});

/**
 * The document `pgmem plan --json` writes: the report, with `config` when a configuration file is read
 * (--config, or the topology's server.config) and `solve` under --solve.
 */
export const planDocumentSchema = planReportSchema.extend({
  config: configSectionSchema.optional(),
  solve: solveSectionSchema.optional(),
});

/** The document `pgmem plan --vary … --json` writes. */
export const gridDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  grid: z.object({
    axes: z
      .array(z.object({ name: z.string(), values: z.array(z.string()) }))
      .describe('A setting or pods, pool, clients; the first varies slowest'),
    ramBytes: bytes.nullable(),
    reserveShare: z.number().min(0).lt(1).describe('Share of RAM kept for the OS and page cache'),
    cells: z.array(
      z.object({
        values: z.record(z.string(), z.string()).describe('Axis name → value'),
        worstCaseBytes: bytes,
        headroomBytes: z.number().int().nullable().describe('ramBytes − worstCaseBytes; null without RAM'),
        refusedClients: z.number().int().nonnegative().describe('Client connections that find no connection slot'),
        fits: z
          .boolean()
          .nullable()
          .describe('Within RAM and no client refused; null without RAM unless clients are refused'),
        status: z.enum(['within', 'reserve', 'over', 'refused']).nullable(),
      }),
    ),
  }),
});

/** The error document every command writes under --json when it cannot run (exit 2 or 3). */
export const errorDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  error: z.object({
    code: z
      .enum(['usage', 'input', 'connection', 'internal'])
      .describe('usage: a flag or argument; input: a file; connection: the server; internal: pgmem failed'),
    message: z.string().describe('The one line printed on standard error, without "pgmem: error: "'),
    exitCode: z.union([z.literal(2), z.literal(3)]),
  }),
});

/** The documents `pgmem recommend --json` writes: settings with their reasons, or why none are safe (exit 1). */
export const recommendDocumentSchema = z.union([
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    recommendations: z.record(z.string(), z.string()).describe('Setting → value in postgresql.conf syntax'),
    reasons: z.record(z.string(), z.string()).describe('Setting → why'),
    budgetBytes: bytes.describe('RAM × (1 − reserveShare): the worst case stays within it'),
    reserveShare: z.number().min(0).lt(1),
    workload: z
      .enum(['oltp', 'olap', 'mixed'])
      .describe(
        "The preset of the server's workload (--workload, else the topology's workload preset, else mixed): it sets parallel query and work_mem's cap; groups with a workload of their own are budgeted at theirs (plan.workload.groups)",
      ),
    cpus: z.number().int().positive(),
    plan: planReportSchema.describe('The plan of the recommended settings'),
  }),
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    recommendations: z.null(),
    error: z.object({
      code: z.enum(['shared-memory-over-budget', 'backends-over-budget', 'invalid-setting']),
      message: z.string(),
      exitCode: z.literal(1),
      budgetBytes: bytes,
    }),
    plan: planReportSchema.nullable().describe('The plan at the smallest settings tried'),
  }),
]);

/** `plan --solve`'s section. */
export type SolveSection = z.infer<typeof solveSectionSchema>;
/** The `plan --vary` document. */
export type GridDocument = z.infer<typeof gridDocumentSchema>;
/** A `recommend --json` document. */
export type RecommendDocument = z.infer<typeof recommendDocumentSchema>;
