/**
 * The one error class of @nvlm-ts/onnx (STYLE.md rule 13). Bad arguments to the builder are
 * `TypeError`/`RangeError`; an `OnnxError` is a graph or model that cannot be built, written or read.
 */

/** What went wrong; stable strings, safe to switch on. */
export type OnnxErrorCode =
  /** A value, node or initializer name is used twice. */
  | 'DUPLICATE_NAME'
  /** A value handle from another graph builder was passed in. */
  | 'FOREIGN_VALUE'
  /** An op needs a newer opset than the graph imports. */
  | 'OPSET'
  /** An initializer's data does not match its dtype and dims, or a lazy source failed. */
  | 'BAD_INITIALIZER'
  /** The serialized ModelProto would exceed protobuf's 2 GiB cap (externalise weights). */
  | 'MODEL_TOO_LARGE'
  /** ModelProto bytes that cannot be decoded. */
  | 'DECODE'
  /** An I/O failure writing the model or its external data (see `cause`). */
  | 'IO';

/** Data carried by an {@link OnnxError}. */
export interface OnnxErrorDetails {
  /** The node, value, initializer or file the error is about. */
  readonly name?: string | undefined;
  /** The original error, if this one wraps another. */
  readonly cause?: unknown;
}

/** A typed error for graphs and models that cannot be built, written or read. */
export class OnnxError extends Error {
  override readonly name = 'OnnxError';
  /** What went wrong. */
  readonly code: OnnxErrorCode;
  /** The node, value, initializer or file concerned, when there is one. */
  readonly subject: string | undefined;

  constructor(code: OnnxErrorCode, message: string, details: OnnxErrorDetails = {}) {
    super(`${code}: ${message}${details.name === undefined ? '' : ` ('${details.name}')`}`, {
      cause: details.cause,
    });
    this.code = code;
    this.subject = details.name;
  }
}
