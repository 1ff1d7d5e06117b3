/**
 * Every subcommand, in the order `nvlm --help` lists them. A new subcommand is one file in this
 * folder plus one line here.
 */
import type { Command, OptionSpecs } from '../command.js';
import { infoCommand } from './info.js';

export const COMMANDS: readonly Command<OptionSpecs>[] = [infoCommand as Command<OptionSpecs>];
