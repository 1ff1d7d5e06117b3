/**
 * The command frame: how a subcommand declares its options, and how argv becomes typed values.
 *
 * Parsing is node's own `util.parseArgs` (strict mode); this module adds per-option help text,
 * positional arity, typed numeric options and one-line usage errors.
 */
import { parseArgs } from 'node:util';

//#region errors

/** Exit codes, as in BSD sysexits where one fits. */
export const ExitCode = {
  OK: 0,
  /** The command ran and failed (bad file, model error, ...). */
  FAILURE: 1,
  /** The command line itself is wrong (unknown command or option, missing value). */
  USAGE: 2,
} as const;

/**
 * An error the CLI reports as one line on stderr (`nvlm: <message>`) with its exit code.
 * Anything else thrown by a command is reported the same way, with exit code 1.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A mistake on the command line: exit code 2, with a pointer to `--help`. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The subcommand whose `--help` the error points to. */
    public command?: string,
  ) {
    super(message, ExitCode.USAGE);
  }
}

//#endregion

//#region option specs

interface OptionBase {
  /** One line for `--help`. */
  description: string;
  /** Single-letter alias, e.g. `o` for `-o`. */
  short?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  /** Placeholder shown in help, e.g. `PATH`. */
  valueName?: string;
  default?: string;
  multiple?: false;
}

export interface MultiStringOption extends OptionBase {
  type: 'string';
  valueName?: string;
  multiple: true;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

export type OptionSpec = StringOption | MultiStringOption | BooleanOption;
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed value type of each option. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends BooleanOption
    ? boolean
    : O[K] extends MultiStringOption
      ? string[]
      : O[K] extends { default: string }
        ? string
        : string | undefined;
};

export interface PositionalSpec {
  /** Placeholder shown in usage, e.g. `IMAGE`. */
  name: string;
  description: string;
  /** Defaults to true. */
  required?: boolean;
  /** Accepts one or more values (last positional only). */
  variadic?: boolean;
}

//#endregion

//#region commands

/** Streams a command talks to; tests pass in-memory ones. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface CommandContext<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  io: CommandIO;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer text for `nvlm <name> --help`, after the usage line. */
  description?: string;
  options: O;
  positionals?: readonly PositionalSpec[];
  /** Lines shown under "Examples:" in help. */
  examples?: readonly string[];
  /** Returns an exit code (default 0). Throw `CliError`/`UsageError` for failures. */
  run(ctx: CommandContext<O>): Promise<number | undefined> | number | undefined;
}

/** Identity helper that keeps the option types of a command literal. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

//#endregion

//#region parsing

interface ParseArgsError extends Error {
  code?: string;
}

/** Parses a subcommand's argv (without the command name) against its specs. */
export function parseCommandArgs<O extends OptionSpecs>(
  command: Command<O>,
  argv: readonly string[],
): { values: OptionValues<O>; positionals: string[] } {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string }
  > = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
      ...(spec.type === 'string' && !spec.multiple && spec.default !== undefined
        ? { default: spec.default }
        : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as ParseArgsError), command.name);
  }
  const values = { ...parsed.values } as Record<string, unknown>;
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.type === 'boolean') values[name] ??= false;
    else if (spec.multiple) values[name] ??= [];
  }
  checkPositionals(command, parsed.positionals);
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}

function describeParseError(error: ParseArgsError): string {
  // node's messages are multi-line and mention `args`; keep the first sentence, reworded.
  const first = error.message.split('\n')[0] ?? error.message;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const m = /Unknown option '([^']+)'/.exec(first);
      return `unknown option '${m?.[1] ?? first}'`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const m = /Option '(-[^' ]+)/.exec(first);
      if (first.includes('argument missing')) return `option '${m?.[1] ?? '?'}' needs a value`;
      if (first.includes('does not take an argument')) return `option '${m?.[1] ?? '?'}' takes no value`;
      return first.replace(/\.$/, '');
    }
    default:
      return first.replace(/\.$/, '');
  }
}

function checkPositionals(command: Command<OptionSpecs>, positionals: readonly string[]): void {
  const specs = command.positionals ?? [];
  const required = specs.filter((p) => p.required !== false);
  const variadic = specs.at(-1)?.variadic === true;
  if (positionals.length < required.length) {
    const missing = required[positionals.length]!;
    throw new UsageError(`missing argument ${missing.name}`, command.name);
  }
  if (!variadic && positionals.length > specs.length) {
    const extra = positionals[specs.length]!;
    throw new UsageError(`unexpected argument '${extra}'`, command.name);
  }
}

/**
 * Reads an integer option, checking its range. Returns `fallback` when the option is absent.
 * Message form: `--max-tiles must be an integer in [1, 12], got 0`.
 */
export function intOption(
  value: string | undefined,
  name: string,
  range: { min: number; max: number },
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(`--${name} must be an integer in [${range.min}, ${range.max}], got '${value}'`);
  }
  return n;
}

/** Reads a finite number option in `[min, max]`; `fallback` when absent. */
export function numberOption(
  value: string | undefined,
  name: string,
  range: { min: number; max: number },
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    throw new UsageError(`--${name} must be a number in [${range.min}, ${range.max}], got '${value}'`);
  }
  return n;
}

/** Reads an option restricted to a fixed set of words; `fallback` when absent. */
export function choiceOption<const C extends string>(
  value: string | undefined,
  name: string,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as C;
}

//#endregion
