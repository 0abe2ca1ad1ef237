/** SARIF carries pgmem's real version, line regions and URIs code scanning can resolve. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_LIST } from '../../src/core/findings/registry.js';
import { artifactLocation } from '../../src/render/sarif.js';
import { memoryFs } from '../support/memory-fs.js';
import { projectRoot, runCli } from '../support/cli.js';

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('sarif', () => {
  it('names the tool with its package version, and each finding at its line', async () => {
    const confFs = memoryFs({ '/work/my conf/postgresql.conf': "shared_buffers = '1GB'\nwork_mem = 4MB extra\n" });
    const { stdout } = await runCli(['check', 'my conf/postgresql.conf', '--format', 'sarif'], {
      cwd: '/work',
      confFs,
    });
    const run = JSON.parse(stdout).runs[0];
    expect(run.tool.driver.version).toBe(version);
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'config-syntax-error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'my%20conf/postgresql.conf', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2 },
    });
  });

  it("rules are the registry, in id order; each result points at its rule by id and index, its help at the finding's docs", async () => {
    const confFs = memoryFs({
      '/work/postgresql.conf': "shared_buffers = '3GB'\nwork_mem = 64MB\nbogus = 1\nmax_connections = 300\n",
    });
    const { stdout } = await runCli(['check', 'postgresql.conf', '--ram', '4GB', '--format', 'sarif'], {
      cwd: '/work',
      confFs,
    });
    const run = JSON.parse(stdout).runs[0];
    const rules = run.tool.driver.rules as {
      id: string;
      helpUri: string;
      defaultConfiguration: { level: string };
      shortDescription: { text: string };
    }[];
    expect(rules.map((r) => r.id)).toEqual(FINDING_LIST.map((d) => d.id));
    for (const [index, rule] of rules.entries()) {
      const definition = FINDING_LIST[index]!;
      expect(rule.helpUri).toBe(`https://github.com/pgmem/pgmem/blob/main/docs/findings.md#${definition.id}`);
      expect(rule.shortDescription.text).toBe(definition.title);
      expect(rule.defaultConfiguration.level).toBe(
        { error: 'error', warning: 'warning', info: 'note' }[definition.level],
      );
    }
    const results = run.results as { ruleId: string; ruleIndex: number; level: string }[];
    expect(results.map((r) => r.ruleId)).toEqual(
      expect.arrayContaining(['invalid-setting', 'worst-case-exceeds-ram', 'shared-buffers-share']),
    );
    for (const result of results) expect(rules[result.ruleIndex]!.id).toBe(result.ruleId);
  });

  it('relative paths are relative references; absolute ones file:// URIs', () => {
    expect(artifactLocation('db\\postgresql.conf')).toEqual({ uri: 'db/postgresql.conf', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/etc/postgresql/15/main/postgresql.conf')).toEqual({
      uri: 'file:///etc/postgresql/15/main/postgresql.conf',
    });
  });
});
