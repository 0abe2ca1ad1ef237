/**
 * `pgmem check FILE...`: postgresql.conf files judged as the server reads them, Kubernetes
 * manifests and pgbouncer.ini files as pgmem reads them, for CI. Each file is one server; every
 * finding points at the line that sets its value.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { exitCodeFor } from './exit-code.js';
import { useColor, type CliIo } from './io.js';
import {
  analyzeConfig,
  analyzeInputs,
  autoConfChoice,
  loadConfig,
  loadPlanFlags,
  type CheckReport,
} from './plan-input.js';
import { readFormat, readPlanFlags, type CommandOptions, type PlanFlags } from './plan-options.js';
import { renderCheckReports } from './render-report.js';
import { isParameterGroupText } from './provider.js';

/** What a file given to check is. */
export type CheckInputKind = 'conf' | 'manifest' | 'pgbouncer';

/** Bytes read to tell a file's kind from its first lines. */
const SNIFF_BYTES = 64 * 1024;

/**
 * A file's kind by its name: .ini is a pgbouncer.ini (so is pgbouncer*.conf), .yaml, .yml and .json
 * a manifest, any other .conf a postgresql.conf; undefined when the name does not tell.
 */
export function checkInputKindByName(file: string): CheckInputKind | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.ini') return 'pgbouncer';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'manifest';
  if (ext === '.conf') return /^pgbouncer/i.test(basename(file)) ? 'pgbouncer' : 'conf';
  return undefined;
}

/**
 * A file's kind: by its name, else by its first line that is not blank or a comment: `[section]`
 * or `%include` is a pgbouncer.ini (postgresql.conf has neither), `apiVersion:`, `kind:` or `---`
 * a manifest, anything else a postgresql.conf.
 */
export function checkInputKind(file: string, head: string | null): CheckInputKind {
  const byName = checkInputKindByName(file);
  if (byName) return byName;
  const first = (head ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#') && !line.startsWith(';'));
  if (first === undefined) return 'conf';
  if (/^\[[^\]]+\]$/.test(first) || first.startsWith('%include')) return 'pgbouncer';
  if (/^(apiVersion|kind)\s*:/.test(first) || first === '---' || /^\{\s*"(apiVersion|kind)"/.test(first))
    return 'manifest';
  return 'conf';
}

/** The start of a file, or null when it cannot be read (the reader of its kind then says why); a pipe is refused. */
function readHead(file: string, io: CliIo): string | null {
  const path = resolve(io.cwd, file);
  if (io.confFs) {
    try {
      return new TextDecoder().decode(io.confFs.readFile(path).subarray(0, SNIFF_BYTES));
    } catch {
      return null;
    }
  }
  // Looking at a pipe's first lines would consume them, and its reader would see only the rest.
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isFIFO() || stats?.isSocket()) {
    throw new InputError(
      'a pipe, so its kind cannot be told without consuming it; give it as --manifest or --pgbouncer',
      file,
    );
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, null)).toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readHead for a file its name already tells the kind of: a pipe is read whole by its reader, not refused. */
function readHeadOfRegularFile(file: string, io: CliIo): string | null {
  if (!io.confFs && !statSync(resolve(io.cwd, file), { throwIfNoEntry: false })?.isFile()) return null;
  return readHead(file, io);
}

/** The flags a manifest or pgbouncer.ini checked on its own cannot be combined with. */
function refuseOtherTopology(options: CommandOptions<'check'>, file: string, kind: CheckInputKind): void {
  const flag =
    options.topology !== undefined
      ? '--topology'
      : options.manifest?.length
        ? '--manifest'
        : options.pgbouncer?.length
          ? '--pgbouncer'
          : null;
  if (flag) {
    throw new UsageError(
      `${file} is a ${kind === 'manifest' ? 'manifest' : 'pgbouncer.ini'}, checked on its own; ${flag} goes with a postgresql.conf (or give the files as arguments, one server each)`,
      flag,
    );
  }
}

/** Checks one file given as an argument; `shared` loads the flags postgresql.conf files share, once. */
async function checkFile(
  file: string,
  options: CommandOptions<'check'>,
  io: CliIo,
  shared: () => Promise<PlanFlags>,
): Promise<CheckReport> {
  // Only a name that does not tell (or a .json, which may be an exported parameter group) is opened
  // to look at its first lines.
  const byName = checkInputKindByName(file);
  const head =
    byName === undefined ? readHead(file, io) : /\.json$/i.test(file) ? readHeadOfRegularFile(file, io) : null;
  if (head !== null && isParameterGroupText(head)) return checkParameterGroup(file, options, io);
  const kind = byName ?? checkInputKind(file, head);
  if (kind === 'conf') {
    const flags = await shared();
    return analyzeConfig(flags, loadConfig(file, flags, autoConfChoice(options), io)).report;
  }
  refuseOtherTopology(options, file, kind);
  const flags = await loadPlanFlags(
    kind === 'manifest' ? { ...options, manifest: [file] } : { ...options, pgbouncer: [file] },
    io,
    {
      failOnDefault: 'error',
      keepInvalidSettings: true,
    },
  );
  return analyzeInputs(flags).report;
}

/**
 * An exported AWS parameter group given as a file: one server, the group on the default group of
 * --provider's instance class, every finding on the line of the value it is about.
 */
async function checkParameterGroup(file: string, options: CommandOptions<'check'>, io: CliIo): Promise<CheckReport> {
  if ((options.provider !== 'rds' && options.provider !== 'aurora') || !options.instanceClass)
    throw new InputError(
      'an exported AWS parameter group; check it with --provider rds or aurora and --instance-class',
      file,
    );
  if (options.parameterGroup)
    throw new UsageError(`${file} is a parameter group too; give one group`, '--parameter-group');
  const flags = await loadPlanFlags({ ...options, parameterGroup: file }, io, {
    failOnDefault: 'error',
    keepInvalidSettings: true,
  });
  return analyzeInputs(flags).report;
}

/** Runs `check` over files and returns the exit code: the worst over the files. */
export async function checkCommand(
  files: readonly string[],
  options: CommandOptions<'check'>,
  io: CliIo,
): Promise<number> {
  const format = readFormat(options, 'table');
  let reports: CheckReport[];
  if (files.length === 0) {
    // The inputs named by --manifest or --pgbouncer are what is checked: one server.
    if (!options.manifest?.length && !options.pgbouncer?.length) {
      throw new UsageError(
        'needs a file to check: a postgresql.conf, a Kubernetes manifest or a pgbouncer.ini (or --manifest, --pgbouncer)',
        'check',
      );
    }
    if (options.autoConf !== undefined)
      throw new UsageError(
        'needs a postgresql.conf to check',
        options.autoConf === false ? '--no-auto-conf' : '--auto-conf',
      );
    reports = [
      analyzeInputs(await loadPlanFlags(options, io, { failOnDefault: 'error', keepInvalidSettings: true })).report,
    ];
  } else {
    let flags: Promise<PlanFlags> | undefined;
    const shared = (): Promise<PlanFlags> => (flags ??= loadPlanFlags(options, io, { failOnDefault: 'error' }));
    reports = [];
    for (const file of files) reports.push(await checkFile(file, options, io, shared));
  }
  // --fail-on and --no-color, as every command reads them.
  const { failOn, color } = readPlanFlags(
    { ...options, manifest: [], pgbouncer: [], topology: undefined },
    { failOnDefault: 'error' },
  );
  io.stdout.write(await renderCheckReports(reports, format, { color: useColor(io, color) }));
  return Math.max(...reports.map((r) => exitCodeFor(r.findings, failOn)), ExitCode.Ok);
}
