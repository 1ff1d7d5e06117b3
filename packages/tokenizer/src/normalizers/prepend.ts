/**
 * The `Prepend` normalizer: puts a fixed string (SentencePiece's `▁`) before non-empty text.
 * Reference: huggingface/tokenizers `normalizers/prepend.rs` (prepended units align to the first
 * character).
 */
import type { AlignedString, Normalizer } from './normalizer.js';

/** Prepends `prepend` to any non-empty input. */
export class PrependNormalizer implements Normalizer {
  constructor(readonly prepend: string) {}

  normalize(text: string): string {
    return text.length === 0 ? text : this.prepend + text;
  }

  normalizeAligned(input: AlignedString): AlignedString {
    if (input.text.length === 0) return input;
    const k = this.prepend.length;
    const first = input.text.codePointAt(0)! > 0xffff ? 2 : 1;
    const start = new Int32Array(input.text.length + k);
    const end = new Int32Array(input.text.length + k);
    start.fill(input.start[0]!, 0, k);
    end.fill(input.end[first - 1]!, 0, k);
    start.set(input.start, k);
    end.set(input.end, k);
    return { text: this.prepend + input.text, start, end };
  }
}
