/**
 * A {@link ModelClient} over an OpenAI-compatible chat endpoint (`POST /v1/chat/completions`, as
 * documented at https://platform.openai.com/docs/api-reference/chat/create and served by vLLM and by
 * the nvlm-ts server, apps/server). Non-streaming; images travel as `image_url` parts holding `data:`
 * URLs. Failures become MODEL_ERROR with the HTTP `status` and whether a retry may help: network
 * errors, timeouts, 408, 409, 429 and 5xx may; other 4xx and malformed bodies will not.
 */
import { EvaluationError } from '../errors.js';
import { imageDataUrl } from './image-mime.js';
import { modelError, parseRetryAfter } from './retry.js';
import type { CompletionRequest, CompletionResponse, ModelClient } from './types.js';

/** Where an image goes in a sample prompt (@nvlm-ts/tiler's IMAGE_PLACEHOLDER; eval does not depend on it). */
export const IMAGE_PLACEHOLDER = '<image>';

/** Options of {@link openAIClient}. */
export interface OpenAIClientOptions {
  /** Base URL, with or without the `/v1` suffix: `http://host:8000` or `http://host:8000/v1`. */
  readonly url: string;
  /** The `model` field sent; default: the first id of `GET /v1/models`, asked once. */
  readonly model?: string | undefined;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string | undefined;
  /** Most requests in flight at once (default 4). */
  readonly concurrency?: number | undefined;
  /** Per-request timeout in ms; a timeout is a retryable MODEL_ERROR (default: none, the runner's). */
  readonly timeoutMs?: number | undefined;
  /**
   * How images are placed. `parts` (default): content parts in prompt order, images as `image_url`
   * parts and the text between them as `text` parts, without the newline that follows a placeholder
   * (servers put `<image>\n` back per image). `inline`: the text keeps its `<image>` placeholders, which
   * vLLM (for NVLM-D) and the nvlm-ts server honour in place, so interleaved prompts stay exact.
   */
  readonly images?: 'parts' | 'inline' | undefined;
  /** The fetch to use (default the global one); tests inject fakes. */
  readonly fetch?: typeof fetch | undefined;
}

/** The endpoint of the chat API for a base URL (`/v1` added unless present). */
export function chatCompletionsUrl(url: string): string {
  return `${apiBase(url)}/chat/completions`;
}

function apiBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new EvaluationError('BAD_RUN', `endpoint '${url}' is not a URL`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EvaluationError('BAD_RUN', `endpoint '${url}' must be an http:// or https:// URL`);
  }
  const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  return base.endsWith('/v1') ? base : `${base}/v1`;
}

/** OpenAI chat content parts for a prompt with `<image>` placeholders. */
export function contentParts(
  prompt: string,
  images: readonly Uint8Array[],
  mode: 'parts' | 'inline' = 'parts',
): string | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[] {
  if (images.length === 0) return prompt;
  const segments = prompt.split(IMAGE_PLACEHOLDER);
  if (segments.length - 1 !== images.length) {
    throw new EvaluationError(
      'MODEL_ERROR',
      `the prompt has ${segments.length - 1} '${IMAGE_PLACEHOLDER}' placeholder(s) but ${images.length} image(s)`,
    );
  }
  const image = (bytes: Uint8Array) => ({
    type: 'image_url' as const,
    image_url: { url: imageDataUrl(bytes) },
  });
  if (mode === 'inline') return [{ type: 'text', text: prompt }, ...images.map(image)];
  const parts: ReturnType<typeof contentParts> = [];
  segments.forEach((segment, i) => {
    const text = i > 0 && segment.startsWith('\n') ? segment.slice(1) : segment;
    if (text !== '') parts.push({ type: 'text', text });
    if (i < images.length) parts.push(image(images[i] as Uint8Array));
  });
  return parts;
}

/** Longest error body quoted in a message. */
const MAX_QUOTED_BODY = 300;

/**
 * A model client for an OpenAI-compatible server (vLLM, the nvlm-ts server, ...).
 * @throws {EvaluationError} `BAD_RUN` when `url` is not an http(s) URL.
 */
export function openAIClient(options: OpenAIClientOptions): ModelClient {
  const base = apiBase(options.url);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`'concurrency' must be an integer >= 1, got ${String(options.concurrency)}`);
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    throw new RangeError(`'timeoutMs' must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  const fetchImpl = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let model: Promise<string> | undefined =
    options.model === undefined ? undefined : Promise.resolve(options.model);

  /** One HTTP exchange, with every failure mapped to a MODEL_ERROR; resolves to the parsed body. */
  async function call(path: string, init: RequestInit, signal: AbortSignal): Promise<unknown> {
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const combined = timeout ? AbortSignal.any([signal, timeout]) : signal;
    const where = `${init.method ?? 'GET'} ${base}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, { ...init, headers, signal: combined });
      text = await response.text();
    } catch (cause) {
      if (timeout?.aborted && !signal.aborted) {
        throw modelError(`${where}: timed out after ${(timeoutMs as number) / 1000} s`, {
          retryable: true,
          cause,
        });
      }
      if (signal.aborted) throw modelError(`${where}: aborted`, { retryable: true, cause: signal.reason });
      throw modelError(`${where}: ${describeNetworkError(cause)}`, { retryable: true, cause });
    }
    if (!response.ok) {
      const status = response.status;
      const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
      throw modelError(`${where}: HTTP ${status}: ${errorMessage(text)}`, {
        retryable,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
      });
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw modelError(`${where}: the response is not JSON: ${quote(text)}`, {
        retryable: false,
        status: response.status,
        cause,
      });
    }
  }

  async function modelName(signal: AbortSignal): Promise<string> {
    model ??= (async () => {
      const body = (await call('/models', { method: 'GET' }, signal)) as { data?: { id?: unknown }[] };
      const id = Array.isArray(body?.data) ? body.data[0]?.id : undefined;
      if (typeof id !== 'string') {
        throw modelError(`GET ${base}/models: no model id in the response; pass a model name`, {
          retryable: false,
        });
      }
      return id;
    })();
    try {
      return await model;
    } catch (error) {
      model = undefined; // ask again on the next request
      throw error;
    }
  }

  return {
    id: options.url,
    concurrency,
    async complete(request: CompletionRequest): Promise<CompletionResponse> {
      const name = await modelName(request.signal);
      const messages: unknown[] = [];
      if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
      messages.push({ role: 'user', content: contentParts(request.prompt, request.images, options.images) });
      const body = {
        model: name,
        messages,
        max_tokens: request.maxNewTokens,
        temperature: request.temperature,
        seed: request.seed,
        ...(request.stop && request.stop.length > 0 && { stop: request.stop }),
        stream: false,
      };
      const answer = (await call(
        '/chat/completions',
        { method: 'POST', body: JSON.stringify(body) },
        request.signal,
      )) as {
        choices?: { message?: { content?: unknown } }[];
        usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
      };
      const content = Array.isArray(answer?.choices) ? answer.choices[0]?.message?.content : undefined;
      if (content !== null && typeof content !== 'string') {
        throw modelError(`POST ${base}/chat/completions: no choices[0].message.content in the response`, {
          retryable: false,
          status: 200,
        });
      }
      const usage = answer.usage;
      return {
        text: content ?? '',
        ...(typeof usage?.prompt_tokens === 'number' && { promptTokens: usage.prompt_tokens }),
        ...(typeof usage?.completion_tokens === 'number' && { completionTokens: usage.completion_tokens }),
      };
    },
  };
}

/** The OpenAI error body's `error.message`, else the body text, shortened. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof message === 'string') return quote(message);
  } catch {
    // not JSON: quote the text
  }
  return quote(text);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_BODY ? `${flat.slice(0, MAX_QUOTED_BODY)}...` : flat || '(empty body)';
}

/** `fetch failed` says little; undici puts the reason (ECONNREFUSED, ...) in `cause`. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  if (typeof cause?.message === 'string') return `connection failed (${cause.message})`;
  return error instanceof Error ? error.message : String(error);
}
