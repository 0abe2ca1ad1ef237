/** SARIF carries pgmem's real version, line regions and URIs code scanning can resolve. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('relative paths are relative references; absolute ones file:// URIs', () => {
    expect(artifactLocation('db\\postgresql.conf')).toEqual({ uri: 'db/postgresql.conf', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/etc/postgresql/15/main/postgresql.conf')).toEqual({
      uri: 'file:///etc/postgresql/15/main/postgresql.conf',
    });
  });
});
