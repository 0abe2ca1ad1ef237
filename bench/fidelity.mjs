#!/usr/bin/env node
/**
 * Fidelity of the shared-memory model (dist/core/shmem.js, so run `npm run build` first) against the real
 * servers: the embedded builds in node_modules/pg13 … pg18 and Debian's postgresql-15 (the distribution build,
 * with GSSAPI). Per server, the number of random configurations and the distribution of model minus server, in
 * bytes. PGMEM_FIDELITY_SEED / PGMEM_FIDELITY_CASES as in the test suite.
 *   node bench/fidelity.mjs [cases]
 */
import { estimateSharedMemory } from '../dist/core/shmem.js';
import {
  hugePagesReserved,
  oracleServers,
  randomShmemSettings,
  seededRandom,
  serverShmemBytes,
} from '../test/support/shmem-oracle.mjs';

const seed = Number(process.env.PGMEM_FIDELITY_SEED ?? 20240917);
const cases = Number(process.argv[2] ?? process.env.PGMEM_FIDELITY_CASES ?? 200);

if (hugePagesReserved()) {
  console.error('huge pages are reserved on this host: the failing-mmap oracle cannot be used');
  process.exitCode = 2;
} else {
  console.log(`seed ${seed}, ${cases} configurations per version`);
  console.log(
    ['server', 'cases', 'refused', 'exact', 'same MB', 'max |err| B', 'median |err| B', 'mean |err| B', 'ms/case'].join(
      '\t',
    ),
  );
  for (const { version: v, build, label } of oracleServers('bench/fidelity')) {
    const random = seededRandom(seed * 31 + v);
    const errors = [];
    let refused = 0;
    let sameMb = 0;
    const started = Date.now();
    for (let i = 0; i < cases; i++) {
      const settings = randomShmemSettings(v, random);
      const server = serverShmemBytes(v, settings, build);
      if (!server.ok) {
        refused++;
        continue;
      }
      const model = estimateSharedMemory(v, settings, build);
      errors.push(model.totalBytes - server.bytes);
      if (model.sizeMB === Math.ceil(server.bytes / 1048576)) sameMb++;
    }
    const abs = errors.map(Math.abs).sort((a, b) => a - b);
    const median = abs.length ? abs[Math.floor(abs.length / 2)] : NaN;
    const mean = abs.length ? abs.reduce((a, b) => a + b, 0) / abs.length : NaN;
    console.log(
      [
        label,
        errors.length,
        refused,
        abs.filter((e) => e === 0).length,
        sameMb,
        abs.at(-1) ?? NaN,
        median,
        mean.toFixed(1),
        ((Date.now() - started) / cases).toFixed(1),
      ].join('\t'),
    );
  }
}
