/**
 * The normalizer contract and the alignment bookkeeping that lets offsets point into the original
 * text after normalization changed it.
 *
 * An {@link AlignedString} keeps, for every UTF-16 unit of the normalized text, the range of the
 * original text it came from, as huggingface/tokenizers' `NormalizedString` keeps per-byte alignments
 * (`tokenizers/src/tokenizer/normalizer.rs`). Only `encode(..., { offsets: true })` pays for it; the
 * plain `normalize(text)` path works on strings alone.
 */

/** A normalized string plus, per UTF-16 unit, the original range `[start[i], end[i])` it came from. */
export interface AlignedString {
  readonly text: string;
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** One normalization step (NFC, Prepend, Replace, ...). */
export interface Normalizer {
  /** Normalizes `text` (fast path, no alignment). */
  normalize(text: string): string;
  /** Normalizes and keeps the alignment to the original text. */
  normalizeAligned(input: AlignedString): AlignedString;
}

/** An unchanged string whose unit `i` maps to `[base + i, base + i + 1)`. */
export function identityAligned(text: string, base = 0): AlignedString {
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    start[i] = base + i;
    end[i] = base + i + 1;
  }
  return { text, start, end };
}

/** Incrementally builds an {@link AlignedString}. */
export class AlignedBuilder {
  private parts: string[] = [];
  private starts: number[] = [];
  private ends: number[] = [];

  /** Appends `text`, every unit aligned to the original range `[start, end)`. */
  push(text: string, start: number, end: number): void {
    this.parts.push(text);
    for (let i = 0; i < text.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Appends units `[from, to)` of `input` unchanged. */
  copy(input: AlignedString, from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(input.text.slice(from, to));
    for (let i = from; i < to; i++) {
      this.starts.push(input.start[i]!);
      this.ends.push(input.end[i]!);
    }
  }

  build(): AlignedString {
    return {
      text: this.parts.join(''),
      start: Int32Array.from(this.starts),
      end: Int32Array.from(this.ends),
    };
  }
}

/** Original range covered by units `[from, to)` of `input` (`to > from`). */
export function originalRange(input: AlignedString, from: number, to: number): [number, number] {
  return [input.start[from]!, input.end[to - 1]!];
}

/**
 * Applies `fn` to each piece of `input` cut by `pieces` (a global regex whose matches tile the text,
 * e.g. one code point or one grapheme-ish cluster); a changed piece's output units all align to the
 * piece's whole original range, an unchanged piece keeps its alignment.
 */
export function transformPieces(
  input: AlignedString,
  pieces: RegExp,
  fn: (piece: string) => string,
): AlignedString {
  const builder = new AlignedBuilder();
  pieces.lastIndex = 0;
  for (let m = pieces.exec(input.text); m !== null; m = pieces.exec(input.text)) {
    const from = m.index;
    const to = from + m[0].length;
    if (to === from) {
      pieces.lastIndex++;
      continue;
    }
    const out = fn(m[0]);
    if (out === m[0]) builder.copy(input, from, to);
    else if (out.length > 0) {
      const [s, e] = originalRange(input, from, to);
      builder.push(out, s, e);
    }
  }
  return builder.build();
}

/** Matches one code point (a lone surrogate counts as one). */
export const CODE_POINT = /[\s\S]/gu;
