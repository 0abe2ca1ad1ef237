/**
 * `import { analyze } from '@pgmem/cli'`: the library (docs/api.md). What it returns is what
 * `pgmem plan --json` prints; its errors are pgmem's error classes.
 */
export {
  analyze,
  parseConf,
  parseTopology,
  readConf,
  readTopology,
  recommend,
  solve,
  vary,
  type AnalyzeOptions,
  type AnalyzeReport,
  type ConfError,
  type ConfOptions,
  type ConfResult,
  type ConfSetting,
  type FileOptions,
  type MemoryFiles,
  type PgMajor,
  type RecommendOptions,
  type SolveOptions,
  type SolveReport,
  type VaryOptions,
} from './api/analyze.js';
export type {
  CheckReport,
  ConfigSection,
  ErrorDocument,
  Finding,
  GridDocument,
  PlanDocument,
  PlanReport,
  RecommendDocument,
  SettingReport,
  SolveSection,
  TopologyInput,
  WorkloadReport,
} from './api/report-types.js';
export { ConnectionError, ExitCode, InputError, PgmemError, UsageError, type ExitCodeValue } from './errors.js';
