/**
 * The `Metaspace` decoder: the replacement character becomes a space, except in the first token when
 * the pre-tokenizer prepends one (`prepend_scheme` other than `never`), where it is dropped.
 * Reference: huggingface/tokenizers `pre_tokenizers/metaspace.rs` (`Decoder for Metaspace`).
 */
import type { PrependScheme } from '../pre-tokenizers/metaspace.js';
import type { Decoder } from './decoder.js';

/** `▁` -> space. */
export class MetaspaceDecoder implements Decoder {
  constructor(
    readonly replacement: string,
    readonly prependScheme: PrependScheme,
  ) {}

  decodeChain(tokens: string[]): string[] {
    return tokens.map((token, i) => {
      const drop = i === 0 && this.prependScheme !== 'never';
      return token.replaceAll(this.replacement, drop ? '' : ' ');
    });
  }
}
