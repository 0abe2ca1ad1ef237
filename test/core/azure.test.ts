/** Azure Database for PostgreSQL flexible server: SKUs and defaults against the rows of Microsoft's published tables. */
import { describe, expect, it } from 'vitest';
import { azureDefaults, azureSku } from '../../src/core/azure.js';
import { runCli } from '../support/cli.js';

const GiB = 2 ** 30;
const value = (memoryGiB: number, name: string, version = 16): string | undefined =>
  azureDefaults(memoryGiB * GiB, version).find((d) => d.name === name)?.value;

describe('Azure flexible server defaults', () => {
  // server-parameters-azure-notes-shared-buffers.md: "Memory size | shared_buffers", every row.
  const sharedBuffers: [number, number][] = [
    [2, 32768],
    [4, 131072],
    [8, 262144],
    [16, 524288],
    [32, 1048576],
    [48, 1572864],
    [64, 2097152],
    [80, 2621440],
    [128, 4194304],
    [160, 5242880],
    [192, 6291456],
    [256, 8388608],
    [384, 12582912],
    [432, 14155776],
    [672, 22020096],
  ];
  it.each(sharedBuffers)('shared_buffers for %i GiB is %i pages', (gib, pages) => {
    expect(value(gib, 'shared_buffers')).toBe(String(pages));
  });

  // server-parameters-azure-notes-max-connections.md: "Memory size | max_connections", every row.
  const maxConnections: [number, number][] = [
    [2, 50],
    [4, 429],
    [8, 859],
    [16, 1718],
    [32, 3437],
    [48, 5000],
    [64, 5000],
    [80, 5000],
    [128, 5000],
    [160, 5000],
    [192, 5000],
    [256, 5000],
    [384, 5000],
    [432, 5000],
    [672, 5000],
  ];
  it.each(maxConnections)('max_connections for %i GiB is %i', (gib, connections) => {
    expect(value(gib, 'max_connections')).toBe(String(connections));
  });

  // server-parameters-azure-notes-maintenance-work-mem.md: "Memory size | maintenance_work_mem" (kB), every row.
  const maintenance: [number, number][] = [
    [2, 99328],
    [4, 157696],
    [8, 216064],
    [16, 274432],
    [32, 332800],
    [48, 367616],
    [64, 392192],
    [80, 410624],
    [128, 450560],
    [160, 468992],
    [192, 484352],
    [256, 508928],
    [384, 542720],
    [432, 552960],
    [672, 590848],
  ];
  it.each(maintenance)('maintenance_work_mem for %i GiB is %i kB', (gib, kb) => {
    expect(value(gib, 'maintenance_work_mem')).toBe(String(kb));
  });

  it('reserved slots and the fixed defaults follow the version tables', () => {
    expect([value(8, 'superuser_reserved_connections'), value(8, 'reserved_connections'), value(8, 'jit')]).toEqual([
      '10',
      '5',
      'off',
    ]);
    // reserved_connections exists from 16; no parameter table is published for 18, so jit keeps PostgreSQL's default.
    expect(value(8, 'reserved_connections', 15)).toBeUndefined();
    expect(value(8, 'jit', 18)).toBeUndefined();
  });

  it('SKUs as the portal, az and Terraform name them, with the memory of the compute table', () => {
    // configure-maintain/concepts-limits.md "Maximum connections": product name → max_connections.
    const limits: [string, number, number, number][] = [
      ['B1ms', 1, 2, 50],
      ['B2s', 2, 4, 429],
      ['B2ms', 2, 8, 859],
      ['B4ms', 4, 16, 1718],
      ['B8ms', 8, 32, 3437],
      ['B12ms', 12, 48, 5000],
      ['D2s_v3', 2, 8, 859],
      ['D2ds_v4', 2, 8, 859],
      ['D4ds_v5', 4, 16, 1718],
      ['D8ds_V4', 8, 32, 3437],
      ['D16ads_v5', 16, 64, 5000],
      ['D96ds_v5', 96, 384, 5000],
      ['E2s_v3', 2, 16, 1718],
      ['E4ds_v5', 4, 32, 3437],
      ['E8ads_v5', 8, 64, 5000],
      ['E20ds_v4', 20, 160, 5000],
      ['E64s_v3', 64, 432, 5000],
      ['E96ads_v5', 96, 672, 5000],
    ];
    for (const [sku, vcores, gib, connections] of limits) {
      expect(azureSku(sku), sku).toEqual({ vcores, memoryGiB: gib });
      expect(value(gib, 'max_connections'), sku).toBe(String(connections));
    }
    expect(azureSku('Standard_D4ds_v5')).toEqual({ vcores: 4, memoryGiB: 16 });
    expect(azureSku('GP_Standard_D4ds_v5')).toEqual({ vcores: 4, memoryGiB: 16 });
    expect(azureSku('MO_Standard_E192ds_v6')).toEqual({ vcores: 192, memoryGiB: 1832 });
    expect(azureSku('B_Standard_B1ms')).toEqual({ vcores: 1, memoryGiB: 2 });
    expect(azureSku('Standard_D4s_v7')).toBeNull();
    // Listed only as a misprint ("E64ads_v4") in the compute table: not guessed.
    expect(azureSku('E64ads_v5')).toBeNull();
  });
});

describe('--provider azure through the CLI', () => {
  it("the SKU's defaults and memory as the budget; sources name the formula", async () => {
    const r = await runCli([
      'plan',
      '--provider',
      'azure',
      '--instance-class',
      'Standard_D4ds_v5',
      '--pg-version',
      '16',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.settings.shared_buffers).toMatchObject({
      bytes: 4 * GiB,
      source: 'azure default: shared_buffers = memoryGib * 32768 (8 kB pages, above 2 GiB)',
    });
    expect(report.settings.max_connections.setting).toBe('1718');
    expect(report.settings.maintenance_work_mem.setting).toBe('274432');
    expect(report.settings.superuser_reserved_connections.setting).toBe('10');
    expect(report.settings.reserved_connections.setting).toBe('5');
    expect(report.totals.ramBytes).toBe(16 * GiB);
    expect(r.stderr).toBe(
      "pgmem: note: Standard_D4ds_v5: 4 vCores, 16 GiB (Azure's compute table); Azure's default formulas take 16 GiB\n",
    );
  });

  it('an unlisted SKU needs its memory; no parameter group; --set wins', async () => {
    const unknown = await runCli(['plan', '--provider', 'azure', '--instance-class', 'Standard_D4s_v7']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^pgmem: error: --instance-class: unknown SKU "Standard_D4s_v7"; pgmem knows Azure's compute table \(.*\); for another, give its memory with --instance-memory\n$/,
    );
    const given = await runCli([
      'plan',
      '--provider',
      'azure',
      '--instance-class',
      'Standard_D4s_v7',
      '--instance-memory',
      '16GiB',
      '--set',
      'max_connections=300',
      '--json',
    ]);
    const report = JSON.parse(given.stdout);
    expect([
      report.settings.shared_buffers.setting,
      report.settings.max_connections.setting,
      report.totals.ramBytes,
    ]).toEqual(['524288', '300', 16 * GiB]);
    expect(given.stderr).toContain(
      "Standard_D4s_v7: not in Azure's compute table; Azure's default formulas take 16 GiB (--instance-memory)",
    );
    const group = await runCli([
      'plan',
      '--provider',
      'azure',
      '--instance-class',
      'B2s',
      '--parameter-group',
      'g.json',
    ]);
    expect([group.code, group.stderr]).toEqual([
      2,
      'pgmem: error: --parameter-group: takes an exported AWS parameter group; give Azure server parameters with --set\n',
    ]);
  });
});
