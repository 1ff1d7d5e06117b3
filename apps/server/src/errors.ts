/**
 * The server's one error class and the OpenAI error body (`{error:{message,type,param,code}}`,
 * https://platform.openai.com/docs/guides/error-codes). Every failure a client can cause becomes an
 * `ApiError` with an HTTP status; runtime and tiler errors are mapped here, in one place.
 */
import { RuntimeError } from '@nvlm-ts/runtime';

/** What went wrong, as the `code` of the error body. */
export type ApiErrorCode =
  /** The body is not JSON, or a field has the wrong type or value. */
  | 'invalid_request'
  /** A parameter this server does not implement (`n` > 1, tools, logprobs...). */
  | 'unsupported_parameter'
  /** The `model` field names a model this server does not serve. */
  | 'model_not_found'
  /** The prompt (with image tokens) does not fit the context window. */
  | 'context_length_exceeded'
  /** An image could not be read (bad data URL, bad base64, not an image, corrupt). */
  | 'invalid_image'
  /** An image's width x height exceeds the pixel cap (checked from the header). */
  | 'image_too_large'
  /** More images than the per-request limit. */
  | 'too_many_images'
  /** A remote image URL that is disabled, not allowlisted, private, too big or too slow. */
  | 'invalid_image_url'
  /** The request body exceeds the size limit. */
  | 'body_too_large'
  /** Missing or wrong bearer token. */
  | 'invalid_api_key'
  /** No route for this method and path. */
  | 'not_found'
  /** Every generation slot and queue place is taken. */
  | 'server_overloaded'
  /** The server is shutting down. */
  | 'server_shutting_down'
  /** Generation failed inside onnxruntime, or a bug. */
  | 'internal_error';

/** The OpenAI error `type` for each HTTP status family. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'service_unavailable_error';

/** The JSON body of every error response. */
export interface OpenAIErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: ApiErrorCode };
}

/** An error answered to the client with `status` and an OpenAI error body. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The request field at fault, as a JSON path (`messages[0].content[1].image_url.url`). */
    readonly param: string | null = null,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;

  get type(): ApiErrorType {
    if (this.status === 401) return 'authentication_error';
    if (this.status === 404) return 'not_found_error';
    if (this.status === 429) return 'rate_limit_error';
    if (this.status === 503) return 'service_unavailable_error';
    if (this.status >= 500) return 'server_error';
    return 'invalid_request_error';
  }

  /** The response body. */
  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Shape of a fastify error (body parser, body limit, routing). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Turns anything thrown while serving a request into an `ApiError`: runtime and tiler errors by
 * code, fastify's own 4xx errors (bad JSON, body limit, content type) as invalid requests, argument
 * errors of the runtime as 400, and everything else as a 500 that does not leak internals.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RuntimeError) {
    switch (error.code) {
      case 'CONTEXT_OVERFLOW':
        return new ApiError(400, 'context_length_exceeded', error.message, 'messages', { cause: error });
      case 'BAD_IMAGES':
        return new ApiError(400, 'invalid_image', error.message, 'messages', { cause: error });
      default:
        return new ApiError(500, 'internal_error', `generation failed: ${error.message}`, null, {
          cause: error,
        });
    }
  }
  if (error instanceof Error && error.name === 'TilerError') {
    const code = (error as Error & { code?: string }).code;
    return new ApiError(
      400,
      code === 'IMAGE_TOO_LARGE' ? 'image_too_large' : 'invalid_image',
      `an image could not be read: ${error.message}`,
      'messages',
      { cause: error },
    );
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    // The runtime checks sampling arguments and throws these with the parameter quoted.
    if (/^'[A-Za-z]+'/.test(error.message)) return new ApiError(400, 'invalid_request', error.message, null);
  }
  const framework = error as FrameworkError;
  const status = framework?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) {
      return new ApiError(413, 'body_too_large', 'the request body exceeds the size limit', null);
    }
    if (status === 404) return new ApiError(404, 'not_found', framework.message ?? 'not found', null);
    return new ApiError(status, 'invalid_request', framework.message ?? 'bad request', null);
  }
  return new ApiError(500, 'internal_error', 'internal server error', null, { cause: error });
}
