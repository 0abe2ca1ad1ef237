/** Whether this process runs as root. */
export const isRoot: boolean;
/** The user the servers run as when we are root. */
export const unprivileged: { readonly uid: number; readonly gid: number };
/** Spawn options that drop root privileges when we have them. */
export function asUnprivileged(): { uid?: number; gid?: number; cwd?: string };
/** The directory holding initdb and postgres for a major version, or null if not installed. */
export function serverBinDir(version: number): string | null;
/** Major versions of the distribution build (Debian's postgresql-N packages) the tests run. */
export const DISTRIBUTION_VERSIONS: readonly number[];
/** The bin directory of Debian's packaged server for a major version, or null if not installed. */
export function distributionBinDir(version: number): string | null;
/** Debian's pgbouncer binary, or null if the package is not installed. */
export function pgbouncerBin(): string | null;
/** Whether the tests run in CI, where every server must be present. */
export function inCI(): boolean;
/** A real server a suite runs against. */
export interface TestServer {
  readonly version: number;
  readonly build: 'distribution' | 'embedded';
  /** e.g. "PostgreSQL 15 (Debian)". */
  readonly label: string;
  readonly binDir: string;
}
/** The servers a suite needs that are installed; a missing one throws in CI and is reported outside it. */
export function requireServers(
  suite: string,
  wanted: { embedded?: readonly number[]; distribution?: readonly number[] },
): TestServer[];
/** Missing prerequisites of a suite: thrown in CI, printed outside it. */
export function reportMissing(suite: string, reasons: readonly string[]): void;
