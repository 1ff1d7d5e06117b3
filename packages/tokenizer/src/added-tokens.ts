/**
 * Added tokens: the `added_tokens` of tokenizer.json and tokens added at run time. They are cut out of
 * the text before the normalizer/pre-tokenizer/model pipeline sees it, with the `special`, `lstrip`,
 * `rstrip`, `normalized` and `single_word` flags honoured.
 *
 * Matching is leftmost-longest (a longest-first alternation RegExp, the equivalent of the Aho-Corasick
 * `LeftmostLongest` automaton the Rust code uses). Tokens with `normalized: false` are matched in the
 * raw text; the others in each normalized segment, against their normalized content.
 * Reference: huggingface/tokenizers `tokenizer/added_vocabulary.rs` (`find_matches`, `extract_and_normalize`).
 */
import { escapeRegExp } from './oniguruma-regex.js';

/** An added token and its matching flags. */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  /** Skipped by `decode(ids, { skipSpecialTokens: true })`; never split by the model. */
  readonly special: boolean;
  /** Also swallows whitespace on its left. */
  readonly lstrip: boolean;
  /** Also swallows whitespace on its right. */
  readonly rstrip: boolean;
  /** Matched against the normalized text (else the raw text). */
  readonly normalized: boolean;
  /** Only matched when not inside a word. */
  readonly singleWord: boolean;
}

/** How a new token is described to `addTokens`: its content, or content plus flags. */
export type AddedTokenInput =
  | string
  | {
      content: string;
      special?: boolean;
      lstrip?: boolean;
      rstrip?: boolean;
      normalized?: boolean;
      singleWord?: boolean;
    };

/** Receives the pieces of a text: `id >= 0` for an added token, `-1` for text left to the model. */
export type SplitSink = (id: number, from: number, to: number) => void;

const WORD_CHAR = /[\p{Alphabetic}\p{N}_]/u;
const WHITESPACE = /\p{White_Space}/u;

/** The added-token table and its two matchers. */
export class AddedVocabulary {
  private readonly byContent = new Map<string, AddedToken>();
  private readonly byId = new Map<number, AddedToken>();
  private rawMatcher: RegExp | undefined;
  private normalizedMatcher: RegExp | undefined;
  /** Content (normalized where the token is normalized) -> token, for the matchers. */
  private readonly matchTable = new Map<string, AddedToken>();

  constructor(private readonly normalize: (text: string) => string = (t) => t) {}

  /** Every added token, in id order. */
  get tokens(): readonly AddedToken[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The token with this content, if added. */
  getByContent(content: string): AddedToken | undefined {
    return this.byContent.get(content);
  }

  /** The token with this id, if added. */
  getById(id: number): AddedToken | undefined {
    return this.byId.get(id);
  }

  /** Largest added id, or -1. */
  get maxId(): number {
    let max = -1;
    for (const id of this.byId.keys()) if (id > max) max = id;
    return max;
  }

  /** Adds (or replaces the flags of) tokens; rebuilds the matchers once. */
  add(tokens: readonly AddedToken[]): void {
    for (const token of tokens) {
      const old = this.byContent.get(token.content);
      if (old) this.byId.delete(old.id);
      this.byContent.set(token.content, token);
      this.byId.set(token.id, token);
    }
    this.rebuild();
  }

  private rebuild(): void {
    this.matchTable.clear();
    const raw: string[] = [];
    const normalized: string[] = [];
    for (const token of this.byId.values()) {
      if (token.content.length === 0) continue;
      const key = token.normalized ? this.normalize(token.content) : token.content;
      if (key.length === 0) continue;
      this.matchTable.set(`${token.normalized ? 'n' : 'r'}${key}`, token);
      (token.normalized ? normalized : raw).push(key);
    }
    this.rawMatcher = compileMatcher(raw);
    this.normalizedMatcher = compileMatcher(normalized);
  }

  /** True when there are tokens to match in normalized text. */
  get hasNormalizedTokens(): boolean {
    return this.normalizedMatcher !== undefined;
  }

  /** Cuts `text` at raw (`normalized: false`) tokens. */
  splitRaw(text: string, emit: SplitSink): void {
    this.split(text, this.rawMatcher, 'r', emit);
  }

  /** Cuts normalized `text` at normalized tokens. */
  splitNormalized(text: string, emit: SplitSink): void {
    this.split(text, this.normalizedMatcher, 'n', emit);
  }

  private split(text: string, matcher: RegExp | undefined, kind: string, emit: SplitSink): void {
    if (matcher === undefined || text.length === 0) {
      if (text.length > 0) emit(-1, 0, text.length);
      return;
    }
    let last = 0;
    matcher.lastIndex = 0;
    for (let m = matcher.exec(text); m !== null; m = matcher.exec(text)) {
      const token = this.matchTable.get(kind + m[0])!;
      let from = m.index;
      let to = from + m[0].length;
      if (token.singleWord) {
        const before = from > 0 && WORD_CHAR.test(lastChar(text, from));
        const after = to < text.length && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(to)!));
        if (before || after) continue;
      }
      if (token.lstrip) {
        while (from > last && WHITESPACE.test(lastChar(text, from))) from -= lastChar(text, from).length;
      }
      if (token.rstrip) {
        while (to < text.length && WHITESPACE.test(String.fromCodePoint(text.codePointAt(to)!)))
          to += text.codePointAt(to)! > 0xffff ? 2 : 1;
        matcher.lastIndex = to;
      }
      if (from > last) emit(-1, last, from);
      emit(token.id, from, to);
      last = to;
    }
    if (last < text.length) emit(-1, last, text.length);
  }
}

function lastChar(text: string, end: number): string {
  const low = text.charCodeAt(end - 1);
  if ((low & 0xfc00) === 0xdc00 && end >= 2 && (text.charCodeAt(end - 2) & 0xfc00) === 0xd800)
    return text.slice(end - 2, end);
  return text[end - 1]!;
}

/** Leftmost-longest alternation over `contents`, or undefined when there are none. */
function compileMatcher(contents: string[]): RegExp | undefined {
  if (contents.length === 0) return undefined;
  const sorted = [...new Set(contents)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
}
