/**
 * Programmatic access to the `nvlm` command, for embedding it and for tests. Not a stable API:
 * the command line itself is the contract.
 */

export {
  CliError,
  type Command,
  type CommandContext,
  type CommandIO,
  choiceOption,
  defineCommand,
  ExitCode,
  intOption,
  numberOption,
  type OptionSpecs,
  UsageError,
} from './command.js';
export { COMMANDS } from './commands/index.js';
export { main } from './main.js';
