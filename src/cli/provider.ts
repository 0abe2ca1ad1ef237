/**
 * --provider rds|aurora|azure with --instance-class: the provider's default memory settings for the
 * instance; on AWS also an exported parameter group and --set values with formulas, evaluated for the class.
 */
import { InputError, UsageError } from '../errors.js';
import { MANAGED_PROVIDERS } from '../core/managed.js';
import { evaluateFormula, isFormula, type FormulaVariables } from '../core/rds.js';
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
  return {
    ...flags,
    ramBytes: flags.ramBytes ?? instanceBytes,
    assignments,
    provider: providerName,
    managedService: provider.service,
    providerAssignments: [...group, ...exported],
    formulaVariables: vars,
  };
}
