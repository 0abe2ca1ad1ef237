/**
 * Writes docs/findings.md and the README's findings table from the finding registry
 * (src/core/findings/registry.ts): `npm run docs:findings`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINDINGS_DOC_PATH } from '../src/core/findings/registry.js';
import { renderFindingsDoc, replaceReadmeFindingsTable } from '../src/render/findings-docs.js';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const readmePath = join(projectRoot, 'README.md');
writeFileSync(join(projectRoot, FINDINGS_DOC_PATH), renderFindingsDoc());
writeFileSync(readmePath, replaceReadmeFindingsTable(readFileSync(readmePath, 'utf8')));
console.log(`wrote ${FINDINGS_DOC_PATH} and the README's findings table`);
