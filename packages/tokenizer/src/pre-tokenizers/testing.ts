/** Collects the pieces a pre-tokenizer emits, for tests. Not part of the public API. */
import type { PreTokenizer } from './pre-tokenizer.js';

/** `[text, start, prefix]` of every piece `pre` makes of `text`. */
export function pieces(pre: PreTokenizer, text: string, first = true): [string, number, number][] {
  const out: [string, number, number][] = [];
  pre.split(text, 0, 0, first, (t, s, p) => out.push([t, s, p]));
  return out;
}

/** Just the texts. */
export function texts(pre: PreTokenizer, text: string, first = true): string[] {
  return pieces(pre, text, first).map((p) => p[0]);
}
