#!/usr/bin/env node
// pgmem's executable. CommonJS on purpose: Node 20 then never starts its ES module loader for a plain
// run, which costs more than pgmem's own work. `npm run build` bundles src/cli/run.ts into dist/bin/.
'use strict';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered without loading the CLI: printing the version should cost nothing beyond starting node.
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const { join } = require('node:path');
  const dist = join(__dirname, '..', 'dist', 'bin');
  require('./code-cache.cjs').installCodeCache(dist);
  require(join(dist, 'run.cjs'))
    .run(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      env: process.env,
      cwd: process.cwd(),
    })
    .then((code) => {
      process.exitCode = code;
    });
}
