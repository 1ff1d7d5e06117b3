/** The one error class of `@nvlm-ts/arch`: every failure carries a `code` and names what is wrong. */

export type ArchErrorCode =
  /** `model_type` (or `architectures`) names no registered architecture. */
  | 'UNSUPPORTED_MODEL_TYPE'
  /** config.json is missing a field, has a wrong type, or breaks an invariant. */
  | 'INVALID_CONFIG'
  /** A tensor the architecture needs is absent from the checkpoint. */
  | 'MISSING_TENSOR'
  /** A tensor has the wrong shape or dtype. */
  | 'BAD_TENSOR'
  /** Padded vision attention heads that should be all zero are not. */
  | 'NONZERO_DUMMY_HEADS'
  /** The checkpoint holds tensors the architecture does not know. */
  | 'UNEXPECTED_TENSOR'
  /** The output directory exists and is not empty (pass `overwrite` to replace it). */
  | 'OUTPUT_EXISTS'
  /** Conversion could not be completed (I/O, aborted, ...). */
  | 'CONVERSION_FAILED'
  /** Internal invariant broken: a bug in nvlm-ts. */
  | 'INTERNAL';

export class ArchError extends Error {
  override name = 'ArchError';
  constructor(
    readonly code: ArchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
