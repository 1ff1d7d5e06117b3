/**
 * The post-processor contract: turns the model's encodings (one, or two for a pair) into the final
 * one, adding special tokens when asked.
 * Reference: huggingface/tokenizers `tokenizer/mod.rs` (`PostProcessor::process_encodings`).
 */

/** What the pipeline produced for one sequence. */
export interface RawEncoding {
  ids: number[];
  /** `[start, end)` pairs, flattened; absent when offsets were not asked for. */
  offsets: number[] | undefined;
  /** Segment id of each token (0 for the first sequence, 1 for the second of a pair). */
  typeIds: number[];
  /** Token strings, used by ByteLevel offset trimming; absent when offsets were not asked for. */
  tokens: string[] | undefined;
}

/** One post-processing step. */
export interface PostProcessor {
  /** Processes the encodings of a sequence (and its pair); returns the encodings to merge. */
  processEach(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[];
  /** How many special tokens `processEach` adds for one sequence (or a pair). */
  addedTokens(isPair: boolean): number;
  /** The ids alone of a single sequence, processed (the fast path of `encode` without offsets). */
  processIds(ids: number[], addSpecialTokens: boolean): number[];
}

/** Concatenates encodings into one. */
export function mergeEncodings(encodings: readonly RawEncoding[]): RawEncoding {
  if (encodings.length === 1) return encodings[0]!;
  const withOffsets = encodings.every((e) => e.offsets !== undefined);
  return {
    ids: encodings.flatMap((e) => e.ids),
    offsets: withOffsets ? encodings.flatMap((e) => e.offsets!) : undefined,
    typeIds: encodings.flatMap((e) => e.typeIds),
    tokens: encodings.every((e) => e.tokens !== undefined) ? encodings.flatMap((e) => e.tokens!) : undefined,
  };
}
