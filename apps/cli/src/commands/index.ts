/**
 * Every subcommand, in the order `nvlm --help` lists them. A new subcommand is one file in this
 * folder plus one line here.
 */
import type { Command, OptionSpecs } from '../command.js';
import { convertCommand } from './convert.js';
import { evalCommand } from './eval.js';
import { generateCommand } from './generate.js';
import { infoCommand } from './info.js';
import { initTinyCommand } from './init-tiny.js';
import { inspectCommand } from './inspect.js';
import { sampleDataCommand } from './sample-data.js';
import { scoreCommand } from './score.js';
import { serveCommand } from './serve.js';
import { tileCommand } from './tile.js';
import { tokenizeCommand } from './tokenize.js';

export const COMMANDS: readonly Command<OptionSpecs>[] = [
  tokenizeCommand,
  tileCommand,
  initTinyCommand,
  convertCommand,
  generateCommand,
  serveCommand,
  evalCommand,
  sampleDataCommand,
  scoreCommand,
  inspectCommand,
  infoCommand,
] as Command<OptionSpecs>[];
