/**
 * The `Replace` decoder: replaces a literal string or regex in each token (Llama-2 uses it to turn
 * `▁` back into spaces).
 * Reference: huggingface/tokenizers `normalizers/replace.rs` (`Decoder for Replace`).
 */
import type { Decoder } from './decoder.js';

/** Replaces matches of `pattern` (a global RegExp) in every token. */
export class ReplaceDecoder implements Decoder {
  constructor(
    readonly pattern: RegExp,
    readonly content: string,
  ) {}

  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => t.replace(this.pattern, () => this.content));
  }
}
