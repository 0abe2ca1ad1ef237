/**
 * In CI every run is a first run after an install: `npm pack` the package once, then per round
 * install the tarball into an empty project and time the first `npx pgmem plan`, and a second one.
 * Prints medians. Installing reaches the npm registry for the runtime dependencies.
 *
 *   npm run bench:install                # 5 rounds
 *   npm run bench:install -- --rounds 9
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const work = mkdtempSync(join(tmpdir(), 'pgmem-bench-install-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => void): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

try {
  let tarball = '';
  const packMs = time(() => {
    const out = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { filename: string; size: number; unpackedSize: number }[];
    tarball = join(work, out[0]!.filename);
    console.log(`tarball ${out[0]!.filename}: ${out[0]!.size} bytes, ${out[0]!.unpackedSize} unpacked`);
  });
  const install: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const project = join(work, `p${r}`);
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: `bench-${r}`, version: '1.0.0', private: true }),
    );
    const env = { ...process.env, npm_config_cache: join(work, 'cache'), NO_COLOR: '1' };
    install.push(
      time(() =>
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
          cwd: project,
          env,
          stdio: 'ignore',
        }),
      ),
    );
    for (const into of [first, second]) {
      into.push(
        time(() => {
          const result = spawnSync('npx', ['pgmem', 'plan', '--pods', '5', '--pool', '10'], {
            cwd: project,
            env,
            encoding: 'utf8',
          });
          if (result.status !== 0) throw new Error(result.stderr);
        }),
      );
    }
  }
  console.log(`npm pack (builds through prepare): ${packMs.toFixed(0)} ms`);
  console.log(
    `npm install of the tarball, median of ${rounds}: ${median(install).toFixed(0)} ms (warm npm cache after round 1)`,
  );
  console.log(
    `first npx pgmem plan after install, median: ${median(first).toFixed(0)} ms; second: ${median(second).toFixed(0)} ms`,
  );
  console.log(`install + first run, median: ${median(install.map((v, i) => v + first[i]!)).toFixed(0)} ms`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
