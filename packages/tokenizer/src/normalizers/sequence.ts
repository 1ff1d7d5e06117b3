/**
 * The `Sequence` normalizer: applies normalizers in order.
 * Reference: huggingface/tokenizers `normalizers/utils.rs` (`Sequence`).
 */
import type { AlignedString, Normalizer } from './normalizer.js';

/** Runs `normalizers` one after the other. */
export class SequenceNormalizer implements Normalizer {
  constructor(readonly normalizers: readonly Normalizer[]) {}

  normalize(text: string): string {
    for (const n of this.normalizers) text = n.normalize(text);
    return text;
  }

  normalizeAligned(input: AlignedString): AlignedString {
    for (const n of this.normalizers) input = n.normalizeAligned(input);
    return input;
  }
}
