/** Whether this process runs as root. */
export const isRoot: boolean;
/** The user the servers run as when we are root. */
export const unprivileged: { readonly uid: number; readonly gid: number };
/** Spawn options that drop root privileges when we have them. */
export function asUnprivileged(): { uid?: number; gid?: number; cwd?: string };
/** The directory holding initdb and postgres for a major version, or null if not installed. */
export function serverBinDir(version: number): string | null;
