/**
 * `POST /v1/chat/completions`: OpenAI's chat completion, non-streaming and streaming
 * (server-sent `chat.completion.chunk` events ending in `data: [DONE]`,
 * https://platform.openai.com/docs/api-reference/chat-streaming), over one `NvlmPipeline`.
 *
 * Order of work: validate the body, check the model name, count and read the images (header and
 * pixel cap only), then wait for a generation slot (or 429), then generate. A streaming response
 * commits its 200 status only when the first token exists, so errors found while building the
 * prompt (context overflow, an image that fails to decode) still get their 4xx status.
 */
import { randomBytes } from 'node:crypto';
import type { GenerateRequest, GenerationResult, GenerationStream, Message } from '@nvlm-ts/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, toApiError } from '../errors.js';
import { type ImagePolicy, loadImageUrl } from '../images.js';
import type { Metrics } from '../metrics.js';
import type { Scheduler } from '../scheduler.js';
import { type ChatCompletionRequest, type ChatMessage, parseChatRequest } from '../schema.js';

/** The part of `NvlmPipeline` the server uses. */
export interface ServedPipeline {
  /** Starts one generation (`NvlmPipeline.generate`). */
  generate(request: GenerateRequest<Uint8Array>): GenerationStream;
}

/** A generation in flight, so shutdown can abort it. */
export interface InFlight {
  controller: AbortController;
  done: Promise<unknown>;
}

export interface ChatRouteContext {
  pipeline: ServedPipeline;
  modelId: string;
  scheduler: Scheduler;
  metrics: Metrics;
  images: ImagePolicy;
  maxImages: number;
  defaultMaxTokens: number;
  maxTokensLimit: number;
  inFlight: Set<InFlight>;
}

/** Why a generation was aborted. */
export const SHUTDOWN = Symbol('shutdown');
const CLIENT_GONE = Symbol('client disconnected');

export function registerChatCompletions(app: FastifyInstance, ctx: ChatRouteContext): void {
  app.post('/v1/chat/completions', (request, reply) => handle(ctx, request, reply));
}

async function handle(ctx: ChatRouteContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const arrival = performance.now();
  const body = parseChatRequest(request.body);
  if (body.model !== ctx.modelId) {
    throw new ApiError(
      404,
      'model_not_found',
      `the model '${body.model}' does not exist; this server serves '${ctx.modelId}' (GET /v1/models)`,
      'model',
    );
  }
  const requested = body.max_completion_tokens ?? body.max_tokens;
  if (requested != null && requested > ctx.maxTokensLimit) {
    const param = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    throw new ApiError(
      400,
      'invalid_request',
      `${param} must be at most ${ctx.maxTokensLimit}, got ${requested}`,
      param,
    );
  }
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  };
  res.once('close', onClose);
  try {
    const messages = await toRuntimeMessages(body.messages, ctx, controller.signal);
    const release = await ctx.scheduler.acquire(controller.signal);
    const start = performance.now();
    let stream: GenerationStream;
    try {
      stream = ctx.pipeline.generate({
        ...sampling(body, ctx.defaultMaxTokens),
        messages,
        signal: controller.signal,
      });
    } catch (error) {
      release();
      throw error;
    }
    const done = stream.result
      .then(
        (result) => record(ctx.metrics, result, arrival, start),
        () => undefined, // the failure reaches the client through `stream`
      )
      .catch(() => undefined);
    const entry: InFlight = { controller, done };
    ctx.inFlight.add(entry);
    void done.finally(() => {
      release();
      ctx.inFlight.delete(entry);
    });
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream) {
      await streamResponse(ctx, body, stream, reply, controller.signal, { id, created });
      return reply;
    }
    const result = await stream.result;
    if (result.finishReason === 'abort') return aborted(controller.signal, reply);
    return completionBody(ctx.modelId, id, created, result);
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason === CLIENT_GONE)
      return aborted(controller.signal, reply);
    throw error;
  } finally {
    res.off('close', onClose);
  }
}

/** Nobody to answer (client gone), or the server is shutting down (503). */
function aborted(signal: AbortSignal, reply: FastifyReply): FastifyReply {
  if (signal.reason === SHUTDOWN) {
    throw new ApiError(
      503,
      'server_shutting_down',
      'the server shut down before the answer was complete',
      null,
    );
  }
  reply.hijack(); // nothing to send: the client is gone
  return reply;
}

function record(metrics: Metrics, result: GenerationResult, arrival: number, start: number): void {
  if (result.finishReason === 'abort') {
    metrics.aborted();
    return;
  }
  metrics.generation({
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    cachedTokens: result.usage.cachedTokens,
    ttftSeconds: (start - arrival + result.timings.ttftMs) / 1000,
    latencySeconds: (performance.now() - arrival) / 1000,
    tiles: result.timings.tiles,
    tilesEncoded: result.timings.tilesEncoded,
  });
}

//#region request mapping

async function toRuntimeMessages(
  messages: readonly ChatMessage[],
  ctx: ChatRouteContext,
  signal: AbortSignal,
): Promise<Message<Uint8Array>[]> {
  const urls: { url: string; param: string }[] = [];
  messages.forEach((m, i) => {
    if (m.role !== 'user' || typeof m.content === 'string') return;
    m.content.forEach((part, j) => {
      if (part.type === 'image_url')
        urls.push({ url: part.image_url.url, param: `messages[${i}].content[${j}].image_url.url` });
    });
  });
  if (urls.length > ctx.maxImages) {
    throw new ApiError(
      400,
      'too_many_images',
      `the request has ${urls.length} images; this server accepts at most ${ctx.maxImages} per request`,
      'messages',
    );
  }
  const bytes = await Promise.all(urls.map(({ url, param }) => loadImageUrl(url, param, ctx.images, signal)));
  let next = 0;
  return messages.map((m): Message<Uint8Array> => {
    const role = m.role === 'developer' ? 'system' : (m.role as 'system' | 'user' | 'assistant');
    const content = 'content' in m ? m.content : '';
    if (content == null) return { role, content: '' };
    if (typeof content === 'string') return { role, content };
    return {
      role,
      content: content.map((part) =>
        part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image', image: bytes[next++]! },
      ),
    };
  });
}

/** OpenAI sampling fields -> runtime options (OpenAI defaults: temperature 1, top_p 1). */
function sampling(
  body: ChatCompletionRequest,
  defaultMaxTokens: number,
): Omit<GenerateRequest<Uint8Array>, 'messages'> {
  const stop = body.stop == null ? [] : [body.stop].flat().filter((s) => s !== '');
  const seed = body.seed == null ? undefined : ((body.seed % 2 ** 53) + 2 ** 53) % 2 ** 53;
  const topK = body.top_k == null || body.top_k < 0 ? 0 : body.top_k;
  return {
    maxNewTokens: body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    topK,
    ...(body.min_p != null && { minP: body.min_p }),
    ...(body.repetition_penalty != null && { repetitionPenalty: body.repetition_penalty }),
    ...(body.frequency_penalty != null && { frequencyPenalty: body.frequency_penalty }),
    ...(body.presence_penalty != null && { presencePenalty: body.presence_penalty }),
    ...(seed !== undefined && { seed }),
    ...(stop.length > 0 && { stop }),
  };
}

//#endregion

//#region responses

function usageBody(result: GenerationResult) {
  return {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.completionTokens,
    total_tokens: result.usage.totalTokens,
    prompt_tokens_details: { cached_tokens: result.usage.cachedTokens },
  };
}

function completionBody(model: string, id: string, created: number, result: GenerationResult) {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text, refusal: null },
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: usageBody(result),
  };
}

async function streamResponse(
  ctx: ChatRouteContext,
  body: ChatCompletionRequest,
  stream: GenerationStream,
  reply: FastifyReply,
  signal: AbortSignal,
  meta: { id: string; created: number },
): Promise<void> {
  const includeUsage = body.stream_options?.include_usage === true;
  const iterator = stream[Symbol.asyncIterator]();
  // Before the status is committed: a failure here is still an ordinary JSON error response.
  let next = await iterator.next();
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const base = `{"id":"${meta.id}","object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(ctx.modelId)},"system_fingerprint":null,"choices":`;
  const tail = includeUsage ? ',"usage":null}' : '}';
  let corked = false;
  const send = async (data: string) => {
    if (res.destroyed || res.writableEnded) return;
    if (!corked) {
      // Events produced in the same tick (a burst of tokens, the closing events) go out as one write.
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    if (!res.write(`data: ${data}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  const delta = (d: object, finish: string | null) =>
    `${base}[{"index":0,"delta":${JSON.stringify(d)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${tail}`;
  try {
    await send(delta({ role: 'assistant', content: '' }, null));
    while (!next.done) {
      if (next.value.text !== '') await send(delta({ content: next.value.text }, null));
      next = await iterator.next();
    }
    const result = await stream.result;
    if (result.finishReason === 'abort') {
      if (signal.reason === SHUTDOWN) {
        await send(
          JSON.stringify(new ApiError(503, 'server_shutting_down', 'the server shut down mid-answer', null)),
        );
        await send('[DONE]');
      }
    } else {
      await send(delta({}, result.finishReason));
      if (includeUsage) {
        await send(`${base}[],"usage":${JSON.stringify(usageBody(result))}}`);
      }
      await send('[DONE]');
    }
  } catch (error) {
    // The 200 is already sent: report the failure in-band, as vLLM does.
    await send(JSON.stringify(toApiError(error).toJSON()));
    await send('[DONE]');
  } finally {
    if (!res.writableEnded && !res.destroyed) res.end();
  }
}

//#endregion
