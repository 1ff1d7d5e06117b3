/**
 * `nvlm` entry: global flags, subcommand dispatch, and turning every failure into one line on
 * stderr with a non-zero exit code. Never calls `process.exit`, so it is testable in-process.
 */
import {
  CliError,
  type Command,
  type CommandIO,
  ExitCode,
  type OptionSpecs,
  parseCommandArgs,
  UsageError,
} from './command.js';
import { COMMANDS } from './commands/index.js';
import { commandHelp, mainHelp } from './help.js';
import { VERSION } from './version.js';

const HELP_FLAGS = new Set(['-h', '--help']);
const VERSION_FLAGS = new Set(['-v', '-V', '--version']);

/** Runs `nvlm` with `argv` (without node and script path); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: CommandIO,
  commands: readonly Command<OptionSpecs>[] = COMMANDS,
): Promise<number> {
  try {
    return await dispatch(argv, io, commands);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(
  argv: readonly string[],
  io: CommandIO,
  commands: readonly Command<OptionSpecs>[],
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || HELP_FLAGS.has(first)) {
    io.stdout.write(mainHelp(commands, VERSION));
    // `nvlm` alone is a usage mistake; `nvlm --help` is a request.
    return first === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (VERSION_FLAGS.has(first)) {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.OK;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.stdout.write(mainHelp(commands, VERSION));
      return ExitCode.OK;
    }
    io.stdout.write(commandHelp(findCommand(rest[0], commands)));
    return ExitCode.OK;
  }
  if (first.startsWith('-'))
    throw new UsageError(`unknown option '${first}' (commands come first: nvlm <command> [options])`);
  const command = findCommand(first, commands);
  // `--help` anywhere before a `--` asks for help, even next to otherwise invalid arguments.
  const endOfOptions = rest.indexOf('--');
  const flags = endOfOptions === -1 ? rest : rest.slice(0, endOfOptions);
  if (flags.some((arg) => HELP_FLAGS.has(arg))) {
    io.stdout.write(commandHelp(command));
    return ExitCode.OK;
  }
  const { values, positionals } = parseCommandArgs(command, rest);
  try {
    return (await command.run({ values, positionals, io })) ?? ExitCode.OK;
  } catch (error) {
    if (error instanceof UsageError) error.command ??= command.name;
    throw error;
  }
}

function findCommand(name: string, commands: readonly Command<OptionSpecs>[]): Command<OptionSpecs> {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const suggestion = closest(
    name,
    commands.map((c) => c.name),
  );
  const hint = suggestion ? `; did you mean '${suggestion}'?` : '';
  throw new UsageError(`unknown command '${name}'${hint}`);
}

/** The known name within edit distance 2 of `name`, if any (typo help). */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Writes one line for `error` and returns its exit code. */
function report(error: unknown, io: CommandIO): number {
  if (error instanceof UsageError) {
    const help = error.command ? `nvlm ${error.command} --help` : 'nvlm --help';
    io.stderr.write(`nvlm: ${oneLine(error.message)} (see '${help}')\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr.write(`nvlm: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? describe(error) : String(error);
  io.stderr.write(`nvlm: ${oneLine(message)}\n`);
  if (io.env.NVLM_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return ExitCode.FAILURE;
}

/** `TokenizerError [BAD_JSON]: ...` style: error name, code when present, message. */
function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const label = typeof code === 'string' ? `${error.name} [${code}]` : error.name;
  return `${label}: ${error.message}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
