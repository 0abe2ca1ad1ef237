/**
 * The command-line entry point: parses argv with commander, runs a command, maps every known
 * error to one line and its exit code. The only layer that touches argv, files, env and the TTY.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from './version.js';
import { ExitCode, PgmemError, UsageError } from '../errors.js';
import type { CliIo } from './io.js';
import { describeWriteError, guardSink, isClosedPipe } from './output.js';
import { terminalText } from '../render/terminal.js';
import { registerCompletionCommand } from './completion.js';
import { registerInspectCommand } from './inspect-command.js';
import { addCommandOptions, type CommandOptions } from './plan-options.js';
import { registerRecommendCommand } from './recommend-command.js';

export { VERSION } from './version.js';

/** Whether the arguments ask for JSON output, so that even an error is JSON on stdout. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some(
    (arg, i) => arg === '--json' || arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'),
  );
}

/** The commands, by name; each adds itself to the program. */
const COMMANDS: Record<string, (program: Command, io: CliIo, setExit: (code: number) => void) => void> = {
  plan: registerPlanCommand,
  check: registerCheckCommand,
  inspect: registerInspectCommand,
  recommend: registerRecommendCommand,
  schema: registerSchemaCommand,
  completion: registerCompletionCommand,
};

/**
 * The program with the command being run, or every command when the first argument names none
 * (top-level help, a typo that deserves a suggestion) or when completion needs to describe them all.
 * Building the options of the commands not run is most of commander's share of start-up.
 */
function buildProgram(io: CliIo, setExit: (code: number) => void, argv: readonly string[]): Command {
  const program = new Command('pgmem')
    .description('Worst-case PostgreSQL memory from postgresql.conf and your connection topology')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are printed by run(), as one line.
      outputError: () => {},
    });

  const first = argv[0];
  const only =
    first !== undefined && first !== 'completion' && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  for (const register of only ? [only] : Object.values(COMMANDS)) register(program, io, setExit);
  return program;
}

function registerPlanCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addCommandOptions(
    program.command('plan').description('how much RAM the server can use in the worst case'),
    'plan',
  ).action(async (options: CommandOptions<'plan'>) => {
    const { planCommand } = await import('./plan-command.js');
    setExit(await planCommand(options, io));
  });
}

function registerCheckCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addCommandOptions(
    program
      .command('check')
      .description(
        'judge postgresql.conf files, Kubernetes manifests or pgbouncer.ini files; exit 1 on findings (for CI)',
      )
      .argument(
        '[file...]',
        'postgresql.conf, manifest (.yaml) or pgbouncer.ini files, one per server; or name them with --manifest/--pgbouncer',
      ),
    'check',
  )
    .addHelpText(
      'after',
      '\nA file is a pgbouncer.ini by its .ini (or pgbouncer*.conf) name or a [section] line, a manifest by .yaml/.yml/.json or an apiVersion: line,' +
        '\nelse a postgresql.conf. github writes workflow annotations, sarif a SARIF 2.1.0 log for code scanning, both on the' +
        '\nline (and column) that sets each value.',
    )
    .action(async (files: string[], options: CommandOptions<'check'>) => {
      const { checkCommand } = await import('./check-command.js');
      setExit(await checkCommand(files, options, io));
    });
}

function registerSchemaCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('schema')
    .description("print the JSON Schema of pgmem's JSON output")
    .argument(
      '[document]',
      'plan, check, inspect, vary (plan --vary), recommend, error (the --json error) or topology (the --topology file)',
      'plan',
    )
    .action(async (document: string) => {
      const { schemaCommand } = await import('./schema-command.js');
      setExit(await schemaCommand(document, io));
    });
}

/**
 * Runs pgmem with the given arguments and returns the exit code. Never throws. A reader that closes
 * standard output early (`| head`) ends the output quietly; any other failure to write it (a full
 * disk) is one line and exit 2.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const stdout = guardSink(io.stdout);
  const stderr = guardSink(io.stderr);
  const code = await runCommand(argv, { ...io, stdout, stderr });
  const failure = await stdout.settled();
  if (failure === null || isClosedPipe(failure)) return code;
  stderr.write(`pgmem: error: ${describeWriteError(failure)}\n`);
  await stderr.settled();
  return ExitCode.Usage;
}

async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram(io, (code) => (exitCode = code), argv);
  try {
    // commander answers `help <unknown>` with the general help and success; it is a usage error.
    const [first, topic] = argv;
    if (
      first === 'help' &&
      topic !== undefined &&
      topic !== 'help' &&
      !topic.startsWith('-') &&
      !program.commands.some((c) => c.name() === topic)
    ) {
      throw new UsageError(`unknown command '${topic}'`, 'help');
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, argv, io);
  }
}

function reportError(error: unknown, argv: readonly string[], io: CliIo): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return ExitCode.Ok;
    }
    // commander's messages start with "error: "; keep one line.
    return printError(error.message.replace(/^error: /, '').split('\n')[0]!, 'usage', ExitCode.Usage, argv, io);
  }
  if (error instanceof PgmemError) return printError(error.message, error.code, error.exitCode, argv, io);
  const message = error instanceof Error ? error.message : String(error);
  return printError(`internal error: ${message}`, 'internal', ExitCode.Internal, argv, io);
}

function printError(message: string, code: string, exitCode: number, argv: readonly string[], io: CliIo): number {
  if (wantsJson(argv)) {
    io.stdout.write(`${JSON.stringify({ schemaVersion: 1, error: { code, message, exitCode } }, null, 2)}\n`);
  }
  io.stderr.write(`pgmem: error: ${terminalText(message)}\n`);
  return exitCode;
}
