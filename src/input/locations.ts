/**
 * Where an input file sets each value pgmem reads from it, so that a finding about a value can
 * point at that line (a GitHub annotation, a SARIF region).
 */

/** A place in an input file: its line and, where the reader knows it, its column (both from 1). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** A PostgreSQL setting an input sets: the source its assignment carries, and where it is written. */
export interface SettingLocation {
  readonly source: string;
  readonly location: SourceLocation;
}

/** Where the values of one input are set. */
export interface InputLocations {
  /** PostgreSQL settings by lower-case name. */
  readonly settings: ReadonlyMap<string, SettingLocation>;
  /**
   * PgBouncer fields by pooler name, then by PgBouncer's own key (max_client_conn,
   * default_pool_size, pool_mode); "" locates the pooler itself.
   */
  readonly poolers: ReadonlyMap<string, ReadonlyMap<string, SourceLocation>>;
  /** What describes the server (a manifest's Cluster resource): for findings no single value sets. */
  readonly server?: SourceLocation;
  /** The memory budget (a container's memory limit), for findings about what fits in it. */
  readonly budget?: SourceLocation;
}

/** Splits a "<file>:<line>" source (a postgresql.conf or pgbouncer.ini line) into a location. */
export function lineSource(source: string | null | undefined): SourceLocation | undefined {
  const match = source ? /^(.*):(\d+)$/.exec(source) : null;
  return match ? { file: match[1]!, line: Number(match[2]) } : undefined;
}
