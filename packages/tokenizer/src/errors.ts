/**
 * The package's one error class, `TokenizerError`, with a `code` union and the data a caller needs to
 * act on it (the JSON path at fault, the supported alternatives, the file or token concerned).
 *
 * Follows the spirit of huggingface/tokenizers' `Error` enum (`BadMerges(usize)`,
 * `MergeTokenOutOfVocabulary(String)`): errors carry data, not just prose.
 */

/** Every way loading or using a tokenizer can fail. */
export type TokenizerErrorCode =
  /** The input is not JSON, or JSON of the wrong shape (missing/mistyped field). */
  | 'BAD_JSON'
  /** A component `type` (normalizer, pre-tokenizer, model, post-processor, decoder) is not implemented. */
  | 'UNSUPPORTED_COMPONENT'
  /** A component option is known but not supported (e.g. BPE `dropout`). */
  | 'UNSUPPORTED_OPTION'
  /** A merge rule is malformed or names a token missing from the vocabulary. */
  | 'BAD_MERGES'
  /** The vocabulary is malformed (non-integer ids, duplicate ids, ...). */
  | 'BAD_VOCAB'
  /** A regex uses Oniguruma syntax that has no JavaScript translation. */
  | 'BAD_REGEX'
  /** A token referenced by a post-processor or config is not in the vocabulary. */
  | 'TOKEN_OUT_OF_VOCABULARY'
  /** No chat template, or the template failed to parse or render. */
  | 'CHAT_TEMPLATE'
  /** Fetching or reading the tokenizer files failed. */
  | 'LOAD_FAILED';

/** Extra data attached to a {@link TokenizerError}. */
export interface TokenizerErrorDetails {
  /** JSON path of the offending value, e.g. `$.pre_tokenizer.pretokenizers[0].type`. */
  path?: string;
  /** What would have been accepted at `path` (component types, option values). */
  supported?: readonly string[];
  /** The file or URL concerned. */
  file?: string;
  /** The token concerned. */
  token?: string;
  /** Zero-based index of the bad merge rule. */
  index?: number;
  cause?: unknown;
}

/** A typed error raised for malformed or unsupported tokenizer files and failed loads. */
export class TokenizerError extends Error {
  override name = 'TokenizerError';
  /** JSON path at fault, when the error comes from a tokenizer.json / tokenizer_config.json value. */
  readonly path: string | undefined;
  /** Accepted alternatives at `path`, when there is a fixed list. */
  readonly supported: readonly string[] | undefined;
  /** The file or URL concerned. */
  readonly file: string | undefined;
  /** The token concerned. */
  readonly token: string | undefined;
  /** Zero-based index of the bad merge rule (`BAD_MERGES`). */
  readonly index: number | undefined;

  constructor(
    readonly code: TokenizerErrorCode,
    message: string,
    details: TokenizerErrorDetails = {},
  ) {
    const where = details.path ? ` at ${details.path}` : '';
    const list = details.supported ? ` (supported: ${details.supported.join(', ')})` : '';
    super(`${message}${where}${list}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.path = details.path;
    this.supported = details.supported;
    this.file = details.file;
    this.token = details.token;
    this.index = details.index;
  }
}
