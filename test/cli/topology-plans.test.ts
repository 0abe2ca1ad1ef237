/** An app's plans are classified for the server's version, again when inspect learns it from the server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanFlags } from '../../src/cli/plan-options.js';
import { mergeTopology, reclassifyTopology } from '../../src/cli/topology-loader.js';
import { parseTopology, topologySpec } from '../../src/input/topology.js';
import { projectRoot } from '../support/cli.js';

const memoize = join(projectRoot, 'test/fixtures/plans/pg18/memoize.json');

function loaded(version: number) {
  const doc = parseTopology(
    `server: { version: ${version} }\napps:\n  - { name: api, pods: 1, pool: 1, workload: { plans: memoize.json } }\n`,
    'topology.yaml',
  );
  const texts = new Map([[0, [{ file: 'memoize.json', text: readFileSync(memoize, 'utf8') }]]]);
  return mergeTopology(readPlanFlags({}, { failOnDefault: 'none' }), doc, topologySpec(doc), 'topology.yaml', texts);
}

describe("an app's plans and the server's version", () => {
  it('are classified for the version the topology names', () => {
    const flags = loaded(18);
    expect(flags.groups![0]!.workload!.queries[0]!.nodes.map((n) => n.kind)).toContain('memoize');
    expect(() => loaded(13)).toThrow(
      /^topology\.yaml: apps\[0\] \(api\)\.workload\.plans: memoize\.json:\d+: plan 1, .*Memoize nodes exist from PostgreSQL 14, not in 13/,
    );
  });

  it("are classified again for the server's version (inspect), with the same errors", () => {
    const flags = loaded(18);
    expect(reclassifyTopology(flags)).toBe(flags);
    expect(reclassifyTopology({ ...flags, version: 17 }).groups![0]!.workload!.queries).toHaveLength(1);
    expect(() => reclassifyTopology({ ...flags, version: 13 })).toThrow(
      /apps\[0\] \(api\)\.workload\.plans: memoize\.json/,
    );
  });
});
