/** `pgmem schema`: the JSON Schema of the output, generated from the zod schema. */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { planReportSchema } from '../core/report-schema.js';
import { renderJson } from '../render/json.js';
import type { CliIo } from './io.js';

/** JSON Schemas pgmem publishes, by document name. */
export const SCHEMAS: Record<string, () => z.ZodType> = {
  plan: () => planReportSchema,
};

/** Prints one schema; exit code 0. */
export async function schemaCommand(document: string, io: CliIo): Promise<number> {
  const schema = SCHEMAS[document];
  if (!schema) throw new UsageError(`unknown document "${document}"; use one of ${Object.keys(SCHEMAS).join(', ')}`, 'schema');
  io.stdout.write(renderJson({ $id: `https://pgmem.dev/schema/${document}.json`, ...z.toJSONSchema(schema(), { io: 'output' }) }));
  return 0;
}
