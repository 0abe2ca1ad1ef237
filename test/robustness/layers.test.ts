/**
 * Layers run one way: cli → input, render → core. core and render do no I/O and know nothing of
 * the command line: they import nothing from node:, commander, src/cli or src/input (core no chalk either).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a file names: static imports and exports (type-only too), dynamic import(). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s*'([^']+)'/g,
  )) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

const FORBIDDEN = {
  'src/core': [/^node:/, /^commander$/, /^chalk$/, /^cli-table3$/, /^src\/cli\//, /^src\/input\//],
  'src/render': [/^node:/, /^commander$/, /^src\/cli\//, /^src\/input\//],
};

describe('layers', () => {
  for (const [layer, rules] of Object.entries(FORBIDDEN)) {
    it(`${layer} imports nothing from node:, commander, the CLI or the input readers`, () => {
      const files = sources(join(projectRoot, layer));
      expect(files.length).toBeGreaterThan(3);
      const offenders: string[] = [];
      for (const file of files) {
        for (const spec of imports(file)) {
          const target = spec.startsWith('.') ? relative(projectRoot, resolve(dirname(file), spec)) : spec;
          if (rules.some((r) => r.test(target))) offenders.push(`${relative(projectRoot, file)} → ${spec}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }

  it('src/cli imports nothing from the library (src/api, src/index.ts), which is built on it', () => {
    const offenders = sources(join(projectRoot, 'src/cli')).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(projectRoot, resolve(dirname(file), spec)))
        .filter((target) => target.startsWith('src/api/') || target === 'src/index.js')
        .map((target) => `${relative(projectRoot, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the import scanner sees static, type-only and dynamic imports', () => {
    expect(imports(join(projectRoot, 'src/cli/run.ts'))).toEqual(
      expect.arrayContaining(['commander', './completion.js', './plan-command.js']),
    );
    expect(imports(join(projectRoot, 'src/cli/version.ts'))).toEqual(expect.arrayContaining(['node:module']));
    expect(imports(join(projectRoot, 'src/cli/plan-command.ts'))).toEqual(expect.arrayContaining(['../core/solve.js']));
  });
});
