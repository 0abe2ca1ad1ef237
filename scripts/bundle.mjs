/**
 * `npm run bundle`: bundles src/cli/run.ts into dist/bin/ (bin/pgmem.js imports dist/bin/run.js).
 *
 * Start-up time is what this file is for (bench/startup.ts measures it):
 * - one entry plus lazy chunks: zod, yaml, chalk, cli-table3 and pg load only with the command or
 *   format that needs them (`await import(…)` in src/cli becomes a chunk);
 * - Node built-ins are taken with require() rather than `import`: an ES import of a built-in builds
 *   its ESM facade, which reads every export (node:fs's ReadStream getter loads all of node:streams);
 * - node:child_process, which commander loads at start but uses only for executable subcommands
 *   (pgmem has none), is required on first use;
 * - the generated catalogs (src/core/catalog/pgNN.ts, six versions of ~350 settings) become
 *   JSON.parse of a string literal, which V8 reads several times faster than object literals.
 * pg stays external (a dependency): it is loaded only by `inspect`.
 */
import { build, transform } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Built-ins loaded on first property access instead of at start-up. */
const LAZY_BUILTINS = new Set(['child_process', 'node:child_process', 'fs/promises', 'node:fs/promises']);

/** Built-ins as CommonJS modules over the bundle's require() (see the banner). */
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!BUILTINS.has(args.path)) return undefined;
      // The shim's own require() is the real one (the banner's).
      return args.namespace === 'builtin'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: LAZY_BUILTINS.has(args.path)
        ? `let m; const load = () => (m ??= require(${JSON.stringify(args.path)}));
           module.exports = new Proxy({}, {
             get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()),
             getOwnPropertyDescriptor: (_, k) => ({ ...Reflect.getOwnPropertyDescriptor(load(), k), configurable: true }),
           });`
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * The generated catalogs (six versions, ~250 kB) as JSON files in dist/bin/catalog/, each read and
 * parsed the first time its version is asked for: start-up compiles none of it, and a run reads one.
 */
const catalogAsJson = (outdir) => ({
  name: 'catalog-as-json',
  setup(b) {
    // A .cjs path in a namespace of its own, so that esbuild takes the replacement for CommonJS.
    b.onResolve({ filter: /^\.\/pg\d+\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'core', 'catalog', 'index.ts'))
        ? { path: resolve(args.resolveDir, args.path.replace(/\.js$/, '.cjs')), namespace: 'pgmem-catalog' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'pgmem-catalog' }, async (args) => {
      const source = args.path.replace(/\.cjs$/, '.ts');
      const { code } = await transform(await readFile(source, 'utf8'), { loader: 'ts', format: 'esm' });
      const values = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
      const file = `${basename(source, '.ts')}.json`;
      await mkdir('dist/bin/catalog', { recursive: true });
      await writeFile(join('dist/bin/catalog', file), JSON.stringify(values));
      const fromOutdir = relative(outdir, join('dist/bin/catalog', file));
      const getters = Object.keys(values)
        .map((name) => `get ${name}() { return load()[${JSON.stringify(name)}]; },`)
        .join('\n');
      return {
        contents: `let data;
const load = () => (data ??= JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(fromOutdir)}), 'utf8')));
module.exports = {
${getters}
};`,
        loader: 'js',
      };
    });
  },
});

/**
 * Modules that pull in a heavy library, each bundled on its own into dist/bin/lazy/ and loaded by the
 * dynamic import() that names it. Everything else is one file, dist/bin/run.js: a plain `plan --json`
 * loads two files (bin and run.js) instead of a web of shared chunks.
 */
const LAZY = {
  'src/render/table.ts': 'table', // chalk, cli-table3
  'src/render/grid.ts': 'grid', // chalk, cli-table3
  'src/render/recommend.ts': 'recommend', // chalk, cli-table3
  'src/input/topology.ts': 'topology', // yaml, zod
  'src/input/live.ts': 'live', // zod
  'src/cli/pgpass.ts': 'pgpass', // pgpass, split2
  'src/cli/schema-command.ts': 'schema', // zod
};
/** Shared by every bundle, so that `instanceof PgmemError` holds across them. */
const SHARED = { 'src/errors.ts': 'errors' };

const root = process.cwd();
const relativeSource = (resolveDir, path) => relative(root, resolve(resolveDir, path.replace(/\.js$/, '.ts')));

/** Dynamic imports of LAZY modules, and every import of SHARED ones, stay imports of their own files. */
const separateFiles = (outdir) => ({
  name: 'separate-files',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const source = relativeSource(args.resolveDir, args.path);
      const shared = SHARED[source];
      if (shared)
        return {
          path: `./${relative(outdir, join('dist/bin', `${shared}.cjs`)) || `${shared}.js`}`.replace('./../', '../'),
          external: true,
        };
      const lazy = LAZY[source];
      if (lazy && args.kind === 'dynamic-import') {
        return {
          path: `./${relative(outdir, join('dist/bin/lazy', `${lazy}.cjs`))}`.replace('./../', '../'),
          external: true,
        };
      }
      return undefined;
    });
  },
});

const common = {
  bundle: true,
  minify: process.env.PGMEM_BUNDLE_MINIFY !== '0',
  // CommonJS: Node 20 then never starts its ES module loader for a plain `plan --json`, which costs
  // more at start-up than everything pgmem itself does; import() of the lazy files becomes require().
  format: 'cjs',
  supported: { 'dynamic-import': false },
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__pgmemModuleUrl' },
  platform: 'node',
  target: 'node20',
  external: ['pg'],
  logLevel: 'warning',
  // The bundled CommonJS (commander, cli-table3) and the built-ins above call require().
  banner: { js: "const __pgmemModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await rm('dist/bin', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: {
    run: 'src/cli/run.ts',
    ...Object.fromEntries(Object.entries(SHARED).map(([src, name]) => [name, src])),
  },
  outdir: 'dist/bin',
  plugins: [builtinsAsRequire, catalogAsJson('dist/bin'), separateFiles('dist/bin')],
});
await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(LAZY).map(([src, name]) => [name, src])),
  outdir: 'dist/bin/lazy',
  plugins: [builtinsAsRequire, catalogAsJson('dist/bin/lazy'), separateFiles('dist/bin/lazy')],
});

// V8 code caches beside the bundles (bin/code-cache.cjs), made after running representative commands
// so that the functions they compile lazily are cached too.
{
  const require = createRequire(import.meta.url);
  const dist = resolve('dist/bin');
  const recorder = require('../bin/code-cache.cjs').installCodeCache(dist, { record: true });
  const { run } = require(join(dist, 'run.cjs'));
  const sink = { write: () => true };
  const io = { stdout: sink, stderr: sink, env: { NO_COLOR: '1' }, cwd: process.cwd() };
  for (const argv of [
    ['plan', '--pods', '5', '--pool', '10', '--json'],
    ['plan', '--pods', '5', '--pool', '10'],
    ['--help'],
  ]) {
    await run(argv, io);
  }
  recorder.writeCaches();
}

// The library (package.json "exports"): src/index.ts as one ES module, dist/lib/index.js, and the
// declarations tsc wrote for it (npm run build runs tsc first), copied with every declaration file
// they import. They must import no package: an installed @pgmem/cli has none of its devDependencies
// (zod, yaml), so the report types are generated from the JSON Schemas (src/api/report-types.ts).
{
  await rm('dist/lib', { recursive: true, force: true });
  await build({
    entryPoints: { index: 'src/index.ts' },
    outdir: 'dist/lib',
    bundle: true,
    minify: common.minify,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['pg'],
    logLevel: 'warning',
    // The bundled CommonJS (commander) calls require().
    banner: {
      js: "import { createRequire as __pgmemCreateRequire } from 'node:module'; const require = __pgmemCreateRequire(import.meta.url);",
    },
  });
  const { dirname: dirOf } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const seen = new Set();
  const pending = ['index.d.ts'];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = join('dist', file);
    if (!existsSync(source)) throw new Error(`bundle: ${source} is missing; run tsc -p tsconfig.build.json first`);
    const text = await readFile(source, 'utf8');
    for (const m of text.matchAll(
      /^\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
    )) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.'))
        throw new Error(`bundle: ${source} imports "${spec}", which an installed package lacks`);
      pending.push(join(dirOf(file), spec.replace(/\.js$/, '.d.ts')));
    }
    await mkdir(join('dist/lib', dirOf(file)), { recursive: true });
    await writeFile(join('dist/lib', file), text);
  }
}
