/**
 * Adding a version is one profile plus generated data: no range of versions is written by hand in
 * the code. Schemas, help and messages take theirs from SUPPORTED_VERSIONS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planReportSchema } from '../../src/core/report-schema.js';
import { VERSION_PROFILES } from '../../src/core/profiles.js';
import {
  isSupportedVersion,
  MAX_VERSION,
  MIN_VERSION,
  SUPPORTED_VERSIONS,
  VERSION_RANGE,
  versionProfile,
} from '../../src/core/versions.js';
import { projectRoot, runCli } from '../support/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The code without its comments (a comment may cite the versions a source fact holds for). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const first = SUPPORTED_VERSIONS[0];
const last = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
const HARD_CODED = [
  new RegExp(`\\b${first}\\s*(–|-|…|\\.\\.|to)\\s*${last}\\b`),
  new RegExp(`\\.min\\(${first}\\)`),
  new RegExp(`\\.max\\(${last}\\)`),
];

describe('version ranges', () => {
  it('come from SUPPORTED_VERSIONS', () => {
    expect([MIN_VERSION, MAX_VERSION]).toEqual([first, last]);
    expect(VERSION_RANGE).toBe(`${first}–${last}`);
  });

  it('no source file writes the supported range by hand', () => {
    const offenders: string[] = [];
    for (const file of sources(join(projectRoot, 'src'))) {
      if (file.endsWith('versions.ts')) continue;
      const lines = code(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (HARD_CODED.some((r) => r.test(line)))
          offenders.push(`${relative(projectRoot, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the published schema and the help show the supported range', async () => {
    const json = z.toJSONSchema(planReportSchema) as unknown as {
      properties: { pgVersion: { minimum: number; maximum: number } };
    };
    expect(json.properties.pgVersion).toMatchObject({ minimum: first, maximum: last });
    const help = (await runCli(['plan', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(choices: ${SUPPORTED_VERSIONS.map((v) => `"${v}"`).join(', ')})`);
    expect((await runCli(['plan', '--pg-version', '12'])).stderr).toContain(
      `use one of ${SUPPORTED_VERSIONS.join(', ')}`,
    );
  });
});

/** Where a version number may be written: the profiles, and data generated or measured per version. */
const VERSION_DATA = [/src\/core\/profiles\.ts$/, /src\/core\/catalog\//, /src\/core\/baselines\.ts$/];
/** A comparison of a version (version, s.version, v, major…) with a number written in the code. */
const COMPARISON = [
  /\b(\w*[vV]ersion\w*|v|major)\s*(<=?|>=?|[!=]==?)\s*\d/,
  /\d\s*(<=?|>=?|[!=]==?)\s*(\w+\.)*(\w*[vV]ersion\w*|v|major)\b/,
  /\bcase\s+1\d\s*:/,
];
/** An object keyed by supported versions, or a list of them, written by hand. */
const VERSION_TABLE = [
  new RegExp(`(^|[{,])\\s*(${SUPPORTED_VERSIONS.join('|')})\\s*:`),
  new RegExp(`\\[\\s*${SUPPORTED_VERSIONS[0]}\\s*,\\s*${SUPPORTED_VERSIONS[1]}\\b`),
];

/** Lines of src (comments removed) that match one of the patterns, outside the per-version data. */
function offendingLines(patterns: readonly RegExp[]): string[] {
  const offenders: string[] = [];
  for (const file of sources(join(projectRoot, 'src'))) {
    if (VERSION_DATA.some((re) => re.test(file))) continue;
    code(readFileSync(file, 'utf8'))
      .split('\n')
      .forEach((line, i) => {
        if (patterns.some((r) => r.test(line)))
          offenders.push(`${relative(projectRoot, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return offenders;
}

describe('version profiles', () => {
  it('the supported versions are the profiles', () => {
    expect([...SUPPORTED_VERSIONS]).toEqual(
      Object.keys(VERSION_PROFILES)
        .map(Number)
        .sort((a, b) => a - b),
    );
    for (const v of SUPPORTED_VERSIONS) expect(versionProfile(v)).toBe(VERSION_PROFILES[v]);
    expect(isSupportedVersion(MIN_VERSION - 1)).toBe(false);
    expect(isSupportedVersion(MAX_VERSION + 1)).toBe(false);
    expect(isSupportedVersion(MAX_VERSION - 0.5)).toBe(false);
  });

  it('each profile is consistent: fixed SLRU buffers exactly where there are no SLRU banks', () => {
    for (const v of SUPPORTED_VERSIONS) {
      const p = versionProfile(v);
      expect([v, p.fixedSlruBuffers === null]).toEqual([v, p.features.slruBanks]);
    }
  });

  it('no code compares a version with a number: it reads the profile', () => {
    expect(offendingLines(COMPARISON)).toEqual([]);
  });

  it('no code keys a table by version or lists versions by hand, outside the profiles and generated or measured data', () => {
    expect(offendingLines(VERSION_TABLE)).toEqual([]);
  });

  it('the patterns find what they are meant to find', () => {
    const hits = (patterns: readonly RegExp[], line: string): boolean => patterns.some((r) => r.test(line));
    for (const line of [
      'if (version >= 17) {',
      'const x = s.version >= 18 ? a : b;',
      'if (v <= 14) names.push(x);',
      'if (major < 13) throw e;',
      'return 16 <= settings.version;',
      '  case 15:',
    ]) {
      expect([line, hits(COMPARISON, line)]).toEqual([line, true]);
    }
    for (const line of [
      'if (version < entry.since) return null;',
      'const n = versions.length > 0;',
      'if (value >= 17) x();',
    ]) {
      expect([line, hits(COMPARISON, line)]).toEqual([line, false]);
    }
    expect(hits(VERSION_TABLE, '  13: 7,')).toBe(true);
    expect(hits(VERSION_TABLE, 'const extra = { 13: 7, 14: 8 };')).toBe(true);
    expect(hits(VERSION_TABLE, "const t = cond ? 'a' : 'b';")).toBe(false);
    expect(hits(VERSION_TABLE, 'const all = [13, 14, 15];')).toBe(true);
  });
});
