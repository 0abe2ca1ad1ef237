/**
 * --provider rds|aurora|azure with --instance-class: the provider's default memory settings for the
 * instance; on AWS also an exported parameter group (--parameter-group, or a file given to check)
 * and --set values with formulas, evaluated for the class.
 */
import { InputError, UsageError } from '../errors.js';
import { MANAGED_PROVIDERS } from '../core/managed.js';
import { evaluateFormula, isFormula, type FormulaVariables } from '../core/rds.js';
import { findGuc } from '../core/catalog/index.js';
import type { SettingAssignment } from '../core/settings.js';
import type { SettingLocation } from '../input/locations.js';
import type { CliIo } from './io.js';
import type { PlanFlags, SharedOptions } from './plan-options.js';
import { readInputFile } from './read-input.js';
import { parseJson } from '../input/json.js';

function evaluate(value: string, vars: FormulaVariables, where: string, fail: (message: string) => never): string {
  if (!isFormula(value)) return value;
  try {
    return String(evaluateFormula(value, vars));
  } catch (error) {
    return fail(`${where}: ${(error as Error).message}`);
  }
}

/** One parameter an exported group sets, and the line of its value in the file. */
interface GroupParameter {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** Whether a document is an exported parameter group: `{ "Parameters": [...] }`, nothing of a manifest. */
export function isParameterGroupText(text: string): boolean {
  return /^\s*\{\s*"Parameters"\s*:\s*\[/.test(text);
}

/**
 * The line each parameter's value is on, as the AWS CLI prints the JSON (one key a line): the
 * ParameterValue line after its ParameterName, else the ParameterName line; 1 for JSON on one line.
 */
function parameterLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let current: string | null = null;
  text.split('\n').forEach((line, i) => {
    const name = /"ParameterName"\s*:\s*"([^"]*)"/.exec(line);
    if (name) {
      current = name[1]!.toLowerCase();
      if (!lines.has(current)) lines.set(current, i + 1);
    }
    if (current !== null && /"ParameterValue"\s*:/.test(line)) {
      lines.set(current, i + 1);
      current = null;
    }
  });
  return lines;
}

/** The settings of an exported parameter group: `{ "Parameters": [{ "ParameterName", "ParameterValue" }] }`. */
function parameterGroupValues(text: string, file: string): GroupParameter[] {
  const doc = parseJson(text, file);
  const list = (doc as { Parameters?: unknown } | null)?.Parameters;
  const lines = parameterLines(text);
  if (!Array.isArray(list))
    throw new InputError('expected { "Parameters": [...] } as aws rds describe-db-parameters prints it', file);
  const values: GroupParameter[] = [];
  list.forEach((p: { ParameterName?: unknown; ParameterValue?: unknown } | null, i) => {
    if (typeof p?.ParameterName !== 'string') throw new InputError(`Parameters[${i}]: expected a ParameterName`, file);
    const name = p.ParameterName.toLowerCase();
    const line = lines.get(name) ?? 1;
    // A parameter the group leaves unset has no ParameterValue: the default group's value holds.
    if (p.ParameterValue === undefined || p.ParameterValue === null) return;
    if (typeof p.ParameterValue === 'number' && Number.isFinite(p.ParameterValue))
      values.push({ name, value: String(p.ParameterValue), line });
    else if (typeof p.ParameterValue === 'string') values.push({ name, value: p.ParameterValue, line });
    else throw new InputError(`${p.ParameterName}: ParameterValue must be a string or a number`, file, line);
  });
  return values;
}

/** Applies --provider, --instance-class, --instance-memory and --parameter-group to the flags. */
export function applyProvider(flags: PlanFlags, options: SharedOptions, io: CliIo): PlanFlags {
  const { provider: providerName, instanceClass: className, instanceMemory, parameterGroup } = options;
  if (!providerName) {
    if (className || instanceMemory !== undefined || parameterGroup)
      throw new UsageError(
        'needs --provider rds, aurora or azure',
        className ? '--instance-class' : instanceMemory !== undefined ? '--instance-memory' : '--parameter-group',
      );
    return flags;
  }
  const provider = MANAGED_PROVIDERS[providerName];
  if (!className) throw new UsageError(`needs --instance-class, e.g. ${provider.example}`, '--provider');
  const instance = provider.instance(className);
  if (!instance && !(provider.memoryForUnknown && instanceMemory !== undefined))
    throw new UsageError(
      `unknown ${provider.instanceKind} "${className}"; pgmem knows ${provider.knownInstances}` +
        (provider.memoryForUnknown ? '; for another, give its memory with --instance-memory' : ''),
      '--instance-class',
    );
  if (parameterGroup && !provider.awsFormulas)
    throw new UsageError(
      'takes an exported AWS parameter group; give Azure server parameters with --set',
      '--parameter-group',
    );
  const instanceBytes = instance ? instance.memoryGiB * 2 ** 30 : null;
  const memory = instanceMemory ?? instanceBytes!;
  io.stderr.write(`pgmem: note: ${provider.memoryNote(className, instance, memory, instanceMemory !== undefined)}\n`);
  const group: SettingAssignment[] = provider.defaults(instance, memory, flags.version, className);
  if (!provider.awsFormulas) {
    return {
      ...flags,
      ramBytes: flags.ramBytes ?? instanceBytes ?? memory,
      provider: providerName,
      managedService: provider.service,
      providerAssignments: group,
    };
  }
  const vars: FormulaVariables = { DBInstanceClassMemory: memory, DBInstanceVCPU: instance!.vcpus };
  const read = parameterGroup ? readParameterGroup(parameterGroup, flags, vars, io) : null;
  const exported = read?.assignments ?? [];
  const assignments = flags.assignments.map((a) =>
    a.source === 'flag' && isFormula(a.value)
      ? {
          ...a,
          value: evaluate(a.value, vars, a.value, (m) => {
            throw new UsageError(m, `--set ${a.name}`);
          }),
        }
      : a,
  );
  return {
    ...flags,
    ramBytes: flags.ramBytes ?? instanceBytes,
    assignments,
    provider: providerName,
    managedService: provider.service,
    providerAssignments: [...group, ...exported],
    formulaVariables: vars,
    ...(read && {
      locations: {
        poolers: new Map(),
        ...flags.locations,
        settings: new Map([...read.locations, ...(flags.locations?.settings ?? [])]),
      },
      inputFiles: [...(flags.inputFiles ?? []), parameterGroup!],
    }),
  };
}

/**
 * An exported group's values, formulas evaluated (in numeric settings), with where each is written.
 * A parameter the PostgreSQL version does not have (AWS's own apg_ccm_enabled, or a name an older
 * major had) is skipped with a note: AWS applies the group, not PostgreSQL's configuration reader.
 */
function readParameterGroup(
  file: string,
  flags: PlanFlags,
  vars: FormulaVariables,
  io: CliIo,
): { assignments: SettingAssignment[]; locations: Map<string, SettingLocation> } {
  const assignments: SettingAssignment[] = [];
  const locations = new Map<string, SettingLocation>();
  const skipped: string[] = [];
  for (const { name, value, line } of parameterGroupValues(readInputFile(file, io), file)) {
    const definition = findGuc(flags.version, name, flags.build);
    if (!definition && !name.includes('.')) {
      skipped.push(name);
      continue;
    }
    const numeric = definition?.type === 'integer' || definition?.type === 'real';
    const source = `${file}: ${name} = ${value}`;
    assignments.push({
      name,
      value: numeric
        ? evaluate(value, vars, name, (m) => {
            throw new InputError(m, file, line);
          })
        : value,
      source,
    });
    locations.set(name, { source, location: { file, line } });
  }
  if (skipped.length > 0)
    io.stderr.write(
      `pgmem: note: ${file}: skipped ${skipped.length} parameter${skipped.length === 1 ? '' : 's'} PostgreSQL ${flags.version} does not have (${skipped.join(', ')})\n`,
    );
  return { assignments, locations };
}
