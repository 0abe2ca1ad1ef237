/**
 * Generates src/core/catalog/pg13.ts … pg18.ts from the installed PostgreSQL servers.
 *
 * Run from the repository root (Node 20 cannot run TypeScript, so it is bundled first; the bundle must
 * sit two directories deep because test/support/postgres.ts finds node_modules relative to itself):
 *   npx rolldown ./scripts/generate-catalog.ts -p node -f esm -e pg -o .tmp/gen/generate-catalog.mjs && node .tmp/gen/generate-catalog.mjs
 *
 * For each installed major version it starts a real server and reads pg_settings, then adds what
 * pg_settings does not show but a configuration file may still name:
 *  - GUC_NO_SHOW_ALL settings (guc_tables.c in 16–18, guc.c in 13–15), checked with current_setting();
 *  - old names guc.c's map_old_guc_names[] maps to current ones (sort_mem → work_mem, …);
 *  - enum spellings marked `hidden` in the config_enum_entry arrays (huge_pages accepts "true", …),
 *    found by letting the server itself accept or reject each candidate spelling from a config file.
 * It also records the non-comment settings initdb writes into a fresh postgresql.conf.
 */
import pg from 'pg';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  asUnprivileged,
  binDir,
  handOver,
  installedVersions,
  scratchDir,
  startServer,
  templateDataDir,
} from '../test/support/postgres.js';
import type { GucDefinition, GucType, GucContext, GucUnit } from '../src/core/catalog/types.js';
import type { PgVersion } from '../src/core/versions.js';

// The bundle runs from .tmp/gen, so the repository root is the working directory.
const root = process.cwd();
if (!existsSync(join(root, 'src', 'core', 'catalog', 'types.ts'))) throw new Error('run from the repository root');
const COMMAND = 'npm run catalog:generate';

/**
 * GUC_NO_SHOW_ALL entries of the core GUC tables, identical in 13–18 (guc.c ConfigureNames* in
 * 13–15, guc_tables.c in 16–18). pg_settings leaves them out; their attributes are copied from those
 * tables. The generator fails if a server does not know one of them.
 */
const HIDDEN: readonly Omit<GucDefinition, 'hidden'>[] = [
  // {"default_with_oids", PGC_USERSET, …, GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE}, false
  { name: 'default_with_oids', type: 'bool', unit: null, context: 'user', boot: 'off' },
  // {"is_superuser", PGC_INTERNAL, …, GUC_REPORT | GUC_NO_SHOW_ALL | …}, false
  { name: 'is_superuser', type: 'bool', unit: null, context: 'internal', boot: 'off' },
  // {"ssl_renegotiation_limit", PGC_USERSET, …, GUC_NO_SHOW_ALL | …}, 0, 0, 0
  { name: 'ssl_renegotiation_limit', type: 'integer', unit: null, context: 'user', boot: '0', min: 0, max: 0 },
  // {"seed", PGC_USERSET, …, GUC_NO_SHOW_ALL | …}, 0.0, -1.0, 1.0
  { name: 'seed', type: 'real', unit: null, context: 'user', boot: '0', min: -1, max: 1 },
  // {"role", PGC_USERSET, …, GUC_IS_NAME | GUC_NO_SHOW_ALL | …}, "none"
  { name: 'role', type: 'string', unit: null, context: 'user', boot: 'none' },
  // {"session_authorization", PGC_USERSET, …, GUC_IS_NAME | GUC_NO_SHOW_ALL | …}, NULL
  { name: 'session_authorization', type: 'string', unit: null, context: 'user', boot: '' },
];

/** guc.c map_old_guc_names[]: old names still accepted, per the versions that map them. */
const ALIASES: readonly { from: string; to: string }[] = [
  { from: 'sort_mem', to: 'work_mem' },
  { from: 'vacuum_mem', to: 'maintenance_work_mem' },
  { from: 'ssl_ecdh_curve', to: 'ssl_groups' }, // 18: ssl_ecdh_curve became ssl_groups
];

/**
 * Spellings tried against every enum setting. The hidden entries in the 13–18 config_enum_entry
 * arrays are the bool spellings (huge_pages, constraint_exclusion, synchronous_commit, …), "debug" and
 * "info" for message levels, "archive"/"hot_standby" for wal_level (xlog.c) and "on"/"true"/"yes"/"1"
 * for password_encryption in 13; the others guard against a spelling we do not know of.
 */
const ENUM_CANDIDATES = [
  'on',
  'off',
  'true',
  'false',
  'yes',
  'no',
  '1',
  '0',
  't',
  'f',
  'y',
  'n',
  'debug',
  'info',
  'archive',
  'hot_standby',
  'none',
  'default',
  'auto',
];

interface Row {
  name: string;
  vartype: GucType;
  unit: string | null;
  context: GucContext;
  boot_val: string | null;
  min_val: string | null;
  max_val: string | null;
  enumvals: string[] | null;
}

const UNITS = new Set<string>(['B', 'kB', 'MB', '8kB', 'us', 'ms', 's', 'min']);

function toUnit(unit: string | null, name: string): GucUnit {
  if (unit === null) return null;
  if (!UNITS.has(unit)) throw new Error(`${name}: unexpected unit ${unit}`);
  return unit as GucUnit;
}

/** Which candidate spellings each enum accepts, asked of the server through config files. */
function acceptedSpellings(version: PgVersion, enums: readonly GucDefinition[]): Map<string, string[]> {
  const dir = scratchDir('pgmem-gen-');
  const accepted = new Map<string, string[]>(enums.map((e) => [e.name, []]));
  const base = readFileSync(join(templateDataDir(version), 'postgresql.conf'), 'utf8');
  for (const candidate of ENUM_CANDIDATES) {
    const file = join(dir, 'candidate.conf');
    const lines = enums.map((e) => `${e.name} = '${candidate}'`);
    writeFileSync(file, `${base}\n${lines.join('\n')}\n`);
    handOver(file);
    const result = spawnSync(
      join(binDir(version)!, 'postgres'),
      ['-D', templateDataDir(version), '-c', `config_file=${file}`, '-C', 'huge_pages'],
      { encoding: 'utf8', ...asUnprivileged() },
    );
    const rejected = new Set<string>();
    for (const m of result.stderr.matchAll(/parameter "([A-Za-z_0-9]+)"/g)) rejected.add(m[1]!.toLowerCase());
    if (result.status !== 0 && rejected.size === 0) throw new Error(`${version}: ${result.stderr}`);
    for (const e of enums) if (!rejected.has(e.name)) accepted.get(e.name)!.push(candidate);
  }
  return accepted;
}

/** `postgres -C name -c name=value`: what the server shows for a value, or null when it refuses it. */
function showAs(version: PgVersion, name: string, value: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(binDir(version)!, 'postgres'),
      ['-D', templateDataDir(version), '-C', name, '-c', `${name}=${value}`],
      { stdio: ['ignore', 'pipe', 'ignore'], ...asUnprivileged() },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve(code === 0 ? out.trim() : null));
  });
}

/** For every accepted enum spelling, the value the server shows when it differs from the spelling. */
async function canonicalSpellings(
  version: PgVersion,
  enums: readonly GucDefinition[],
): Promise<Map<string, Record<string, string>>> {
  // transaction_isolation's check hook ignores values outside a transaction, so -C shows its boot value.
  const probed = enums.filter((e) => e.name !== 'transaction_isolation');
  const jobs = probed.flatMap((e) =>
    [...e.enumValues!, ...(e.hiddenEnumValues ?? [])].map((v) => [e.name, v] as const),
  );
  const result = new Map<string, Record<string, string>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const [name, spelling] = jobs[next++]!;
      const shown = await showAs(version, name, spelling);
      if (shown === null) throw new Error(`${version}: ${name} refused its own value "${spelling}"`);
      if (shown !== spelling) result.set(name, { ...result.get(name), [spelling.toLowerCase()]: shown });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return result;
}

/** The non-comment `name = value` lines initdb wrote into the template's postgresql.conf. */
function initdbSettings(version: PgVersion): [string, string][] {
  const text = readFileSync(join(templateDataDir(version), 'postgresql.conf'), 'utf8');
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][\w.]*)\s*=?\s*('(?:[^'\\]|''|\\.)*'|[^\s#']+)/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    out.push([m[1]!.toLowerCase(), value]);
  }
  return out;
}

async function generate(version: PgVersion): Promise<void> {
  const server = await startServer(version);
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  let rows: Row[];
  let aliases: { from: string; to: string }[];
  try {
    rows = (
      await client.query<Row>(
        'SELECT name, vartype, unit, context, boot_val, min_val, max_val, enumvals FROM pg_settings ORDER BY name',
      )
    ).rows;
    const probe = [...HIDDEN.map((h) => h.name), ...ALIASES.map((a) => a.from)];
    const known = new Set(
      (
        await client.query<{ n: string }>(
          'SELECT n FROM unnest($1::text[]) AS n WHERE current_setting(n, true) IS NOT NULL',
          [probe],
        )
      ).rows.map((r) => r.n),
    );
    for (const h of HIDDEN) if (!known.has(h.name)) throw new Error(`${version}: server does not know ${h.name}`);
    aliases = ALIASES.filter((a) => known.has(a.from) && rows.some((r) => r.name === a.to));
  } finally {
    await client.end();
    await server.stop();
  }
  const shown = new Set(rows.map((r) => r.name.toLowerCase()));
  const defs: GucDefinition[] = rows.map((r) => {
    const def: {
      -readonly [K in keyof GucDefinition]: GucDefinition[K];
    } = {
      name: r.name.toLowerCase(), // DateStyle, IntervalStyle, TimeZone keep their case in pg_settings
      type: r.vartype,
      unit: toUnit(r.unit, r.name),
      context: r.context,
      boot: r.boot_val ?? '',
    };
    if ((r.vartype === 'integer' || r.vartype === 'real') && r.min_val !== null && r.max_val !== null) {
      def.min = Number(r.min_val);
      def.max = Number(r.max_val);
    }
    if (r.vartype === 'enum') def.enumValues = r.enumvals ?? [];
    return def;
  });
  for (const h of HIDDEN) if (!shown.has(h.name)) defs.push({ ...h, hidden: true });
  defs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const enums = defs.filter((d) => d.type === 'enum' && d.context !== 'internal');
  const accepted = acceptedSpellings(version, enums);
  for (const d of enums) {
    const visible = new Set(d.enumValues!.map((v) => v.toLowerCase()));
    const hiddenValues = accepted.get(d.name)!.filter((c) => !visible.has(c));
    if (hiddenValues.length > 0) (d as { hiddenEnumValues?: readonly string[] }).hiddenEnumValues = hiddenValues;
  }
  const canonical = await canonicalSpellings(version, enums);
  for (const d of enums) {
    const map = canonical.get(d.name);
    if (map) {
      const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)));
      (d as { enumCanonical?: Record<string, string> }).enumCanonical = sorted;
    }
  }

  const initdb = initdbSettings(version);
  const id = `PG${version}`;
  const text = [
    `// Generated by scripts/generate-catalog.ts from PostgreSQL ${version} (pg_settings of a running server). Do not edit.`,
    `// Regenerate: ${COMMAND}`,
    `import type { GucDefinition } from './types.js';`,
    ``,
    `/** Every setting PostgreSQL ${version} knows (pg_settings plus GUC_NO_SHOW_ALL ones), sorted by name. */`,
    `export const ${id}_GUCS: readonly GucDefinition[] = [`,
    ...defs.map((d) => `  ${JSON.stringify(d)},`),
    `];`,
    ``,
    `/** Old names PostgreSQL ${version} still accepts for a setting (guc.c map_old_guc_names). */`,
    `export const ${id}_ALIASES: Readonly<Record<string, string>> = ${JSON.stringify(Object.fromEntries(aliases.map((a) => [a.from, a.to])))};`,
    ``,
    `/** The non-comment settings initdb ${version} wrote into a fresh postgresql.conf on the generating host. */`,
    `export const ${id}_INITDB_CONF: Readonly<Record<string, string>> = ${JSON.stringify(Object.fromEntries(initdb))};`,
    ``,
  ].join('\n');
  writeFileSync(join(root, 'src', 'core', 'catalog', `pg${version}.ts`), text);
  console.log(`pg${version}: ${defs.length} settings, ${enums.length} enums, aliases ${aliases.length}`);
}

const versions = installedVersions();
if (versions.length === 0) throw new Error('no PostgreSQL binaries installed (npm aliases pg13 … pg18)');
for (const version of versions) await generate(version);
