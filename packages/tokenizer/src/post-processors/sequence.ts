/**
 * The `Sequence` post-processor: applies post-processors in order.
 * Reference: huggingface/tokenizers `processors/sequence.rs`.
 */
import type { PostProcessor, RawEncoding } from './post-processor.js';

/** Chains post-processors. */
export class SequenceProcessor implements PostProcessor {
  constructor(readonly processors: readonly PostProcessor[]) {}

  addedTokens(isPair: boolean): number {
    return this.processors.reduce((sum, p) => sum + p.addedTokens(isPair), 0);
  }

  processIds(ids: number[], addSpecialTokens: boolean): number[] {
    for (const p of this.processors) ids = p.processIds(ids, addSpecialTokens);
    return ids;
  }

  processEach(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[] {
    for (const p of this.processors) encodings = p.processEach(encodings, addSpecialTokens);
    return encodings;
  }
}
