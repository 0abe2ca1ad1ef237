/** Markdown output shows text from files and arguments literally: no links, HTML, cells or controls it adds. */
import { describe, expect, it } from 'vitest';
import { markdownCell, markdownCode } from '../../src/render/markdown.js';
import { runCli } from '../support/cli.js';
import { memoryFs } from '../support/memory-fs.js';

describe('markdown escaping', () => {
  it('escapes Markdown-active characters and controls, keeping intraword underscores', () => {
    expect(markdownCell('[x](http://e) <img src=x> a|b *c* _d_ work_mem \u001b[2J\r')).toBe(
      '\\[x\\](http://e) \\<img src=x\\> a\\|b \\*c\\* \\_d\\_ work_mem \\\\e\\[2J\\\\r',
    );
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`a')).toBe('`` `a ``');
  });

  it('check --format markdown: a hostile value and file name stay literal', async () => {
    const name = 'x`y|z.conf';
    const confFs = memoryFs({ [`/work/${name}`]: "work_mem = '[click](http://e) <img src=x> |\u001b[2J'\n" });
    const { stdout } = await runCli(['check', name, '--format', 'markdown'], { cwd: '/work', confFs });
    const line = stdout.split('\n').find((l) => l.includes('invalid-setting'))!;
    expect(line).toBeDefined();
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(line).toContain('\\[click\\](http://e) \\<img src=x\\> \\|\\\\e\\[2J');
    expect(line).toContain('``x`y\\|z.conf:1``');
    expect(line).not.toMatch(/(?<!\\)[<|]/);
  });
});
