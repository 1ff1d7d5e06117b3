/**
 * The `Punctuation` pre-tokenizer: splits on punctuation characters (ASCII punctuation or Unicode
 * category P*), one match per character, with a delimiter behaviour (default `Isolated`).
 * Reference: huggingface/tokenizers `pre_tokenizers/punctuation.rs` (`is_punc`).
 */
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';
import { type SplitBehavior, splitByRegex } from './split-behavior.js';

const PUNCTUATION = /[\p{P}!-/:-@[-`{-~]/gu;

/** Splits on punctuation. */
export class PunctuationPreTokenizer implements PreTokenizer {
  constructor(readonly behavior: SplitBehavior) {}

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    splitByRegex(PUNCTUATION, this.behavior, false, text, start, prefix, first, emit);
  }
}
