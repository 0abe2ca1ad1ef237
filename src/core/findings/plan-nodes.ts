import { formatSize } from '../format.js';
import type { MemoryModel, NodeCost } from '../model.js';
import { defineRule } from './types.js';

/** Each plan node of `kind` the groups' queries have, once per query and place in the plan. */
function planNodes(model: MemoryModel, kind: NodeCost['kind']): { query: string; node: NodeCost }[] {
  const seen = new Set<string>();
  const found: { query: string; node: NodeCost }[] = [];
  for (const group of model.groups) {
    for (const query of group.perBackend.queries) {
      if (query.planUnknown) continue;
      for (const node of query.nodes) {
        if (node.kind !== kind) continue;
        const key = `${query.source}\u0000${node.path ?? ''}\u0000${node.nodeType}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ query: query.source, node });
      }
    }
  }
  return found;
}

/** Where a query's node is: its plan file and a message prefix ("plan 2, Plan.Plans[0]"), or its source. */
function where(query: string, node: NodeCost): { file?: string; at: string } {
  const path = node.path ? `, ${node.path}` : '';
  const match = /^(.*)#(\d+)$/.exec(query);
  return match ? { file: match[1]!, at: `plan ${match[2]}${path}` } : { at: `${query}${path}` };
}

/**
 * One finding per plan node of `kind`, located at its plan file and path; `say` words it. The data
 * every such finding carries (query, node type, path, budget) is the same.
 */
function nodeFindings(
  model: MemoryModel,
  kind: NodeCost['kind'],
  say: (node: NodeCost, at: string) => { message: string; fix: string },
) {
  return planNodes(model, kind).map(({ query, node }) => {
    const { file, at } = where(query, node);
    return {
      ...(file !== undefined && { file }),
      ...say(node, at),
      data: { query, nodeType: node.nodeType, path: node.path ?? null, budgetBytes: node.budgetBytes },
    };
  });
}

/** What to do about each estimate-bound node. */
const ESTIMATE_FIXES: Readonly<Record<string, string>> = {
  'SubPlan (hashed)':
    'keep statistics current (ANALYZE); NOT IN (subquery) written as NOT EXISTS becomes a hash anti-join, which spills',
  'SetOp (hashed)': 'keep statistics current (ANALYZE); enable_hashagg = off makes INTERSECT and EXCEPT sort instead',
  'Recursive Union (hash table)':
    'keep statistics current (ANALYZE); UNION ALL keeps no hash table, where the recursion cannot repeat rows',
};

/** Hashed SetOp, hashed SubPlan, a recursive UNION's hash table: no memory limit but the planner's estimate. */
export const estimateBoundNode = defineRule({
  id: 'estimate-bound-node',
  check({ model }) {
    return nodeFindings(model, 'hashed-estimate', (node, at) => ({
      message:
        `${at}: ${node.nodeType} has no memory limit but the planner's estimate; ` +
        `counted at hash_mem ${formatSize(node.budgetBytes)}, it holds more when the estimate is wrong`,
      fix: ESTIMATE_FIXES[node.nodeType] ?? 'keep statistics current (ANALYZE) so that the estimate holds',
    }));
  },
});

/** A node type pgmem does not know: counted at hash_mem, which may be wrong either way. */
export const unknownNodeType = defineRule({
  id: 'unknown-node-type',
  check({ model }) {
    return nodeFindings(model, 'unknown', (node, at) => ({
      message:
        `${at}: pgmem does not know the node type "${node.nodeType}"; ` +
        `counted as one hash_mem node (${formatSize(node.budgetBytes)}), which may be too little or too much`,
      fix: "check what the node holds (its extension's documentation), and that the plan is of the server's version",
    }));
  },
});
