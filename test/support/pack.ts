/**
 * The package as `npm pack` makes it from the tree as built (npm test builds first; pack.test.ts
 * covers `prepare` building it), without rebuilding under the other tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './cli.js';

export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packs the built tree into `dir`: the tarball's path and the files it holds. */
export function packBuiltTree(dir: string): { tarball: string; files: string[] } {
  for (const built of ['dist/lib/index.js', 'dist/bin/run.cjs'])
    if (!existsSync(join(projectRoot, built))) throw new Error(`${built} is missing: run npm run build first`);
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: projectRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(dir, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path) };
}
