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
import { readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Built-ins loaded on first property access instead of at start-up. */
const LAZY_BUILTINS = new Set(['child_process', 'node:child_process']);

/** Built-ins as CommonJS modules over the bundle's require() (see the banner). */
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!BUILTINS.has(args.path)) return undefined;
      // The shim's own require() is the real one (the banner's).
      return args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' };
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

/** The generated catalogs as JSON.parse('…'): the same values, parsed faster at start-up. */
const catalogAsJson = {
  name: 'catalog-as-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]catalog[\\/]pg\d+\.ts$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'ts', format: 'esm' });
      const values = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
      const contents = Object.entries(values)
        .map(([name, value]) => `export const ${name} = /* @__PURE__ */ JSON.parse(${JSON.stringify(JSON.stringify(value))});`)
        .join('\n');
      return { contents, loader: 'js' };
    });
  },
};

await rm('dist/bin', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/run.ts'],
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bin',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['pg'],
  logLevel: 'warning',
  // The bundled CommonJS (commander, cli-table3) and the built-ins above call require().
  banner: { js: "import { createRequire as __pgmemCreateRequire } from 'node:module'; const require = __pgmemCreateRequire(import.meta.url);" },
  plugins: [builtinsAsRequire, catalogAsJson],
});
