/** The pure helpers of the `pgpass` package (the password-file reader `pg` itself uses); it ships no types. */
declare module 'pgpass/lib/helper.js' {
  /** One password-file entry. */
  export interface PgpassEntry {
    host: string;
    port: string;
    database: string;
    user: string;
    password: string;
  }
  /** Splits a line into its five fields, unescaping `\:` and `\\`; null for a line that is not an entry. */
  export function parseLine(line: string): PgpassEntry | null;
  /** Whether the fields are well-formed (non-empty, a numeric port or `*`). */
  export function isValidEntry(entry: PgpassEntry): boolean;
  /** Whether the entry matches the connection: `*` matches anything, ports compare as numbers. */
  export function match(
    connInfo: { host: string; port: number; database: string; user: string },
    entry: PgpassEntry,
  ): boolean;
}
