/**
 * How a delimiter match becomes pieces: `Removed`, `Isolated`, `MergedWithPrevious`,
 * `MergedWithNext`, `Contiguous`, plus `invert`. Shared by Split, Punctuation, Digits, Metaspace and
 * Whitespace.
 * Reference: huggingface/tokenizers `NormalizedString::split` (`tokenizer/normalizer.rs`) and
 * `SplitDelimiterBehavior`.
 */
import { emitSlice, type PieceSink } from './pre-tokenizer.js';

/** The delimiter behaviours of huggingface/tokenizers. */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** Every behaviour name, for error messages. */
export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
];

const stickyCopies = new WeakMap<RegExp, RegExp>();

/** The same pattern with the `y` flag (matches only at `lastIndex`). */
function stickyOf(regex: RegExp): RegExp {
  let sticky = stickyCopies.get(regex);
  if (sticky === undefined) {
    sticky = new RegExp(regex.source, `${regex.flags.replace('g', '')}y`);
    stickyCopies.set(regex, sticky);
  }
  return sticky;
}

/**
 * Cuts `text` at the matches of `regex` (global) and emits the pieces `behavior` asks for.
 * With `invert`, matches are the pieces to keep and the text between them the delimiters.
 */
export function splitByRegex(
  regex: RegExp,
  behavior: SplitBehavior,
  invert: boolean,
  text: string,
  start: number,
  prefix: number,
  first: boolean,
  emit: PieceSink,
): void {
  // Fast path: Isolated needs no look-back, every gap and every match is its own piece. A sticky copy
  // of the regex tests for a match right where the last one ended without allocating a match array;
  // only at gaps does the global regex search ahead.
  if (behavior === 'Isolated' && !invert) {
    const sticky = stickyOf(regex);
    const len = text.length;
    let pos = 0;
    let last = 0;
    while (pos < len) {
      sticky.lastIndex = pos;
      if (sticky.test(text) && sticky.lastIndex > pos) {
        const end = sticky.lastIndex;
        emitSlice(text, start, prefix, first, last, pos, emit);
        emitSlice(text, start, prefix, first, pos, end, emit);
        last = pos = end;
        continue;
      }
      regex.lastIndex = pos;
      const m = regex.exec(text);
      if (m === null) break;
      const from = m.index;
      const to = from + m[0].length;
      // An empty match still cuts the text there (Oniguruma's find_iter yields it).
      emitSlice(text, start, prefix, first, last, from, emit);
      emitSlice(text, start, prefix, first, from, to, emit);
      last = to;
      pos = to > from ? to : from + (text.codePointAt(from)! > 0xffff ? 2 : 1);
    }
    emitSlice(text, start, prefix, first, last, len, emit);
    return;
  }
  // General path: list (from, to, isMatch) spans tiling the text, then fold them per behaviour.
  const spans: number[] = [];
  let last = 0;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const from = m.index;
    const to = from + m[0].length;
    if (from > last) spans.push(last, from, invert ? 1 : 0);
    if (to > from) spans.push(from, to, invert ? 0 : 1);
    last = to;
    if (to === from) regex.lastIndex += text.codePointAt(from)! > 0xffff ? 2 : 1;
  }
  if (last < text.length) spans.push(last, text.length, invert ? 1 : 0);
  foldSpans(spans, behavior, text, start, prefix, first, emit);
}

/** Applies `behavior` to `spans` (triples from, to, isMatch) and emits the resulting pieces. */
export function foldSpans(
  spans: number[],
  behavior: SplitBehavior,
  text: string,
  start: number,
  prefix: number,
  first: boolean,
  emit: PieceSink,
): void {
  const out: number[] = [];
  const count = spans.length / 3;
  switch (behavior) {
    case 'Removed':
    case 'Isolated':
      for (let k = 0; k < count; k++) {
        if (behavior === 'Removed' && spans[3 * k + 2] === 1) continue;
        out.push(spans[3 * k]!, spans[3 * k + 1]!);
      }
      break;
    case 'Contiguous': {
      let previous = -1;
      for (let k = 0; k < count; k++) {
        const isMatch = spans[3 * k + 2]!;
        if (isMatch === previous && out.length > 0) out[out.length - 1] = spans[3 * k + 1]!;
        else out.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = isMatch;
      }
      break;
    }
    case 'MergedWithPrevious': {
      let previous = 0;
      for (let k = 0; k < count; k++) {
        const isMatch = spans[3 * k + 2]!;
        if (isMatch === 1 && previous === 0 && out.length > 0) out[out.length - 1] = spans[3 * k + 1]!;
        else out.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = isMatch;
      }
      break;
    }
    case 'MergedWithNext': {
      // Walk backwards: a delimiter joins the piece after it.
      const rev: number[] = [];
      let previous = 0;
      for (let k = count - 1; k >= 0; k--) {
        const isMatch = spans[3 * k + 2]!;
        if (isMatch === 1 && previous === 0 && rev.length > 0) rev[rev.length - 2] = spans[3 * k]!;
        else rev.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = isMatch;
      }
      for (let k = rev.length - 2; k >= 0; k -= 2) out.push(rev[k]!, rev[k + 1]!);
      break;
    }
  }
  for (let k = 0; k < out.length; k += 2) emitSlice(text, start, prefix, first, out[k]!, out[k + 1]!, emit);
}
