/** Text pieces shared by the human-readable renderers. Pure. */
import type { PlanReport } from '../core/report-schema.js';
import { formatSize, plural } from '../core/format.js';
import { poolGroupName } from '../core/topology.js';

/** One line naming the version, the topology and the backend count. */
export function headline(report: PlanReport): string {
  const c = report.connections;
  const clients = plural(c.clients, 'client connection');
  return `PostgreSQL ${report.pgVersion} · ${clients} → ${plural(c.backends, 'backend')} (max_connections ${c.maxConnections}, ${c.usableSlots} usable)`;
}

/** Groups a sum names one by one; beyond this the connections table has them. */
const MAX_GROUPS_SPELLED_OUT = 3;

/**
 * How the client backends' total is made. One per-backend cost for all: backends × cost. Groups with
 * different costs (role settings): the sum over the groups, never one product that is not true.
 */
export function backendsDetail(report: PlanReport): string {
  const { connections, perBackend, topology } = report;
  const busy = topology.groups.filter((g) => g.backends > 0);
  const costs = new Set(busy.map((g) => g.perBackendBytes));
  if (costs.size <= 1) {
    return `${connections.backends} × ${formatSize(busy[0]?.perBackendBytes ?? perBackend.worstCaseBytes)}`;
  }
  if (busy.length > MAX_GROUPS_SPELLED_OUT)
    return `sum of ${busy.length} groups, each at its own cost (connections table)`;
  return `sum of ${busy.length} groups: ${busy.map((g) => `${g.backends} × ${formatSize(g.perBackendBytes)}`).join(' + ')}`;
}

/** A row of a memory table: label, how it was computed, size. */
export interface SummaryRow {
  /** What the row is, for renderers: a component's id, or the section or total it stands for. */
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  readonly bytes: number;
  readonly kind: 'section' | 'item' | 'total';
}

/** The rows every human-readable format shows, in order. */
export function summaryRows(report: PlanReport): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const { sharedMemory: shm, perBackend, background, totals, connections } = report;
  rows.push({
    id: 'shared-memory',
    label: 'Shared memory',
    detail: `counted once; shared_memory_size = ${shm.sizeMB}MB, ${shm.hugePages} huge pages of ${formatSize(shm.hugePageSizeBytes)}`,
    bytes: shm.totalBytes,
    kind: 'section',
  });
  // Largest first; parts this configuration does not use (0 bytes) stay in the JSON only.
  for (const c of [...shm.components].filter((c) => c.bytes > 0).sort((a, b) => b.bytes - a.bytes)) {
    rows.push({ id: c.id, label: c.name, detail: c.detail ?? '', bytes: c.bytes, kind: 'item' });
  }
  rows.push({
    id: 'per-backend',
    label: 'Per backend',
    // With apps' own workloads this is the server's workload; the connections table has each group's.
    detail: (report.workload.groups ?? []).some((g) => g.sources.some((source) => source.origin === 'app'))
      ? "one backend at the server's workload (apps' own: Queries of …)"
      : 'one client backend running its worst query',
    bytes: perBackend.worstCaseBytes,
    kind: 'section',
  });
  for (const c of perBackend.components)
    rows.push({ id: c.id, label: c.name, detail: c.detail ?? '', bytes: c.bytes, kind: 'item' });
  rows.push({
    id: 'client-backends',
    label: 'Client backends',
    detail: backendsDetail(report),
    bytes: totals.backendsBytes,
    kind: 'section',
  });
  rows.push({
    id: 'background',
    label: 'Background',
    detail: 'workers and server processes',
    bytes: background.worstCaseBytes,
    kind: 'section',
  });
  for (const c of background.components)
    rows.push({ id: c.id, label: c.name, detail: c.detail ?? '', bytes: c.bytes, kind: 'item' });
  const dsm = report.dynamicSharedMemory;
  if (dsm.worstCaseBytes > 0) {
    rows.push({
      id: 'dynamic-shared-memory',
      label: 'Dynamic shared memory',
      detail: 'Parallel Hash tables (/dev/shm), sized by the planned workers',
      bytes: dsm.worstCaseBytes,
      kind: 'section',
    });
    for (const c of dsm.components)
      rows.push({ id: c.id, label: c.name, detail: c.detail ?? '', bytes: c.bytes, kind: 'item' });
  }
  rows.push({
    id: 'worst-case',
    label: 'Worst case',
    detail: dsm.worstCaseBytes > 0 ? 'shared + backends + background + DSM' : 'shared + backends + background',
    bytes: totals.worstCaseBytes,
    kind: 'total',
  });
  if (totals.ramBytes !== null && totals.headroomBytes !== null) {
    rows.push({ id: 'ram', label: 'RAM', detail: '', bytes: totals.ramBytes, kind: 'total' });
    rows.push({
      id: totals.headroomBytes >= 0 ? 'headroom' : 'over-by',
      label: totals.headroomBytes >= 0 ? 'Headroom' : 'Over by',
      detail: totals.headroomBytes >= 0 ? 'left for the OS and page cache' : 'the OOM killer decides',
      bytes: Math.abs(totals.headroomBytes),
      kind: 'total',
    });
  }
  const ops = report.workload.sortOps + report.workload.hashOps;
  rows.push({
    id: 'rule-of-thumb',
    label: 'Rule of thumb',
    detail: `shared_buffers + work_mem × ${connections.maxConnections} connections × ${ops} ops per query`,
    bytes: totals.ruleOfThumbBytes,
    kind: 'total',
  });
  return rows;
}

/** A row of the connections table: one per app group, pooler pool and admin group. */
export interface TopologyRow {
  readonly name: string;
  readonly pods: string;
  readonly pool: string;
  readonly connections: number;
  readonly backends: number | null;
  readonly bytes: number | null;
  /** Where its queries come from ("3 plans", "olap", "mixed (default)"); null when no group has its own. */
  readonly workload: string | null;
}

type WorkloadSourceReport = PlanReport['workload']['source'];

/** A workload source in a few words, for the connections table. */
export function describeWorkloadSource(source: WorkloadSourceReport): string {
  switch (source.kind) {
    case 'preset':
      return source.origin === 'default'
        ? `${source.preset} (default)`
        : source.origin === 'flags'
          ? `--workload ${source.preset}`
          : `${source.preset}`;
    case 'flags':
      return 'node count flags';
    case 'counts':
      return source.origin === 'topology' ? 'topology workload' : 'sortOps/hashOps';
    case 'plans':
      return `${source.origin === 'flags' ? '--plans: ' : ''}${plural(source.files.length, 'plan file')}`;
    case 'statements':
      return 'statements';
  }
}

/** Rows for the connections table; empty when no topology file was given. */
export function topologyRows(report: PlanReport): TopologyRow[] {
  const t = report.topology;
  if (t.apps.length === 0 && t.poolers.length === 0) return [];
  const group = (name: string) => t.groups.find((g) => g.name === name);
  const groupWorkloads = report.workload.groups ?? [];
  const own = groupWorkloads.some((g) => g.sources.some((source) => source.origin === 'app'));
  const describe = (sources: readonly WorkloadSourceReport[] | undefined): string | null =>
    own ? (sources ?? [report.workload.source]).map(describeWorkloadSource).join(' + ') : null;
  // Looked up by name once: topologies may have thousands of groups.
  const byGroup = new Map(groupWorkloads.map((g) => [g.name, g.sources]));
  const byApp = new Map<string, WorkloadSourceReport>();
  for (const g of groupWorkloads) for (const source of g.sources) if (source.app) byApp.set(source.app, source);
  const sourcesOf = (name: string) => byGroup.get(name);
  const appSource = (name: string): WorkloadSourceReport[] | undefined => {
    const found = byApp.get(name);
    return found ? [found] : undefined;
  };
  const rows: TopologyRow[] = [];
  for (const app of t.apps) {
    const g = app.via ? undefined : group(app.name);
    const pods = app.podsWorstCase === app.pods ? String(app.pods) : `${app.pods} + ${app.surgePods} surge`;
    rows.push({
      name: app.via ? `${app.name} → ${app.via}` : app.name,
      pods,
      pool: String(app.pool),
      connections: app.connections,
      backends: g ? g.backends : null,
      bytes: g ? g.bytes : null,
      workload: describe(app.via ? appSource(app.name) : sourcesOf(app.name)),
    });
  }
  for (const pooler of t.poolers) {
    for (const pool of pooler.pools) {
      const name = poolGroupName(pooler.name, pool.database, pool.user);
      const g = group(name);
      const processes = pooler.replicas * pooler.processes;
      rows.push({
        name: `${pooler.name} ${pool.database}/${pool.user} (${pool.poolMode})`,
        pods: plural(pooler.replicas, 'replica') + (pooler.processes > 1 ? ` × ${pooler.processes} processes` : ''),
        pool: String(Math.ceil(pool.cap / processes)),
        connections: pool.serverConnections,
        backends: g?.backends ?? null,
        bytes: g?.bytes ?? null,
        workload: describe(sourcesOf(name)),
      });
    }
  }
  const admin = group('admin');
  if (admin)
    rows.push({
      name: 'admin',
      pods: '',
      pool: '',
      connections: admin.connections,
      backends: admin.backends,
      bytes: admin.bytes,
      workload: describe(sourcesOf('admin')),
    });
  return rows;
}

/** One query of the workload as reports list it: its source, memory nodes and bytes. */
export interface QueryRow {
  /** The group whose own query it is; null for the server's workload. */
  readonly group: string | null;
  readonly source: string;
  readonly hungriest: boolean;
  readonly backendBytes: number;
  readonly workers: number;
  /** "Sort 4.0 MiB", "Hash 8.0 MiB × 3 processes", "Sort 4.0 MiB (measured 1.2 MiB)". */
  readonly nodes: readonly string[];
}

/**
 * The queries from plans (not node counts), for the report's plan lists: the server's, then each
 * group's own (at its role settings); empty without plans.
 */
export function queryRows(report: PlanReport): QueryRow[] {
  const server = report.workload.queries.filter((q) => !q.planUnknown).map((q) => ({ group: null, q }));
  const own = (report.workload.groups ?? []).flatMap((g) =>
    g.queries.filter((q) => !q.planUnknown).map((q) => ({ group: g.name, q })),
  );
  return [...server, ...own].map(({ group, q }) => ({
    group,
    source: q.source,
    hungriest: q.hungriest,
    backendBytes: q.backendBytes,
    workers: q.workers,
    nodes: q.nodes.map((n) => {
      const processes = n.processes > 1 ? ` × ${n.processes} processes` : '';
      const measured = n.measuredBytes !== undefined ? ` (measured ${formatSize(n.measuredBytes)})` : '';
      const flag =
        n.kind === 'unknown'
          ? ' (unknown node type, counted at hash_mem)'
          : n.budget === 'estimate'
            ? " (bounded by the planner's estimate only)"
            : '';
      return `${n.nodeType} ${formatSize(n.budgetBytes)}${processes}${measured}${flag}`;
    }),
  }));
}
