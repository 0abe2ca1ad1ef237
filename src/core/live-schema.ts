/** The schema of `inspect`'s live section, part of the report contract (core: the renderers read it). */
import { z } from 'zod';
import { BUILD_NAMES } from './build.js';

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
