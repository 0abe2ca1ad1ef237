/**
 * Azure Database for PostgreSQL flexible server: its compute SKUs and the defaults it computes from
 * their memory at provisioning, as Microsoft publishes them (MicrosoftDocs/azure-databases-docs,
 * articles/postgresql/...). Pure.
 */

/** A SKU's vCores and memory. */
export interface AzureSku {
  readonly vcores: number;
  readonly memoryGiB: number;
}

type Row = readonly [names: readonly string[], vcores: number, memoryGiB: number];

/** General Purpose (D) and Memory Optimized (E) series of one size, as the tables group them. */
const series = (tier: 'D' | 'E', vcores: number, suffixes: readonly string[]): string[] =>
  suffixes.map((s) => `${tier}${vcores}${s}`);
const ALL = ['s_v3', 'ds_v4', 'ds_v5', 'ads_v5', 'ads_v6', 'ds_v6'] as const;
const V5_UP = ['ds_v5', 'ads_v5', 'ads_v6', 'ds_v6'] as const;

/**
 * compute-storage/concepts-compute.md, "SKU name | vCores | Memory size" (dated 2026-01-13), which
 * configure-maintain/concepts-limits.md repeats for the older series. General Purpose has 4 GiB per
 * vCore. Where the two pages disagree (E64ds_v5: 512 GiB in the compute table, 432 GiB in the limits
 * table) the compute table, the SKU's own specification, is taken; E64ads_v5, which the compute table
 * misprints as "E64ads_v4", is left out rather than guessed.
 */
const ROWS: readonly Row[] = [
  [['B1ms'], 1, 2],
  [['B2s'], 2, 4],
  [['B2ms'], 2, 8],
  [['B4ms'], 4, 16],
  [['B8ms'], 8, 32],
  [['B12ms'], 12, 48],
  [['B16ms'], 16, 64],
  [['B20ms'], 20, 80],
  ...[2, 4, 8, 16, 32, 48, 64].map((n): Row => [series('D', n, ALL), n, n * 4]),
  [series('D', 96, V5_UP), 96, 384],
  [['D128ds_v6'], 128, 512],
  [['D192ds_v6'], 192, 768],
  ...(
    [
      [2, 16],
      [4, 32],
      [8, 64],
      [16, 128],
      [32, 256],
      [48, 384],
    ] as const
  ).map(([n, gib]): Row => [series('E', n, ALL), n, gib]),
  [['E20ds_v4', ...series('E', 20, V5_UP)], 20, 160],
  [['E64s_v3', 'E64ds_v4'], 64, 432],
  [['E64ds_v5', 'E64ads_v6', 'E64ds_v6'], 64, 512],
  [['E96ds_v5', 'E96ads_v5', 'E96ads_v6'], 96, 672],
  [['E96ds_v6'], 96, 768],
  [['E128ds_v6'], 128, 1024],
  [['E192ds_v6'], 192, 1832],
];

const SKUS = new Map<string, AzureSku>(
  ROWS.flatMap(([names, vcores, memoryGiB]) => names.map((n) => [n.toLowerCase(), { vcores, memoryGiB }] as const)),
);

/** The SKUs pgmem knows, for messages. */
export const AZURE_SKU_RANGE = 'B1ms … B20ms, D2s_v3 … D192ds_v6, E2s_v3 … E192ds_v6';

/**
 * A SKU as the portal, `az postgres flexible-server create --sku-name` (Standard_D4ds_v5) or
 * Terraform's azurerm sku_name (GP_Standard_D4ds_v5, B_Standard_B1ms, MO_Standard_E4ds_v5) write
 * it; null when Microsoft's tables do not list it.
 */
export function azureSku(name: string): AzureSku | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/^(b|gp|mo)_/, '')
    .replace(/^standard_/, '');
  return SKUS.get(key) ?? null;
}

/** A default Azure sets and the formula or table it comes from. */
export interface AzureDefault {
  readonly name: string;
  readonly value: string;
  readonly formula: string;
}

/** Azure sets reserved_connections (read-only, 5) on the versions that have it, 16 on. */
const AZURE_RESERVED_CONNECTIONS_FROM = 16;
/** Azure's server parameter default for jit is off through 17. */
const AZURE_JIT_OFF_THROUGH = 17;

/**
 * The memory defaults Azure computes at provisioning from the SKU's memory (and does not recompute
 * on a later change of SKU), and the fixed values its parameter tables list:
 * - shared_buffers (server-parameters-azure-notes-shared-buffers.md): `memoryGib * 16384` up to 2 GiB,
 *   `memoryGib * 32768` above, in 8 kB pages;
 * - max_connections (server-parameters-azure-notes-max-connections.md): `memoryGib * 25` up to 2 GiB,
 *   `MIN(memoryGib * 0.1049164697034809, 5000)` above. The factor applies to the memory in MiB,
 *   truncated: the page's own table (4 GiB 429, 8 GiB 859, 16 GiB 1718, 32 GiB 3437) and the limits
 *   page's rows are what it gives for MiB, not GiB;
 * - maintenance_work_mem (server-parameters-azure-notes-maintenance-work-mem.md):
 *   `(long)(82.5 * ln(memoryGiB) + 40) * 1024` kB;
 * - superuser_reserved_connections 10, reserved_connections 5 (read-only, param-NN-connections-
 *   authentication-connection-settings.md; pgmem knows reserved_connections from 16, where PostgreSQL
 *   added it), huge_pages try (param-NN-resource-usage-memory.md), jit off (param-13/16/17-query-
 *   tuning-planner-options.md; no table is published for 18, so 18 keeps PostgreSQL's own default).
 * Everything else memory-related in those tables is PostgreSQL's default.
 */
export function azureDefaults(memoryBytes: number, version: number): AzureDefault[] {
  const gib = memoryBytes / 2 ** 30;
  const small = gib <= 2;
  return [
    small
      ? {
          name: 'shared_buffers',
          value: String(Math.floor(gib * 16384)),
          formula: 'memoryGib * 16384 (8 kB pages, up to 2 GiB)',
        }
      : {
          name: 'shared_buffers',
          value: String(Math.floor(gib * 32768)),
          formula: 'memoryGib * 32768 (8 kB pages, above 2 GiB)',
        },
    small
      ? { name: 'max_connections', value: String(Math.floor(gib * 25)), formula: 'memoryGib * 25 (up to 2 GiB)' }
      : {
          name: 'max_connections',
          value: String(Math.min(Math.floor((memoryBytes / 2 ** 20) * 0.1049164697034809), 5000)),
          formula: 'MIN(memory in MiB * 0.1049164697034809, 5000) (above 2 GiB)',
        },
    {
      name: 'maintenance_work_mem',
      value: String(Math.trunc(82.5 * Math.log(gib) + 40) * 1024),
      formula: '(long)(82.5 * ln(memoryGiB) + 40) * 1024 kB',
    },
    { name: 'superuser_reserved_connections', value: '10', formula: 'read-only' },
    ...(version >= AZURE_RESERVED_CONNECTIONS_FROM
      ? [{ name: 'reserved_connections', value: '5', formula: 'read-only' }]
      : []),
    { name: 'huge_pages', value: 'try', formula: 'default' },
    ...(version <= AZURE_JIT_OFF_THROUGH ? [{ name: 'jit', value: 'off', formula: 'default' }] : []),
  ];
}
