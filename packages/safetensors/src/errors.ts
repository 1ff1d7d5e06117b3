/**
 * The one error class of @nvlm-ts/safetensors (STYLE.md rule 13): every failure to read or write a
 * safetensors file is a `SafetensorsError` whose `code` says what went wrong and whose fields name the
 * file and, where there is one, the tensor.
 */

/** What went wrong; stable strings, safe to switch on. */
export type SafetensorsErrorCode =
  /** The file ends before the 8-byte length prefix, the header, or a tensor's bytes. */
  | 'TRUNCATED'
  /** The header is not valid UTF-8 JSON, not an object, too large, or an entry is malformed. */
  | 'BAD_HEADER'
  /** A tensor's `data_offsets` are not `[begin, end]` integers inside the data section, or leave a gap. */
  | 'BAD_OFFSETS'
  /** Two tensors' byte ranges overlap. */
  | 'OVERLAP'
  /** A dtype string this library does not know. */
  | 'UNKNOWN_DTYPE'
  /** A byte length that does not equal numel × dtype size, or a bad shape. */
  | 'SHAPE_MISMATCH'
  /** A tensor that was asked for is not in the file or checkpoint. */
  | 'MISSING_TENSOR'
  /** A sharded checkpoint's index names a shard file that does not exist, or is malformed. */
  | 'MISSING_SHARD'
  /** A sharded checkpoint's index is malformed or disagrees with its shards. */
  | 'BAD_INDEX'
  /** An I/O failure from the underlying file, blob or sink (see `cause`). */
  | 'IO';

/** Data carried by a {@link SafetensorsError}. */
export interface SafetensorsErrorDetails {
  /** File (or source) name the error is about. */
  readonly file?: string | undefined;
  /** Tensor name the error is about. */
  readonly tensor?: string | undefined;
  /** The original error, if this one wraps another. */
  readonly cause?: unknown;
}

/** A typed error for bad safetensors input or failed I/O; `code` says which. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  /** What went wrong. */
  readonly code: SafetensorsErrorCode;
  /** File (or source) name, when known. */
  readonly file: string | undefined;
  /** Tensor name, when the error is about one tensor. */
  readonly tensor: string | undefined;

  constructor(code: SafetensorsErrorCode, message: string, details: SafetensorsErrorDetails = {}) {
    const where = [
      details.file === undefined ? '' : `file '${details.file}'`,
      details.tensor === undefined ? '' : `tensor '${details.tensor}'`,
    ]
      .filter((s) => s !== '')
      .join(', ');
    super(`${code}: ${message}${where === '' ? '' : ` (${where})`}`, { cause: details.cause });
    this.code = code;
    this.file = details.file;
    this.tensor = details.tensor;
  }
}

/** Wraps an unknown I/O failure as `SafetensorsError('IO')`, passing typed errors through unchanged. */
export function toIoError(error: unknown, file: string, action: string): SafetensorsError {
  if (error instanceof SafetensorsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SafetensorsError('IO', `${action} failed: ${message}`, { file, cause: error });
}
