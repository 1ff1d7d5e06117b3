/**
 * The `Lowercase` normalizer: Unicode lowercasing, one code point at a time (Rust's
 * `char::to_lowercase`, so no context-dependent final-sigma rule).
 * Reference: huggingface/tokenizers `normalizers/utils.rs` (`Lowercase`).
 */
import { type AlignedString, CODE_POINT, type Normalizer, transformPieces } from './normalizer.js';

const SIGMA = /Σ/g;

/** Lowercases the text. */
export class LowercaseNormalizer implements Normalizer {
  normalize(text: string): string {
    // JS applies the final-sigma rule (Σ -> ς at word end); Rust's per-char lowercase always gives σ.
    return text.includes('Σ') ? text.replace(SIGMA, 'σ').toLowerCase() : text.toLowerCase();
  }

  normalizeAligned(input: AlignedString): AlignedString {
    return transformPieces(input, CODE_POINT, (ch) => (ch === 'Σ' ? 'σ' : ch.toLowerCase()));
  }
}
