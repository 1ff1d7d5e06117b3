/**
 * The `Sequence` decoder: applies decoders in order.
 * Reference: huggingface/tokenizers `decoders/sequence.rs`.
 */
import type { Decoder } from './decoder.js';

/** Chains decoders. */
export class SequenceDecoder implements Decoder {
  constructor(readonly decoders: readonly Decoder[]) {}

  decodeChain(tokens: string[]): string[] {
    for (const d of this.decoders) tokens = d.decodeChain(tokens);
    return tokens;
  }
}
