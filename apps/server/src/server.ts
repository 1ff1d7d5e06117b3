/**
 * `createServer`: the OpenAI-compatible HTTP server over one loaded `NvlmPipeline`, on Fastify
 * (https://fastify.dev): routes, bearer auth, body limit, OpenAI error bodies for every failure,
 * request metrics and graceful shutdown. `app.close()` stops accepting requests, refuses the queue
 * with 503, lets running generations finish until `shutdownTimeoutMs`, then aborts the rest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiError, toApiError } from './errors.js';
import { Metrics } from './metrics.js';
import type { RemoteImagePolicy } from './remote-image.js';
import {
  type InFlight,
  registerChatCompletions,
  type ServedPipeline,
  SHUTDOWN,
} from './routes/chat-completions.js';
import { registerModelFiles, registerStaticFiles } from './routes/static-files.js';
import { Scheduler } from './scheduler.js';
import { MAX_TOKENS_LIMIT } from './schema.js';

/** Options of `createServer`. Every limit has a default a public deployment can live with. */
export interface ServerOptions {
  /** The loaded model (`loadPipeline(dir, { concurrency })`, with `concurrency` >= this server's). */
  pipeline: ServedPipeline;
  /** The model name clients send and /v1/models lists. */
  modelId: string;
  /** Where the model was loaded from (shown on the home page). */
  modelLocation?: string;
  /** The model has random weights (the default tiny model); the home page says so. */
  randomWeights?: boolean;
  /** Generations at once (default 1; give the pipeline the same `concurrency`). */
  concurrency?: number;
  /** Requests waiting for a slot before new ones get 429 (default 64). */
  maxQueue?: number;
  /** Bearer token required on /v1/* (default: none, open). */
  apiKey?: string;
  /** Largest request body, bytes (default 32 MiB: a few base64 images). */
  bodyLimitBytes?: number;
  /** Images per request (default 8). */
  maxImages?: number;
  /** Largest image width x height, from its header (default 36 MP, 6000 x 6000). */
  maxImagePixels?: number;
  /** `max_tokens` when the request gives none (default 512, or `maxTokensLimit` if lower). */
  defaultMaxTokens?: number;
  /** Largest `max_tokens` a request may ask for (default 1000000; the context length also caps it). */
  maxTokensLimit?: number;
  /** Fetch http(s) `image_url`s under this policy (default: refused; data: URLs only). */
  remoteImages?: RemoteImagePolicy;
  /** Serve this directory at `/` (the browser demo); default a page describing the API. */
  staticDir?: string;
  /**
   * Serve this model directory's files read-only at `/model/<file>` (default: not served), so the
   * browser demo at `/` can run the same model in the page. `pnpm start` turns it on with the demo.
   */
  modelFilesDir?: string;
  /** How long running generations may finish after `close()` before they are aborted, ms (default 10000). */
  shutdownTimeoutMs?: number;
  /**
   * Origins allowed to call the API from a browser (CORS): exact origins such as
   * `https://app.example.com`, or `*` for any. Default none (same-origin only, e.g. the demo at `/`).
   */
  corsOrigins?: readonly string[];
  /** Fastify's logger option (default off). */
  logger?: FastifyServerOptions['logger'];
}

/** Run-time state, exposed for the CLI, tests and benchmarks as `app.nvlm`. */
export interface ServerState {
  /** Generation slots and the queue (`running`, `waiting`). */
  readonly scheduler: Scheduler;
  /** The counters and histograms behind /metrics. */
  readonly metrics: Metrics;
  /** The served model name. */
  readonly modelId: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    nvlm: ServerState;
  }
}

const DEFAULTS = {
  concurrency: 1,
  maxQueue: 64,
  bodyLimitBytes: 32 * 2 ** 20,
  maxImages: 8,
  maxImagePixels: 36_000_000, // 6000 x 6000
  defaultMaxTokens: 512,
  shutdownTimeoutMs: 10_000,
} as const;

/** Time to receive a whole request (headers and body; responses and streams are not limited). */
const REQUEST_TIMEOUT_MS = 120_000;

function checkInt(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`'${name}' must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Builds the server (not listening yet: call `app.listen({ host, port })`). */
export function createServer(options: ServerOptions): FastifyInstance {
  if (!options?.pipeline || typeof options.pipeline.generate !== 'function') {
    throw new TypeError(`'pipeline' must be a loaded pipeline (loadPipeline from @nvlm-ts/runtime)`);
  }
  if (typeof options.modelId !== 'string' || options.modelId === '') {
    throw new TypeError(`'modelId' must be a non-empty string`);
  }
  const concurrency = checkInt('concurrency', options.concurrency ?? DEFAULTS.concurrency, 1);
  const maxQueue = checkInt('maxQueue', options.maxQueue ?? DEFAULTS.maxQueue, 0);
  const bodyLimit = checkInt('bodyLimitBytes', options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes, 1024);
  const maxImages = checkInt('maxImages', options.maxImages ?? DEFAULTS.maxImages, 0);
  const maxPixels = checkInt('maxImagePixels', options.maxImagePixels ?? DEFAULTS.maxImagePixels, 1);
  const maxTokensLimit = checkInt('maxTokensLimit', options.maxTokensLimit ?? MAX_TOKENS_LIMIT, 1);
  const defaultMaxTokens = Math.min(
    maxTokensLimit,
    checkInt('defaultMaxTokens', options.defaultMaxTokens ?? DEFAULTS.defaultMaxTokens, 1),
  );
  const shutdownTimeoutMs = checkInt(
    'shutdownTimeoutMs',
    options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs,
    0,
  );
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) {
    throw new TypeError(`'apiKey' must be a non-empty string when given`);
  }
  if (options.remoteImages && !Array.isArray(options.remoteImages.allowHosts)) {
    throw new TypeError(`'remoteImages.allowHosts' must be an array of host names`);
  }

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    return503OnClosing: false, // draining is answered below, with an OpenAI error body
    forceCloseConnections: 'idle',
    requestTimeout: REQUEST_TIMEOUT_MS, // a slow upload cannot hold a connection forever
  });
  const scheduler = new Scheduler(concurrency, maxQueue);
  const metrics = new Metrics({ running: () => scheduler.running, waiting: () => scheduler.waiting });
  const inFlight = new Set<InFlight>();
  let draining = false;
  app.decorate('nvlm', { scheduler, metrics, modelId: options.modelId });

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    reply.raw.once('close', () => {
      // A client that left before any response was sent: nginx's 499 "client closed request".
      metrics.request(route, reply.raw.headersSent ? reply.raw.statusCode : 499);
    });
    if (draining) throw new ApiError(503, 'server_shutting_down', 'the server is shutting down', null);
  });

  const cors = options.corsOrigins ?? [];
  if (cors.length > 0) {
    const any = cors.includes('*');
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !(any || cors.includes(origin))) return;
      // On the raw response, so that streamed (hijacked) replies carry them too.
      reply.raw.setHeader('access-control-allow-origin', any ? '*' : origin);
      if (!any) reply.raw.setHeader('vary', 'Origin');
    });
    app.options('/v1/*', async (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send(),
    );
  }

  if (options.apiKey !== undefined) {
    const expected = createHash('sha256').update(options.apiKey).digest();
    app.addHook('onRequest', async (request) => {
      // The matched route, not the raw URL: percent-encoded paths must not slip past the check.
      if (!request.routeOptions.url?.startsWith('/v1/') || request.method === 'OPTIONS') return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      const given = createHash('sha256')
        .update(match?.[1]?.trim() ?? '')
        .digest();
      if (!match || !timingSafeEqual(given, expected)) {
        throw new ApiError(
          401,
          'invalid_api_key',
          match ? 'incorrect API key provided' : 'missing bearer token (Authorization: Bearer <key>)',
          null,
        );
      }
    });
  }

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500 && apiError.code === 'internal_error')
      request.log.error({ err: error }, 'request failed');
    if (apiError.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(apiError.retryAfterSeconds));
    if (apiError.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(apiError.status).type('application/json; charset=utf-8').send(apiError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      404,
      'not_found',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
      null,
    );
    return reply.code(404).send(error.toJSON());
  });

  registerChatCompletions(app, {
    pipeline: options.pipeline,
    modelId: options.modelId,
    scheduler,
    metrics,
    images: { maxPixels, remote: options.remoteImages },
    maxImages,
    defaultMaxTokens,
    maxTokensLimit,
    inFlight,
  });

  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [{ id: options.modelId, object: 'model', created, owned_by: 'nvlm-ts' }],
  }));
  // A wildcard: served names may hold slashes (`nvidia/NVLM-D-72B`).
  app.get('/v1/models/*', async (request) => {
    const model = (request.params as { '*': string })['*'];
    if (model !== options.modelId)
      throw new ApiError(404, 'model_not_found', `the model '${model}' does not exist`, 'model');
    return { id: options.modelId, object: 'model', created, owned_by: 'nvlm-ts' };
  });
  app.get('/health', async () => ({
    status: 'ok',
    model: options.modelId,
    running: scheduler.running,
    waiting: scheduler.waiting,
  }));
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  if (options.modelFilesDir !== undefined) registerModelFiles(app, options.modelFilesDir);
  registerStaticFiles(app, options.staticDir, {
    modelId: options.modelId,
    modelLocation: options.modelLocation,
    randomWeights: options.randomWeights,
    auth: options.apiKey !== undefined,
  });

  app.addHook('preClose', async () => {
    draining = true;
    scheduler.drain();
    const settled = () => Promise.all([...inFlight].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), shutdownTimeoutMs);
    });
    const outcome = await Promise.race([settled().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const f of inFlight) f.controller.abort(SHUTDOWN);
      await settled(); // an aborted generation stops within one decode step
    }
  });
  return app;
}
