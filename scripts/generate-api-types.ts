/**
 * Writes src/api/report-types.ts, the library's report and topology types, from the JSON Schemas
 * pgmem publishes (the zod schemas of src/core/report-schema.ts and src/input/topology.ts, through
 * z.toJSONSchema as `pgmem schema` prints them): `npm run api:types`. The library's declaration
 * files then need neither zod nor any other package, and test/api/api.test.ts fails when this file
 * is not what the schemas give.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  checkReportSchema,
  configSectionSchema,
  errorDocumentSchema,
  findingSchema,
  gridDocumentSchema,
  planDocumentSchema,
  planReportSchema,
  recommendDocumentSchema,
  settingSchema,
  solveSectionSchema,
  workloadSchema,
} from '../src/core/report-schema.js';
import { topologySchema } from '../src/input/topology.js';

/** Where the generated types live, from the project root. */
export const API_TYPES_PATH = 'src/api/report-types.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  anyOf?: JsonSchema[];
  enum?: (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
}

/** The types written, in order: name, what it is, the schema and whether it is what the user writes (input). */
const NAMED: readonly { name: string; doc: string; schema: z.ZodType; io: 'input' | 'output' }[] = [
  {
    name: 'Finding',
    doc: 'One finding: a stable `id`, its severity, message and fix.',
    schema: findingSchema,
    io: 'output',
  },
  { name: 'SettingReport', doc: 'One setting as the report shows it.', schema: settingSchema, io: 'output' },
  { name: 'WorkloadReport', doc: 'The workload the worst case assumes.', schema: workloadSchema, io: 'output' },
  {
    name: 'PlanReport',
    doc: 'The report of `pgmem plan --json` when no configuration file is read.',
    schema: planReportSchema,
    io: 'output',
  },
  {
    name: 'ConfigSection',
    doc: 'What a configuration file adds to the report: the files read and whether the server would start with them.',
    schema: configSectionSchema,
    io: 'output',
  },
  {
    name: 'CheckReport',
    doc: 'The report for one configuration file (`pgmem check FILE --json`, `pgmem plan --config FILE --json`).',
    schema: checkReportSchema,
    io: 'output',
  },
  { name: 'SolveSection', doc: 'The answer of `plan --solve`.', schema: solveSectionSchema, io: 'output' },
  {
    name: 'PlanDocument',
    doc: 'Any document `pgmem plan --json` writes: the report, with `config` when a configuration is read and `solve` under --solve.',
    schema: planDocumentSchema,
    io: 'output',
  },
  {
    name: 'GridDocument',
    doc: 'The document `pgmem plan --vary … --json` writes: the worst case over a grid of settings and topology knobs.',
    schema: gridDocumentSchema,
    io: 'output',
  },
  {
    name: 'RecommendDocument',
    doc: 'The document `pgmem recommend --json` writes: the settings and their plan, or (recommendations null) why none are safe.',
    schema: recommendDocumentSchema,
    io: 'output',
  },
  {
    name: 'ErrorDocument',
    doc: 'The document `--json` writes instead of a report when pgmem stops with an error.',
    schema: errorDocumentSchema,
    io: 'output',
  },
  {
    name: 'TopologyInput',
    doc: 'A topology document (YAML or JSON, `pgmem schema topology`): fields with defaults may be left out.',
    schema: topologySchema,
    io: 'input',
  },
];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io }) as JsonSchema & { $schema?: string };
  return rest;
}

function literal(value: string | number | boolean | null): string {
  return JSON.stringify(value);
}

function comment(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '';
}

/** TypeScript for one schema; `names` maps a schema's JSON text to the named type that has it. */
function render(schema: JsonSchema, names: ReadonlyMap<string, string>, self: string, indent: string): string {
  const { description: _description, ...shape } = schema;
  const named = names.get(JSON.stringify(shape));
  if (named && named !== self) return named;
  if (schema.anyOf) return schema.anyOf.map((s) => wrap(render(s, names, self, indent))).join(' | ');
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  if (Array.isArray(schema.type))
    return schema.type.map((type) => render({ ...schema, type }, names, self, indent)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(schema.items ? render(schema.items, names, self, indent) : 'unknown')}[]`;
    case 'object':
      return renderObject(schema, names, self, indent);
    default:
      return 'unknown';
  }
}

function wrap(type: string): string {
  return /^[\w.$"'[\]]+$/.test(type) || type.startsWith('{') ? type : `(${type})`;
}

function renderObject(schema: JsonSchema, names: ReadonlyMap<string, string>, self: string, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const optional = required.has(key) ? '' : '?';
    lines.push(`${comment(value.description, inner)}${inner}${name}${optional}: ${render(value, names, self, inner)};`);
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    const value = extra === true ? 'unknown' : render(extra, names, self, inner);
    const keys = schema.propertyNames?.enum;
    if (keys && !schema.properties) {
      // A record over fixed keys (z.record(z.enum(…), …)): every key present.
      return `{ [K in ${keys.map(literal).join(' | ')}]: ${value} }`;
    }
    lines.push(`${inner}[key: string]: ${value};`);
  }
  return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
}

/** The whole generated file. */
export function apiTypesSource(): string {
  const schemas = NAMED.map((entry) => ({ ...entry, json: jsonSchema(entry.schema, entry.io) }));
  const names = new Map<string, string>();
  for (const { name, json } of schemas) {
    const { description: _description, ...shape } = json;
    const key = JSON.stringify(shape);
    if (!names.has(key)) names.set(key, name);
  }
  const parts = [
    '// Generated from the JSON Schemas pgmem publishes (src/core/report-schema.ts, src/input/topology.ts)',
    '// by `npm run api:types`; do not edit.',
    '',
  ];
  for (const { name, doc, json } of schemas) {
    parts.push(`/** ${doc} */`, `export type ${name} = ${render(json, names, name, '')};`, '');
  }
  return parts.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  writeFileSync(join(root, API_TYPES_PATH), apiTypesSource());
  console.log(`wrote ${API_TYPES_PATH}`);
}
