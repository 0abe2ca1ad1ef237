/** postgresql.conf as PostgreSQL reads it: the public entry points of src/input/conf. */
export { readConfiguration, CONF_FILE_MAX_DEPTH } from './read.js';
export { parseConfText, MAX_SYNTAX_ERRORS } from './parse.js';
export { canonicalizePath } from './path.js';
export {
  ConfFsError,
  type ConfAssignment,
  type ConfFileSystem,
  type ConfIssue,
  type ConfIssueKind,
  type ConfReadResult,
  type EffectiveSetting,
  type ReadConfigurationOptions,
} from './types.js';
