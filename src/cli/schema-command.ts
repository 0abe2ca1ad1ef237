/** `pgmem schema`: the JSON Schema of the output, generated from the zod schema. */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import {
  checkReportSchema,
  checkResultsSchema,
  errorDocumentSchema,
  gridDocumentSchema,
  planDocumentSchema,
  planReportSchema,
  recommendDocumentSchema,
} from '../core/report-schema.js';
import { liveSectionSchema } from '../input/live.js';
import { topologySchema } from '../input/topology.js';
import { renderJson } from '../render/json.js';
import type { CliIo } from './io.js';

/**
 * JSON Schemas pgmem publishes, by document name: every --json document validates against one of
 * them (test/cli/json-schemas.test.ts runs every command and mode against the printed schema).
 */
export const SCHEMAS: Record<string, { schema: () => z.ZodType; io: 'input' | 'output' }> = {
  plan: { schema: () => planDocumentSchema, io: 'output' },
  check: { schema: () => z.union([checkReportSchema, checkResultsSchema]), io: 'output' },
  inspect: { schema: () => planReportSchema.extend({ live: liveSectionSchema }), io: 'output' },
  vary: { schema: () => gridDocumentSchema, io: 'output' },
  recommend: { schema: () => recommendDocumentSchema, io: 'output' },
  error: { schema: () => errorDocumentSchema, io: 'output' },
  topology: { schema: () => topologySchema, io: 'input' },
};

/** Prints one schema; exit code 0. */
export async function schemaCommand(document: string, io: CliIo): Promise<number> {
  const entry = SCHEMAS[document];
  if (!entry)
    throw new UsageError(`unknown document "${document}"; use one of ${Object.keys(SCHEMAS).join(', ')}`, 'schema');
  // A topology file is input (defaults may be omitted); a report is output (every field present).
  io.stdout.write(
    renderJson({
      $id: `https://pgmem.dev/schema/${document}.json`,
      ...z.toJSONSchema(entry.schema(), { io: entry.io }),
    }),
  );
  return 0;
}
