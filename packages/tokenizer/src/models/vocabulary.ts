/**
 * The token <-> id table of a model, behind one small interface with two implementations:
 *
 * - `MapVocabulary`, built from a parsed `vocab` object;
 * - `TextVocabulary`, built by vocab-scanner.ts straight from tokenizer.json text: it keeps only the
 *   positions of each token inside the text and an open-addressing hash table over them, so loading a
 *   150k-token vocabulary creates no strings at all; a token's string is sliced out when first asked
 *   for. Lookups compare characters in place (`idOfRange`), which also lets merge rules be resolved
 *   without building their strings.
 */

/** Token <-> id lookups. */
export interface Vocabulary {
  /** Number of distinct tokens. */
  readonly size: number;
  /** One past the largest id. */
  readonly idLimit: number;
  /** Id of `token`, or undefined. */
  get(token: string): number | undefined;
  /** Id of the token spelled by `text.slice(from, to)`, or -1 (no substring is built). */
  idOfRange(text: string, from: number, to: number): number;
  /** Token of `id`, or undefined. */
  tokenOf(id: number): string | undefined;
}

/** FNV-1a over `text[from, to)`, seeded with the length; the hash both vocabularies and caches use. */
export function hashRange(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 ^ (to - from);
  for (let k = from; k < to; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h;
}

/** A vocabulary over a `Map` (from a parsed JSON object). */
export class MapVocabulary implements Vocabulary {
  readonly idLimit: number;

  constructor(
    private readonly map: ReadonlyMap<string, number>,
    private readonly tokens: readonly (string | undefined)[],
  ) {
    this.idLimit = tokens.length;
  }

  get size(): number {
    return this.map.size;
  }

  get(token: string): number | undefined {
    return this.map.get(token);
  }

  idOfRange(text: string, from: number, to: number): number {
    return this.map.get(text.slice(from, to)) ?? -1;
  }

  tokenOf(id: number): string | undefined {
    return this.tokens[id];
  }
}

/**
 * A vocabulary over token positions in a text: token `id` is `source.slice(starts[id], ends[id])`,
 * or `escaped.get(id)` when its JSON spelling had escapes.
 */
export class TextVocabulary implements Vocabulary {
  private readonly mask: number;
  /** Slot -> id + 1 (0: empty). */
  private readonly slots: Int32Array;
  private readonly slotHashes: Int32Array;
  private readonly sliced: (string | undefined)[] = [];
  size = 0;
  idLimit = 0;

  constructor(
    readonly source: string,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    private readonly escaped: Map<number, string>,
    capacity: number,
  ) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.mask = slots - 1;
    this.slots = new Int32Array(slots);
    this.slotHashes = new Int32Array(slots);
  }

  /** Length of the spelling recorded for `id`, or -1 when there is none. */
  private lengthOf(id: number): number {
    if (!(id >= 0 && id < this.idLimit)) return -1;
    const s = this.starts[id]!;
    return s >= 0 ? this.ends[id]! - s : (this.escaped.get(id)?.length ?? -1);
  }

  /** True when token `id` is spelled by `text[from, to)`. */
  private equals(id: number, text: string, from: number, to: number): boolean {
    const length = to - from;
    if (this.lengthOf(id) !== length) return false;
    const s = this.starts[id]!;
    if (s < 0) return text.startsWith(this.escaped.get(id)!, from);
    const src = this.source;
    for (let k = 0; k < length; k++) if (src.charCodeAt(s + k) !== text.charCodeAt(from + k)) return false;
    return true;
  }

  /** Adds token `id` spelled by `text[from, to)` (a later duplicate replaces the earlier, as JSON.parse does). */
  insert(id: number, text: string, from: number, to: number): void {
    const h = hashRange(text, from, to);
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        this.size++;
        break;
      }
      if (this.slotHashes[slot] === h && this.equals(entry - 1, text, from, to)) break;
      slot = (slot + 1) & this.mask;
    }
    this.slots[slot] = id + 1;
    this.slotHashes[slot] = h;
    if (id >= this.idLimit) this.idLimit = id + 1;
  }

  idOfRange(text: string, from: number, to: number): number {
    const h = hashRange(text, from, to);
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.slotHashes[slot] === h && this.equals(entry - 1, text, from, to)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Id of the token spelled by `text[aFrom, aTo)` followed by `text[bFrom, bTo)`, or -1. */
  idOfConcat(text: string, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
    const length = aTo - aFrom + (bTo - bFrom);
    let h = 0x811c9dc5 ^ length;
    for (let k = aFrom; k < aTo; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    for (let k = bFrom; k < bTo; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.slotHashes[slot] === h && this.concatEquals(entry - 1, text, aFrom, aTo, bFrom, bTo))
        return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** True when token `id` is spelled by `text[aFrom, aTo)` + `text[bFrom, bTo)`. */
  concatEquals(id: number, text: string, aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
    const aLength = aTo - aFrom;
    if (this.lengthOf(id) !== aLength + (bTo - bFrom)) return false;
    const s = this.starts[id]!;
    if (s < 0) {
      const token = this.escaped.get(id)!;
      return token.startsWith(text.slice(aFrom, aTo)) && token.endsWith(text.slice(bFrom, bTo));
    }
    const src = this.source;
    for (let k = 0; k < aLength; k++) if (src.charCodeAt(s + k) !== text.charCodeAt(aFrom + k)) return false;
    for (let k = bFrom; k < bTo; k++)
      if (src.charCodeAt(s + aLength + k - bFrom) !== text.charCodeAt(k)) return false;
    return true;
  }

  get(token: string): number | undefined {
    const id = this.idOfRange(token, 0, token.length);
    return id < 0 ? undefined : id;
  }

  tokenOf(id: number): string | undefined {
    if (id < 0 || id >= this.idLimit) return undefined;
    let token = this.sliced[id];
    if (token === undefined) {
      const s = this.starts[id]!;
      if (s >= 0) token = this.source.slice(s, this.ends[id]!);
      else token = this.escaped.get(id);
      // A duplicate key's earlier id, or a gap in the ids, has no token.
      if (token === undefined || this.idOfRange(token, 0, token.length) !== id) return undefined;
      this.sliced[id] = token;
    }
    return token;
  }
}
