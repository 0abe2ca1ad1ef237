/**
 * The build profile in the engine: which values each build accepts (with the server's own messages),
 * and that the profile reaches the report. The real servers confirm both builds in
 * test/input/conf-differential.test.ts and test/core/build-values.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { BUILD_NAMES } from '../../src/core/build.js';
import { findGuc, getCatalog } from '../../src/core/catalog/index.js';
import { DEFAULT_WORKLOAD } from '../../src/core/model.js';
import { planReportSchema } from '../../src/core/report-schema.js';
import { Settings } from '../../src/core/settings.js';
import { SUPPORTED_VERSIONS } from '../../src/core/versions.js';

const resolveOne = (
  version: 13 | 14 | 15 | 16 | 17 | 18,
  name: string,
  value: string,
  build: 'distribution' | 'embedded',
) => Settings.resolve(version, [{ name, value, source: 'flag' }], 'boot', build);

describe('build-dependent values', () => {
  it('distribution builds list lz4, zstd and io_uring where the server compiles them in', () => {
    expect(findGuc(15, 'wal_compression', 'distribution')!.enumValues).toEqual(['pglz', 'lz4', 'zstd', 'on', 'off']);
    expect(findGuc(15, 'wal_compression', 'embedded')!.enumValues).toEqual(['pglz', 'on', 'off']);
    expect(findGuc(14, 'default_toast_compression', 'distribution')!.enumValues).toEqual(['pglz', 'lz4']);
    expect(findGuc(14, 'default_toast_compression', 'embedded')!.enumValues).toEqual(['pglz']);
    expect(findGuc(18, 'io_method', 'distribution')!.enumValues).toEqual(['sync', 'worker', 'io_uring']);
    expect(findGuc(18, 'io_method', 'embedded')!.enumValues).toEqual(['sync', 'worker']);
    // 13–14: wal_compression is a bool; 13 has no default_toast_compression; 13–17 no io_method.
    expect(findGuc(14, 'wal_compression', 'distribution')!.type).toBe('bool');
    expect(findGuc(13, 'default_toast_compression', 'distribution')).toBeUndefined();
    expect(findGuc(17, 'io_method', 'distribution')).toBeUndefined();
  });

  it("accepts them on distribution builds and refuses them on embedded ones in the server's words", () => {
    for (const version of [15, 16, 17, 18] as const) {
      for (const value of ['lz4', 'zstd', 'LZ4']) {
        const ok = resolveOne(version, 'wal_compression', value, 'distribution');
        expect(ok.problems).toEqual([]);
        expect(ok.settings.str('wal_compression')).toBe(value.toLowerCase());
        const refused = resolveOne(version, 'wal_compression', value, 'embedded').problems[0]!;
        expect(refused.message).toBe(`invalid value for parameter "wal_compression": "${value}"`);
        expect(refused.hint).toBe('Available values: pglz, on, off.');
      }
    }
    expect(resolveOne(15, 'wal_compression', 'bogus', 'distribution').problems[0]!.hint).toBe(
      'Available values: pglz, lz4, zstd, on, off.',
    );
    for (const version of [14, 15, 16, 17, 18] as const) {
      expect(resolveOne(version, 'default_toast_compression', 'lz4', 'distribution').problems).toEqual([]);
      expect(resolveOne(version, 'default_toast_compression', 'lz4', 'embedded').problems[0]!.hint).toBe(
        'Available values: pglz.',
      );
    }
    expect(resolveOne(18, 'io_method', 'io_uring', 'distribution').settings.str('io_method')).toBe('io_uring');
    expect(resolveOne(18, 'io_method', 'io_uring', 'embedded').problems[0]).toMatchObject({
      message: 'invalid value for parameter "io_method": "io_uring"',
      hint: 'Available values: sync, worker.',
    });
    // 14's bool refuses lz4 on every build, as the server does.
    expect(resolveOne(14, 'wal_compression', 'lz4', 'distribution').problems[0]!.message).toBe(
      'parameter "wal_compression" requires a Boolean value',
    );
  });

  it('the builds differ only in those entries', () => {
    for (const version of SUPPORTED_VERSIONS) {
      const dist = getCatalog(version, 'distribution').gucs;
      const emb = getCatalog(version, 'embedded').gucs;
      expect([...dist.keys()]).toEqual([...emb.keys()]);
      const differing = [...dist.keys()].filter(
        (name) => JSON.stringify(dist.get(name)) !== JSON.stringify(emb.get(name)),
      );
      const expected = [
        ...(version >= 14 ? ['default_toast_compression'] : []),
        ...(version >= 18 ? ['io_method'] : []),
        ...(version >= 15 ? ['wal_compression'] : []),
      ];
      expect(differing).toEqual(expected);
    }
  });
});

describe('the profile in the report', () => {
  const input = {
    version: 15 as const,
    assignments: [],
    defaults: 'initdb' as const,
    clients: 10,
    workload: DEFAULT_WORKLOAD,
    ramBytes: null,
  };

  it('defaults to distribution; settings and report carry it; the schema accepts both names', () => {
    expect(Settings.resolve(15, []).settings.build).toBe('distribution');
    for (const build of BUILD_NAMES) {
      const { report } = analyze({ ...input, build });
      expect(report.build).toBe(build);
      expect(planReportSchema.safeParse(report).success).toBe(true);
    }
    expect(analyze(input).report.build).toBe('distribution');
    expect(planReportSchema.safeParse({ ...analyze(input).report, build: 'custom' }).success).toBe(false);
  });

  it("a distribution build's shared memory holds the GSS status buffer: 8 kB more at initdb defaults on 15", () => {
    const dist = analyze({ ...input, build: 'distribution' }).report.sharedMemory.totalBytes;
    const emb = analyze({ ...input, build: 'embedded' }).report.sharedMemory.totalBytes;
    expect(dist - emb).toBe(8192);
    expect(dist).toBe(149_520_384);
  });
});
