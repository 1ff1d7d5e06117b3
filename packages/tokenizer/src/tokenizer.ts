/**
 * The `Tokenizer`: added-token extraction, normalizer, pre-tokenizer, BPE model, post-processor and
 * decoder wired together as huggingface/tokenizers' `TokenizerImpl` does, plus run-time added
 * tokens, chat templates and streaming detokenization.
 *
 * Offsets are UTF-16 code-unit offsets into the original string by default (so `text.slice(start,
 * end)` is the token's source); `offsetUnit: 'codepoint'` gives the character offsets of the Python
 * and Node bindings of huggingface/tokenizers.
 * Reference: huggingface/tokenizers `tokenizers/src/tokenizer/mod.rs` (`encode_single_sequence`,
 * `decode`) and `added_vocabulary.rs`.
 */
import { type AddedToken, type AddedTokenInput, AddedVocabulary } from './added-tokens.js';
import { type ChatMessage, type ChatTemplateOptions, renderChatTemplate } from './chat-template.js';
import type { Decoder } from './decoders/decoder.js';
import type { ConfigTokenJson, TokenizerConfigJson, TokenizerJson } from './json-types.js';
import type { BpeModel } from './models/bpe.js';
import { IdList } from './models/id-list.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { type AlignedString, identityAligned } from './normalizers/normalizer.js';
import { mergeEncodings, type PostProcessor, type RawEncoding } from './post-processors/post-processor.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { SplitPreTokenizer } from './pre-tokenizers/split.js';
import { checkTokenizerJson, type ReadOptions, readTokenizerParts } from './serialization.js';
import { IncrementalDecoder, type IncrementalDecoderOptions } from './streaming.js';

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Apply the post-processor's template (BOS/EOS, ...). Default `true`, as in Hugging Face. */
  addSpecialTokens?: boolean;
  /** Also return offsets into `text`. Default `false`. */
  offsets?: boolean;
  /** Unit of the offsets: `'utf16'` (JS string indices, default) or `'codepoint'` (Python/Rust bindings). */
  offsetUnit?: 'utf16' | 'codepoint';
  /** A second sequence, for pair templates. */
  pair?: string;
}

/** The result of `encode(text, { offsets: true })`. */
export interface Encoding {
  ids: number[];
  /** `[start, end)` of each token in the original text; `[0, 0]` for inserted special tokens. */
  offsets: [number, number][];
  /** 0 for tokens of the first sequence, 1 for the pair. */
  typeIds: number[];
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out added tokens marked `special`. Default `false`. */
  skipSpecialTokens?: boolean;
}

/** The special tokens named in tokenizer_config.json, with their ids (`undefined` when absent). */
export interface SpecialTokens {
  bos: { token: string; id: number } | undefined;
  eos: { token: string; id: number } | undefined;
  unk: { token: string; id: number } | undefined;
  pad: { token: string; id: number } | undefined;
}

/** A loaded Hugging Face tokenizer. Create it with `loadTokenizer` or {@link Tokenizer.fromJSON}. */
export class Tokenizer {
  private readonly normalizer: Normalizer | undefined;
  private readonly preTokenizer: PreTokenizer | undefined;
  private readonly model: BpeModel;
  private readonly postProcessor: PostProcessor | undefined;
  private readonly decoder: Decoder | undefined;
  private readonly added: AddedVocabulary;
  /** tokenizer_config.json, when given (chat template, special token names). */
  readonly config: Readonly<TokenizerConfigJson>;

  private constructor(json: TokenizerJson, config: TokenizerConfigJson, options: ReadOptions) {
    const parts = readTokenizerParts(json, options);
    this.normalizer = parts.normalizer;
    this.preTokenizer = parts.preTokenizer;
    this.model = parts.model;
    this.postProcessor = parts.postProcessor;
    this.decoder = parts.decoder;
    const normalizer = this.normalizer;
    this.added = new AddedVocabulary(normalizer ? (t) => normalizer.normalize(t) : undefined);
    this.added.add(parts.addedTokens);
    this.config = config;
  }

  /**
   * Builds a tokenizer from a parsed tokenizer.json and, optionally, tokenizer_config.json. Throws
   * `TokenizerError` for malformed or unsupported files. `options.ignoreTruncationAndPadding` loads
   * files whose `truncation`/`padding` sections are set (they are ignored).
   */
  static fromJSON(
    tokenizerJson: unknown,
    config: TokenizerConfigJson = {},
    options: ReadOptions = {},
  ): Tokenizer {
    if (config === null || typeof config !== 'object')
      throw new TypeError(`'config' must be a tokenizer_config.json object, got ${typeof config}`);
    return new Tokenizer(checkTokenizerJson(tokenizerJson), config, options);
  }

  //#region vocabulary

  /** Size of the vocabulary including added tokens (ids are below `maxId + 1`). */
  get vocabSize(): number {
    let extra = 0;
    for (const t of this.added.tokens) if (this.model.vocab.get(t.content) === undefined) extra++;
    return this.model.vocab.size + extra;
  }

  /** Size of the model's own vocabulary (without added tokens). */
  get modelVocabSize(): number {
    return this.model.vocab.size;
  }

  /** Id of `token` (added tokens first, then the model vocabulary), or `undefined`. */
  tokenToId(token: string): number | undefined {
    return this.added.getByContent(token)?.id ?? this.model.vocab.get(token);
  }

  /** Token string of `id`, or `undefined` when no token has that id. */
  idToToken(id: number): string | undefined {
    return this.added.getById(id)?.content ?? this.model.vocab.tokenOf(id);
  }

  /** The added tokens (from tokenizer.json and run time), in id order. */
  get addedTokens(): readonly AddedToken[] {
    return this.added.tokens;
  }

  /** Ids of every added token marked special, ascending. */
  get specialTokenIds(): number[] {
    return this.added.tokens.filter((t) => t.special).map((t) => t.id);
  }

  /** BOS/EOS/UNK/PAD as tokenizer_config.json names them, with their ids. */
  get specialTokens(): SpecialTokens {
    const lookup = (value: string | ConfigTokenJson | null | undefined) => {
      const token = typeof value === 'string' ? value : value?.content;
      if (token === undefined) return undefined;
      const id = this.tokenToId(token);
      return id === undefined ? undefined : { token, id };
    };
    return {
      bos: lookup(this.config.bos_token),
      eos: lookup(this.config.eos_token),
      unk: lookup(this.config.unk_token),
      pad: lookup(this.config.pad_token),
    };
  }

  /**
   * Adds tokens at run time, as `tokenizer.add_tokens` does: a token already in the vocabulary keeps its
   * id, a new one gets the next free id. Defaults: `special: false`, `normalized: !special`.
   * Returns how many tokens were new.
   */
  addTokens(tokens: readonly AddedTokenInput[]): number {
    return this.addTokensWith(tokens, false);
  }

  /** Adds special tokens (`special: true`, `normalized: false`); see {@link addTokens}. */
  addSpecialTokens(tokens: readonly AddedTokenInput[]): number {
    return this.addTokensWith(tokens, true);
  }

  private addTokensWith(tokens: readonly AddedTokenInput[], special: boolean): number {
    if (!Array.isArray(tokens)) throw new TypeError(`'tokens' must be an array, got ${typeof tokens}`);
    let added = 0;
    const list: AddedToken[] = [];
    for (const [i, input] of tokens.entries()) {
      const spec = typeof input === 'string' ? { content: input } : input;
      if (!spec || typeof spec.content !== 'string' || spec.content.length === 0)
        throw new TypeError(
          `'tokens[${i}]' must be a non-empty string or { content }, got ${JSON.stringify(input)}`,
        );
      const isSpecial = spec.special ?? special;
      let id = this.tokenToId(spec.content);
      if (id === undefined) {
        id = Math.max(this.model.vocab.size, this.added.maxId + 1, this.model.vocab.idLimit);
        added++;
      }
      const token: AddedToken = {
        id,
        content: spec.content,
        special: isSpecial,
        lstrip: spec.lstrip ?? false,
        rstrip: spec.rstrip ?? false,
        normalized: spec.normalized ?? !isSpecial,
        singleWord: spec.singleWord ?? false,
      };
      list.push(token);
      this.added.add([token]);
    }
    return list.length === 0 ? 0 : added;
  }

  //#endregion

  //#region encode

  /** Encodes `text` to token ids. */
  encode(text: string, options?: EncodeOptions & { offsets?: false }): number[];
  /** Encodes `text` to token ids with offsets. */
  encode(text: string, options: EncodeOptions & { offsets: true }): Encoding;
  encode(text: string, options: EncodeOptions = {}): number[] | Encoding {
    if (typeof text !== 'string') throw new TypeError(`'text' must be a string, got ${typeof text}`);
    const addSpecial = options.addSpecialTokens ?? true;
    const withOffsets = options.offsets === true;
    const unit = options.offsetUnit ?? 'utf16';
    if (unit !== 'utf16' && unit !== 'codepoint')
      throw new RangeError(`'offsetUnit' must be 'utf16' or 'codepoint', got ${JSON.stringify(unit)}`);
    if (!withOffsets && options.pair === undefined) {
      // Fast path: ids only, no type ids or token strings.
      const ids = this.encodeSequence(text, false, 0, false).ids;
      return this.postProcessor ? this.postProcessor.processIds(ids, addSpecial) : ids;
    }
    const sequences = options.pair === undefined ? [text] : [text, options.pair];
    const encodings = sequences.map((s, typeId) => this.encodeSequence(s, withOffsets, typeId, true));
    const processed = this.postProcessor ? this.postProcessor.processEach(encodings, addSpecial) : encodings;
    const merged = mergeEncodings(processed);
    if (!withOffsets) return merged.ids;
    const offsets: [number, number][] = [];
    const flat = merged.offsets!;
    // Sequence boundaries for code-point conversion: offsets of each sequence refer to its own text.
    let seq = 0;
    let toCodePoint = unit === 'codepoint' ? codePointIndex(sequences[0]!) : undefined;
    for (let k = 0; k < merged.ids.length; k++) {
      if (merged.typeIds[k]! !== seq && unit === 'codepoint' && sequences[merged.typeIds[k]!] !== undefined) {
        seq = merged.typeIds[k]!;
        toCodePoint = codePointIndex(sequences[seq]!);
      }
      const s = flat[2 * k]!;
      const e = flat[2 * k + 1]!;
      offsets.push(toCodePoint ? [toCodePoint[s]!, toCodePoint[e]!] : [s, e]);
    }
    return { ids: merged.ids, offsets, typeIds: merged.typeIds };
  }

  /** Encodes each text; same options as {@link encode}. */
  encodeBatch(texts: readonly string[], options?: EncodeOptions & { offsets?: false }): number[][];
  encodeBatch(texts: readonly string[], options: EncodeOptions & { offsets: true }): Encoding[];
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): (number[] | Encoding)[] {
    if (!Array.isArray(texts))
      throw new TypeError(`'texts' must be an array of strings, got ${typeof texts}`);
    return texts.map((t) => this.encode(t, options as EncodeOptions & { offsets: true }));
  }

  /** Runs everything but the post-processor on one sequence. */
  private encodeSequence(
    text: string,
    withOffsets: boolean,
    typeId: number,
    withTypeIds: boolean,
  ): RawEncoding {
    // Lone surrogates reach the Rust library as U+FFFD; replacing them keeps the length (offsets unchanged).
    if (!isWellFormed(text)) text = text.replace(LONE_SURROGATE, '\uFFFD');
    // Mixed text averages 2-4 UTF-16 units per token; the list grows if this first size is short.
    const list = new IdList((text.length >> 1) + 16);
    const offsets: number[] | undefined = withOffsets ? [] : undefined;
    this.added.splitRaw(text, (id, from, to) => {
      if (id >= 0) {
        list.push(id);
        offsets?.push(from, to);
      } else if (offsets) this.encodeSegmentWithOffsets(text.slice(from, to), from, list, offsets);
      else this.encodeSegment(text.slice(from, to), from === 0, list);
    });
    const ids = list.toArray();
    const typeIds = withTypeIds ? new Array<number>(ids.length).fill(typeId) : [];
    const tokens = withOffsets ? ids.map((id) => this.idToToken(id) ?? '') : undefined;
    return { ids, offsets, typeIds, tokens };
  }

  private encodeSegment(segment: string, atStart: boolean, ids: IdList): void {
    const normalized = this.normalizer ? this.normalizer.normalize(segment) : segment;
    if (!this.added.hasNormalizedTokens) {
      this.modelSegment(normalized, 0, atStart, ids, undefined, undefined);
      return;
    }
    this.added.splitNormalized(normalized, (id, from, to) => {
      if (id >= 0) ids.push(id);
      else
        this.modelSegment(normalized.slice(from, to), from, atStart && from === 0, ids, undefined, undefined);
    });
  }

  private encodeSegmentWithOffsets(segment: string, base: number, ids: IdList, offsets: number[]): void {
    let aligned = identityAligned(segment, base);
    if (this.normalizer) aligned = this.normalizer.normalizeAligned(aligned);
    const normalized = aligned.text;
    this.added.splitNormalized(normalized, (id, from, to) => {
      if (id >= 0) {
        ids.push(id);
        offsets.push(aligned.start[from]!, aligned.end[to - 1]!);
      } else
        this.modelSegment(normalized.slice(from, to), from, base === 0 && from === 0, ids, offsets, aligned);
    });
  }

  /** Pre-tokenizes a normalized part (at `offset` in the normalized segment) and runs the model. */
  private modelSegment(
    text: string,
    offset: number,
    atStart: boolean,
    ids: IdList,
    offsets: number[] | undefined,
    aligned: AlignedString | undefined,
  ): void {
    const model = this.model;
    if (offsets === undefined) {
      const pre = this.preTokenizer;
      const ends = pre instanceof SplitPreTokenizer ? pre.pieceEnds(text) : undefined;
      if (ends !== undefined) model.encodePieces(text, ends.buffer, ends.count, ids);
      else if (pre === undefined) model.encodeWord(text, ids);
      else pre.split(text, 0, 0, atStart, (piece) => model.encodeWord(piece, ids));
      return;
    }
    const spans: number[] = [];
    const onPiece = (piece: string, start: number, prefix: number): void => {
      spans.length = 0;
      model.encodeWord(piece, ids, spans);
      for (let k = 0; k < spans.length; k += 2) {
        const s = offset + start + Math.max(0, spans[k]! - prefix);
        const endUnit = spans[k + 1]!;
        let e: number;
        if (endUnit <= prefix) {
          // A token made only of the added prefix aligns to the first real character.
          const at = offset + start;
          e = at + (text.codePointAt(start)! > 0xffff ? 2 : 1);
        } else e = offset + start + endUnit - prefix;
        if (aligned!.text.length === 0) offsets.push(0, 0);
        else {
          const from = Math.min(s, aligned!.text.length - 1);
          const to = Math.max(from + 1, Math.min(e, aligned!.text.length));
          offsets.push(aligned!.start[from]!, aligned!.end[to - 1]!);
        }
      }
    };
    if (this.preTokenizer === undefined) onPiece(text, 0, 0);
    else
      this.preTokenizer.split(text, 0, 0, atStart, (piece, start, prefix) => onPiece(piece, start, prefix));
  }

  //#endregion

  //#region decode

  /** Turns ids back into text through the decoder; unknown ids are skipped, as in Hugging Face. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number')
      throw new TypeError(`'ids' must be an array of token ids, got ${typeof ids}`);
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const added = this.added.getById(id);
      if (added) {
        if (!(skip && added.special)) tokens.push(added.content);
        continue;
      }
      const token = this.model.vocab.tokenOf(id);
      if (token !== undefined) tokens.push(token);
    }
    return this.decoder ? this.decoder.decodeChain(tokens).join('') : tokens.join(' ');
  }

  /** Decodes each id list; see {@link decode}. */
  decodeBatch(batch: readonly ArrayLike<number>[], options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }

  /** A streaming detokenizer: feed ids as they are generated, get text that is never broken UTF-8. */
  createIncrementalDecoder(options: IncrementalDecoderOptions = {}): IncrementalDecoder {
    return new IncrementalDecoder(this, options);
  }

  //#endregion

  //#region chat

  /** Renders `messages` with tokenizer_config.json's chat template (@huggingface/jinja). */
  applyChatTemplate(
    messages: readonly ChatMessage[],
    options?: ChatTemplateOptions & { tokenize?: false },
  ): string;
  /** Renders and encodes (without adding special tokens again, as transformers does). */
  applyChatTemplate(
    messages: readonly ChatMessage[],
    options: ChatTemplateOptions & { tokenize: true },
  ): number[];
  applyChatTemplate(
    messages: readonly ChatMessage[],
    options: ChatTemplateOptions & { tokenize?: boolean } = {},
  ): string | number[] {
    const text = renderChatTemplate(this.config, messages, options);
    return options.tokenize ? this.encode(text, { addSpecialTokens: false }) : text;
  }

  //#endregion
}

/** In `u` mode only unpaired surrogates are code points of category Cs. */
const LONE_SURROGATE = /\p{Cs}/gu;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** False when `text` holds an unpaired surrogate (native `isWellFormed` where available, ES2024). */
function isWellFormed(text: string): boolean {
  if (nativeIsWellFormed) return nativeIsWellFormed.call(text);
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(text);
}

/** Maps each UTF-16 index of `text` (0..length) to its code-point index. */
function codePointIndex(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let u = 0; u < text.length; u++) {
    map[u] = cp;
    const c = text.charCodeAt(u);
    if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
      map[u + 1] = cp;
      u++;
    }
    cp++;
  }
  map[text.length] = cp;
  return map;
}
