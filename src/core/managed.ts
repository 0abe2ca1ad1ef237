/**
 * Managed PostgreSQL providers behind one interface: the instances each publishes, the memory its
 * defaults are computed from, and those defaults with the formula each came from. Pure.
 */
import { AZURE_SKU_RANGE, azureDefaults, azureSku } from './azure.js';
import { formatSize, plural } from './format.js';
import { DEFAULT_PARAMETER_GROUPS, evaluateFormula, instanceClass, rdsHugePagesOn } from './rds.js';

/** An instance size: its CPUs and memory as the provider publishes them. */
export interface ManagedInstance {
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/** A default setting and where it comes from, as the report's source shows it. */
export interface ManagedDefault {
  readonly name: string;
  readonly value: string;
  readonly source: string;
}

/** One provider. */
export interface ManagedProvider {
  /** The service, as findings name it. */
  readonly service: string;
  /** An instance name to show in messages. */
  readonly example: string;
  /** What its instance sizes are called. */
  readonly instanceKind: 'class' | 'SKU';
  /** What the provider's instances are called, and which pgmem knows. */
  readonly knownInstances: string;
  /** Whether values may be AWS parameter formulas ({DBInstanceClassMemory/32768}, LEAST(…)), and --parameter-group exports. */
  readonly awsFormulas: boolean;
  /** Whether an unknown instance is usable once --instance-memory gives its memory. */
  readonly memoryForUnknown: boolean;
  instance(name: string): ManagedInstance | null;
  /** The defaults for `memoryBytes`, the figure the provider's formulas take, on the instance named `name`. */
  defaults(instance: ManagedInstance | null, memoryBytes: number, version: number, name: string): ManagedDefault[];
  /** The note saying which memory figure the defaults used. */
  memoryNote(name: string, instance: ManagedInstance | null, memoryBytes: number, fromFlag: boolean): string;
}

const GiB = 2 ** 30;

function awsProvider(group: 'rds' | 'aurora'): ManagedProvider {
  return {
    service: group === 'rds' ? 'Amazon RDS' : 'Amazon Aurora',
    example: 'db.r6g.large',
    instanceKind: 'class',
    knownInstances: 'db.t3/t4g (micro … 2xlarge), db.m5/m6g/m6i/m7g and db.r5/r6g/r6i/r7g (large … 16xlarge)',
    awsFormulas: true,
    memoryForUnknown: false,
    instance: (name) => {
      const cls = instanceClass(name);
      return cls && { vcpus: cls.vcpus, memoryGiB: cls.memoryGiB };
    },
    defaults: (instance, memoryBytes, _version, className) => [
      ...Object.entries(DEFAULT_PARAMETER_GROUPS[group]).map(([name, formula]) => ({
        name,
        value: String(
          evaluateFormula(formula, { DBInstanceClassMemory: memoryBytes, DBInstanceVCPU: instance?.vcpus ?? 0 }),
        ),
        source: `${group} default parameter group: ${name} = ${formula}`,
      })),
      ...(group === 'rds' && rdsHugePagesOn(className)
        ? [
            {
              name: 'huge_pages',
              value: 'on',
              source: 'rds default parameter group: huge_pages = on (every class but micro, small and medium)',
            },
          ]
        : []),
    ],
    // AWS subtracts an unpublished reserve for the OS and its agents; the class's whole memory is the
    // estimate that never understates what the formulas give (AWS's own worked example uses it).
    memoryNote: (name, instance, memoryBytes, fromFlag) =>
      `${name}: ${instance!.vcpus} vCPUs, ${formatSize(instance!.memoryGiB * GiB)}; DBInstanceClassMemory = ${memoryBytes}` +
      (fromFlag
        ? ' (--instance-memory)'
        : ' (an estimate: the class memory; AWS keeps an unpublished share for the OS, --instance-memory sets the real figure)'),
  };
}

const azure: ManagedProvider = {
  service: 'Azure Database for PostgreSQL',
  example: 'Standard_D4ds_v5',
  instanceKind: 'SKU',
  knownInstances: `Azure's compute table (${AZURE_SKU_RANGE})`,
  awsFormulas: false,
  memoryForUnknown: true,
  instance: (name) => {
    const sku = azureSku(name);
    return sku && { vcpus: sku.vcores, memoryGiB: sku.memoryGiB };
  },
  defaults: (_instance, memoryBytes, version) =>
    azureDefaults(memoryBytes, version).map(({ name, value, formula }) => ({
      name,
      value,
      source: `azure default: ${name} = ${formula}`,
    })),
  memoryNote: (name, instance, memoryBytes, fromFlag) =>
    `${name}: ${instance ? `${plural(instance.vcpus, 'vCore')}, ${formatSize(instance.memoryGiB * GiB)} (Azure's compute table)` : "not in Azure's compute table"}` +
    `; Azure's default formulas take ${formatSize(memoryBytes)}${fromFlag ? ' (--instance-memory)' : ''}`,
};

/** The providers --provider takes. */
export const MANAGED_PROVIDERS = {
  rds: awsProvider('rds'),
  aurora: awsProvider('aurora'),
  azure,
} as const satisfies Record<string, ManagedProvider>;

/** A provider's name. */
export type ManagedProviderName = keyof typeof MANAGED_PROVIDERS;
