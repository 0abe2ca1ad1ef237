/**
 * The JSON contract's version, in a module of its own so that the engine can stamp reports
 * without loading zod (report-schema.ts), which `plan --json` would otherwise pay for at start-up.
 */

/** The contract's version; consumers should check it. */
export const SCHEMA_VERSION = 1 as const;
