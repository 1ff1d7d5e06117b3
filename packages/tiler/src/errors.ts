/**
 * The tiler's one error class. Bad images (corrupt, truncated, empty, unsupported, too large) become a
 * `TilerError` with a machine-readable `code`; bad arguments are `TypeError`/`RangeError` instead
 * (STYLE.md rule 13, after huggingface/tokenizers' typed errors and trpc's `TRPCError`).
 */

/** Why an image could not be tiled. */
export type TilerErrorCode =
  /** The input holds no bytes (empty file, empty buffer or blob). */
  | 'EMPTY_INPUT'
  /** The bytes are not an image format the decoder reads. */
  | 'UNSUPPORTED_FORMAT'
  /** The header is readable but the pixel data is corrupt or truncated. */
  | 'DECODE_FAILED'
  /** Width or height is zero. */
  | 'EMPTY_IMAGE'
  /** width x height exceeds the pixel cap (checked from the header, before decoding). */
  | 'IMAGE_TOO_LARGE'
  /** A file path could not be read (missing, a directory, no permission). */
  | 'READ_FAILED'
  /** The platform cannot decode images (no sharp in Node, no createImageBitmap in the browser). */
  | 'DECODER_UNAVAILABLE';

/** Data carried by a `TilerError`, for callers that report or route errors. */
export interface TilerErrorDetails {
  /** File name or source label, when the input had one. */
  source?: string;
  /** Image width and height from the header, when known. */
  width?: number;
  height?: number;
  /** The pixel cap in force, for `IMAGE_TOO_LARGE`. */
  maxPixels?: number;
  /** The underlying error (decoder message), also passed as `cause`. */
  cause?: unknown;
}

/** An image that cannot be tiled. `code` says why; the message says it in words. */
export class TilerError extends Error {
  override name = 'TilerError';
  readonly code: TilerErrorCode;
  readonly source: string | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly maxPixels: number | undefined;

  constructor(code: TilerErrorCode, message: string, details: TilerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.source = details.source;
    this.width = details.width;
    this.height = details.height;
    this.maxPixels = details.maxPixels;
  }
}

/** The message of an unknown thrown value, for wrapping decoder errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
