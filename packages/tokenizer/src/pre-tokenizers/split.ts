/**
 * The `Split` pre-tokenizer: cuts on a literal string or an Oniguruma regex (translated to JS, see
 * oniguruma-regex.ts), with a delimiter behaviour and `invert`. The Qwen2 and Llama-3 pre-tokenizers
 * are this stage with their GPT-4-style regex and `Isolated`.
 * Reference: huggingface/tokenizers `pre_tokenizers/split.rs`.
 */
import { gpt4SplitterFor, splitGpt4, splitGpt4Ends } from './gpt4-split.js';
import { emitSlice, type PieceSink, type PreTokenizer } from './pre-tokenizer.js';
import { type SplitBehavior, splitByRegex } from './split-behavior.js';

/** Splits pieces at the matches of `regex` (a global JS RegExp). */
export class SplitPreTokenizer implements PreTokenizer {
  /** Digit-group size when the pattern is the Qwen2/Llama-3 regex, matched by hand (gpt4-split.ts). */
  private readonly gpt4Digits: number | undefined;

  constructor(
    readonly regex: RegExp,
    readonly behavior: SplitBehavior,
    readonly invert: boolean,
    /** The Oniguruma source of `regex`, when it came from a `{"Regex": ...}` pattern. */
    source?: string,
  ) {
    this.gpt4Digits =
      source !== undefined && behavior === 'Isolated' && !invert ? gpt4SplitterFor(source) : undefined;
  }

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    if (this.gpt4Digits !== undefined)
      splitGpt4(text, this.gpt4Digits, (from, to) => emitSlice(text, start, prefix, first, from, to, emit));
    else splitByRegex(this.regex, this.behavior, this.invert, text, start, prefix, first, emit);
  }

  /**
   * End offsets of the pieces of `text` (see `splitGpt4Ends`), when this stage can produce them
   * without building strings; undefined otherwise.
   */
  pieceEnds(text: string): { buffer: Int32Array; count: number } | undefined {
    return this.gpt4Digits === undefined ? undefined : splitGpt4Ends(text, this.gpt4Digits);
  }
}
