/**
 * Amazon RDS and Aurora PostgreSQL: DB parameter formulas as AWS evaluates them, the default
 * parameter groups' memory settings, and the common instance classes. Pure.
 *
 * Formula syntax (RDS User Guide, "DB parameter formulas", USER_ParamValuesRef): a variable
 * (DBInstanceClassMemory in bytes, DBInstanceVCPU, AllocatedStorage), integers, `*` and `/`, in
 * braces or not (Aurora's tables write `$DBInstanceVCPU`), and the functions GREATEST, LEAST, SUM
 * and log (base 2). "Division … the result is truncated, not rounded"; "Decimals … truncated".
 */

/** The variables a formula may name, in their units. */
export interface FormulaVariables {
  readonly DBInstanceClassMemory: number;
  readonly DBInstanceVCPU: number;
  readonly AllocatedStorage?: number;
}

/** Whether a parameter value is an AWS formula rather than a plain value. */
export function isFormula(value: string): boolean {
  return /[{}]|\b(GREATEST|LEAST|SUM)\s*\(|\bDBInstance(ClassMemory|VCPU)\b/i.test(value);
}

/** How deep braces, parentheses and function calls may nest (AWS's own formulas nest 2 deep). */
export const MAX_FORMULA_DEPTH = 64;

/** Evaluates a formula; throws an Error whose message says what is wrong. */
export function evaluateFormula(text: string, vars: FormulaVariables): number {
  let i = 0;
  let depth = 0;
  const enter = (): void => {
    if (++depth > MAX_FORMULA_DEPTH) fail(`nested more than ${MAX_FORMULA_DEPTH} deep`);
  };
  const ws = (): void => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at "${text.slice(i, i + 20) || 'the end'}"`);
  };
  const primary = (): number => {
    ws();
    const c = text[i];
    if (c === '{' || c === '(') {
      enter();
      i++;
      const v = expression();
      ws();
      if (text[i] !== (c === '{' ? '}' : ')')) fail(`expected "${c === '{' ? '}' : ')'}"`);
      i++;
      depth--;
      return v;
    }
    if (c === '-' || c === '+') {
      // Signs in a row, counted rather than recursed into.
      let negative = false;
      while (text[i] === '-' || text[i] === '+') {
        if (text[i] === '-') negative = !negative;
        i++;
        ws();
      }
      const v = primary();
      return negative ? -v : v;
    }
    const num = /^\d+(\.\d+)?/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    const word = /^\$?([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (!word) return fail('expected a number, a variable or a function');
    i += word[0].length;
    const name = word[1]!;
    ws();
    if (text[i] === '(') {
      enter();
      i++;
      const args: number[] = [];
      for (;;) {
        args.push(expression());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ')') {
          i++;
          break;
        }
        fail('expected "," or ")"');
      }
      depth--;
      switch (name.toUpperCase()) {
        case 'GREATEST':
          return Math.max(...args);
        case 'LEAST':
          return Math.min(...args);
        case 'SUM':
          return args.reduce((a, b) => a + b, 0);
        case 'LOG':
          if (args.length !== 1) fail('log takes one argument');
          return Math.log2(args[0]!);
        default:
          return fail(`unknown function ${name}`);
      }
    }
    if (name in vars && (vars as unknown as Record<string, number | undefined>)[name] !== undefined) {
      return (vars as unknown as Record<string, number>)[name]!;
    }
    return fail(`unknown variable ${name}`);
  };
  const expression = (): number => {
    let value = primary();
    for (;;) {
      ws();
      const op = text[i];
      if (op !== '*' && op !== '/') return value;
      i++;
      const right = primary();
      if (op === '/' && right === 0) fail('division by zero');
      // Each product and quotient is truncated to an integer, as AWS does.
      value = Math.trunc(op === '*' ? value * right : value / right);
    }
  };
  const value = expression();
  ws();
  if (i < text.length) fail('unexpected text');
  return Math.trunc(value);
}

/** An instance class: vCPUs and memory (RDS User Guide, DB instance class hardware specifications). */
export interface InstanceClass {
  readonly vcpus: number;
  readonly memoryGiB: number;
}

const SIZES: Record<string, number> = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
};

/** The class's vCPUs and memory, or null for a class pgmem does not know. */
export function instanceClass(name: string): InstanceClass | null {
  const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(name);
  if (!m) return null;
  const [, family, size] = m as unknown as [string, string, string];
  if (['t3', 't4g'].includes(family)) {
    const t: Record<string, InstanceClass> = {
      micro: { vcpus: 2, memoryGiB: 1 },
      small: { vcpus: 2, memoryGiB: 2 },
      medium: { vcpus: 2, memoryGiB: 4 },
      large: { vcpus: 2, memoryGiB: 8 },
      xlarge: { vcpus: 4, memoryGiB: 16 },
      '2xlarge': { vcpus: 8, memoryGiB: 32 },
    };
    return t[size] ?? null;
  }
  const vcpus = SIZES[size];
  if (vcpus === undefined) return null;
  // General purpose: 4 GiB per vCPU; memory optimized: 8 GiB per vCPU.
  if (['m5', 'm6g', 'm6i', 'm7g'].includes(family)) return { vcpus, memoryGiB: vcpus * 4 };
  if (['r5', 'r6g', 'r6i', 'r7g'].includes(family)) return { vcpus, memoryGiB: vcpus * 8 };
  return null;
}

/** The memory settings of the default parameter groups, as AWS writes them. */
export const DEFAULT_PARAMETER_GROUPS = {
  // RDS for PostgreSQL (describe-db-parameters of the default group).
  rds: {
    shared_buffers: '{DBInstanceClassMemory/32768}',
    max_connections: 'LEAST({DBInstanceClassMemory/9531392},5000)',
    maintenance_work_mem: 'GREATEST({DBInstanceClassMemory*1024/63963136},65536)',
    autovacuum_max_workers: 'GREATEST({DBInstanceClassMemory/64371566592},3)',
  },
  // Aurora PostgreSQL (AuroraPostgreSQL.Reference.ParameterGroups).
  aurora: {
    shared_buffers: 'SUM(DBInstanceClassMemory/12038,-50003)',
    max_connections: 'LEAST(DBInstanceClassMemory/9531392,5000)',
    maintenance_work_mem: 'GREATEST(DBInstanceClassMemory/63963136*1024,65536)',
    autovacuum_work_mem: 'GREATEST(DBInstanceClassMemory/32768,131072)',
    autovacuum_max_workers: 'GREATEST(DBInstanceClassMemory/64371566592,3)',
    max_worker_processes: 'GREATEST($DBInstanceVCPU*2,8)',
    max_parallel_workers: 'GREATEST($DBInstanceVCPU/2,8)',
  },
} as const satisfies Record<string, Record<string, string>>;

/**
 * Whether RDS for PostgreSQL turns huge_pages on for the class: "on by default for all the DB
 * instance classes other than micro, small, and medium" (RDS User Guide, PostgreSQL.Concepts.General.
 * FeatureSupport.HugePages).
 */
export function rdsHugePagesOn(className: string): boolean {
  return !/\.(micro|small|medium)$/.test(className);
}

/** The providers pgmem knows. */
export type Provider = keyof typeof DEFAULT_PARAMETER_GROUPS;
