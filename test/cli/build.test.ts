/** `--build` on plan, check, recommend and inspect: choices, default, and what it changes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

function confFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgmem-build-'));
  writeFileSync(join(dir, 'postgresql.conf'), text);
  return join(dir, 'postgresql.conf');
}

describe('--build', () => {
  it('plan, check, recommend and inspect show it in help with its choices and default', async () => {
    for (const command of ['plan', 'check', 'recommend', 'inspect']) {
      const { code, stdout: help } = await runCli([command, '--help']);
      expect(code).toBe(0);
      const stdout = help.replace(/\s+/g, ' ');
      expect(stdout).toMatch(/--build <profile>/);
      expect(stdout).toContain('(choices: "distribution", "embedded")');
      expect(stdout).toContain(command === 'inspect' ? '(default from the server)' : '(default distribution)');
    }
  });

  it('refuses other names with a usage error, exit 2', async () => {
    const r = await runCli(['plan', '--build', 'debian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pgmem: error: --build: expected one of distribution, embedded, got "debian"\n');
  });

  it('plan reports the profile; a distribution build has the GSS status buffer (8 kB on 15)', async () => {
    const plan = async (...extra: string[]) =>
      JSON.parse((await runCli(['plan', '--pg-version', '15', '--clients', '10', '--json', ...extra])).stdout);
    const dist = await plan();
    const emb = await plan('--build', 'embedded');
    expect(dist.build).toBe('distribution');
    expect(emb.build).toBe('embedded');
    expect(dist.sharedMemory.totalBytes - emb.sharedMemory.totalBytes).toBe(8192);
    expect((await plan('--build', 'distribution')).sharedMemory.totalBytes).toBe(dist.sharedMemory.totalBytes);
  });

  it('check accepts lz4 and zstd on a distribution build and refuses them on an embedded one, as each server does', async () => {
    const file = confFile("wal_compression = lz4\ndefault_toast_compression = 'lz4'\n");
    const dist = await runCli(['check', file, '--pg-version', '15', '--json']);
    expect(JSON.parse(dist.stdout).config.valid).toBe(true);
    const emb = await runCli(['check', file, '--pg-version', '15', '--build', 'embedded', '--json']);
    expect(emb.code).toBe(1);
    const report = JSON.parse(emb.stdout);
    expect(report.config.valid).toBe(false);
    expect(report.config.errors.map((e: { setting: string; line: number }) => [e.setting, e.line])).toEqual([
      ['wal_compression', 1],
      ['default_toast_compression', 2],
    ]);
    expect(report.config.errors[0].message).toBe(`invalid value for parameter "wal_compression": "lz4"`);
    expect(report.findings.filter((f: { id: string }) => f.id === 'invalid-setting')).toHaveLength(2);
  });

  it('--set follows the build too: io_method = io_uring on 18', async () => {
    const ok = await runCli(['plan', '--pg-version', '18', '--set', 'io_method=io_uring', '--json']);
    expect(ok.code).toBe(0);
    // Its rings and contexts in shared memory, from PostgreSQL's and liburing's source: 142 × (256 + 12288) + 4096.
    const uring = JSON.parse(ok.stdout).sharedMemory.components.find((c: { id: string }) => c.id === 'io-uring');
    expect(uring).toMatchObject({ bytes: 1_785_344, measured: expect.stringMatching(/^from source, not measured/) });
    const worker = JSON.parse((await runCli(['plan', '--pg-version', '18', '--json'])).stdout);
    expect(worker.sharedMemory.components.map((c: { id: string }) => c.id)).not.toContain('io-uring');
    const r = await runCli(['plan', '--pg-version', '18', '--build', 'embedded', '--set', 'io_method=io_uring']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'pgmem: error: --set io_method=io_uring: invalid value for parameter "io_method": "io_uring" (Available values: sync, worker.)\n',
    );
  });

  it('recommend takes it into its plan', async () => {
    const rec = async (build: string) =>
      JSON.parse((await runCli(['recommend', '--ram', '16GB', '--clients', '50', '--build', build, '--json'])).stdout);
    expect((await rec('embedded')).plan.build).toBe('embedded');
    expect((await rec('distribution')).plan.build).toBe('distribution');
  });

  it('completion offers the choices', async () => {
    const bash = (await runCli(['completion', 'bash'])).stdout;
    for (const command of ['plan', 'check', 'recommend', 'inspect']) {
      expect(bash).toContain(
        `${command}:--build) COMPREPLY=($(compgen -W 'distribution embedded' -- "$cur")); return ;;`,
      );
    }
  });
});
