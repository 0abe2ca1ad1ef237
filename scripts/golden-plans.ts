/**
 * Writes test/fixtures/plans/pgNN/: each query shape's EXPLAIN (FORMAT JSON) as the embedded server of
 * every installed version 13–18 prints it, an auto_explain log (stderr, and jsonlog from 15), psql's
 * aligned output and a file of several plans. Run: npx tsx scripts/golden-plans.ts [versions…]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSupportedVersion, type PgVersion } from '../src/core/versions.js';
import { distributionBinDir } from '../test/support/pg-binaries.mjs';
import { logDir, startPlanServer } from '../test/support/plan-server.js';
import { explainSql, shapeSettings, shapesFor, PLAN_SHAPES } from '../test/support/plan-shapes.js';
import { installedVersions } from '../test/support/postgres.js';

const root = join(import.meta.dirname, '..', 'test', 'fixtures', 'plans');
const asked = process.argv.slice(2).map(Number).filter(isSupportedVersion);
const versions: PgVersion[] = asked.length ? asked : installedVersions();

/** Shapes whose plans also go through auto_explain and psql. */
const LOGGED = ['hash-join', 'sort', 'cte-scan'];

for (const version of versions) {
  const dir = join(root, `pg${version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = await startPlanServer(version, { logging: true });
  try {
    for (const shape of shapesFor(version)) {
      writeFileSync(join(dir, `${shape.name}.json`), `${await server.explain(shape)}\n`);
    }
    // auto_explain, loaded into this session, logs every statement's plan as JSON.
    const { client } = server;
    await client.query("LOAD 'auto_explain'");
    for (const name of LOGGED) {
      const shape = PLAN_SHAPES.find((s) => s.name === name)!;
      await client.query('RESET ALL');
      for (const [key, value] of shapeSettings(shape)) await client.query(`SET ${key} = '${value}'`);
      await client.query("SET auto_explain.log_min_duration = 0; SET auto_explain.log_format = 'json'");
      await client.query(shape.sql);
    }
    await client.query('SET auto_explain.log_min_duration = -1');
    await waitForLog(join(logDir(server.server), 'postgresql'), LOGGED.length);
    writeFileSync(
      join(dir, 'auto-explain.log'),
      autoExplainLines(readFileSync(join(logDir(server.server), 'postgresql'), 'utf8')),
    );
    if (version >= 15) {
      const jsonlog = readFileSync(join(logDir(server.server), 'postgresql.json'), 'utf8');
      writeFileSync(
        join(dir, 'auto-explain.jsonlog'),
        `${jsonlog
          .split('\n')
          .filter((l) => l.includes('plan:'))
          .join('\n')}\n`,
      );
    }
    // psql's aligned table and -At output of several statements, from Debian's psql.
    const psqlDir = distributionBinDir(15);
    if (!psqlDir) throw new Error('psql of the distribution build is not installed (postgresql-15)');
    const psql = (args: string[]): string => {
      const result = spawnSync(
        join(psqlDir, 'psql'),
        [
          '-X',
          '-h',
          server.server.socketDir,
          '-p',
          String(server.server.port),
          '-U',
          'postgres',
          '-d',
          'postgres',
          ...args,
        ],
        {
          encoding: 'utf8',
        },
      );
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return result.stdout;
    };
    const commands = LOGGED.map((name) => PLAN_SHAPES.find((s) => s.name === name)!).map(
      (shape) =>
        `RESET ALL; ${shapeSettings(shape)
          .map(([k, v]) => `SET ${k} = '${v}';`)
          .join(' ')} ${explainSql(shape)}`,
    );
    writeFileSync(join(dir, 'psql-aligned.txt'), psql(['-q', '-c', commands[0]!]));
    writeFileSync(join(dir, 'several.json'), psql(['-q', '-At', ...commands.flatMap((c) => ['-c', c])]));
  } finally {
    await server.stop();
  }
  console.log(`pg${version}: ${shapesFor(version).length} shapes`);
}

/** Waits until the log holds the plans (the logging collector writes asynchronously). */
async function waitForLog(file: string, plans: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(file) && (readFileSync(file, 'utf8').match(/plan:/g)?.length ?? 0) >= plans) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file}: auto_explain wrote fewer than ${plans} plans`);
}

/** The log's auto_explain entries (the LOG line and its tab-indented continuation lines). */
function autoExplainLines(log: string): string {
  const out: string[] = [];
  let inPlan = false;
  for (const line of log.split('\n')) {
    if (/duration: [\d.]+ ms {2}plan:/.test(line)) inPlan = true;
    else if (!line.startsWith('\t')) inPlan = false;
    if (inPlan) out.push(line);
  }
  return `${out.join('\n')}\n`;
}
