/**
 * Rewrites the output of every complete (no `…`) README console example with what pgmem prints now.
 * Run after `npm run build`: `npm run readme:update`. Excerpts are left for a person to fix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeExamples, readmePath, runReadmeCommand, matchesExcerpt } from '../test/support/readme.js';

const lines = readFileSync(readmePath, 'utf8').split('\n');
const examples = readmeExamples(lines.join('\n'));
// Run top down (`echo $?` reads the previous command), then splice bottom up so line numbers stay valid.
const outputs = examples.map((example) => runReadmeCommand(example.command));
for (const [index, example] of [...examples.entries()].reverse()) {
  const actual = outputs[index]!;
  if (example.expected.includes('…')) {
    if (!matchesExcerpt(actual, example.expected)) console.error(`excerpt out of date: $ ${example.command}`);
    continue;
  }
  lines.splice(example.start, example.end - example.start, ...actual.replace(/\n$/, '').split('\n'));
}
writeFileSync(readmePath, lines.join('\n'));
console.log(`checked ${examples.length} examples`);
