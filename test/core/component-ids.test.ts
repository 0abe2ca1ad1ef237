/** Memory components carry stable kebab-case ids; findings and renderers read ids and typed fields, never labels. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEBAB_ID, planReportSchema } from '../../src/core/report-schema.js';
import { SUPPORTED_VERSIONS } from '../../src/core/versions.js';
import { summaryRows } from '../../src/render/summary.js';
import { projectRoot } from '../support/cli.js';
import { plan } from '../support/analyze.js';

describe('component ids', () => {
  for (const version of SUPPORTED_VERSIONS) {
    it(`PostgreSQL ${version}: every component has a unique kebab-case id, and the schema requires one`, () => {
      const { report } = plan({ version, ramBytes: 4 * 1024 ** 3 });
      for (const list of [report.sharedMemory.components, report.perBackend.components, report.background.components]) {
        const ids = list.map((c) => c.id);
        for (const id of ids) expect(id).toMatch(KEBAB_ID);
        expect(new Set(ids).size).toBe(ids.length);
      }
      expect(report.background.components.map((c) => c.id)).toEqual([
        'parallel-workers',
        'autovacuum-workers',
        'maintenance-commands',
        'walsenders',
        'server-processes',
        'page-tables',
      ]);
      const { id: _id, ...withoutId } = report.sharedMemory.components[0]!;
      const broken = { ...report, sharedMemory: { ...report.sharedMemory, components: [withoutId] } };
      expect(planReportSchema.safeParse(broken).success).toBe(false);
    });
  }

  it('summary rows name headroom and over-by by id, whatever their labels say', () => {
    const fits = summaryRows(plan({ ramBytes: 64 * 1024 ** 3 }).report);
    expect(fits.filter((r) => r.kind === 'total').map((r) => r.id)).toEqual([
      'worst-case',
      'ram',
      'headroom',
      'rule-of-thumb',
    ]);
    const over = summaryRows(plan({ ramBytes: 64 * 1024 ** 2 }).report);
    expect(over.map((r) => r.id)).toContain('over-by');
  });

  it('no finding or renderer compares a label', () => {
    const offenders: string[] = [];
    for (const dir of ['src/core/findings', 'src/render']) {
      for (const name of readdirSync(join(projectRoot, dir))) {
        const text = readFileSync(join(projectRoot, dir, name), 'utf8');
        // A name or label compared with a capitalised text ('Page tables', 'Headroom').
        for (const m of text.matchAll(/(\.name|label)\s*[!=]==\s*'[A-Z][^']*'/g))
          offenders.push(`${dir}/${name}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
