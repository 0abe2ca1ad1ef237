/**
 * --provider rds|aurora with --instance-class: the default parameter group's memory settings, an
 * exported parameter group and --set values with AWS formulas, evaluated for the class.
 */
import { InputError, UsageError } from '../errors.js';
import {
  DEFAULT_PARAMETER_GROUPS,
  evaluateFormula,
  instanceClass,
  isFormula,
  type FormulaVariables,
} from '../core/rds.js';
import { formatSize } from '../core/format.js';
import type { SettingAssignment } from '../core/settings.js';
import type { CliIo } from './io.js';
import type { PlanFlags, SharedOptions } from './plan-options.js';
import { readInputFile } from './read-input.js';

function evaluate(value: string, vars: FormulaVariables, where: string, fail: (message: string) => never): string {
  if (!isFormula(value)) return value;
  try {
    return String(evaluateFormula(value, vars));
  } catch (error) {
    return fail(`${where}: ${(error as Error).message}`);
  }
}

/** The settings of an exported parameter group: `{ "Parameters": [{ "ParameterName", "ParameterValue" }] }`. */
function parameterGroupValues(text: string, file: string): { name: string; value: string }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not JSON: ${(error as Error).message}`, file);
  }
  const list = (doc as { Parameters?: unknown }).Parameters;
  if (!Array.isArray(list))
    throw new InputError('expected { "Parameters": [...] } as aws rds describe-db-parameters prints it', file);
  return list
    .filter(
      (p): p is { ParameterName: string; ParameterValue: string } =>
        typeof p?.ParameterName === 'string' && typeof p?.ParameterValue === 'string',
    )
    .map((p) => ({ name: p.ParameterName.toLowerCase(), value: p.ParameterValue }));
}

/** Applies --provider, --instance-class, --instance-memory and --parameter-group to the flags. */
export function applyProvider(flags: PlanFlags, options: SharedOptions, io: CliIo): PlanFlags {
  const { provider, instanceClass: className, instanceMemory, parameterGroup } = options;
  if (!provider) {
    if (className || instanceMemory !== undefined || parameterGroup)
      throw new UsageError(
        'needs --provider rds or aurora',
        className ? '--instance-class' : instanceMemory !== undefined ? '--instance-memory' : '--parameter-group',
      );
    return flags;
  }
  if (!className) throw new UsageError('needs --instance-class, e.g. db.r6g.large', '--provider');
  const cls = instanceClass(className);
  if (!cls)
    throw new UsageError(
      `unknown class "${className}"; pgmem knows db.t3/t4g (micro … 2xlarge), db.m5/m6g/m6i/m7g and db.r5/r6g/r6i/r7g (large … 16xlarge)`,
      '--instance-class',
    );
  const classBytes = cls.memoryGiB * 2 ** 30;
  // AWS subtracts an unpublished reserve for the OS and its agents; the class's whole memory is the
  // estimate that never understates what the formulas give (AWS's own worked example uses it).
  const memory = instanceMemory ?? classBytes;
  io.stderr.write(
    `pgmem: note: ${className}: ${cls.vcpus} vCPUs, ${formatSize(classBytes)}; DBInstanceClassMemory = ${memory}` +
      (instanceMemory === undefined
        ? ' (an estimate: the class memory; AWS keeps an unpublished share for the OS, --instance-memory sets the real figure)\n'
        : ' (--instance-memory)\n'),
  );
  const vars: FormulaVariables = { DBInstanceClassMemory: memory, DBInstanceVCPU: cls.vcpus };
  const group: SettingAssignment[] = Object.entries(DEFAULT_PARAMETER_GROUPS[provider]).map(([name, formula]) => ({
    name,
    value: evaluate(formula, vars, name, (m) => {
      throw new Error(m);
    }),
    source: `${provider} default parameter group: ${name} = ${formula}`,
  }));
  const exported: SettingAssignment[] = parameterGroup
    ? parameterGroupValues(readInputFile(parameterGroup, io), parameterGroup).map(({ name, value }) => ({
        name,
        value: evaluate(value, vars, `${name}`, (m) => {
          throw new InputError(m, parameterGroup);
        }),
        source: `${parameterGroup}: ${name} = ${value}`,
      }))
    : [];
  const assignments = flags.assignments.map((a) =>
    a.source === 'flag' && isFormula(a.value)
      ? {
          ...a,
          value: evaluate(a.value, vars, a.name, (m) => {
            throw new UsageError(m, `--set ${a.name}`);
          }),
        }
      : a,
  );
  return { ...flags, ramBytes: flags.ramBytes ?? classBytes, assignments: [...group, ...exported, ...assignments] };
}
