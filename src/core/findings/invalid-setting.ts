import { defineRule, sourceLocation } from './types.js';

/** Values the server rejects at start: unknown names, bad values, values out of range. */
export const invalidSetting = defineRule({
  id: 'invalid-setting',
  check({ problems }) {
    return problems.map((problem) => ({
      setting: problem.name,
      message: [problem.message, problem.detail, problem.hint].filter(Boolean).join('; '),
      fix:
        problem.kind === 'unknown-setting'
          ? 'remove the line or fix the name (custom settings need a dotted prefix, e.g. myext.name)'
          : 'use a value the server accepts',
      ...sourceLocation(problem.source),
      data: { kind: problem.kind, value: problem.value },
    }));
  },
});
