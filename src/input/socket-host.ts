/** Whether a host names a Unix-socket directory rather than a network host (libpq: an absolute path, or @ for Linux's abstract namespace). */
export function isSocketHost(host: string): boolean {
  return host.startsWith('/') || host.startsWith('@');
}
