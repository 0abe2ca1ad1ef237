/**
 * `pgmem completion bash|zsh|fish`: a shell completion script generated from the commands and
 * options commander knows, with the values of enumerated options (--format, --pg-version, …).
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';

/** Shells `pgmem completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
/** One of COMPLETION_SHELLS. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** What a script needs to know about one command. */
export interface CompletionCommand {
  readonly name: string;
  readonly description: string;
  readonly options: readonly CompletionOption[];
  /** Whether its arguments are files (check), or the fixed words they may be (schema, completion). */
  readonly argumentFiles: boolean;
  readonly argumentWords: readonly string[];
}

/** One option: its long flag, whether it takes a value, and which values when they are fixed. */
export interface CompletionOption {
  readonly flag: string;
  readonly description: string;
  readonly takesValue: boolean;
  readonly values: readonly string[] | null;
  readonly file: boolean;
}

/** Options whose value is a path. */
const FILE_OPTIONS = new Set(['--config', '--auto-conf', '--topology']);

/**
 * The commands and options of a commander program: each option's fixed values are the choices it was
 * registered with; the arguments' fixed words are given (schema documents, shells).
 */
export function describeProgram(
  program: Command,
  argumentWords: Readonly<Record<string, readonly string[]>>,
): CompletionCommand[] {
  return program.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    options: command.options
      .filter((o: Option) => o.long !== undefined)
      .map((o: Option) => {
        const flag = o.long!;
        const takesValue = o.required || o.optional;
        const fixed = o.argChoices;
        return {
          flag,
          description: o.description,
          takesValue,
          values: takesValue ? (fixed ?? null) : null,
          file: FILE_OPTIONS.has(flag),
        };
      }),
    argumentFiles: command.registeredArguments.some((a) => a.variadic),
    argumentWords: argumentWords[command.name()] ?? [],
  }));
}

const single = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The bash script: defines _pgmem and registers it with `complete -F`. */
export function bashScript(commands: readonly CompletionCommand[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const valueCases: string[] = [];
  const optionCases: string[] = [];
  for (const c of commands) {
    for (const o of c.options) {
      if (o.values)
        valueCases.push(
          `    ${c.name}:${o.flag}) COMPREPLY=($(compgen -W ${single(o.values.join(' '))} -- "$cur")); return ;;`,
        );
      else if (o.file) valueCases.push(`    ${c.name}:${o.flag}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
      else if (o.takesValue) valueCases.push(`    ${c.name}:${o.flag}) COMPREPLY=(); return ;;`);
    }
    const words = [...c.options.map((o) => o.flag), '--help'].join(' ');
    const positional = c.argumentFiles
      ? 'COMPREPLY=($(compgen -f -- "$cur"))'
      : c.argumentWords.length
        ? `COMPREPLY=($(compgen -W ${single(c.argumentWords.join(' '))} -- "$cur"))`
        : 'COMPREPLY=()';
    optionCases.push(
      `    ${c.name}) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${single(words)} -- "$cur")); else ${positional}; fi ;;`,
    );
  }
  return `# bash completion for pgmem. Install: pgmem completion bash > /etc/bash_completion.d/pgmem
# or add to ~/.bashrc: source <(pgmem completion bash)
_pgmem() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${single(`${names} --help --version`)} -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  case "$cmd" in
${optionCases.join('\n')}
    *) COMPREPLY=() ;;
  esac
}
complete -o filenames -F _pgmem pgmem
`;
}

/** zsh's _arguments specs allow no unescaped brackets or colons in descriptions. */
const zshText = (s: string): string =>
  s
    .replace(/[[\]:'\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The zsh script (#compdef, _arguments per command). */
export function zshScript(commands: readonly CompletionCommand[]): string {
  const list = commands.map((c) => `    ${single(`${c.name}:${zshText(c.description)}`)}`).join('\n');
  const cases = commands.map((c) => {
    const specs = c.options.map((o) => {
      const action = o.values
        ? `:value:(${o.values.join(' ')})`
        : o.file
          ? ':file:_files'
          : o.takesValue
            ? ':value: '
            : '';
      return `      ${single(`${o.flag}[${zshText(o.description)}]${action}`)}`;
    });
    if (c.argumentFiles) specs.push(`      '*:file:_files'`);
    else if (c.argumentWords.length) specs.push(`      ${single(`1:argument:(${c.argumentWords.join(' ')})`)}`);
    return `    ${c.name})\n      _arguments \\\n${specs.join(' \\\n')}\n      ;;`;
  });
  return `#compdef pgmem
# zsh completion for pgmem. Install: pgmem completion zsh > "\${fpath[1]}/_pgmem"
_pgmem() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases.join('\n')}
  esac
}
_pgmem "$@"
`;
}

/** The fish script (complete -c pgmem …). */
export function fishScript(commands: readonly CompletionCommand[]): string {
  const lines = [
    '# fish completion for pgmem. Install: pgmem completion fish > ~/.config/fish/completions/pgmem.fish',
    'complete -c pgmem -f',
  ];
  for (const c of commands)
    lines.push(`complete -c pgmem -n __fish_use_subcommand -a ${c.name} -d ${single(c.description)}`);
  for (const c of commands) {
    const when = `-n ${single(`__fish_seen_subcommand_from ${c.name}`)}`;
    for (const o of c.options) {
      const value = o.values ? ` -x -a ${single(o.values.join(' '))}` : o.file ? ' -r -F' : o.takesValue ? ' -x' : '';
      lines.push(`complete -c pgmem ${when} -l ${o.flag.slice(2)}${value} -d ${single(o.description)}`);
    }
    if (c.argumentFiles) lines.push(`complete -c pgmem ${when} -F`);
    else if (c.argumentWords.length) lines.push(`complete -c pgmem ${when} -a ${single(c.argumentWords.join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `pgmem completion <shell>` on the program; the script covers every command registered. */
export function registerCompletionCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', COMPLETION_SHELLS.join(', '))
    .action(async (shell: string) => {
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`expected one of ${COMPLETION_SHELLS.join(', ')}, got "${shell}"`, 'completion');
      }
      const { SCHEMAS } = await import('./schema-command.js');
      const commands = describeProgram(program, { schema: Object.keys(SCHEMAS), completion: COMPLETION_SHELLS });
      const script = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell as CompletionShell](commands);
      io.stdout.write(script);
      setExit(0);
    });
}
