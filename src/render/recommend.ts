/** Renderers of `pgmem recommend`: a table for people, a postgresql.conf snippet, ALTER SYSTEM statements, JSON. */
import { Chalk } from 'chalk';
import { findGuc } from '../core/catalog/index.js';
import { formatSize, plural } from '../core/format.js';
import { DEFAULT_WORKLOAD } from '../core/model.js';
import type { RecommendedSetting, WorkloadKind } from '../core/recommend.js';
import type { PlanReport, RecommendDocument } from '../core/report-schema.js';
import type { PgVersion } from '../core/versions.js';
import type { RenderOptions } from './options.js';
import { renderFindings } from './table.js';

/** What the renderers show: the settings, the budget and the plan they produce. */
export interface RecommendView {
  readonly settings: readonly RecommendedSetting[];
  readonly budgetBytes: number;
  readonly reserveShare: number;
  readonly workload: WorkloadKind;
  /** How the header names the workload when it is not one preset for all ("each app's own workload"). */
  readonly workloadLabel?: string;
  readonly cpus: number;
  readonly plan: PlanReport;
  /** The inputs it assumed, recorded in the conf and sql output. */
  readonly assumed?: RecommendAssumptions;
}

/** The workload and topology a recommendation assumed, and the flags that give `check` the same. */
export interface RecommendAssumptions {
  /** "--workload oltp", "--plans a.json b.json". */
  readonly workload: string;
  /** "--topology app.yaml", "--pods 10 --pool 20", "--clients 200". */
  readonly topology: string;
  /** Flags for `pgmem check FILE …` that judge the settings with the same inputs. */
  readonly checkArgs: readonly string[];
}

/** Comment lines naming the assumed inputs and the check that confirms them. */
function assumptions(view: RecommendView, file: string): string[] {
  const a = view.assumed;
  if (!a) return [];
  return [
    `assumed: workload ${a.workload}; topology ${a.topology}`,
    `check it: pgmem check ${file} ${a.checkArgs.map(shellWord).join(' ')}`,
  ];
}

/** A word as a POSIX shell reads it: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The JSON document: schemaVersion, name → value, name → reason, and the plan of the result. */
export function recommendJson(view: RecommendView): RecommendDocument {
  return {
    schemaVersion: 1,
    recommendations: Object.fromEntries(view.settings.map((s) => [s.name, s.value])),
    reasons: Object.fromEntries(view.settings.map((s) => [s.name, s.reason])),
    budgetBytes: view.budgetBytes,
    reserveShare: view.reserveShare,
    workload: view.workload,
    cpus: view.cpus,
    plan: view.plan,
  };
}

function summary(view: RecommendView): string[] {
  const { plan } = view;
  const ram = plan.totals.ramBytes ?? 0;
  return [
    `PostgreSQL ${plan.pgVersion} · RAM ${formatSize(ram)} · ${plural(plan.connections.backends, 'backend')} · ${view.workloadLabel ?? `${view.workload} workload`} · ${plural(view.cpus, 'CPU')}`,
    `worst case ${formatSize(plan.totals.worstCaseBytes)} within the budget ${formatSize(view.budgetBytes)} ` +
      `(RAM − ${Math.round(view.reserveShare * 100)}% for the OS and page cache)`,
    // With a topology's workloads, check reads them from the topology (the "check it" line).
    ...(view.workloadLabel !== undefined ||
    view.assumed?.checkArgs.includes('--plans') ||
    (plan.workload.sortOps === DEFAULT_WORKLOAD.sortOps && plan.workload.hashOps === DEFAULT_WORKLOAD.hashOps)
      ? []
      : [
          `planned for ${plan.workload.sortOps} sort + ${plan.workload.hashOps} hash nodes per query: check with --sort-ops ${plan.workload.sortOps} --hash-ops ${plan.workload.hashOps}`,
        ]),
  ];
}

/** A postgresql.conf string literal: single quotes, quotes doubled (guc-file.l). */
export function confLiteral(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

/** An SQL string literal, standard-conforming: single quotes doubled. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A postgresql.conf snippet, a comment on each line giving the reason. */
export function renderRecommendConf(view: RecommendView): string {
  const width = Math.max(...view.settings.map((s) => `${s.name} = ${confLiteral(s.value)}`.length));
  const lines = view.settings.map((s) => `${`${s.name} = ${confLiteral(s.value)}`.padEnd(width)}  # ${s.reason}`);
  return `${[...summary(view), ...assumptions(view, 'postgresql.conf')].map((l) => `# ${l}`).join('\n')}\n${lines.join('\n')}\n`;
}

/** ALTER SYSTEM statements, each after a comment with its reason, and which ones need a restart. */
export function renderRecommendSql(view: RecommendView): string {
  const version = view.plan.pgVersion as PgVersion;
  const restart = view.settings.filter((s) => findGuc(version, s.name)?.context === 'postmaster').map((s) => s.name);
  const statements = view.settings.map((s) => `-- ${s.reason}\nALTER SYSTEM SET ${s.name} = ${sqlLiteral(s.value)};`);
  const after =
    `-- ${restart.length ? `restart the server for ${restart.join(', ')}; ` : ''}` +
    'the others take effect after SELECT pg_reload_conf();';
  return `${[...summary(view), ...assumptions(view, 'postgresql.auto.conf')].map((l) => `-- ${l}`).join('\n')}\n${statements.join('\n')}\n${after}\n`;
}

/** A table of settings with their reasons, then the totals and the plan's findings. */
export function renderRecommendTable(view: RecommendView, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const nameWidth = Math.max('Setting'.length, ...view.settings.map((s) => s.name.length));
  const valueWidth = Math.max('Value'.length, ...view.settings.map((s) => s.value.length));
  const head = `${chalk.bold('Setting'.padEnd(nameWidth))}  ${chalk.bold('Value'.padEnd(valueWidth))}  ${chalk.bold('Why')}`;
  const rows = view.settings.map(
    (s) => `${s.name.padEnd(nameWidth)}  ${chalk.bold(s.value.padEnd(valueWidth))}  ${chalk.dim(s.reason)}`,
  );
  const [line1, line2, ...rest] = summary(view);
  return `${[line1, chalk.green(line2!), ...rest].join('\n')}\n\n${head}\n${rows.join('\n')}\n\n${renderFindings(view.plan.findings, chalk)}`;
}
