/**
 * The `Metaspace` pre-tokenizer (SentencePiece): spaces become the replacement character (`▁`), a
 * `▁` is prepended per `prepend_scheme`, and with `split` the text is cut before each `▁`.
 * Reference: huggingface/tokenizers `pre_tokenizers/metaspace.rs`.
 */
import { escapeRegExp } from '../oniguruma-regex.js';
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';
import { splitByRegex } from './split-behavior.js';

/** When to prepend the replacement character. */
export type PrependScheme = 'always' | 'never' | 'first';

/** SentencePiece-style whitespace handling. */
export class MetaspacePreTokenizer implements PreTokenizer {
  private readonly replacementRegex: RegExp;

  constructor(
    readonly replacement: string,
    readonly prependScheme: PrependScheme,
    readonly splitPieces: boolean,
  ) {
    this.replacementRegex = new RegExp(escapeRegExp(replacement), 'gu');
  }

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    // One replacement unit per space keeps the alignment 1:1 (the replacement is a single BMP char).
    text = text.replaceAll(' ', this.replacement);
    const prepend =
      this.prependScheme === 'always' ||
      (this.prependScheme === 'first' && first && prefix === 0 && start === 0);
    if (prepend && !text.startsWith(this.replacement)) {
      text = this.replacement + text;
      prefix += this.replacement.length;
    }
    if (this.splitPieces)
      splitByRegex(this.replacementRegex, 'MergedWithNext', false, text, start, prefix, first, emit);
    else emit(text, start, prefix, first);
  }
}
