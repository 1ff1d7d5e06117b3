/**
 * The decoder contract: a step that rewrites the list of token strings; `decode` joins the final list.
 * Reference: huggingface/tokenizers `tokenizer/mod.rs` (`Decoder::decode_chain`).
 */

/** One decoding step over token strings. */
export interface Decoder {
  decodeChain(tokens: string[]): string[];
}
