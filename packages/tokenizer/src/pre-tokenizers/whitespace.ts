/**
 * The `Whitespace` (`\w+|[^\w\s]+`, Rust regex crate's Unicode classes) and `WhitespaceSplit` (split on
 * whitespace) pre-tokenizers.
 * Reference: huggingface/tokenizers `pre_tokenizers/whitespace.rs`.
 */
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';
import { splitByRegex } from './split-behavior.js';

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITE = '\\p{White_Space}';
const WORDS_OR_SYMBOLS = new RegExp(`[${WORD}]+|[^${WORD}${WHITE}]+`, 'gu');
const WHITESPACE = new RegExp(`[${WHITE}]+`, 'gu');

/** Keeps runs of word characters and runs of other non-space characters. */
export class WhitespacePreTokenizer implements PreTokenizer {
  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    splitByRegex(WORDS_OR_SYMBOLS, 'Removed', true, text, start, prefix, first, emit);
  }
}

/** Splits on whitespace, dropping it. */
export class WhitespaceSplitPreTokenizer implements PreTokenizer {
  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    splitByRegex(WHITESPACE, 'Removed', false, text, start, prefix, first, emit);
  }
}
