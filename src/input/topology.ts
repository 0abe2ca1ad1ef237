/**
 * Topology files (YAML or JSON), validated with zod. Errors point at the path and say what was
 * expected: `apps[1].pool: expected a positive integer, got "ten"`.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { AppWorkload, TopologySpec } from '../core/topology.js';
import { MAX_VERSION, MIN_VERSION } from '../core/versions.js';
import { parseYamlDocument } from './yaml.js';
import { poolerFromIni, type PgBouncerConfig } from '../core/pgbouncer.js';
import { WORKLOAD_KINDS } from '../core/presets.js';
import type { QueryShape } from '../core/workload.js';

const count = (what = 'a whole number') => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` });
const positive = count('a positive integer').positive({ error: 'expected a positive integer' });
const nonNegative = count('a non-negative integer').nonnegative({ error: 'expected a non-negative integer' });
const size = z
  .union(
    [
      z
        .string()
        .regex(/^\s*\d+(\.\d+)?\s*[a-zA-Z]*\s*$/, { error: 'expected a size such as 16GB, 8Gi or a number of bytes' }),
      z.number().int().positive(),
    ],
    { error: 'expected a size such as 16GB, 8Gi or a number of bytes' },
  )
  .transform(String);
const settingValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a setting value' })
  .transform(String);

const role = z
  .object({
    name: z.string().min(1).optional().describe('The role the app connects as'),
    work_mem: settingValue.optional(),
    hash_mem_multiplier: settingValue.optional(),
    temp_buffers: settingValue.optional(),
    maintenance_work_mem: settingValue.optional(),
  })
  .strict()
  .describe('Role-level settings, as ALTER ROLE … SET gives them');

const planFile = z.string().min(1, { error: 'expected a file name' });
const planFiles = z
  .union([planFile, z.array(planFile).min(1, { error: 'expected at least one file name' })], {
    error: 'expected a file name or a list of them',
  })
  .describe('EXPLAIN (FORMAT JSON) files or auto_explain logs of its queries, relative to this file');

const workloadNodes = {
  preset: z.enum(WORKLOAD_KINDS, { error: 'expected oltp, olap or mixed' }).optional().describe('As --workload'),
  sortOps: nonNegative.optional().describe('work_mem nodes per query (with hashOps)'),
  hashOps: nonNegative.optional().describe('hash_mem nodes per query (with sortOps)'),
  plans: planFiles.optional(),
};

/**
 * One rule for an app's workload and the topology's: at most one of a preset, node counts (both) or
 * plans sets the query's nodes; an app's must give one.
 */
function refineWorkloadNodes(
  w: { preset?: unknown; sortOps?: number | undefined; hashOps?: number | undefined; plans?: unknown },
  ctx: z.RefinementCtx,
  required: boolean,
): void {
  const counts = w.sortOps !== undefined || w.hashOps !== undefined;
  const given = [w.preset !== undefined && 'preset', counts && 'sortOps/hashOps', w.plans !== undefined && 'plans'];
  const named = given.filter((g): g is string => typeof g === 'string');
  if (named.length === 0 && required)
    ctx.addIssue({ code: 'custom', path: [], message: 'give a preset, sortOps and hashOps, or plans', input: w });
  if (named.length > 1)
    ctx.addIssue({
      code: 'custom',
      path: [named[1] === 'plans' ? 'plans' : named[1] === 'sortOps/hashOps' ? 'sortOps' : 'preset'],
      message: `give either ${named.join(' or ')}, not both: each sets the query's nodes`,
      input: w,
    });
  if (counts && (w.sortOps === undefined || w.hashOps === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [w.sortOps === undefined ? 'sortOps' : 'hashOps'],
      message: `give ${w.sortOps === undefined ? 'sortOps with hashOps' : 'hashOps with sortOps'} (0 for none)`,
      input: w,
    });
}

const appWorkloadObject = z
  .object({
    ...workloadNodes,
    parallel: z.boolean().optional().describe("Whether its queries may run parallel workers (default: the server's)"),
    tempBuffers: z.boolean().optional().describe("Whether its sessions may fill temp_buffers (default: the server's)"),
  })
  .strict()
  .superRefine((w, ctx) => refineWorkloadNodes(w, ctx, true));

const serverWorkloadObject = z
  .object({
    ...workloadNodes,
    parallel: z.boolean().optional().describe('Whether queries may run parallel workers (as --no-parallel)'),
    tempBuffers: z.boolean().optional().describe('Whether sessions may fill temp_buffers (as --no-temp-buffers)'),
    maintenanceOps: nonNegative.optional().describe('Maintenance commands at once (as --maintenance-ops)'),
    logicalSenders: nonNegative.optional().describe('Logical walsenders (as --logical-senders)'),
  })
  .strict()
  .superRefine((w, ctx) => refineWorkloadNodes(w, ctx, false));

const serverWorkload = z
  .union([z.enum(WORKLOAD_KINDS), serverWorkloadObject], {
    error:
      'expected oltp, olap, mixed or { preset | sortOps, hashOps | plans, parallel, tempBuffers, maintenanceOps, logicalSenders }',
  })
  .describe(
    "The server's workload, which every group without one of its own runs: a preset, node counts or plans (relative to this file), as an app's",
  );

const appWorkload = z
  .union([z.enum(WORKLOAD_KINDS), appWorkloadObject], {
    error: 'expected oltp, olap, mixed or { preset | sortOps, hashOps | plans, parallel, tempBuffers }',
  })
  .describe("This app's own queries; absent, it runs the server's workload (flags, then the top-level workload)");

const app = z
  .object({
    name: z.string({ error: 'expected a name' }).min(1, { error: 'expected a name' }),
    pods: z
      .union([positive, z.object({ min: nonNegative, max: positive }).strict()], {
        error: 'expected a positive integer or { min, max }',
      })
      .describe('Pods (processes) of this app, or an autoscaler range'),
    pool: positive.describe("Connections in each pod's pool (its maximum)"),
    maxSurge: z
      .union(
        [nonNegative, z.string().regex(/^\d+(\.\d+)?%$/, { error: 'expected a count or a percentage such as 25%' })],
        {
          error: 'expected a count or a percentage such as 25%',
        },
      )
      .optional()
      .describe("Extra pods during a rolling update, as in a Deployment's strategy"),
    role: role.optional(),
    via: z.string().min(1).optional().describe('Name of the pooler this app connects through'),
    database: z.string().min(1).optional().describe('The database it connects to (picks its PgBouncer pool)'),
    workload: appWorkload.optional(),
  })
  .strict();

const pool = z
  .object({
    database: z.string().min(1),
    user: z.string().min(1),
    pool_size: positive.optional(),
    reserve_pool_size: nonNegative.optional(),
  })
  .strict();

/** PgBouncer's own defaults (doc/config.md), for poolers described in the topology itself. */
const PGBOUNCER_DEFAULTS = {
  pool_mode: 'session',
  default_pool_size: 20,
  min_pool_size: 0,
  reserve_pool_size: 0,
  max_db_connections: 0,
  max_user_connections: 0,
  max_client_conn: 100,
} as const;
const POOL_SETTING_KEYS = Object.keys(PGBOUNCER_DEFAULTS) as (keyof typeof PGBOUNCER_DEFAULTS)[];

const pooler = z
  .object({
    name: z.string().min(1),
    type: z.literal('pgbouncer').default('pgbouncer'),
    replicas: positive.default(1),
    processes: positive
      .optional()
      .describe(
        'PgBouncer processes per replica (so_reuseport or peers); default: the ini files given, or its [peers]',
      ),
    ini: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
        error: 'expected a file name or a list of them',
      })
      .optional()
      .describe('pgbouncer.ini of the pooler (relative to this file); a list for processes sharing a port'),
    pool_mode: z.enum(['session', 'transaction', 'statement']).optional().describe('default session'),
    default_pool_size: nonNegative.optional().describe('default 20'),
    min_pool_size: nonNegative.optional().describe('default 0'),
    reserve_pool_size: nonNegative.optional().describe('default 0'),
    max_db_connections: nonNegative.optional().describe('default 0 (unlimited)'),
    max_user_connections: nonNegative.optional().describe('default 0 (unlimited)'),
    max_client_conn: positive.optional().describe('default 100'),
    pools: z.array(pool).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.ini === undefined) return;
    for (const key of [...POOL_SETTING_KEYS, 'pools' as const]) {
      if (p[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'set it in the pgbouncer.ini named by ini',
          input: p[key],
        });
    }
  })
  .describe("A PgBouncer deployment; defaults are PgBouncer's own");

/** The topology file's schema; `pgmem schema topology` prints it. */
export const topologySchema = z
  .object({
    server: z
      .object({
        version: z.number().int().min(MIN_VERSION).max(MAX_VERSION).optional(),
        ram: size.optional().describe('Memory of the machine'),
        container: z
          .object({
            memoryLimit: size.describe("The container's memory limit: the budget"),
            shmSize: size.optional().describe("Size of /dev/shm (Docker's default is 64MB)"),
          })
          .strict()
          .optional(),
        settings: z.record(z.string(), settingValue).optional(),
        config: z.string().min(1).optional().describe('A postgresql.conf, relative to this file'),
      })
      .strict()
      .default({}),
    apps: z.array(app).default([]),
    poolers: z.array(pooler).default([]),
    reserved: z
      .object({
        admin: nonNegative.default(0).describe('Admin, monitoring and migration sessions (superuser)'),
        replication: nonNegative.default(0).describe('Replication connections (walsenders)'),
      })
      .strict()
      .default({ admin: 0, replication: 0 }),
    workload: serverWorkload.optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const poolerNames = new Set(doc.poolers.map((p) => p.name));
    doc.apps.forEach((a, i) => {
      if (a.via !== undefined && !poolerNames.has(a.via)) {
        ctx.addIssue({ code: 'custom', path: ['apps', i, 'via'], message: `no pooler named "${a.via}"`, input: a.via });
      }
      if (typeof a.pods === 'object' && a.pods.min > a.pods.max) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'pods'],
          message: `min ${a.pods.min} is larger than max ${a.pods.max}`,
          input: a.pods,
        });
      }
    });
    const seen = new Set<string>();
    doc.apps.forEach((a, i) => {
      if (seen.has(a.name))
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'name'],
          message: `duplicate app name "${a.name}"`,
          input: a.name,
        });
      seen.add(a.name);
    });
  });

/** A validated topology document. */
export type TopologyDocument = z.output<typeof topologySchema>;

/** `apps[1].pool` from zod's path. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  const text = JSON.stringify(input);
  return text === undefined ? String(input) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The schema library's default messages ("Too small: expected string to have >=1 characters"), said
 * as pgmem says everything else; messages the schema words itself pass through.
 */
function inPgmemWords(message: string): string {
  const rules: [RegExp, (...groups: string[]) => string][] = [
    [/^Too small: expected string to have >=1 characters?$/, () => 'expected a non-empty string'],
    [/^Too small: expected string to have >=(\d+) characters$/, (n) => `expected at least ${n} characters`],
    [/^Too small: expected array to have >=1 items?$/, () => 'expected at least one entry'],
    [/^Too small: expected array to have >=(\d+) items$/, (n) => `expected at least ${n} entries`],
    [/^Too small: expected number to be >=(\S+)$/, (n) => `expected a number of at least ${n}`],
    [/^Too small: expected number to be >(\S+)$/, (n) => `expected a number above ${n}`],
    [/^Too big: expected number to be <=(\S+)$/, (n) => `expected a number of at most ${n}`],
    [/^Too big: expected number to be <(\S+)$/, (n) => `expected a number below ${n}`],
    [/^Invalid input: expected (\w+), received \w+$/, (type) => `expected ${article(type)} ${type}`],
    [/^Invalid option: expected one of (.+)$/, (values) => `expected one of ${values.replaceAll('|', ', ')}`],
  ];
  for (const [pattern, say] of rules) {
    const match = pattern.exec(message);
    if (match) return say(...match.slice(1));
  }
  return message;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** Parses and validates a topology document; every problem becomes one `path: message` line. */
export function parseTopology(text: string, file: string): TopologyDocument {
  return validateTopology(parseYamlDocument(text, file), file);
}

/** Validates a topology document already read (from a topology file, or made from manifests). */
export function validateTopology(raw: unknown, file: string): TopologyDocument {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('expected a topology document (a mapping with server, apps, poolers)', file);
  }
  const result = topologySchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = formatPath(issue.path) || '(top level)';
      // pgmem's own checks (custom issues) name the value in their message already.
      const got =
        issue.code === 'unrecognized_keys' || issue.code === 'custom' ? '' : `, got ${describeInput(issue.input)}`;
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : inPgmemWords(issue.message);
      return `${where}: ${message}${got}`;
    });
    throw new InputError(lines.join('; '), file);
  }
  return result.data;
}

/** The plan files an app's workload (or the topology's `workload:`) names, as given (relative to the topology file). */
export function appPlanFiles(app: { readonly workload?: TopologyDocument['workload'] }): readonly string[] {
  const plans = typeof app.workload === 'object' ? app.workload.plans : undefined;
  return plans === undefined ? [] : typeof plans === 'string' ? [plans] : plans;
}

/** An app's plans, read and classified by the caller: the files as shown and their queries. */
export interface AppPlans {
  readonly files: readonly string[];
  readonly queries: readonly QueryShape[];
}

function appWorkloadSpec(w: NonNullable<TopologyDocument['apps'][number]['workload']>, plans?: AppPlans): AppWorkload {
  if (typeof w === 'string') return { kind: 'preset', preset: w };
  const options = {
    ...(w.parallel !== undefined && { parallel: w.parallel }),
    ...(w.tempBuffers !== undefined && { tempBuffers: w.tempBuffers }),
  };
  if (w.preset !== undefined) return { kind: 'preset', preset: w.preset, ...options };
  if (w.plans !== undefined) {
    const files = typeof w.plans === 'string' ? [w.plans] : w.plans;
    return { kind: 'plans', files: plans?.files ?? files, queries: plans?.queries ?? [], ...options };
  }
  return { kind: 'counts', sortOps: w.sortOps ?? 0, hashOps: w.hashOps ?? 0, ...options };
}

/**
 * The application side of a document, for the engine. `inis` holds the pgbouncer.ini files each
 * pooler names (by pooler index), read by the caller.
 */
export function topologySpec(
  doc: TopologyDocument,
  inis: ReadonlyMap<number, readonly PgBouncerConfig[]> = new Map(),
  plans: ReadonlyMap<number, AppPlans> = new Map(),
): TopologySpec {
  return {
    apps: doc.apps.map((a, i) => ({
      name: a.name,
      pods: a.pods,
      pool: a.pool,
      ...(a.maxSurge !== undefined && { maxSurge: a.maxSurge as number | `${number}%` }),
      ...(a.via !== undefined && { via: a.via }),
      ...(a.database !== undefined && { database: a.database }),
      ...(a.role !== undefined && {
        role: {
          ...(a.role.name !== undefined && { name: a.role.name }),
          settings: Object.fromEntries(
            Object.entries(a.role).filter(([k, v]) => k !== 'name' && v !== undefined),
          ) as Record<string, string>,
        },
      }),
      ...(a.workload !== undefined && { workload: appWorkloadSpec(a.workload, plans.get(i)) }),
    })),
    poolers: doc.poolers.map((p, i) => {
      const configs = inis.get(i);
      if (configs?.length) {
        return poolerFromIni(p.name, configs, {
          replicas: p.replicas,
          ...(p.processes !== undefined && { processes: p.processes }),
        });
      }
      const v = {
        ...PGBOUNCER_DEFAULTS,
        ...Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined)),
      } as typeof PGBOUNCER_DEFAULTS & typeof p;
      return {
        name: p.name,
        replicas: p.replicas,
        ...(p.processes !== undefined && { processes: p.processes }),
        poolMode: v.pool_mode,
        defaultPoolSize: v.default_pool_size,
        minPoolSize: v.min_pool_size,
        reservePoolSize: v.reserve_pool_size,
        maxDbConnections: v.max_db_connections,
        maxUserConnections: v.max_user_connections,
        maxClientConn: v.max_client_conn,
        ...(p.pools && {
          pools: p.pools.map((pool) => ({
            database: pool.database,
            user: pool.user,
            ...(pool.pool_size !== undefined && { poolSize: pool.pool_size }),
            ...(pool.reserve_pool_size !== undefined && { reservePoolSize: pool.reserve_pool_size }),
          })),
        }),
      };
    }),
    adminConnections: doc.reserved.admin,
  };
}
