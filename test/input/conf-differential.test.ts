/**
 * pgmem's postgresql.conf reader against the real servers: many generated file sets (test/support/
 * conf-gen.ts), each read by pgmem and by `postgres -D CASE -C setting` of every installed version.
 * The case directory is the data directory (so postgresql.auto.conf beside the file is read), which
 * `-C` allows: it exits right after reading the configuration, before checking the data directory.
 *
 * Asserted per case: both accept or both reject; on rejection, the server's LOG lines (message, HINT,
 * DETAIL; "skipping missing configuration file" excepted, which is not an error) equal pgmem's issues
 * in order, so file and line agree; on acceptance, every compared setting the file mentions resolves
 * to the same base-unit value (`-C` prints the base-unit number, as pg_settings.setting).
 *
 * Every embedded server 13–18 and Debian's 15 (the distribution build) read the same cases, plus file sets of
 * the values only some builds accept (wal_compression = lz4 | zstd, default_toast_compression = lz4,
 * io_method = io_uring), which pgmem reads with the server's build profile. A missing server fails the
 * suite in CI.
 *
 * PGMEM_DIFF_SEED and PGMEM_DIFF_CASES choose the cases (defaults: 1 and 120 per server).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findGuc } from '../../src/core/catalog/index.js';
import type { BuildName } from '../../src/core/build.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import { nodeConfFileSystem } from '../../src/cli/conf-fs.js';
import { readConfiguration, type ConfIssue } from '../../src/input/conf/index.js';
import { generateConfCases, MEMORY_SETTINGS, writeConfCase, type ConfCase } from '../support/conf-gen.js';
import { asUnprivileged, binDir, scratchDir } from '../support/postgres.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';

const SEED = Number(process.env.PGMEM_DIFF_SEED ?? 1);
const CASES = Number(process.env.PGMEM_DIFF_CASES ?? 120);
const CONCURRENCY = 4;

interface ServerRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function runPostgresC(version: PgVersion, build: BuildName, dataDir: string, name: string): Promise<ServerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(binDir(version, build)!, 'postgres'), ['-D', dataDir, '-C', name], {
      ...asUnprivileged(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        ok: code === 0,
        stdout: Buffer.concat(out).toString('utf8').trim(),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The server's complaints: LOG lines with their HINT/DETAIL, in order, without the FATAL summary. */
export function serverComplaints(stderr: string): string[] {
  const entries: string[] = [];
  for (const raw of stderr.split('\n')) {
    const m = /^(?:\S+ \S+ \S+ \[\d+\] )?(LOG|HINT|DETAIL|FATAL|WARNING): {2}(.*)$/.exec(raw);
    if (!m) continue;
    const [, level, text] = m;
    if (level === 'LOG' && text!.startsWith('skipping missing configuration file')) continue;
    if (level === 'FATAL') continue;
    if (level === 'LOG' || level === 'WARNING') entries.push(text!);
    else entries[entries.length - 1] += ` | ${level}: ${text}`;
  }
  return entries;
}

function pgmemComplaints(issues: ConfIssue[]): string[] {
  return issues.map(
    (i) =>
      i.message +
      (i.detail !== undefined ? ` | DETAIL: ${i.detail}` : '') +
      (i.hint !== undefined ? ` | HINT: ${i.hint}` : ''),
  );
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Settings whose accepted values depend on the build, compared when a case names them. */
const BUILD_SETTINGS = ['wal_compression', 'default_toast_compression', 'io_method'];

/** File sets of build-dependent values, spelled as users write them, alone, repeated and next to errors. */
const BUILD_FILES = [
  'wal_compression = lz4',
  "wal_compression = 'zstd'",
  'wal_compression = LZ4',
  'wal_compression = zstd\nwal_compression = pglz',
  "wal_compression = lz4\nwal_compression = 'ZSTD'",
  'wal_compression = snappy',
  'wal_compression = on',
  'default_toast_compression = lz4',
  "default_toast_compression = 'LZ4'",
  'default_toast_compression = zstd',
  'io_method = io_uring',
  "io_method = 'worker'\nio_method = io_uring",
  'wal_compression = lz4\ndefault_toast_compression = lz4\nwork_mem = 8MB',
  'wal_compression = zstd\nwork_mem = 1kB',
  'default_toast_compression = lz4\nio_method = io_uring\nshared_buffers = 64MB',
];
const buildCases: ConfCase[] = BUILD_FILES.map((text, i) => ({
  id: `build-${i}`,
  files: new Map([['postgresql.conf', new TextEncoder().encode(`${text}\n`)]]),
  dirs: [],
}));

const servers = requireServers('conf differential', {
  embedded: SUPPORTED_VERSIONS,
  distribution: DISTRIBUTION_VERSIONS,
});
const cases = [...generateConfCases(SEED, CASES), ...buildCases];
const root = scratchDir('pgmem-confdiff-');
const written = cases.map((c) => ({ c, dir: join(root, c.id), main: writeConfCase(c, join(root, c.id)) }));

function describeCase(c: ConfCase): string {
  return (
    [...c.files].map(([p, b]) => `--- ${p}\n${new TextDecoder().decode(b)}`).join('\n') +
    (c.dirs.length ? `\n(dirs: ${c.dirs.join(', ')})` : '')
  );
}

describe.skipIf(servers.length === 0)('postgresql.conf reader agrees with the real servers', () => {
  for (const { version: major, build, label } of servers) {
    const version = major as PgVersion;
    it(`${label}: ${CASES} generated file sets (seed ${SEED}) and ${buildCases.length} of build-dependent values`, async () => {
      const disagreements: string[] = [];
      let accepted = 0;
      let compared = 0;
      let buildValues = 0;
      await pool(written, CONCURRENCY, async ({ c, dir, main }) => {
        const result = readConfiguration(version, main, nodeConfFileSystem(root), { build });
        const text = [...c.files.values()].map((b) => new TextDecoder().decode(b).toLowerCase()).join('\n');
        const names = [...MEMORY_SETTINGS, ...BUILD_SETTINGS].filter(
          (n) =>
            findGuc(version, n, build) &&
            (result.effective.has(n) ||
              text.includes(n) ||
              (n === 'work_mem' && text.includes('sort_mem')) ||
              (n === 'maintenance_work_mem' && text.includes('vacuum_mem'))),
        );
        if (names.length === 0) names.push('work_mem');
        const runs = await Promise.all(names.map((n) => runPostgresC(version, build, dir, n)));
        const serverOk = runs[0]!.ok;
        const pgmemOk = result.issues.length === 0;
        const problems: string[] = [];
        if (runs.some((r) => r.ok !== serverOk)) problems.push('server runs disagree among themselves');
        if (serverOk !== pgmemOk) {
          problems.push(`server ${serverOk ? 'accepts' : 'rejects'}, pgmem ${pgmemOk ? 'accepts' : 'rejects'}`);
        }
        if (!serverOk) {
          const theirs = serverComplaints(runs[0]!.stderr);
          const ours = pgmemComplaints(result.issues);
          if (JSON.stringify(theirs) !== JSON.stringify(ours)) {
            problems.push(`complaints differ:\n  server: ${JSON.stringify(theirs)}\n  pgmem:  ${JSON.stringify(ours)}`);
          }
        } else if (pgmemOk) {
          accepted++;
          names.forEach((n, k) => {
            compared++;
            if (BUILD_SETTINGS.includes(n)) buildValues++;
            const ours = result.effective.get(n)?.setting ?? findGuc(version, n, build)!.boot;
            if (runs[k]!.stdout !== ours) problems.push(`${n}: server ${runs[k]!.stdout}, pgmem ${ours}`);
          });
        }
        if (problems.length) disagreements.push(`case ${c.id}:\n${problems.join('\n')}\n${describeCase(c)}`);
      });
      if (disagreements.length) console.log(disagreements.slice(0, 5).join('\n\n'));
      console.log(
        `${label}: ${cases.length} cases, ${accepted} accepted by both, ${compared} values compared (${buildValues} build-dependent), ${disagreements.length} disagreements`,
      );
      expect(disagreements.length, disagreements.slice(0, 3).join('\n\n')).toBe(0);
    });
  }
});
