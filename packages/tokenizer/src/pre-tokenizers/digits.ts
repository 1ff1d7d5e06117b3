/**
 * The `Digits` pre-tokenizer: isolates numeric characters (Rust `char::is_numeric`, i.e. `\p{N}`),
 * one per piece with `individual_digits`, else as contiguous runs.
 * Reference: huggingface/tokenizers `pre_tokenizers/digits.rs`.
 */
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';
import { splitByRegex } from './split-behavior.js';

const DIGIT = /\p{N}/gu;

/** Splits digits from the rest. */
export class DigitsPreTokenizer implements PreTokenizer {
  constructor(readonly individualDigits: boolean) {}

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    splitByRegex(
      DIGIT,
      this.individualDigits ? 'Isolated' : 'Contiguous',
      false,
      text,
      start,
      prefix,
      first,
      emit,
    );
  }
}
