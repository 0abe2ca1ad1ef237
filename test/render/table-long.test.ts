/**
 * The connections table of a long topology is drawn in slices (cli-table3's layout is quadratic in
 * rows); stitched, it must be the very table one layout gives, widths, borders and colours alike.
 */
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/render/table.js';
import { runCli } from '../support/cli.js';

/** A topology whose widest names and figures sit in different slices. */
function topology(apps: number): string {
  const lines = ['server: { ram: 1TB, settings: { max_connections: 20000 } }', 'apps:'];
  for (let i = 0; i < apps; i++)
    lines.push(
      `  - { name: "app-${i}${'x'.repeat((i * 7) % 41)}${i === 777 ? '-名前' : ''}", pods: ${1 + (i % 13)}, pool: ${1 + ((i * 5) % 97)} }`,
    );
  return `${lines.join('\n')}\n`;
}

describe('the connections table in slices', () => {
  it('equals the table cli-table3 lays out in one piece, with and without colour', async () => {
    const result = await runCli(['plan', '--topology', '-', '--json'], { stdin: topology(900) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    for (const color of [false, true]) {
      const text = renderTable(report, { color });
      const start = text.indexOf('┌');
      const end = text.indexOf('┘', start) + 1;
      const sliced = text.slice(start, end);
      // The reference: every row in one cli-table3 table, from the rendered rows themselves.
      const rows = sliced
        .split('\n')
        .filter((l) => l.startsWith('│'))
        .map((l) =>
          l
            .slice(1, -1)
            .split('│')
            .map((c) => c.trim()),
        );
      const [head, ...body] = rows;
      const one = new Table({
        head: head!,
        colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
        style: { head: [], border: [], compact: true },
      });
      one.push(...body);
      expect(body).toHaveLength(900);
      expect(sliced).toBe(one.toString());
    }
  });
});
