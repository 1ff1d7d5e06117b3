/**
 * The `Strip` normalizer: removes leading and/or trailing Unicode whitespace (Rust `char::is_whitespace`).
 * Reference: huggingface/tokenizers `normalizers/strip.rs`.
 */
import type { AlignedString, Normalizer } from './normalizer.js';

const LEADING = /^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/u;
const TRAILING = /[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/u;

/** Strips whitespace on the chosen sides. */
export class StripNormalizer implements Normalizer {
  constructor(
    readonly left: boolean,
    readonly right: boolean,
  ) {}

  private bounds(text: string): [number, number] {
    const from = this.left ? (LEADING.exec(text)?.[0].length ?? 0) : 0;
    const trail = this.right ? TRAILING.exec(text) : null;
    const to = trail ? Math.max(from, trail.index) : text.length;
    return [from, to];
  }

  normalize(text: string): string {
    const [from, to] = this.bounds(text);
    return text.slice(from, to);
  }

  normalizeAligned(input: AlignedString): AlignedString {
    const [from, to] = this.bounds(input.text);
    return {
      text: input.text.slice(from, to),
      start: input.start.slice(from, to),
      end: input.end.slice(from, to),
    };
  }
}
