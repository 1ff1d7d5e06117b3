/**
 * The one error class of @nvlm-ts/eval (STYLE.md rule 13): bad scorer input (a missing or mistyped
 * field, an unknown variant) is an `EvaluationError` whose `code` says what went wrong and whose `field`
 * names the offending input field.
 */

/** What went wrong; stable strings, safe to switch on. */
export type EvaluationErrorCode =
  /** A scorer input field is missing, has the wrong type, or an impossible value. */
  | 'BAD_INPUT'
  /** A metric or variant name that this package does not know. */
  | 'UNKNOWN_VARIANT'
  /** A line of a JSONL/TSV stream is not valid (see `line`). */
  | 'BAD_LINE'
  /** A dataset record cannot become a sample (missing image file, no question field, ...). */
  | 'BAD_SAMPLE'
  /** A model request failed (HTTP error, timeout, connection refused, runtime error); see `retryable`. */
  | 'MODEL_ERROR'
  /** Runner options or an existing results directory that cannot be used (mismatched run, bad URL). */
  | 'BAD_RUN';

/** Data carried by an {@link EvaluationError}. */
export interface EvaluationErrorDetails {
  /** The input field the error is about (`answers`, `index2ans`, ...). */
  readonly field?: string | undefined;
  /** 1-based line number in the input stream, when the error is about one line. */
  readonly line?: number | undefined;
  /** The original error, if this one wraps another. */
  readonly cause?: unknown;
  /** For `MODEL_ERROR`: whether retrying the same request may succeed (timeout, 429, 5xx). */
  readonly retryable?: boolean | undefined;
  /** For `MODEL_ERROR` from an HTTP endpoint: the response status. */
  readonly status?: number | undefined;
  /** For a retryable `MODEL_ERROR`: how long the server asked to wait (`Retry-After`), in ms. */
  readonly retryAfterMs?: number | undefined;
}

/** A typed error for bad scorer input; `code` says which. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  /** What went wrong. */
  readonly code: EvaluationErrorCode;
  /** The input field the error is about, when known. */
  readonly field: string | undefined;
  /** 1-based input line, when known. */
  readonly line: number | undefined;
  /** For `MODEL_ERROR`: whether a retry may help. */
  readonly retryable: boolean;
  /** For `MODEL_ERROR` from an HTTP endpoint: the response status. */
  readonly status: number | undefined;
  /** For a retryable `MODEL_ERROR`: how long the server asked to wait (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: EvaluationErrorCode, message: string, details: EvaluationErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.field = details.field;
    this.line = details.line;
    this.retryable = details.retryable ?? false;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}
