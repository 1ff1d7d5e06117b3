/**
 * The `Strip` decoder: removes up to `start` leading and `stop` trailing occurrences of `content`
 * (one character) from each token.
 * Reference: huggingface/tokenizers `decoders/strip.rs`.
 */
import type { Decoder } from './decoder.js';

/** Strips a character from token ends. */
export class StripDecoder implements Decoder {
  constructor(
    readonly content: string,
    readonly start: number,
    readonly stop: number,
  ) {}

  decodeChain(tokens: string[]): string[] {
    const c = this.content;
    return tokens.map((token) => {
      // Walk from each end by whole characters of `content` (no copy of long tokens into arrays).
      let from = 0;
      for (let k = 0; k < this.start && token.startsWith(c, from); k++) from += c.length;
      let to = token.length;
      for (let k = 0; k < this.stop && to - c.length >= from && token.endsWith(c, to); k++) to -= c.length;
      return from === 0 && to === token.length ? token : token.slice(from, to);
    });
  }
}
