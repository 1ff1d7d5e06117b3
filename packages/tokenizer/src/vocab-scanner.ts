/**
 * A fast reader for the two big parts of a tokenizer.json text, `model.vocab` and `model.merges`.
 *
 * `JSON.parse` of a 150k-token vocabulary builds a dictionary-mode object and 450k strings that must
 * then be walked into lookup tables. This scanner instead records where each token and each merge
 * operand sits in the text (a `TextVocabulary` and `ScannedMerges`, see models/vocabulary.ts) in one
 * pass, creating no strings; the rest of the file, now small, goes through `JSON.parse`. If anything
 * looks unusual it returns `undefined` and the caller falls back to plain `JSON.parse`, so it can only
 * speed loading up, never change results.
 */
import { TextVocabulary } from './models/vocabulary.js';

/** Merge rules as positions in the text: rule r is `source[aFrom, aTo)` + `source[bFrom, bTo)`. */
export interface ScannedMerges {
  readonly source: string;
  readonly count: number;
  /** 4 numbers per rule: aFrom, aTo, bFrom, bTo. */
  readonly ranges: Int32Array;
  /** Rules that had escapes or are malformed, as JSON.parse would give them. */
  readonly decoded: Map<number, unknown>;
}

/** Marks scanned values placed in the parsed JSON (so readModel can tell them from JSON values). */
export const SCANNED_VOCAB = Symbol('nvlm-ts scanned vocab');
export const SCANNED_MERGES = Symbol('nvlm-ts scanned merges');

/** A vocab scanned ahead of `JSON.parse`, marked so readModel can tell it from a JSON object. */

const VOCAB_SENTINEL = '"\\u0000nvlm-ts-vocab"';
const MERGES_SENTINEL = '"\\u0000nvlm-ts-merges"';

const WHITESPACE = /[ \t\n\r]*/y;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Scanner {
  i: number;
  private nextBackslash = -2;

  constructor(
    readonly text: string,
    start: number,
  ) {
    this.i = start;
  }

  skipWs(): void {
    // Pretty-printed files are mostly indentation: a native sticky regex skips it much faster than a
    // character loop (about 7 MB of the Qwen file is whitespace).
    const c = this.text.charCodeAt(this.i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    WHITESPACE.lastIndex = this.i;
    WHITESPACE.test(this.text);
    this.i = WHITESPACE.lastIndex;
  }

  /**
   * Finds the JSON string at `i` without building it: returns its content range `[from, to)` in
   * `range`, and true when it holds escapes (then `range` covers the quoted literal instead).
   */
  stringRange(range: Int32Array): boolean | undefined {
    const t = this.text;
    if (t.charCodeAt(this.i) !== QUOTE) return undefined;
    const start = this.i + 1;
    const end = t.indexOf('"', start);
    if (end < 0) return undefined;
    if (this.nextBackslash !== -1 && this.nextBackslash < start) this.nextBackslash = t.indexOf('\\', start);
    if (this.nextBackslash === -1 || this.nextBackslash > end) {
      this.i = end + 1;
      range[0] = start;
      range[1] = end;
      return false;
    }
    let j = start;
    for (;;) {
      const c = t.charCodeAt(j);
      if (Number.isNaN(c)) return undefined;
      if (c === BACKSLASH) j += 2;
      else if (c === QUOTE) break;
      else j++;
    }
    this.i = j + 1;
    range[0] = start - 1;
    range[1] = j + 1;
    return true;
  }

  /** Reads a non-negative integer. */
  int(): number | undefined {
    const t = this.text;
    let n = 0;
    const from = this.i;
    let c = t.charCodeAt(this.i);
    while (c >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      c = t.charCodeAt(++this.i);
    }
    return this.i === from || n > 0x7fffffff ? undefined : n;
  }

  expect(code: number): boolean {
    this.skipWs();
    if (this.text.charCodeAt(this.i) !== code) return false;
    this.i++;
    return true;
  }
}

/** Growable Int32Array. */
function grow(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (array.length >= size) return array;
  const out = new Int32Array(Math.max(size, array.length * 2));
  out.set(array);
  return out;
}

/** Reads `{"token": id, ...}` at `start` into a TextVocabulary; returns it and the index after `}`. */
function scanVocab(text: string, start: number): { value: TextVocabulary; end: number } | undefined {
  const s = new Scanner(text, start);
  if (!s.expect(0x7b)) return undefined;
  const range = new Int32Array(2);
  // Entries in file order: id, from, to (from = -1: escaped, decoded in `escaped`).
  let entries = new Int32Array(3 * 1024);
  let count = 0;
  let maxId = -1;
  const escaped = new Map<number, string>();
  s.skipWs();
  if (text.charCodeAt(s.i) !== 0x7d) {
    for (;;) {
      s.skipWs();
      const hasEscapes = s.stringRange(range);
      if (hasEscapes === undefined || !s.expect(0x3a)) return undefined;
      s.skipWs();
      const id = s.int();
      if (id === undefined) return undefined;
      entries = grow(entries, 3 * count + 3);
      entries[3 * count] = id;
      if (hasEscapes) {
        escaped.set(id, JSON.parse(text.slice(range[0], range[1])) as string);
        entries[3 * count + 1] = -1;
      } else {
        entries[3 * count + 1] = range[0]!;
        entries[3 * count + 2] = range[1]!;
      }
      count++;
      if (id > maxId) maxId = id;
      s.skipWs();
      const c = text.charCodeAt(s.i++);
      if (c === 0x7d) break;
      if (c !== 0x2c) return undefined;
    }
  } else s.i++;
  const starts = new Int32Array(maxId + 1);
  const ends = new Int32Array(maxId + 1);
  const vocab = new TextVocabulary(text, starts, ends, escaped, count);
  for (let k = 0; k < count; k++) {
    const id = entries[3 * k]!;
    const from = entries[3 * k + 1]!;
    if (from >= 0) {
      starts[id] = from;
      ends[id] = entries[3 * k + 2]!;
      vocab.insert(id, text, from, entries[3 * k + 2]!);
    } else {
      starts[id] = -1;
      const token = escaped.get(id)!;
      vocab.insert(id, token, 0, token.length);
    }
  }
  return { value: vocab, end: s.i };
}

/** Reads `["a b", ...]` or `[["a", "b"], ...]` at `start` as ranges. */
function scanMerges(text: string, start: number): { value: ScannedMerges; end: number } | undefined {
  const s = new Scanner(text, start);
  if (!s.expect(0x5b)) return undefined;
  const range = new Int32Array(2);
  let ranges = new Int32Array(4 * 1024);
  const decoded = new Map<number, unknown>();
  let count = 0;
  s.skipWs();
  if (text.charCodeAt(s.i) === 0x5d) return { value: { source: text, count, ranges, decoded }, end: s.i + 1 };
  for (;;) {
    s.skipWs();
    ranges = grow(ranges, 4 * count + 4);
    if (text.charCodeAt(s.i) === 0x5b) {
      const literalStart = s.i;
      s.i++;
      s.skipWs();
      const aEscaped = s.stringRange(range);
      if (aEscaped === undefined) return undefined;
      const aFrom = range[0]!;
      const aTo = range[1]!;
      if (!s.expect(0x2c)) return undefined;
      s.skipWs();
      const bEscaped = s.stringRange(range);
      if (bEscaped === undefined || !s.expect(0x5d)) return undefined;
      if (aEscaped || bEscaped) decoded.set(count, JSON.parse(text.slice(literalStart, s.i)));
      ranges[4 * count] = aFrom;
      ranges[4 * count + 1] = aTo;
      ranges[4 * count + 2] = range[0]!;
      ranges[4 * count + 3] = range[1]!;
    } else {
      const escapedRule = s.stringRange(range);
      if (escapedRule === undefined) return undefined;
      const from = range[0]!;
      const to = range[1]!;
      const space = escapedRule ? -1 : text.indexOf(' ', from);
      const second = space < 0 ? -1 : text.indexOf(' ', space + 1);
      if (escapedRule || space <= from || space >= to || (second >= 0 && second < to)) {
        // Escapes or not exactly one space: let the string path decode it (and report BAD_MERGES).
        const literal = escapedRule ? text.slice(from, to) : `"${text.slice(from, to)}"`;
        decoded.set(count, JSON.parse(literal));
      } else {
        ranges[4 * count] = from;
        ranges[4 * count + 1] = space;
        ranges[4 * count + 2] = space + 1;
        ranges[4 * count + 3] = to;
      }
    }
    count++;
    s.skipWs();
    const c = text.charCodeAt(s.i++);
    if (c === 0x5d) break;
    if (c !== 0x2c) return undefined;
  }
  return { value: { source: text, count, ranges, decoded }, end: s.i };
}

/** Index of the `{`/`[` opening the value of the first `key` at or after `from`, or -1. */
function valueStart(text: string, key: string, from: number, open: number): number {
  const at = text.indexOf(key, from);
  if (at < 0) return -1;
  const s = new Scanner(text, at + key.length);
  if (!s.expect(0x3a)) return -1;
  s.skipWs();
  return text.charCodeAt(s.i) === open ? s.i : -1;
}

/**
 * Parses tokenizer.json text with the vocab and merges scanned directly. Returns `undefined` when the
 * text does not have the expected layout (the caller then uses `JSON.parse`).
 */
export function parseWithScannedVocab(text: string): Record<string, unknown> | undefined {
  // The model section is normally last; look for its keys from there (indexOf, not a regex over 10 MB).
  const modelAt = text.indexOf('"model"');
  if (modelAt < 0) return undefined;
  const vocabAt = valueStart(text, '"vocab"', modelAt, 0x7b);
  if (vocabAt < 0) return undefined;
  const vocab = scanVocab(text, vocabAt);
  if (!vocab) return undefined;
  let mergesAt = valueStart(text, '"merges"', vocab.end, 0x5b);
  if (mergesAt < 0) mergesAt = valueStart(text, '"merges"', modelAt, 0x5b);
  if (mergesAt < 0) return undefined;
  const merges = scanMerges(text, mergesAt);
  if (!merges) return undefined;
  const spans = [
    { from: vocabAt, to: vocab.end, sentinel: VOCAB_SENTINEL },
    { from: mergesAt, to: merges.end, sentinel: MERGES_SENTINEL },
  ].sort((a, b) => a.from - b.from);
  if (spans[0]!.to > spans[1]!.from) return undefined;
  const rest =
    text.slice(0, spans[0]!.from) +
    spans[0]!.sentinel +
    text.slice(spans[0]!.to, spans[1]!.from) +
    spans[1]!.sentinel +
    text.slice(spans[1]!.to);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  const model = (parsed as { model?: Record<string, unknown> } | null)?.model;
  if (!model || model.vocab !== JSON.parse(VOCAB_SENTINEL) || model.merges !== JSON.parse(MERGES_SENTINEL))
    return undefined;
  model.vocab = { [SCANNED_VOCAB]: vocab.value };
  model.merges = { [SCANNED_MERGES]: merges.value };
  return parsed as Record<string, unknown>;
}
