import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../src/cli/schema-command.js';
import { runCli } from '../support/cli.js';

/** Sources the bash script and asks _pgmem to complete `words` (the last one being completed). */
function bashComplete(script: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const program = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _pgmem; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8', cwd: '/' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('pgmem completion', () => {
  it('bash: defines _pgmem, registers it, and completes commands, options and enum values', async () => {
    const { code, stdout: script } = await runCli(['completion', 'bash']);
    expect(code).toBe(0);
    expect(script).toMatch(/^_pgmem\(\) \{$/m);
    expect(script).toMatch(/^complete .*-F _pgmem pgmem$/m);
    expect(script).toContain('plan');
    expect(script).toContain('check');
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);

    expect(bashComplete(script, ['pgmem', ''])).toEqual(
      expect.arrayContaining(['plan', 'check', 'schema', 'inspect', 'completion']),
    );
    expect(bashComplete(script, ['pgmem', 'ch'])).toEqual(['check']);
    expect(bashComplete(script, ['pgmem', 'check', '--format', ''])).toEqual([
      'table',
      'json',
      'markdown',
      'github',
      'sarif',
    ]);
    expect(bashComplete(script, ['pgmem', 'plan', '--format', ''])).toEqual(['table', 'json', 'markdown']);
    expect(bashComplete(script, ['pgmem', 'plan', '--pg-version', '1'])).toEqual(['13', '14', '15', '16', '17', '18']);
    expect(bashComplete(script, ['pgmem', 'plan', '--fail-on', 'w'])).toEqual(['warning']);
    expect(bashComplete(script, ['pgmem', 'plan', '--work'])).toEqual(['--workload', '--work-mem']);
    expect(bashComplete(script, ['pgmem', 'schema', ''])).toEqual(Object.keys(SCHEMAS));
    expect(Object.keys(SCHEMAS)).toEqual(expect.arrayContaining(['plan', 'topology']));
    // Every registered choice is offered: recommend's and --solve's included.
    expect(bashComplete(script, ['pgmem', 'recommend', '--workload', ''])).toEqual(['oltp', 'olap', 'mixed']);
    expect(bashComplete(script, ['pgmem', 'recommend', '--format', ''])).toEqual(['table', 'conf', 'sql', 'json']);
    expect(bashComplete(script, ['pgmem', 'plan', '--solve', ''])).toEqual(['pods', 'pool', 'work_mem']);
    expect(bashComplete(script, ['pgmem', 'inspect', '--format', ''])).toEqual(['table', 'json', 'markdown']);
    // Options that take free values offer nothing rather than other options.
    expect(bashComplete(script, ['pgmem', 'plan', '--pods', ''])).toEqual([]);
  });

  it('zsh and fish: scripts for every command with enum values', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout;
    expect(zsh.startsWith('#compdef pgmem\n')).toBe(true);
    expect(zsh).toContain("'--format[output format (default table)]:value:(table json markdown github sarif)'");
    expect(zsh).toContain(':value:(13 14 15 16 17 18)');
    const fish = (await runCli(['completion', 'fish'])).stdout;
    expect(fish).toContain('complete -c pgmem -n __fish_use_subcommand -a check');
    expect(fish).toMatch(/__fish_seen_subcommand_from check' -l format -x -a 'table json markdown github sarif'/);
    expect(fish).toMatch(/-l pg-version -x -a '13 14 15 16 17 18'/);
  });

  it('an unknown shell is a usage error', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pgmem: error: completion: expected one of bash, zsh, fish, got "tcsh"\n');
  });
});
