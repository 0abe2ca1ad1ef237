/** The schema of `inspect`'s live section, part of the report contract (core: the renderers read it). */
import { z } from 'zod';
import { BUILD_NAMES } from './build.js';

/**
 * Why a statement of pg_stat_statements was not planned (docs: README, "inspect --statements"):
 * - utility: not a statement EXPLAIN plans (VACUUM, CREATE INDEX, SET, COPY, EXPLAIN itself, …);
 * - syntax: its normalized text does not parse (a typed literal such as `interval '1 day'` becomes
 *   `interval $1`), SQLSTATE 42601;
 * - undefined-object: a table, column, schema or type it names is gone or not on this session's
 *   search_path (42P01, 42703, 3F000, 42704);
 * - types: a type could not be resolved, mostly because normalized constants lose theirs
 *   (`generate_series($1, $2)` is ambiguous): 42P18, 42725, 42883, 42804, 42P08, 42846;
 * - privilege: the role may not read what it names (42501);
 * - would-write: planning ran a function that writes, which the read-only transaction refused (25006);
 * - lock-timeout: a table it names was locked (an ALTER TABLE running) past lock_timeout (55P03);
 * - timeout: planning took longer than the statement timeout (57014);
 * - error: any other error the server gave.
 */
export const STATEMENT_SKIP_REASONS = [
  'utility',
  'syntax',
  'undefined-object',
  'types',
  'privilege',
  'would-write',
  'lock-timeout',
  'timeout',
  'error',
] as const;

/** Why a statement was not planned. */
export type StatementSkipReason = (typeof STATEMENT_SKIP_REASONS)[number];

/** The states pg_stat_statements can be in, as `inspect --statements` finds it. */
export const STATEMENTS_STATUSES = ['read', 'not-installed', 'not-loaded', 'not-readable'] as const;

/** `live.statements`: the statements of pg_stat_statements `inspect --statements N` planned as the workload. */
export const statementsSectionSchema = z.object({
  requested: z.number().int().positive().describe('N of --statements N'),
  status: z
    .enum(STATEMENTS_STATUSES)
    .describe(
      '"read"; "not-installed": no CREATE EXTENSION in this database; "not-loaded": not in shared_preload_libraries; "not-readable": the view could not be read',
    ),
  message: z.string().optional().describe('Why the statements could not be read, in one line'),
  database: z.string().describe('The database connected to: only its statements are read and planned'),
  extensionVersion: z.string().nullable().describe('pg_extension.extversion of pg_stat_statements'),
  sortedBy: z
    .enum(['total_exec_time', 'total_time'])
    .nullable()
    .describe('The column ranked by: total_exec_time from 1.8, total_time before'),
  method: z
    .enum(['generic-plan', 'prepared-generic'])
    .describe(
      '"generic-plan": EXPLAIN (GENERIC_PLAN) (16+); "prepared-generic": PREPARE, plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with NULLs (13–15)',
    ),
  read: z.number().int().nonnegative().describe('Statements read (at most requested), by total time'),
  planned: z.number().int().nonnegative().describe('Statements EXPLAINed, which became the workload'),
  skipped: z
    .partialRecord(z.enum(STATEMENT_SKIP_REASONS), z.number().int().positive())
    .describe('Statements not planned, by reason'),
  hiddenStatements: z
    .number()
    .int()
    .nonnegative()
    .describe('Entries of this database whose text the role may not see (needs pg_read_all_stats), not ranked'),
  otherDatabases: z
    .number()
    .int()
    .nonnegative()
    .describe('Entries of other databases: inspect those databases to plan them'),
  statements: z.array(
    z.object({
      queryid: z.string().describe('pg_stat_statements.queryid (a 64-bit integer, as text)'),
      query: z.string().describe('The normalized text, whitespace collapsed and shortened'),
      calls: z.number().int().nonnegative(),
      totalTimeMs: z.number().nonnegative().describe('The sortedBy column, summed over roles'),
      planned: z.boolean(),
      source: z.string().optional().describe('Its query in workload.queries[].source, when planned'),
      reason: z.enum(STATEMENT_SKIP_REASONS).optional().describe('Why it was not planned'),
      sqlstate: z.string().optional().describe('The error EXPLAIN gave'),
      error: z.string().optional(),
    }),
  ),
});

/** `live.statements`. */
export type StatementsSection = z.infer<typeof statementsSectionSchema>;

/** The report's `live` section: what the server says next to what pgmem predicts. */
export const liveSectionSchema = z.object({
  serverVersion: z.string().describe('server_version, e.g. "16.4"'),
  predictedSharedBytes: z.number().int().nonnegative().describe("pgmem's shared memory for the running settings"),
  allocatedSharedBytes: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('sum(allocated_size) of pg_shmem_allocations; null when the role may not read it'),
  allocatedSharedUnavailable: z.string().optional().describe('Why allocatedSharedBytes is null'),
  differenceBytes: z.number().int().nullable().describe('allocatedSharedBytes − predictedSharedBytes'),
  sharedMemorySizeMB: z.number().int().nonnegative().nullable().describe('shared_memory_size (15+), else null'),
  build: z.object({
    profile: z.enum(BUILD_NAMES).describe('The build profile the report uses'),
    source: z.enum(['server', 'flag']).describe('"server": detected from what the server shows; "flag": --build'),
    detected: z.enum(BUILD_NAMES).describe("The profile the server's own evidence points to"),
    evidence: z
      .object({
        llvm: z.boolean().nullable(),
        lz4: z.boolean().nullable(),
        zstd: z.boolean().nullable(),
        gssapi: z.boolean().nullable(),
        liburing: z.boolean().nullable(),
      })
      .describe(
        'Each build option as the server shows it; null when nothing shows it (e.g. jit = off, no pg_read_all_stats)',
      ),
  }),
  currentBackends: z.object({
    total: z.number().int().nonnegative().describe('Processes pg_stat_activity lists'),
    byType: z.record(z.string(), z.number().int().nonnegative()).describe('By backend_type'),
    byState: z
      .record(z.string(), z.number().int().nonnegative())
      .describe('By state; "none" for processes without one'),
  }),
  worstCaseBackends: z.number().int().nonnegative().describe("Client backends in pgmem's worst case"),
  statements: statementsSectionSchema.optional().describe('With --statements: the statements planned as the workload'),
  pendingRestart: z.array(
    z.object({
      name: z.string(),
      setting: z.string().describe('The running value (pg_settings.setting, base unit)'),
      unit: z.string().nullable(),
      pendingValue: z.string().optional().describe('The value in the configuration file, applied at the next restart'),
    }),
  ),
});

/** The report's `live` section. */
export type LiveSection = z.infer<typeof liveSectionSchema>;
