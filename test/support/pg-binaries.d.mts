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
