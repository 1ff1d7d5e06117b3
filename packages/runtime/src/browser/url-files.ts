/**
 * A model directory served over HTTP(S), as the browser entry reads it. Every file is downloaded
 * once with per-file progress (the body is streamed and its bytes counted against
 * `content-length`) and stored in the Cache API, keyed by URL, so a reload reads the files from
 * disk instead of the network; onnxruntime-web is handed bytes (model + `externalData`), never URLs.
 *
 * Freshness: nvlm.json is always requested from the network (HTTP `no-cache`). When its text differs
 * from the cached copy, every cached file under the model's base URL is dropped and downloaded
 * again; when the request fails and a cached copy exists, the cached model is used (offline).
 * After transformers.js `src/utils/hub.js` (Cache API + progress callbacks), with onnxruntime-web's
 * `externalData` session option.
 */
import { RuntimeError } from '../errors.js';
import type { ModelFiles } from '../model-files.js';

/** One progress event of a model file. */
export interface ModelLoadProgress {
  /** File name relative to the model's base URL, e.g. `'decoder_model_merged.onnx.data'`. */
  readonly file: string;
  /** The file's absolute URL (the cache key). */
  readonly url: string;
  /** Bytes received so far. */
  readonly loaded: number;
  /** The file size from `content-length`; undefined when the server does not send it (or compresses). */
  readonly total: number | undefined;
  /** True when the file came from the Cache API (no download); one event with `done: true` then. */
  readonly fromCache: boolean;
  /** True on the last event of a file. */
  readonly done: boolean;
}

/** Options of `urlFiles` (and of `loadPipelineFromUrl`). */
export interface UrlFilesOptions {
  /** Called as each file downloads: once at the start, per received chunk, and once when done. */
  onProgress?: (progress: ModelLoadProgress) => void;
  /**
   * Keep downloaded files in the Cache API: `true` (default) uses the cache `'nvlm-ts-models'`, a
   * string names another cache, `false` keeps nothing (each load downloads again). Without the
   * Cache API (insecure origins, some private modes) files are downloaded on every load.
   */
  cache?: boolean | string;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
  /** Aborts the downloads; loading then rejects with `RuntimeError('ABORTED')`. */
  signal?: AbortSignal;
}

/** The Cache API cache used when `cache` is `true`. */
export const DEFAULT_MODEL_CACHE = 'nvlm-ts-models';

/** `ModelFiles` over HTTP, with downloads ahead of session creation. */
export interface UrlModelFiles extends ModelFiles {
  /**
   * Downloads (or finds in the cache) each named file, reporting progress. Files named in
   * `optional` may be absent (HTTP 404) without an error.
   */
  prefetch(names: readonly string[], optional?: readonly string[]): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** The body size a response announces, when it is the size of the bytes we will read. */
function announcedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** Opens a Cache API cache, or undefined when caching is off or unavailable. */
async function openCache(option: boolean | string | undefined): Promise<Cache | undefined> {
  if (option === false) return undefined;
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(typeof option === 'string' ? option : DEFAULT_MODEL_CACHE);
  } catch {
    return undefined; // e.g. a SecurityError in an opaque origin: download without caching
  }
}

/**
 * Removes every cached file of the model at `base` (or, without `base`, the whole cache). Resolves
 * to the number of files removed.
 */
export async function clearModelCache(base?: string | URL, cacheName = DEFAULT_MODEL_CACHE): Promise<number> {
  if (typeof caches === 'undefined') return 0;
  if (base === undefined) {
    const existed = await caches.has(cacheName);
    if (existed) await caches.delete(cacheName);
    return existed ? 1 : 0;
  }
  const cache = await caches.open(cacheName);
  return dropUnder(cache, baseUrl(base).href);
}

async function dropUnder(cache: Cache, prefix: string): Promise<number> {
  let removed = 0;
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix) && (await cache.delete(request))) removed++;
  }
  return removed;
}

function baseUrl(base: string | URL): URL {
  const text = String(base);
  try {
    return new URL(text.endsWith('/') ? text : `${text}/`, globalThis.location?.href);
  } catch (error) {
    throw new TypeError(
      `'base' must be a URL (absolute, or relative to the page), got ${JSON.stringify(text)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * A model directory served at `base`. Files are downloaded with progress and kept in the Cache API
 * (see `UrlFilesOptions`); `session()` hands onnxruntime-web the bytes of a graph and of its
 * external data files (listed under `external_data` in nvlm.json).
 */
export function urlFiles(base: string | URL, options: UrlFilesOptions = {}): UrlModelFiles {
  const root = baseUrl(base);
  const option = options.cache;
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'string' || option === '')) {
    throw new TypeError(`'cache' must be a boolean or a non-empty cache name, got ${JSON.stringify(option)}`);
  }
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { signal, onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`'onProgress' must be a function, got ${typeof onProgress}`);
  }
  const cacheReady = openCache(options.cache);
  /** Bytes of downloaded files that could not go into the cache; taken (and dropped) by `session()`. */
  const memory = new Map<string, Uint8Array>();
  const prefetching = new Map<string, Promise<void>>();
  let manifest: Promise<string> | undefined;

  const urlOf = (name: string) => new URL(name, root).href;
  /** Calls `onProgress`; like an event listener's, its exception is reported, not thrown into the download. */
  const report = (progress: ModelLoadProgress) => {
    try {
      onProgress?.(progress);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  async function request(name: string, init?: RequestInit): Promise<Response>;
  async function request(name: string, init: RequestInit, allowMissing: true): Promise<Response | undefined>;
  async function request(
    name: string,
    init?: RequestInit,
    allowMissing = false,
  ): Promise<Response | undefined> {
    const url = urlOf(name);
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, ...(signal && { signal }) });
    } catch (error) {
      if (isAbort(error, signal))
        throw new RuntimeError('ABORTED', `loading ${url} was aborted`, { cause: error });
      throw new RuntimeError('BAD_MODEL', `cannot fetch ${url}: ${messageOf(error)}`, { cause: error });
    }
    if (allowMissing && response.status === 404) return undefined;
    if (!response.ok) {
      throw new RuntimeError(
        'BAD_MODEL',
        `cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      );
    }
    return response;
  }

  /**
   * The body of `response` as a stream that reports progress as its reader takes the bytes. A failed
   * or short download errors the stream and is kept as `failure` (a cache write that fails for
   * its own reasons, such as the quota, leaves `failure` unset).
   */
  function counted(
    name: string,
    response: Response,
  ): { stream: ReadableStream<Uint8Array>; failure(): RuntimeError | undefined } {
    const url = urlOf(name);
    const total = announcedLength(response);
    let loaded = 0;
    let failure: RuntimeError | undefined;
    report({ file: name, url, loaded, total, fromCache: false, done: false });
    const reader = (response.body ?? new Response(new Uint8Array(0)).body!).getReader();
    const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: RuntimeError) => {
      failure = error;
      controller.error(error);
    };
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (error) {
          fail(
            controller,
            isAbort(error, signal)
              ? new RuntimeError('ABORTED', `loading ${url} was aborted`, { cause: error })
              : new RuntimeError(
                  'BAD_MODEL',
                  `downloading ${url} failed after ${loaded} bytes: ${messageOf(error)}`,
                  {
                    cause: error,
                  },
                ),
          );
          return;
        }
        if (step.done) {
          if (total !== undefined && loaded !== total) {
            fail(
              controller,
              new RuntimeError('BAD_MODEL', `${url}: the download ended after ${loaded} of ${total} bytes`),
            );
            return;
          }
          report({ file: name, url, loaded, total: total ?? loaded, fromCache: false, done: true });
          controller.close();
          return;
        }
        loaded += step.value.byteLength;
        report({ file: name, url, loaded, total, fromCache: false, done: false });
        controller.enqueue(step.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return { stream, failure: () => failure };
  }

  /** Downloads `response`'s body into memory, with progress. */
  async function readAll(name: string, response: Response): Promise<Uint8Array> {
    const body = counted(name, response);
    try {
      return new Uint8Array(await new Response(body.stream).arrayBuffer());
    } catch (error) {
      throw (
        body.failure() ??
        new RuntimeError('BAD_MODEL', `cannot read ${urlOf(name)}: ${messageOf(error)}`, { cause: error })
      );
    }
  }

  /** Downloads one file into the cache, or into memory when caching is off or the cache refuses it. */
  async function download(name: string, optional: boolean): Promise<void> {
    const response = await request(name, {}, true);
    if (!response) {
      if (optional) return;
      throw new RuntimeError(
        'BAD_MODEL',
        `cannot fetch ${urlOf(name)}: HTTP 404 (the model needs this file)`,
      );
    }
    const cache = await cacheReady;
    if (!cache) {
      memory.set(name, await readAll(name, response));
      return;
    }
    const body = counted(name, response);
    try {
      await cache.put(
        urlOf(name),
        new Response(body.stream, { status: 200, headers: new Headers(response.headers) }),
      );
    } catch {
      await cache.delete(urlOf(name)).catch(() => false);
      const failure = body.failure();
      if (failure) throw failure;
      // The cache refused the file (quota, storage off): it is downloaded again, into memory, when needed.
    }
  }

  async function fromCache(name: string): Promise<Response | undefined> {
    const cache = await cacheReady;
    return cache ? cache.match(urlOf(name)) : undefined;
  }

  /** Bytes of a file: from memory (dropped there unless `keep`), the cache, or a fresh download. */
  async function bytesOf(name: string, keep = false): Promise<Uint8Array> {
    const held = memory.get(name);
    if (held) {
      if (!keep) memory.delete(name);
      return held;
    }
    const cached = await fromCache(name);
    if (cached) return new Uint8Array(await cached.arrayBuffer());
    return readAll(name, await request(name));
  }

  /** nvlm.json from the network, compared with the cached copy (see the module comment). */
  function readManifest(): Promise<string> {
    manifest ??= (async () => {
      const name = 'nvlm.json';
      const cache = await cacheReady;
      const cachedText = await (await fromCache(name))?.text();
      let fresh: string;
      try {
        const response = await request(name, { cache: 'no-cache' });
        fresh = new TextDecoder().decode(await readAll(name, response));
      } catch (error) {
        if (cachedText === undefined || (error instanceof RuntimeError && error.code === 'ABORTED'))
          throw error;
        report({
          file: name,
          url: urlOf(name),
          loaded: cachedText.length,
          total: cachedText.length,
          fromCache: true,
          done: true,
        });
        return cachedText; // offline: the cached model
      }
      if (cache && cachedText !== fresh) {
        await dropUnder(cache, root.href); // a new model (or the first load): nothing cached is valid
        await cache
          .put(urlOf(name), new Response(fresh, { headers: { 'content-type': 'application/json' } }))
          .catch(() => undefined);
      }
      return fresh;
    })();
    manifest.catch(() => {
      manifest = undefined;
    });
    return manifest;
  }

  async function prefetchOne(name: string, optional: boolean): Promise<void> {
    if (memory.has(name)) return;
    const cached = await fromCache(name);
    if (cached) {
      const size = announcedLength(cached) ?? (await cached.blob()).size;
      report({ file: name, url: urlOf(name), loaded: size, total: size, fromCache: true, done: true });
      return;
    }
    await download(name, optional);
  }

  const files: UrlModelFiles = {
    location: root.href.slice(0, -1), // like a directory path: the pipeline writes `${location}/${file}`
    async readText(name) {
      if (name === 'nvlm.json') return readManifest();
      return new TextDecoder().decode(await bytesOf(name, true));
    },
    async has(name) {
      if (memory.has(name) || (await fromCache(name))) return true;
      const response = await fetchImpl(urlOf(name), { method: 'HEAD', ...(signal && { signal }) }).catch(
        () => undefined,
      );
      return response?.ok ?? false;
    },
    async session(name) {
      const external =
        (JSON.parse(await readManifest()) as { external_data?: Record<string, string[]> }).external_data?.[
          name
        ] ?? [];
      const [model, ...data] = await Promise.all([name, ...external].map((file) => bytesOf(file)));
      return {
        model: model!,
        externalData: external.map((path, i) => ({ path, data: data[i]! })),
      };
    },
    async prefetch(names, optional = []) {
      await readManifest();
      await Promise.all(
        [...new Set([...names, ...optional])].map((name) => {
          let pending = prefetching.get(name);
          if (!pending) {
            pending = prefetchOne(name, optional.includes(name) && !names.includes(name));
            prefetching.set(name, pending);
            pending.catch(() => prefetching.delete(name));
          }
          return pending;
        }),
      );
    },
  };
  return files;
}
