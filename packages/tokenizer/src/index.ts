/**
 * @nvlm-ts/tokenizer, browser-safe entry: Hugging Face tokenizer.json (byte-level and
 * SentencePiece-style BPE) with the exact ids of huggingface/tokenizers, chat templates and streaming
 * detokenization. Loads from parsed objects, JSON text, URLs and Responses; no `fs`.
 * Node adds path loading (`@nvlm-ts/tokenizer` resolves to node.ts there).
 */
export type { AddedToken, AddedTokenInput } from './added-tokens.js';
export type { ChatMessage, ChatTemplateOptions } from './chat-template.js';
export type { TokenizerErrorCode, TokenizerErrorDetails } from './errors.js';
export { TokenizerError } from './errors.js';
export type { AddedTokenJson, TokenizerConfigJson, TokenizerJson } from './json-types.js';
export type { LoadTokenizerOptions, TokenizerSource } from './load.js';
export { loadTokenizer } from './load.js';
export { translateOnigurumaPattern } from './oniguruma-regex.js';
export { SUPPORTED_COMPONENTS } from './serialization.js';
export type { IncrementalDecoderOptions } from './streaming.js';
export { IncrementalDecoder } from './streaming.js';
export type { DecodeOptions, EncodeOptions, Encoding, SpecialTokens } from './tokenizer.js';
export { Tokenizer } from './tokenizer.js';
