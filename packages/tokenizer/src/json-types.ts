/**
 * The shapes of Hugging Face `tokenizer.json` and `tokenizer_config.json`, mirrored verbatim
 * (snake_case, everything optional that the files may omit). Only serialization.ts reads these.
 *
 * Reference: huggingface/tokenizers `tokenizers/src/tokenizer/serialization.rs` and the serde
 * definitions of each component.
 */

/** A `{"String": ...}` or `{"Regex": ...}` pattern. */
export type PatternJson = { String: string } | { Regex: string };

/** One entry of `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** Any pipeline component: a `type` plus type-specific fields. */
export interface ComponentJson {
  type: string;
  [key: string]: unknown;
}

/** The top level of `tokenizer.json`. */
export interface TokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: unknown;
  added_tokens?: AddedTokenJson[];
  normalizer?: ComponentJson | null;
  pre_tokenizer?: ComponentJson | null;
  model: ComponentJson;
  post_processor?: ComponentJson | null;
  decoder?: ComponentJson | null;
}

/** An `AddedToken` as `tokenizer_config.json` may spell a special token. */
export interface ConfigTokenJson {
  content: string;
  [key: string]: unknown;
}

/** The fields of `tokenizer_config.json` this package reads (others are kept and passed to templates). */
export interface TokenizerConfigJson {
  chat_template?: string | { name: string; template: string }[] | null;
  bos_token?: string | ConfigTokenJson | null;
  eos_token?: string | ConfigTokenJson | null;
  unk_token?: string | ConfigTokenJson | null;
  pad_token?: string | ConfigTokenJson | null;
  sep_token?: string | ConfigTokenJson | null;
  cls_token?: string | ConfigTokenJson | null;
  mask_token?: string | ConfigTokenJson | null;
  additional_special_tokens?: (string | ConfigTokenJson)[];
  add_bos_token?: boolean;
  add_eos_token?: boolean;
  model_max_length?: number;
  [key: string]: unknown;
}
