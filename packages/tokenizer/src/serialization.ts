/**
 * Reads a parsed `tokenizer.json` into pipeline components, checking every field it uses and raising
 * a `TokenizerError` with the JSON path at fault (and the supported alternatives) for anything
 * malformed or unsupported.
 * Reference: huggingface/tokenizers `tokenizers/src/tokenizer/serialization.rs` and the serde
 * definitions of each component (`#[serde(tag = "type")]`).
 */
import type { AddedToken } from './added-tokens.js';
import { ByteFallbackDecoder } from './decoders/byte-fallback.js';
import { ByteLevelDecoder } from './decoders/byte-level.js';
import type { Decoder } from './decoders/decoder.js';
import { FuseDecoder } from './decoders/fuse.js';
import { MetaspaceDecoder } from './decoders/metaspace.js';
import { ReplaceDecoder } from './decoders/replace.js';
import { SequenceDecoder } from './decoders/sequence.js';
import { StripDecoder } from './decoders/strip.js';
import { TokenizerError } from './errors.js';
import type { ComponentJson, PatternJson, TokenizerJson } from './json-types.js';
import { BpeModel, type MergesJson } from './models/bpe.js';
import { MapVocabulary, type Vocabulary } from './models/vocabulary.js';
import { LowercaseNormalizer } from './normalizers/lowercase.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { PrependNormalizer } from './normalizers/prepend.js';
import { ReplaceNormalizer } from './normalizers/replace.js';
import { SequenceNormalizer } from './normalizers/sequence.js';
import { StripNormalizer } from './normalizers/strip.js';
import { UnicodeNormalizer } from './normalizers/unicode.js';
import { compileOnigurumaRegex, escapeRegExp } from './oniguruma-regex.js';
import { ByteLevelProcessor } from './post-processors/byte-level.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { SequenceProcessor } from './post-processors/sequence.js';
import { type TemplatePiece, TemplateProcessor } from './post-processors/template.js';
import { ByteLevelPreTokenizer } from './pre-tokenizers/byte-level.js';
import { DigitsPreTokenizer } from './pre-tokenizers/digits.js';
import { MetaspacePreTokenizer, type PrependScheme } from './pre-tokenizers/metaspace.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { PunctuationPreTokenizer } from './pre-tokenizers/punctuation.js';
import { SequencePreTokenizer } from './pre-tokenizers/sequence.js';
import { SplitPreTokenizer } from './pre-tokenizers/split.js';
import { SPLIT_BEHAVIORS, type SplitBehavior } from './pre-tokenizers/split-behavior.js';
import { WhitespacePreTokenizer, WhitespaceSplitPreTokenizer } from './pre-tokenizers/whitespace.js';
import { parseWithScannedVocab, SCANNED_MERGES, SCANNED_VOCAB, type ScannedMerges } from './vocab-scanner.js';

/** Component types this package implements, per stage (listed in `UNSUPPORTED_COMPONENT` errors). */
export const SUPPORTED_COMPONENTS = {
  normalizer: ['NFC', 'NFD', 'NFKC', 'NFKD', 'Prepend', 'Replace', 'Lowercase', 'Strip', 'Sequence'],
  pre_tokenizer: [
    'Split',
    'ByteLevel',
    'Metaspace',
    'Digits',
    'Punctuation',
    'Whitespace',
    'WhitespaceSplit',
    'Sequence',
  ],
  model: ['BPE'],
  post_processor: ['TemplateProcessing', 'ByteLevel', 'Sequence'],
  decoder: ['ByteLevel', 'Metaspace', 'ByteFallback', 'Fuse', 'Strip', 'Replace', 'Sequence'],
} as const;

/** Everything a `Tokenizer` is built from. */
export interface TokenizerParts {
  normalizer: Normalizer | undefined;
  preTokenizer: PreTokenizer | undefined;
  model: BpeModel;
  postProcessor: PostProcessor | undefined;
  decoder: Decoder | undefined;
  addedTokens: AddedToken[];
}

//#region field readers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badJson(message: string, path: string): TokenizerError {
  return new TokenizerError('BAD_JSON', message, { path });
}

function component(value: unknown, path: string): ComponentJson {
  if (!isObject(value) || typeof value.type !== 'string')
    throw badJson('expected an object with a string "type"', path);
  return value as ComponentJson;
}

function unsupported(stage: keyof typeof SUPPORTED_COMPONENTS, type: string, path: string): TokenizerError {
  return new TokenizerError(
    'UNSUPPORTED_COMPONENT',
    `${stage} type ${JSON.stringify(type)} is not supported`,
    {
      path: `${path}.type`,
      supported: SUPPORTED_COMPONENTS[stage],
    },
  );
}

function optBool(obj: Record<string, unknown>, key: string, fallback: boolean, path: string): boolean {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw badJson(`"${key}" must be a boolean`, `${path}.${key}`);
  return v;
}

function optString(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`"${key}" must be a string`, `${path}.${key}`);
  return v;
}

function reqString(obj: Record<string, unknown>, key: string, path: string): string {
  const v = optString(obj, key, path);
  if (v === undefined) throw badJson(`"${key}" is required`, `${path}.${key}`);
  return v;
}

function optInt(obj: Record<string, unknown>, key: string, fallback: number, path: string): number {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw badJson(`"${key}" must be a non-negative integer`, `${path}.${key}`);
  return v;
}

function array(obj: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = obj[key];
  if (!Array.isArray(v)) throw badJson(`"${key}" must be an array`, `${path}.${key}`);
  return v;
}

/** A `{"String": s}` / `{"Regex": r}` pattern as a global RegExp. */
function pattern(value: unknown, path: string): RegExp {
  if (isObject(value) && typeof (value as PatternJson & { String?: unknown }).String === 'string')
    return new RegExp(escapeRegExp((value as { String: string }).String), 'gu');
  if (isObject(value) && typeof (value as { Regex?: unknown }).Regex === 'string')
    return compileOnigurumaRegex((value as { Regex: string }).Regex, `${path}.Regex`);
  throw badJson('pattern must be {"String": ...} or {"Regex": ...}', path);
}

function behavior(obj: Record<string, unknown>, fallback: SplitBehavior, path: string): SplitBehavior {
  const v = obj.behavior ?? fallback;
  if (typeof v !== 'string' || !(SPLIT_BEHAVIORS as readonly string[]).includes(v))
    throw new TokenizerError('BAD_JSON', `unknown split behavior ${JSON.stringify(v)}`, {
      path: `${path}.behavior`,
      supported: SPLIT_BEHAVIORS,
    });
  return v as SplitBehavior;
}

function prependScheme(obj: Record<string, unknown>, path: string): PrependScheme {
  const v = obj.prepend_scheme;
  if (v === undefined || v === null) return optBool(obj, 'add_prefix_space', true, path) ? 'always' : 'never';
  if (v !== 'always' && v !== 'never' && v !== 'first')
    throw new TokenizerError('BAD_JSON', `unknown prepend_scheme ${JSON.stringify(v)}`, {
      path: `${path}.prepend_scheme`,
      supported: ['always', 'never', 'first'],
    });
  return v;
}

function singleChar(obj: Record<string, unknown>, key: string, path: string): string {
  const v = reqString(obj, key, path);
  if ([...v].length !== 1) throw badJson(`"${key}" must be exactly one character`, `${path}.${key}`);
  return v;
}

//#endregion

//#region components

/** Builds a normalizer from its JSON. */
export function readNormalizer(value: unknown, path: string): Normalizer {
  const json = component(value, path);
  switch (json.type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(json.type);
    case 'Prepend':
      return new PrependNormalizer(reqString(json, 'prepend', path));
    case 'Replace':
      return new ReplaceNormalizer(
        pattern(json.pattern, `${path}.pattern`),
        reqString(json, 'content', path),
      );
    case 'Lowercase':
      return new LowercaseNormalizer();
    case 'Strip':
      return new StripNormalizer(
        optBool(json, 'strip_left', true, path),
        optBool(json, 'strip_right', true, path),
      );
    case 'Sequence':
      return new SequenceNormalizer(
        array(json, 'normalizers', path).map((n, i) => readNormalizer(n, `${path}.normalizers[${i}]`)),
      );
    default:
      throw unsupported('normalizer', json.type, path);
  }
}

/** Builds a pre-tokenizer from its JSON; `ByteLevel` must be its last stage. */
export function readPreTokenizer(value: unknown, path: string, last = true): PreTokenizer {
  const json = component(value, path);
  switch (json.type) {
    case 'Split': {
      const source =
        isObject(json.pattern) && typeof json.pattern.Regex === 'string' ? json.pattern.Regex : undefined;
      return new SplitPreTokenizer(
        pattern(json.pattern, `${path}.pattern`),
        behavior(json, 'Isolated', path),
        optBool(json, 'invert', false, path),
        source,
      );
    }
    case 'ByteLevel':
      if (!last)
        throw new TokenizerError(
          'UNSUPPORTED_COMPONENT',
          'a ByteLevel pre-tokenizer must be the last stage of a Sequence',
          {
            path: `${path}.type`,
          },
        );
      return new ByteLevelPreTokenizer(
        optBool(json, 'add_prefix_space', true, path),
        optBool(json, 'use_regex', true, path),
      );
    case 'Metaspace':
      return new MetaspacePreTokenizer(
        singleChar(json, 'replacement', path),
        prependScheme(json, path),
        optBool(json, 'split', true, path),
      );
    case 'Digits':
      return new DigitsPreTokenizer(optBool(json, 'individual_digits', false, path));
    case 'Punctuation':
      return new PunctuationPreTokenizer(behavior(json, 'Isolated', path));
    case 'Whitespace':
      return new WhitespacePreTokenizer();
    case 'WhitespaceSplit':
      return new WhitespaceSplitPreTokenizer();
    case 'Sequence': {
      const items = array(json, 'pretokenizers', path);
      // A ByteLevel stage without prefix space or regex only marks the model as byte-level: drop it.
      const stages = items
        .map((p, i) => readPreTokenizer(p, `${path}.pretokenizers[${i}]`, last && i === items.length - 1))
        .filter((p) => !(p instanceof ByteLevelPreTokenizer && p.isPassThrough));
      return stages.length === 1 ? stages[0]! : new SequencePreTokenizer(stages);
    }
    default:
      throw unsupported('pre_tokenizer', json.type, path);
  }
}

/** True when the pre-tokenizer ends in a ByteLevel stage (the model then works on UTF-8 bytes). */
function isByteLevel(json: unknown): boolean {
  if (!isObject(json)) return false;
  if (json.type === 'ByteLevel') return true;
  if (json.type === 'Sequence' && Array.isArray(json.pretokenizers))
    return isByteLevel(json.pretokenizers.at(-1));
  return false;
}

/** Builds a post-processor; `vocab` resolves TemplateProcessing special tokens. */
export function readPostProcessor(value: unknown, path: string): PostProcessor {
  const json = component(value, path);
  switch (json.type) {
    case 'TemplateProcessing':
      return readTemplate(json, path);
    case 'ByteLevel':
      return new ByteLevelProcessor(
        optBool(json, 'trim_offsets', true, path),
        optBool(json, 'add_prefix_space', true, path),
      );
    case 'Sequence':
      return new SequenceProcessor(
        array(json, 'processors', path).map((p, i) => readPostProcessor(p, `${path}.processors[${i}]`)),
      );
    default:
      throw unsupported('post_processor', json.type, path);
  }
}

function readTemplate(json: ComponentJson, path: string): TemplateProcessor {
  const specials = json.special_tokens ?? {};
  if (!isObject(specials)) throw badJson('"special_tokens" must be an object', `${path}.special_tokens`);
  const readPieces = (key: 'single' | 'pair'): TemplatePiece[] =>
    array(json, key, path).map((item, i): TemplatePiece => {
      const where = `${path}.${key}[${i}]`;
      if (isObject(item) && isObject(item.Sequence)) {
        const id = item.Sequence.id;
        if (id !== 'A' && id !== 'B') throw badJson('Sequence id must be "A" or "B"', `${where}.Sequence.id`);
        return {
          kind: 'sequence',
          sequence: id,
          typeId: optInt(item.Sequence, 'type_id', 0, `${where}.Sequence`),
        };
      }
      if (isObject(item) && isObject(item.SpecialToken)) {
        const name = reqString(item.SpecialToken, 'id', `${where}.SpecialToken`);
        const special = specials[name];
        if (
          !isObject(special) ||
          !Array.isArray(special.ids) ||
          !special.ids.every((x) => Number.isInteger(x))
        )
          throw new TokenizerError(
            'TOKEN_OUT_OF_VOCABULARY',
            `special token ${JSON.stringify(name)} is not defined in special_tokens`,
            {
              path: `${where}.SpecialToken.id`,
              token: name,
            },
          );
        return {
          kind: 'special',
          ids: special.ids as number[],
          typeId: optInt(item.SpecialToken, 'type_id', 0, `${where}.SpecialToken`),
        };
      }
      throw badJson('template piece must be {"Sequence": ...} or {"SpecialToken": ...}', where);
    });
  return new TemplateProcessor(readPieces('single'), json.pair === undefined ? [] : readPieces('pair'));
}

/** Builds a decoder from its JSON. */
export function readDecoder(value: unknown, path: string): Decoder {
  const json = component(value, path);
  switch (json.type) {
    case 'ByteLevel':
      return new ByteLevelDecoder();
    case 'Metaspace':
      return new MetaspaceDecoder(singleChar(json, 'replacement', path), prependScheme(json, path));
    case 'ByteFallback':
      return new ByteFallbackDecoder();
    case 'Fuse':
      return new FuseDecoder();
    case 'Strip':
      return new StripDecoder(
        singleChar(json, 'content', path),
        optInt(json, 'start', 0, path),
        optInt(json, 'stop', 0, path),
      );
    case 'Replace':
      return new ReplaceDecoder(pattern(json.pattern, `${path}.pattern`), reqString(json, 'content', path));
    case 'Sequence':
      return new SequenceDecoder(
        array(json, 'decoders', path).map((d, i) => readDecoder(d, `${path}.decoders[${i}]`)),
      );
    default:
      throw unsupported('decoder', json.type, path);
  }
}

/** Reads the `model` section (BPE only) with its vocabulary. */
export function readModel(value: unknown, byteLevel: boolean, path = '$.model'): BpeModel {
  if (!isObject(value)) throw badJson('expected an object', path);
  // Like serde, an untagged model is recognised by its fields.
  const type = value.type ?? (value.merges !== undefined ? 'BPE' : undefined);
  if (type !== 'BPE') throw unsupported('model', String(type), path);
  if (value.dropout !== undefined && value.dropout !== null && value.dropout !== 0)
    throw new TokenizerError(
      'UNSUPPORTED_OPTION',
      'BPE dropout is a training-time option and is not supported',
      {
        path: `${path}.dropout`,
        supported: ['null'],
      },
    );
  const vocab = readVocab(value.vocab, `${path}.vocab`);
  const scanned = (value.merges as { [SCANNED_MERGES]?: ScannedMerges } | undefined)?.[SCANNED_MERGES];
  const merges = scanned ?? value.merges ?? [];
  return new BpeModel({
    vocab,
    merges: merges as MergesJson | ScannedMerges,
    unkToken: optString(value, 'unk_token', path) ?? null,
    continuingSubwordPrefix: optString(value, 'continuing_subword_prefix', path) ?? null,
    endOfWordSuffix: optString(value, 'end_of_word_suffix', path) ?? null,
    fuseUnk: optBool(value, 'fuse_unk', false, path),
    byteFallback: optBool(value, 'byte_fallback', false, path),
    ignoreMerges: optBool(value, 'ignore_merges', false, path),
    byteLevel,
    path: `${path}.merges`,
  });
}

/** The vocabulary (scanned ahead by vocab-scanner.ts, or read from a JSON object). */
function readVocab(value: unknown, path: string): Vocabulary {
  const scanned = (value as { [SCANNED_VOCAB]?: Vocabulary } | null)?.[SCANNED_VOCAB];
  if (scanned !== undefined) return scanned;
  if (!isObject(value)) throw badJson('"vocab" must be an object of token -> id', path);
  const vocab = new Map<string, number>();
  const idToToken: (string | undefined)[] = [];
  const tokens = Object.keys(value);
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    const id = value[token];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff)
      throw new TokenizerError('BAD_VOCAB', `id of ${JSON.stringify(token)} must be a non-negative integer`, {
        path: `${path}[${JSON.stringify(token)}]`,
        token,
      });
    vocab.set(token, id);
    idToToken[id] = token;
  }
  return new MapVocabulary(vocab, idToToken);
}

function readAddedTokens(value: unknown): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badJson('"added_tokens" must be an array', '$.added_tokens');
  return value.map((item, i): AddedToken => {
    const path = `$.added_tokens[${i}]`;
    if (!isObject(item)) throw badJson('expected an object', path);
    const id = item.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      throw badJson('"id" must be a non-negative integer', `${path}.id`);
    const special = optBool(item, 'special', false, path);
    return {
      id,
      content: reqString(item, 'content', path),
      special,
      lstrip: optBool(item, 'lstrip', false, path),
      rstrip: optBool(item, 'rstrip', false, path),
      normalized: optBool(item, 'normalized', !special, path),
      singleWord: optBool(item, 'single_word', false, path),
    };
  });
}

//#endregion

/** Parses tokenizer.json text, wrapping syntax errors in `BAD_JSON`. */
export function parseTokenizerJsonText(text: string, file?: string): TokenizerJson {
  let parsed: unknown = parseWithScannedVocab(text);
  if (parsed !== undefined) return checkTokenizerJson(parsed);
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TokenizerError('BAD_JSON', 'tokenizer.json is not valid JSON', { path: '$', file, cause });
  }
  return checkTokenizerJson(parsed);
}

/** Checks the top-level shape of a parsed tokenizer.json. */
export function checkTokenizerJson(value: unknown): TokenizerJson {
  if (!isObject(value)) throw badJson('tokenizer.json must be a JSON object', '$');
  if (!isObject(value.model)) throw badJson('"model" is required', '$.model');
  return value as unknown as TokenizerJson;
}

/** Options of {@link readTokenizerParts}. */
export interface ReadOptions {
  /** Load files whose `truncation`/`padding` are set, ignoring them (nvlm-ts never pads or truncates). */
  ignoreTruncationAndPadding?: boolean;
}

/** Builds every pipeline component of a checked tokenizer.json. */
export function readTokenizerParts(json: TokenizerJson, options: ReadOptions = {}): TokenizerParts {
  if (!options.ignoreTruncationAndPadding) {
    for (const key of ['truncation', 'padding'] as const) {
      if (json[key] !== undefined && json[key] !== null)
        throw new TokenizerError(
          'UNSUPPORTED_OPTION',
          `"${key}" is set, and nvlm-ts does not pad or truncate (the Rust library would, so ids could differ); ` +
            'pad or truncate the ids yourself and load with { ignoreTruncationAndPadding: true }',
          { path: `$.${key}`, supported: ['null'] },
        );
    }
  }
  const present = (v: unknown) => v !== undefined && v !== null;
  const normalizer = present(json.normalizer) ? readNormalizer(json.normalizer, '$.normalizer') : undefined;
  const preTokenizer = present(json.pre_tokenizer)
    ? readPreTokenizer(json.pre_tokenizer, '$.pre_tokenizer')
    : undefined;
  const model = readModel(json.model, isByteLevel(json.pre_tokenizer));
  const postProcessor = present(json.post_processor)
    ? readPostProcessor(json.post_processor, '$.post_processor')
    : undefined;
  const decoder = present(json.decoder) ? readDecoder(json.decoder, '$.decoder') : undefined;
  return {
    normalizer,
    preTokenizer,
    model,
    postProcessor,
    decoder,
    addedTokens: readAddedTokens(json.added_tokens),
  };
}
