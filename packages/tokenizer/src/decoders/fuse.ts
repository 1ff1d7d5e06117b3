/**
 * The `Fuse` decoder: joins all tokens into one.
 * Reference: huggingface/tokenizers `decoders/fuse.rs`.
 */
import type { Decoder } from './decoder.js';

/** Joins the tokens. */
export class FuseDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }
}
