import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findGuc, getCatalog, initdbConf, INITDB_SETTINGS } from '../../src/core/catalog/index.js';
import { SUPPORTED_VERSIONS, type PgVersion } from '../../src/core/versions.js';
import pg from 'pg';
import { installedVersions, postgresC, startServer, templateDataDir } from '../support/postgres.js';
import { DISTRIBUTION_VERSIONS, requireServers } from '../support/pg-binaries.mjs';

function boot(version: PgVersion, name: string): string | undefined {
  return getCatalog(version).gucs.get(name)?.boot;
}

describe('catalog: per-version facts', () => {
  it('hash_mem_multiplier is 1 in 13–14 and 2 from 15', () => {
    expect(SUPPORTED_VERSIONS.map((v) => boot(v, 'hash_mem_multiplier'))).toEqual(['1', '1', '2', '2', '2', '2']);
  });
  it('shared_buffers boots at 1024 pages in 13–14 and 16384 from 15, unit 8kB, 16 .. 1073741823', () => {
    expect(SUPPORTED_VERSIONS.map((v) => boot(v, 'shared_buffers'))).toEqual([
      '1024',
      '1024',
      '16384',
      '16384',
      '16384',
      '16384',
    ]);
    for (const v of SUPPORTED_VERSIONS) {
      expect(getCatalog(v).gucs.get('shared_buffers')).toMatchObject({
        unit: '8kB',
        context: 'postmaster',
        min: 16,
        max: 1073741823,
      });
    }
  });
  it('settings appear in the versions that have them', () => {
    const has = (name: string) => SUPPORTED_VERSIONS.filter((v) => getCatalog(v).gucs.has(name));
    expect(has('autovacuum_worker_slots')).toEqual([18]);
    expect(has('io_method')).toEqual([18]);
    expect(has('io_workers')).toEqual([18]);
    expect(has('io_max_concurrency')).toEqual([18]);
    expect(has('io_combine_limit')).toEqual([17, 18]);
    for (const slru of [
      'transaction_buffers',
      'commit_timestamp_buffers',
      'subtransaction_buffers',
      'multixact_offset_buffers',
      'multixact_member_buffers',
      'notify_buffers',
      'serializable_buffers',
    ]) {
      expect(has(slru), slru).toEqual([17, 18]);
    }
    expect(has('reserved_connections')).toEqual([16, 17, 18]);
    expect(has('vacuum_buffer_usage_limit')).toEqual([16, 17, 18]);
    expect(has('min_dynamic_shared_memory')).toEqual([14, 15, 16, 17, 18]);
    expect(has('huge_page_size')).toEqual([14, 15, 16, 17, 18]);
    expect(has('shared_memory_size')).toEqual([15, 16, 17, 18]);
    expect(has('work_mem')).toEqual([...SUPPORTED_VERSIONS]);
  });
  it('ranges and contexts that changed between versions', () => {
    expect(SUPPORTED_VERSIONS.map((v) => getCatalog(v).gucs.get('maintenance_work_mem')!.min)).toEqual([
      1024, 1024, 1024, 1024, 64, 64,
    ]);
    expect(SUPPORTED_VERSIONS.map((v) => getCatalog(v).gucs.get('autovacuum_max_workers')!.context)).toEqual([
      'postmaster',
      'postmaster',
      'postmaster',
      'postmaster',
      'postmaster',
      'sighup',
    ]);
    expect([16, 17, 18].map((v) => boot(v as PgVersion, 'vacuum_buffer_usage_limit'))).toEqual(['256', '2048', '2048']);
    expect([17, 18].map((v) => getCatalog(v as PgVersion).gucs.get('io_combine_limit')!.max)).toEqual([32, 128]);
    expect(SUPPORTED_VERSIONS.map((v) => boot(v, 'effective_io_concurrency'))).toEqual(['1', '1', '1', '1', '1', '16']);
    expect(getCatalog(17).gucs.get('multixact_member_buffers')).toMatchObject({
      boot: '32',
      unit: '8kB',
      min: 16,
      max: 131072,
    });
    expect(getCatalog(13).gucs.get('work_mem')).toMatchObject({
      boot: '4096',
      unit: 'kB',
      context: 'user',
      min: 64,
      max: 2147483647,
    });
  });
  it('enums list visible values and the hidden spellings the server accepts', () => {
    for (const v of SUPPORTED_VERSIONS) {
      const hp = getCatalog(v).gucs.get('huge_pages')!;
      expect(hp.enumValues).toEqual(['off', 'on', 'try']);
      expect([...hp.hiddenEnumValues!].sort()).toEqual(['0', '1', 'false', 'no', 'true', 'yes']);
      expect(hp.enumCanonical).toMatchObject({ true: 'on', '0': 'off' });
      expect(getCatalog(v).gucs.get('wal_level')!.hiddenEnumValues).toEqual(['archive', 'hot_standby']);
    }
    expect(getCatalog(13).gucs.get('wal_compression')!.type).toBe('bool');
    expect(getCatalog(15).gucs.get('wal_compression')!.enumCanonical).toMatchObject({ on: 'pglz' });
  });
  it('hidden settings and old names are known, lookups are case-insensitive', () => {
    for (const v of SUPPORTED_VERSIONS) {
      for (const name of [
        'seed',
        'role',
        'is_superuser',
        'session_authorization',
        'default_with_oids',
        'ssl_renegotiation_limit',
      ]) {
        expect(getCatalog(v).gucs.get(name)?.hidden, `${v} ${name}`).toBe(true);
      }
      expect(findGuc(v, 'SHARED_Buffers')?.name).toBe('shared_buffers');
      expect(findGuc(v, 'DateStyle')?.name).toBe('datestyle');
      expect(findGuc(v, 'sort_mem')?.name).toBe('work_mem');
      expect(findGuc(v, 'Vacuum_Mem')?.name).toBe('maintenance_work_mem');
      expect(findGuc(v, 'shared_bufferz')).toBeUndefined();
      expect(getCatalog(v)).toBe(getCatalog(v));
      for (const [name, def] of getCatalog(v).gucs) expect(def.name).toBe(name);
    }
    expect(findGuc(18, 'ssl_ecdh_curve')?.name).toBe('ssl_groups');
    expect(findGuc(17, 'ssl_ecdh_curve')?.name).toBe('ssl_ecdh_curve');
  });
  it('INITDB_SETTINGS are what initdb writes; every other initdb line equals its boot value', () => {
    expect(INITDB_SETTINGS).toEqual({ max_connections: '100', shared_buffers: '128MB' });
    const hostDependent = /^(lc_|log_timezone$|timezone$|datestyle$|default_text_search_config$)/;
    for (const v of SUPPORTED_VERSIONS) {
      expect(initdbConf(v)).toMatchObject(INITDB_SETTINGS);
      for (const [name, value] of Object.entries(initdbConf(v))) {
        if (name in INITDB_SETTINGS || hostDependent.test(name)) continue;
        const def = findGuc(v, name)!;
        const normalized = { max_wal_size: { '1GB': '1024' }, min_wal_size: { '80MB': '80' } } as Record<
          string,
          Record<string, string>
        >;
        expect(normalized[name]?.[value] ?? value, `${v} ${name}`).toBe(def.boot);
      }
    }
  });
});

/** Settings whose boot value depends on the build or host, or that the server computes at start. */
const VARIABLE =
  /^(lc_|data_directory$|config_file$|hba_file$|ident_file$|max_stack_depth$|timezone|log_timezone$|unix_socket|krb_server_keyfile$|ssl_|dynamic_library_path$|client_encoding$|server_encoding$|event_source$|application_name$|in_hot_standby$|transaction_)/;

describe('catalog agrees with the real servers', () => {
  for (const version of installedVersions()) {
    it(`${version}: postgres -C prints the boot value of settings postgresql.conf leaves alone`, () => {
      const conf = readFileSync(join(templateDataDir(version), 'postgresql.conf'), 'utf8');
      const setInConf = new Set([...conf.matchAll(/^\s*([a-z_]+)\s*=/gm)].map((m) => m[1]!));
      const candidates = [...getCatalog(version).gucs.values()].filter(
        (d) => !d.hidden && d.context !== 'internal' && !setInConf.has(d.name) && !VARIABLE.test(d.name),
      );
      // Every sixth setting, plus the memory settings pgmem cares most about.
      const sample = new Set(candidates.filter((_, i) => i % 6 === 0).map((d) => d.name));
      for (const name of [
        'work_mem',
        'maintenance_work_mem',
        'hash_mem_multiplier',
        'temp_buffers',
        'wal_buffers',
        'huge_pages',
      ])
        sample.add(name);
      expect(sample.size).toBeGreaterThan(40);
      for (const name of sample) {
        const result = postgresC(version, name);
        expect(result.ok, `${name}: ${result.stderr}`).toBe(true);
        expect(result.value, name).toBe(getCatalog(version).gucs.get(name)!.boot);
      }
    });
  }
});

/**
 * Settings of Debian's packaged 15 the catalog (generated from 15.18) does not have: Debian's own
 * extension_destdir patch and settings of its later minor release. Boot values Debian's packaging sets
 * differently (socket directory, keytab) are in VARIABLE.
 */
const DEBIAN_ONLY = ['composite_type_mismatch', 'extension_destdir', 'output_plugin_libraries'];

interface SettingsRow {
  name: string;
  vartype: string;
  unit: string | null;
  context: string;
  boot_val: string | null;
  min_val: string | null;
  max_val: string | null;
  enumvals: string[] | null;
}

const debian = requireServers('distribution catalog', { distribution: DISTRIBUTION_VERSIONS });

describe.each(debian)('the distribution catalog against $label', ({ version: major }) => {
  const version = major as PgVersion;
  it("pg_settings shows every setting with the catalog's type, unit, context, range, boot value and enum values", async () => {
    const server = await startServer(version, {}, { build: 'distribution' });
    let rows: SettingsRow[];
    try {
      const client = new pg.Client({
        host: server.socketDir,
        port: server.port,
        user: 'postgres',
        database: 'postgres',
      });
      await client.connect();
      try {
        rows = (
          await client.query<SettingsRow>(
            'SELECT name, vartype, unit, context, boot_val, min_val, max_val, enumvals FROM pg_settings',
          )
        ).rows;
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    const catalog = getCatalog(version, 'distribution').gucs;
    const extra = rows.map((r) => r.name.toLowerCase()).filter((n) => !catalog.has(n));
    expect(extra.sort()).toEqual(DEBIAN_ONLY);
    const differences: string[] = [];
    for (const row of rows) {
      const def = catalog.get(row.name.toLowerCase());
      if (!def) continue;
      // Internal settings report the build and host (server_version_num is the minor release): type only.
      const fixed = def.context !== 'internal';
      const ours = {
        type: def.type,
        unit: def.unit,
        context: def.context,
        boot: VARIABLE.test(def.name) || def.context === 'internal' ? null : def.boot,
        min: fixed ? (def.min ?? null) : null,
        max: fixed ? (def.max ?? null) : null,
        enumValues: def.enumValues ?? null,
      };
      const theirs = {
        type: row.vartype,
        unit: row.unit,
        context: row.context,
        boot: VARIABLE.test(def.name) || def.context === 'internal' ? null : (row.boot_val ?? ''),
        min: !fixed || def.min === undefined ? null : Number(row.min_val),
        max: !fixed || def.max === undefined ? null : Number(row.max_val),
        enumValues: row.enumvals,
      };
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        differences.push(`${def.name}: pgmem ${JSON.stringify(ours)}, server ${JSON.stringify(theirs)}`);
    }
    expect(differences).toEqual([]);
    // The build-dependent lists are what the server lists, and the embedded catalog's are not.
    const enumvals = (name: string) => rows.find((r) => r.name === name)!.enumvals;
    expect(enumvals('wal_compression')).toEqual(['pglz', 'lz4', 'zstd', 'on', 'off']);
    expect(enumvals('default_toast_compression')).toEqual(['pglz', 'lz4']);
    expect(getCatalog(version, 'embedded').gucs.get('wal_compression')!.enumValues).not.toEqual(
      enumvals('wal_compression'),
    );
  });
});
