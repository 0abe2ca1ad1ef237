/**
 * Adding a version is one profile plus generated data: no range of versions is written by hand in
 * the code. Schemas, help and messages take theirs from SUPPORTED_VERSIONS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planReportSchema } from '../../src/core/report-schema.js';
import { MAX_VERSION, MIN_VERSION, SUPPORTED_VERSIONS, VERSION_RANGE } from '../../src/core/versions.js';
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
