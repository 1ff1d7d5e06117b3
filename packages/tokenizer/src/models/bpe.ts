/**
 * The BPE model: merge rules over integer token ids.
 *
 * - Byte-level mode (GPT-2/Qwen/Llama-3): each UTF-8 byte of a word starts as the id of its
 *   byte-alphabet character, looked up in a 256-entry table; no byte-level strings are built.
 * - Character mode (SentencePiece-style, Llama-2/Yi): each code point starts as its vocabulary id,
 *   else its `<0xXX>` byte tokens (`byte_fallback`), else `unk` (consecutive ones fused with
 *   `fuse_unk`), else it is dropped; `continuing_subword_prefix`/`end_of_word_suffix` decorate the
 *   initial symbols.
 * - `ignore_merges`: a word that is itself a vocabulary entry is one token.
 * Merging always applies the lowest-ranked adjacent pair, leftmost first: a compacting array scan
 * for short words, a binary heap over a linked list for long ones (a 10 MB word is fine).
 * Results for short words are kept in a bounded cache.
 *
 * Reference: huggingface/tokenizers `models/bpe/{model,word,serialization}.rs`.
 */
import { TokenizerError } from '../errors.js';
import { BYTE_TO_CHAR } from '../pre-tokenizers/byte-level.js';
import type { ScannedMerges } from '../vocab-scanner.js';
import type { IdList } from './id-list.js';
import { PairTable } from './pair-table.js';
import { TextVocabulary, type Vocabulary } from './vocabulary.js';

/** Merge rules as tokenizer.json spells them: `"a b"` strings or `["a", "b"]` pairs. */
export type MergesJson = readonly (string | readonly [string, string])[];

/** Everything the BPE model needs, already read from tokenizer.json. */
export interface BpeOptions {
  /** The model vocabulary. */
  vocab: Vocabulary;
  /** Merge rules, from JSON or located in the text by vocab-scanner.ts. */
  merges: MergesJson | ScannedMerges;
  unkToken?: string | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  fuseUnk?: boolean;
  byteFallback?: boolean;
  ignoreMerges?: boolean;
  /** Words start as UTF-8 bytes in the GPT-2 byte alphabet (set when a ByteLevel pre-tokenizer is used). */
  byteLevel?: boolean;
  /** JSON path of the merges, for errors. */
  path?: string;
}

/** Words of at most this many UTF-16 units are cached (huggingface/tokenizers uses 256 too). */
const MAX_CACHED_WORD = 256;
/** Cache entries before the cache is emptied and refilled. */
const CACHE_CAPACITY = 65_536;
/** Slots of the range cache (a power of two) and the fill level at which it is emptied. */
const RANGE_CACHE_MASK = (1 << 17) - 1;
const RANGE_CACHE_LIMIT = 1 << 16;
/** Words with more initial symbols than this merge with the heap. */
const HEAP_THRESHOLD = 48;
const NO_RANK = 0x7fffffff;
/** Scratch symbols kept between words; longer buffers are released after use. */
const SCRATCH_KEEP = 1 << 16;
const POS_SCALE = 2 ** 31;

/** A byte-pair-encoding model over integer ids. */
export class BpeModel {
  readonly vocab: Vocabulary;
  readonly byteLevel: boolean;
  readonly unkId: number;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  readonly prefix: string;
  readonly suffix: string;
  private readonly pairs: PairTable;
  /** Byte -> id of its byte-alphabet character (byte-level) or of `<0xXX>` (byte fallback); -1 if absent. */
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly charIds = new Map<number, number>();
  private readonly cache = new Map<string, Int32Array>();
  // Open-addressing word cache for encodeRange, keyed by the word's characters (no substring needed
  // to look a word up).
  /** Results for one-unit words, by char code (filled on first sight). */
  private readonly unitCache = new Array<Int32Array | undefined>(65536).fill(undefined);
  // Allocated on first use, so loading stays cheap.
  private rangeKeys: (string | undefined)[] = [];
  private rangeHashes = new Int32Array(0);
  private rangeValues: (Int32Array | undefined)[] = [];
  private rangeSize = 0;
  // Scratch buffers, grown on demand.
  private syms = new Int32Array(256);
  private unitStart = new Int32Array(256);
  private unitEnd = new Int32Array(256);

  constructor(options: BpeOptions) {
    this.vocab = options.vocab;
    this.byteLevel = options.byteLevel ?? false;
    this.fuseUnk = options.fuseUnk ?? false;
    this.byteFallback = options.byteFallback ?? false;
    this.ignoreMerges = options.ignoreMerges ?? false;
    this.prefix = options.continuingSubwordPrefix ?? '';
    this.suffix = options.endOfWordSuffix ?? '';
    const path = options.path ?? '$.model.merges';
    if (options.unkToken != null) {
      const id = this.vocab.get(options.unkToken);
      if (id === undefined)
        throw new TokenizerError(
          'TOKEN_OUT_OF_VOCABULARY',
          `unk_token ${JSON.stringify(options.unkToken)} is not in the vocabulary`,
          {
            path: '$.model.unk_token',
            token: options.unkToken,
          },
        );
      this.unkId = id;
    } else this.unkId = -1;
    for (let b = 0; b < 256; b++) {
      const token = this.byteLevel
        ? BYTE_TO_CHAR[b]!
        : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      this.byteIds[b] = this.vocab.get(token) ?? -1;
    }
    this.pairs = Array.isArray(options.merges)
      ? buildPairTable(options.merges as MergesJson, this.vocab, this.prefix, path)
      : buildScannedPairTable(options.merges as ScannedMerges, this.vocab, this.prefix, path);
  }

  /** Number of merge rules. */
  get mergeCount(): number {
    return this.pairs.size;
  }

  /** Appends the ids of the `count` pieces of `text` ending at `ends[0..count)` (the first starts at 0). */
  encodePieces(text: string, ends: Int32Array, count: number, ids: IdList): void {
    let from = 0;
    for (let k = 0; k < count; k++) {
      const to = ends[k]!;
      this.encodeRange(text, from, to, ids);
      from = to;
    }
  }

  /**
   * Appends the ids of the word `text.slice(from, to)` to `ids`, looking it up in the word cache by
   * its characters in place: no substring is built unless the word is new.
   */
  encodeRange(text: string, from: number, to: number, ids: IdList): void {
    const length = to - from;
    if (length === 1) {
      // Single-unit pieces (digits, spaces, punctuation: a third of Qwen pieces) skip the hash table.
      const c = text.charCodeAt(from);
      const hit = this.unitCache[c];
      if (hit === undefined) {
        const before = ids.length;
        this.encodeUncached(text[from]!, ids, undefined);
        this.unitCache[c] = this.lastIds(ids, before);
        return;
      }
      const values = ids.values;
      let n = ids.length;
      for (let j = 0; j < hit.length; j++) values[n++] = hit[j]!;
      ids.length = n;
      return;
    }
    if (length > MAX_CACHED_WORD) {
      this.encodeUncached(text.slice(from, to), ids, undefined);
      return;
    }
    let h = 0x811c9dc5 ^ length;
    for (let k = from; k < to; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    if (this.rangeHashes.length === 0) {
      this.rangeKeys = new Array<string | undefined>(RANGE_CACHE_MASK + 1).fill(undefined);
      this.rangeHashes = new Int32Array(RANGE_CACHE_MASK + 1);
      this.rangeValues = new Array<Int32Array | undefined>(RANGE_CACHE_MASK + 1).fill(undefined);
    }
    const keys = this.rangeKeys;
    const hashes = this.rangeHashes;
    let slot = (h ^ (h >>> 15)) & RANGE_CACHE_MASK;
    for (let key = keys[slot]; key !== undefined; key = keys[slot]) {
      if (hashes[slot] === h && key.length === length && text.startsWith(key, from)) {
        const hit = this.rangeValues[slot]!;
        const values = ids.values;
        let n = ids.length;
        for (let j = 0; j < hit.length; j++) values[n++] = hit[j]!;
        ids.length = n;
        return;
      }
      slot = (slot + 1) & RANGE_CACHE_MASK;
    }
    const before = ids.length;
    const word = text.slice(from, to);
    this.encodeUncached(word, ids, undefined);
    if (this.rangeSize >= RANGE_CACHE_LIMIT) {
      keys.fill(undefined);
      this.rangeValues.fill(undefined);
      this.rangeSize = 0;
      slot = (h ^ (h >>> 15)) & RANGE_CACHE_MASK;
    }
    keys[slot] = detach(word);
    hashes[slot] = h;
    this.rangeValues[slot] = this.lastIds(ids, before);
    this.rangeSize++;
  }

  /**
   * Appends the ids of `word` to `ids`. With `spans`, also appends each token's `[start, end)` in
   * UTF-16 units of `word` (a token holding part of a character spans the whole character).
   */
  encodeWord(word: string, ids: IdList, spans?: number[]): void {
    if (spans === undefined && word.length <= MAX_CACHED_WORD) {
      const hit = this.cache.get(word);
      if (hit !== undefined) {
        for (let k = 0; k < hit.length; k++) ids.push(hit[k]!);
        return;
      }
      const before = ids.length;
      this.encodeUncached(word, ids, undefined);
      if (this.cache.size >= CACHE_CAPACITY) this.cache.clear();
      this.cache.set(detach(word), this.lastIds(ids, before));
      return;
    }
    this.encodeUncached(word, ids, spans);
  }

  /** The ids appended to `ids` since it had `before` entries, as a cache value. */
  private lastIds(ids: IdList, before: number): Int32Array {
    const values = ids.values;
    const out = new Int32Array(ids.length - before);
    for (let k = 0; k < out.length; k++) out[k] = values[before + k]!;
    return out;
  }

  private encodeUncached(word: string, ids: IdList, spans: number[] | undefined): void {
    if (word.length === 0) return;
    if (this.ignoreMerges) {
      const whole = this.vocab.get(this.byteLevel ? toByteLevel(word) : word);
      if (whole !== undefined) {
        ids.push(whole);
        spans?.push(0, word.length);
        return;
      }
    }
    const n = this.byteLevel ? this.symbolizeBytes(word) : this.symbolizeChars(word);
    if (n === 0) return;
    if (n === 1) {
      ids.push(this.syms[0]!);
      spans?.push(this.unitStart[0]!, this.unitEnd[0]!);
    } else if (n <= HEAP_THRESHOLD) this.mergeSmall(n, ids, spans);
    else {
      this.mergeLarge(n, ids, spans);
      this.shrinkScratch();
    }
  }

  /** Grows the scratch buffers to hold at least `n` symbols, keeping their contents. */
  private ensureCapacity(n: number): void {
    if (this.syms.length >= n) return;
    let size = this.syms.length;
    while (size < n) size *= 2;
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.syms = grow(this.syms);
    this.unitStart = grow(this.unitStart);
    this.unitEnd = grow(this.unitEnd);
  }

  /** Drops scratch buffers a very long word grew, so the model does not hold on to them. */
  private shrinkScratch(): void {
    if (this.syms.length > SCRATCH_KEEP) {
      this.syms = new Int32Array(256);
      this.unitStart = new Int32Array(256);
      this.unitEnd = new Int32Array(256);
    }
  }

  /** Initial symbols of a byte-level word; returns their count. */
  private symbolizeBytes(word: string): number {
    this.ensureCapacity(utf8Length(word));
    const { syms, unitStart, unitEnd, byteIds } = this;
    let n = 0;
    let unkOpen = false;
    const pushByte = (b: number, from: number, to: number): void => {
      const id = byteIds[b]!;
      if (id >= 0) {
        syms[n] = id;
        unitStart[n] = from;
        unitEnd[n] = to;
        n++;
        unkOpen = false;
      } else if (this.unkId >= 0) {
        if (this.fuseUnk && unkOpen) unitEnd[n - 1] = to;
        else {
          syms[n] = this.unkId;
          unitStart[n] = from;
          unitEnd[n] = to;
          n++;
        }
        unkOpen = true;
      }
    };
    const len = word.length;
    for (let u = 0; u < len; ) {
      const c = word.charCodeAt(u);
      if (c < 0x80) {
        const id = byteIds[c]!;
        if (id >= 0) {
          syms[n] = id;
          unitStart[n] = u;
          unitEnd[n] = u + 1;
          n++;
          unkOpen = false;
        } else pushByte(c, u, u + 1);
        u++;
      } else if (c < 0x800) {
        pushByte(0xc0 | (c >> 6), u, u + 1);
        pushByte(0x80 | (c & 0x3f), u, u + 1);
        u++;
      } else if (c >= 0xd800 && c <= 0xdbff && u + 1 < len && (word.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (word.charCodeAt(u + 1) - 0xdc00);
        pushByte(0xf0 | (cp >> 18), u, u + 2);
        pushByte(0x80 | ((cp >> 12) & 0x3f), u, u + 2);
        pushByte(0x80 | ((cp >> 6) & 0x3f), u, u + 2);
        pushByte(0x80 | (cp & 0x3f), u, u + 2);
        u += 2;
      } else {
        // A lone surrogate is encoded as U+FFFD, as every UTF-8 encoder (and the Rust binding) does.
        const cp = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
        pushByte(0xe0 | (cp >> 12), u, u + 1);
        pushByte(0x80 | ((cp >> 6) & 0x3f), u, u + 1);
        pushByte(0x80 | (cp & 0x3f), u, u + 1);
        u++;
      }
    }
    return n;
  }

  /** Id of the single-character token `ch` decorated for its position, or -1. */
  private charId(ch: string, cp: number, isFirst: boolean, isLast: boolean): number {
    if (this.prefix === '' && this.suffix === '') {
      let id = this.charIds.get(cp);
      if (id === undefined) {
        id = this.vocab.get(ch) ?? -1;
        this.charIds.set(cp, id);
      }
      return id;
    }
    const token = `${isFirst ? '' : this.prefix}${ch}${isLast ? this.suffix : ''}`;
    return this.vocab.get(token) ?? -1;
  }

  /** Initial symbols of a word in character mode; returns their count. */
  private symbolizeChars(word: string): number {
    // One symbol per code point, except byte fallback (up to 4): grow as needed.
    this.ensureCapacity(word.length + 8);
    let { syms, unitStart, unitEnd } = this;
    const { byteIds } = this;
    let n = 0;
    let unkOpen = false;
    const len = word.length;
    for (let u = 0; u < len; ) {
      const cp = word.codePointAt(u)!;
      const width = cp > 0xffff ? 2 : 1;
      const ch = width === 1 ? word[u]! : word.slice(u, u + 2);
      const id = this.charId(ch, cp, u === 0, u + width === len);
      if (n + 4 > syms.length) {
        this.ensureCapacity(n + 4 + (len - u));
        ({ syms, unitStart, unitEnd } = this);
      }
      if (id >= 0) {
        syms[n] = id;
        unitStart[n] = u;
        unitEnd[n] = u + width;
        n++;
        unkOpen = false;
      } else {
        let handled = false;
        if (this.byteFallback) {
          const bytes = utf8Bytes(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
          if (bytes.every((b) => byteIds[b]! >= 0)) {
            for (const b of bytes) {
              syms[n] = byteIds[b]!;
              unitStart[n] = u;
              unitEnd[n] = u + width;
              n++;
            }
            handled = true;
            unkOpen = false;
          }
        }
        if (!handled && this.unkId >= 0) {
          if (this.fuseUnk && unkOpen) unitEnd[n - 1] = u + width;
          else {
            syms[n] = this.unkId;
            unitStart[n] = u;
            unitEnd[n] = u + width;
            n++;
          }
          unkOpen = true;
        }
      }
      u += width;
    }
    return n;
  }

  /** Merges `n` initial symbols by repeated scans; for short words. */
  private mergeSmall(n: number, ids: IdList, spans: number[] | undefined): void {
    const { pairs } = this;
    const sym = this.syms;
    // first[i]: index of the initial symbol the i-th current symbol starts with.
    const first = new Int32Array(n + 1);
    const rank = new Int32Array(n);
    const slot = new Int32Array(n);
    for (let i = 0; i < n; i++) first[i] = i;
    first[n] = n;
    for (let i = 0; i < n - 1; i++) {
      const s = pairs.find(sym[i]!, sym[i + 1]!);
      slot[i] = s;
      rank[i] = s < 0 ? NO_RANK : pairs.rankAt(s);
    }
    let count = n;
    for (;;) {
      let best = NO_RANK;
      let at = -1;
      for (let i = 0; i < count - 1; i++) {
        if (rank[i]! < best) {
          best = rank[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      sym[at] = pairs.mergedAt(slot[at]!);
      sym.copyWithin(at + 1, at + 2, count);
      first.copyWithin(at + 1, at + 2, count + 1);
      rank.copyWithin(at + 1, at + 2, count);
      slot.copyWithin(at + 1, at + 2, count);
      count--;
      if (at > 0) {
        const s = pairs.find(sym[at - 1]!, sym[at]!);
        slot[at - 1] = s;
        rank[at - 1] = s < 0 ? NO_RANK : pairs.rankAt(s);
      }
      if (at < count - 1) {
        const s = pairs.find(sym[at]!, sym[at + 1]!);
        slot[at] = s;
        rank[at] = s < 0 ? NO_RANK : pairs.rankAt(s);
      }
    }
    for (let i = 0; i < count; i++) {
      ids.push(sym[i]!);
      if (spans) spans.push(this.unitStart[first[i]!]!, this.unitEnd[first[i + 1]! - 1]!);
    }
  }

  /** Merges `n` initial symbols with a min-heap of (rank, position); for long words. */
  private mergeLarge(n: number, ids: IdList, spans: number[] | undefined): void {
    const { pairs } = this;
    const sym = this.syms;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MinHeap(n);
    const pushPair = (i: number): void => {
      const j = next[i]!;
      if (i < 0 || j < 0) return;
      const s = pairs.find(sym[i]!, sym[j]!);
      if (s >= 0) heap.push(pairs.rankAt(s) * POS_SCALE + i);
    };
    for (let i = 0; i < n - 1; i++) pushPair(i);
    const dead = new Uint8Array(n);
    while (heap.size > 0) {
      const key = heap.pop();
      const r = Math.floor(key / POS_SCALE);
      const i = key - r * POS_SCALE;
      if (dead[i]) continue;
      const j = next[i]!;
      if (j < 0) continue;
      const s = pairs.find(sym[i]!, sym[j]!);
      if (s < 0 || pairs.rankAt(s) !== r) continue; // stale entry
      sym[i] = pairs.mergedAt(s);
      dead[j] = 1;
      const k = next[j]!;
      next[i] = k;
      if (k >= 0) prev[k] = i;
      if (prev[i]! >= 0) pushPair(prev[i]!);
      pushPair(i);
    }
    for (let i = 0; i >= 0; i = next[i]!) {
      ids.push(sym[i]!);
      if (spans) {
        const last = next[i]! < 0 ? n - 1 : next[i]! - 1;
        spans.push(this.unitStart[i]!, this.unitEnd[last]!);
      }
    }
  }
}

/** A binary min-heap of float64 keys. */
class MinHeap {
  private data: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(key: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (d[parent]! <= key) break;
      d[i] = d[parent]!;
      i = parent;
    }
    d[i] = key;
  }

  pop(): number {
    const d = this.data;
    const top = d[0]!;
    const last = d[--this.size]!;
    let i = 0;
    const half = this.size >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      if (child + 1 < this.size && d[child + 1]! < d[child]!) child++;
      if (d[child]! >= last) break;
      d[i] = d[child]!;
      i = child;
    }
    d[i] = last;
    return top;
  }
}

/**
 * A copy of `word` that does not keep the text it was sliced from alive (V8 represents slices of 13+
 * characters as views into the parent string; a cache key must not pin a 10 MB input).
 */
function detach(word: string): string {
  return word.length < 13 ? word : `${word} `.slice(0, -1);
}

/** Length in UTF-8 bytes of `text` (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let u = 0; u < text.length; u++) {
    const c = text.charCodeAt(u);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      u++;
    } else bytes += 3;
  }
  return bytes;
}

/** The UTF-8 bytes of one code point. */
export function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

const encoder = new TextEncoder();

/** `word` in the GPT-2 byte alphabet. */
export function toByteLevel(word: string): string {
  let out = '';
  for (const b of encoder.encode(word)) out += BYTE_TO_CHAR[b]!;
  return out;
}

/** Reads the merge rules into a pair table, checking each against the vocabulary. */
function buildPairTable(merges: MergesJson, vocab: Vocabulary, prefix: string, path: string): PairTable {
  if (!Array.isArray(merges))
    throw new TokenizerError('BAD_MERGES', 'merges must be an array of "a b" strings or [a, b] pairs', {
      path,
    });
  const table = new PairTable(merges.length);
  let lastMerged = -2;
  for (let rank = 0; rank < merges.length; rank++) {
    lastMerged = addRule(table, merges[rank], rank, vocab, prefix, path, lastMerged);
  }
  return table;
}

/** Resolves one merge rule given as JSON (`"a b"` or `[a, b]`) and stores it; returns the merged id. */
function addRule(
  table: PairTable,
  rule: unknown,
  rank: number,
  vocab: Vocabulary,
  prefix: string,
  path: string,
  lastMerged: number,
): number {
  let a: string | undefined;
  let b: string | undefined;
  if (typeof rule === 'string') {
    const space = rule.indexOf(' ');
    if (space > 0 && rule.indexOf(' ', space + 1) < 0) {
      a = rule.slice(0, space);
      b = rule.slice(space + 1);
    }
  } else if (
    Array.isArray(rule) &&
    rule.length === 2 &&
    typeof rule[0] === 'string' &&
    typeof rule[1] === 'string'
  ) {
    a = rule[0];
    b = rule[1];
  }
  if (a === undefined || b === undefined || b.length === 0)
    throw new TokenizerError(
      'BAD_MERGES',
      `merge rule ${rank} is not "a b" or [a, b]: ${JSON.stringify(rule)}`,
      {
        path: `${path}[${rank}]`,
        index: rank,
      },
    );
  const left = vocab.get(a);
  const right = vocab.get(b);
  const tail = prefix.length > 0 ? b.slice(prefix.length) : b;
  // Merged tokens are usually numbered in merge order: try the id after the previous one, verified
  // without building the concatenated string, before hashing `a + tail`.
  const guess = vocab.tokenOf(lastMerged + 1);
  const merged =
    guess !== undefined &&
    guess.length === a.length + tail.length &&
    guess.startsWith(a) &&
    guess.endsWith(tail)
      ? lastMerged + 1
      : vocab.get(a + tail);
  if (left === undefined || right === undefined || merged === undefined) {
    const missing = left === undefined ? a : right === undefined ? b : a + b.slice(prefix.length);
    throw new TokenizerError(
      'BAD_MERGES',
      `merge rule ${rank} uses token ${JSON.stringify(missing)}, which is not in the vocabulary`,
      {
        path: `${path}[${rank}]`,
        index: rank,
        token: missing,
      },
    );
  }
  table.set(left, right, rank, merged);
  return merged;
}

/** Reads merge rules located in the text by vocab-scanner.ts, resolving them without building strings. */
function buildScannedPairTable(
  merges: ScannedMerges,
  vocab: Vocabulary,
  prefix: string,
  path: string,
): PairTable {
  const table = new PairTable(merges.count);
  const { source, ranges } = merges;
  const text = vocab instanceof TextVocabulary ? vocab : undefined;
  let lastMerged = -2;
  for (let rank = 0; rank < merges.count; rank++) {
    const decoded = merges.decoded.get(rank);
    if (decoded !== undefined || text === undefined) {
      const rule =
        decoded ??
        ([
          source.slice(ranges[4 * rank]!, ranges[4 * rank + 1]!),
          source.slice(ranges[4 * rank + 2]!, ranges[4 * rank + 3]!),
        ] as const);
      lastMerged = addRule(table, rule, rank, vocab, prefix, path, lastMerged);
      continue;
    }
    const aFrom = ranges[4 * rank]!;
    const aTo = ranges[4 * rank + 1]!;
    const bFrom = ranges[4 * rank + 2]!;
    const bTo = ranges[4 * rank + 3]!;
    const left = text.idOfRange(source, aFrom, aTo);
    const right = text.idOfRange(source, bFrom, bTo);
    const tailFrom = Math.min(bTo, bFrom + prefix.length);
    let merged = -1;
    if (left >= 0 && right >= 0 && bTo > bFrom) {
      // Merged tokens are usually numbered in merge order: try the id after the previous one first.
      merged =
        lastMerged + 1 < text.idLimit && text.concatEquals(lastMerged + 1, source, aFrom, aTo, tailFrom, bTo)
          ? lastMerged + 1
          : text.idOfConcat(source, aFrom, aTo, tailFrom, bTo);
    }
    if (merged < 0) {
      // Let the string path produce the exact error.
      addRule(
        table,
        [source.slice(aFrom, aTo), source.slice(bFrom, bTo)],
        rank,
        vocab,
        prefix,
        path,
        lastMerged,
      );
      continue;
    }
    table.set(left, right, rank, merged);
    lastMerged = merged;
  }
  return table;
}
