/** The one error class of `@nvlm-ts/runtime`. */

export type RuntimeErrorCode =
  /** No registered backend could start; the message lists every backend tried and why. */
  | 'NO_BACKEND'
  /** A model file is missing or does not match what nvlm.json / the architecture expects. */
  | 'BAD_MODEL'
  /** The prompt (with its image tokens) does not fit the context window. */
  | 'CONTEXT_OVERFLOW'
  /** Images given where the prompt or model cannot take them, or too many. */
  | 'BAD_IMAGES'
  /** Generation was cancelled through an AbortSignal. */
  | 'ABORTED'
  /** onnxruntime failed while running a session. */
  | 'INFERENCE_FAILED'
  | 'INTERNAL';

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
