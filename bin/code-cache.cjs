'use strict';
/**
 * V8 code caches for pgmem's bundles. Compiling the bundles is most of pgmem's start-up and Node 20
 * has no compile cache of its own, so the build writes `<file>.v8cache` beside each bundle (after
 * running representative commands, so lazily compiled functions are in it) and the executable hands
 * it to V8. A cache from another Node version is rejected by V8, and the file compiles as usual.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, sep } = require('node:path');
const { Script } = require('node:vm');

/**
 * Loads `.cjs` files under `dir` with their code caches. With `record`, remembers each compiled
 * script so that `writeCaches()` can save what V8 compiled while the commands ran.
 */
function installCodeCache(dir, { record = false } = {}) {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const scripts = new Map();
  const fallback = Module._extensions['.cjs'] || Module._extensions['.js'];
  Module._extensions['.cjs'] = function loadWithCache(module, filename) {
    if (!filename.startsWith(prefix)) return fallback(module, filename);
    let cachedData;
    if (!record) {
      try {
        cachedData = readFileSync(`${filename}.v8cache`);
      } catch {
        // no cache: compile as usual
      }
    }
    const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
    if (record) scripts.set(filename, script);
    const require = Module.createRequire(filename);
    script.runInThisContext().call(module.exports, module.exports, require, module, filename, dirname(filename));
  };
  return {
    writeCaches() {
      for (const [filename, script] of scripts) writeFileSync(`${filename}.v8cache`, script.createCachedData());
      return [...scripts.keys()];
    },
  };
}

module.exports = { installCodeCache };
