/**
 * The pre-tokenizer contract: a stage that cuts a piece of normalized text into smaller pieces and
 * hands each to the next stage through a callback, so no intermediate arrays are built on the hot
 * path.
 *
 * A piece is `(text, start, prefix)`: its text, its offset in the normalized segment, and how many of
 * its leading UTF-16 units were added by a pre-tokenizer (a prefix space or `▁`) and so have no
 * source of their own; they align to the piece's first real character, as in huggingface/tokenizers'
 * `NormalizedString::prepend` (`tokenizers/src/tokenizer/pre_tokenizer.rs`).
 */

/** Receives one piece. `first` is true when the piece starts at offset 0 of the original input. */
export type PieceSink = (text: string, start: number, prefix: number, first: boolean) => void;

/** One pre-tokenization step. */
export interface PreTokenizer {
  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void;
}

/** Emits units `[from, to)` of the piece `(text, start, prefix)` as a sub-piece; empty ones are dropped. */
export function emitSlice(
  text: string,
  start: number,
  prefix: number,
  first: boolean,
  from: number,
  to: number,
  emit: PieceSink,
): void {
  if (to <= from) return;
  const childPrefix = Math.max(0, Math.min(to, prefix) - from);
  const childStart = start + Math.max(0, from - prefix);
  emit(
    from === 0 && to === text.length ? text : text.slice(from, to),
    childStart,
    childPrefix,
    first && from <= prefix,
  );
}
