/**
 * `urlFiles` against an in-memory HTTP server (a `fetch` stand-in) and an in-memory Cache API:
 * progress, bytes handed to onnxruntime-web, cache reuse, nvlm.json freshness, offline use, and
 * the errors of missing, short and aborted downloads. Chromium runs the real thing in
 * browser.node.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { clearModelCache, type ModelLoadProgress, urlFiles } from './url-files.js';

const BASE = 'https://models.example/tiny/';

/** A served file; `short` announces more bytes than it sends. */
interface Served {
  body: Uint8Array;
  short?: boolean;
}

let site: Map<string, Served>;
let log: string[];
let offline: boolean;

const manifest = (extra = '') =>
  JSON.stringify({ format: 'nvlm-ts', external_data: { 'a.onnx': ['a.onnx.data'] }, extra });

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) % 251);
}

const fakeFetch: typeof fetch = async (input, init) => {
  const url = String(input);
  log.push(`${init?.method ?? 'GET'} ${url.replace(BASE, '')}`);
  if (init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
  if (offline) throw new TypeError('Failed to fetch');
  const file = site.get(url);
  if (!file) return new Response(null, { status: 404, statusText: 'Not Found' });
  const headers = { 'content-length': String(file.body.length + (file.short ? 10 : 0)) };
  if (init?.method === 'HEAD') return new Response(null, { headers });
  // Several chunks, so progress has steps.
  const chunks = [file.body.subarray(0, 1000), file.body.subarray(1000)];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else if (next.length > 0) controller.enqueue(next);
    },
  });
  return new Response(stream, { headers });
};

/** The Cache API, in memory (a Map per cache name, keyed by URL). */
class MemoryCache {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  /** Refuse writes like a full quota. */
  full = false;
  async match(url: string) {
    const hit = this.entries.get(String(url));
    return hit ? new Response(hit.body.slice(0), { headers: hit.headers }) : undefined;
  }
  async put(url: string, response: Response) {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const body = await response.arrayBuffer();
    this.entries.set(String(url), { body, headers: response.headers });
  }
  async delete(request: string | Request) {
    return this.entries.delete(typeof request === 'string' ? request : request.url);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}
const stores = new Map<string, MemoryCache>();
const fakeCaches = {
  async open(name: string) {
    if (!stores.has(name)) stores.set(name, new MemoryCache());
    return stores.get(name)!;
  },
  async has(name: string) {
    return stores.has(name);
  },
  async delete(name: string) {
    return stores.delete(name);
  },
};

beforeEach(() => {
  site = new Map([
    [`${BASE}nvlm.json`, { body: new TextEncoder().encode(manifest()) }],
    [`${BASE}a.onnx`, { body: bytes(1500, 1) }],
    [`${BASE}a.onnx.data`, { body: bytes(4096, 2) }],
    [`${BASE}tokenizer.json`, { body: new TextEncoder().encode('{"model":{}}') }],
  ]);
  log = [];
  offline = false;
  stores.clear();
  (globalThis as { caches?: unknown }).caches = fakeCaches;
});

afterEach(() => {
  delete (globalThis as { caches?: unknown }).caches;
});

function open(options: Parameters<typeof urlFiles>[1] = {}) {
  const events: ModelLoadProgress[] = [];
  const files = urlFiles(BASE, { fetch: fakeFetch, onProgress: (e) => events.push(e), ...options });
  return { files, events };
}

describe('urlFiles', () => {
  it('downloads with progress and hands onnxruntime-web the graph and its external data as bytes', async () => {
    const { files, events } = open();
    await files.prefetch(['a.onnx', 'a.onnx.data']);
    const data = events.filter((e) => e.file === 'a.onnx.data');
    expect(data.map((e) => e.loaded)).toEqual([0, 1000, 4096, 4096]);
    expect(data.every((e) => e.total === 4096 && !e.fromCache)).toBe(true);
    expect(data.map((e) => e.done)).toEqual([false, false, false, true]);
    expect(data[0]!.url).toBe(`${BASE}a.onnx.data`);
    const session = await files.session('a.onnx');
    expect(session.model).toEqual(site.get(`${BASE}a.onnx`)!.body);
    expect(session.externalData).toEqual([
      { path: 'a.onnx.data', data: site.get(`${BASE}a.onnx.data`)!.body },
    ]);
    expect(log).toEqual(['GET nvlm.json', 'GET a.onnx', 'GET a.onnx.data']); // session() read the cache
    expect([...stores.get('nvlm-ts-models')!.entries.keys()].sort()).toEqual(
      [`${BASE}a.onnx`, `${BASE}a.onnx.data`, `${BASE}nvlm.json`].sort(),
    );
  });

  it('a second load takes every file but nvlm.json from the cache', async () => {
    await open().files.prefetch(['a.onnx', 'a.onnx.data', 'tokenizer.json']);
    log = [];
    const { files, events } = open();
    await files.prefetch(['a.onnx', 'a.onnx.data', 'tokenizer.json']);
    expect(await files.readText('tokenizer.json')).toBe('{"model":{}}');
    expect(await files.has('tokenizer.json')).toBe(true);
    await files.session('a.onnx');
    expect(log).toEqual(['GET nvlm.json']);
    expect(events.filter((e) => e.file !== 'nvlm.json')).toEqual([
      expect.objectContaining({ file: 'a.onnx', loaded: 1500, total: 1500, fromCache: true, done: true }),
      expect.objectContaining({
        file: 'a.onnx.data',
        loaded: 4096,
        total: 4096,
        fromCache: true,
        done: true,
      }),
      expect.objectContaining({ file: 'tokenizer.json', loaded: 12, total: 12, fromCache: true, done: true }),
    ]);
  });

  it('a changed nvlm.json drops the files cached under the base URL, and only those', async () => {
    await open().files.prefetch(['a.onnx', 'a.onnx.data']);
    const other = await fakeCaches.open('nvlm-ts-models');
    await other.put('https://models.example/other/x.onnx', new Response('x'));
    site.set(`${BASE}nvlm.json`, { body: new TextEncoder().encode(manifest('v2')) });
    site.set(`${BASE}a.onnx.data`, { body: bytes(4096, 3) });
    log = [];
    const { files } = open();
    await files.prefetch(['a.onnx', 'a.onnx.data']);
    expect(log).toEqual(['GET nvlm.json', 'GET a.onnx', 'GET a.onnx.data']);
    expect((await files.session('a.onnx')).externalData![0]!.data).toEqual(bytes(4096, 3));
    expect(await other.match('https://models.example/other/x.onnx')).toBeDefined();
  });

  it('offline, the cached model is used; without one the error names the URL', async () => {
    await open().files.prefetch(['a.onnx', 'a.onnx.data']);
    offline = true;
    const { files } = open();
    await files.prefetch(['a.onnx', 'a.onnx.data']);
    expect((await files.session('a.onnx')).model).toEqual(site.get(`${BASE}a.onnx`)!.body);
    stores.clear();
    const fresh = open().files;
    await expect(fresh.readText('nvlm.json')).rejects.toThrow(
      new RuntimeError('BAD_MODEL', `cannot fetch ${BASE}nvlm.json: Failed to fetch`),
    );
  });

  it('a missing file is BAD_MODEL naming its URL, unless it is optional', async () => {
    const { files } = open();
    await expect(files.prefetch(['a.onnx', 'b.onnx'])).rejects.toMatchObject({
      name: 'RuntimeError',
      code: 'BAD_MODEL',
      message: `cannot fetch ${BASE}b.onnx: HTTP 404 (the model needs this file)`,
    });
    await expect(files.prefetch(['a.onnx'], ['generation_config.json'])).resolves.toBeUndefined();
    expect(await files.has('generation_config.json')).toBe(false);
  });

  it('a short download is BAD_MODEL and nothing of it is cached', async () => {
    site.set(`${BASE}a.onnx.data`, { body: bytes(4096, 2), short: true });
    const { files } = open();
    await expect(files.prefetch(['a.onnx.data'])).rejects.toMatchObject({
      code: 'BAD_MODEL',
      message: `${BASE}a.onnx.data: the download ended after 4096 of 4106 bytes`,
    });
    expect(stores.get('nvlm-ts-models')!.entries.has(`${BASE}a.onnx.data`)).toBe(false);
  });

  it('a file the cache refuses is downloaded again when its session is created', async () => {
    (await fakeCaches.open('nvlm-ts-models')).full = true;
    const { files } = open();
    await files.prefetch(['a.onnx', 'a.onnx.data']);
    const session = await files.session('a.onnx');
    expect(session.model).toEqual(site.get(`${BASE}a.onnx`)!.body);
    expect(session.externalData![0]!.data).toEqual(site.get(`${BASE}a.onnx.data`)!.body);
    expect(log.filter((line) => line === 'GET a.onnx')).toHaveLength(2);
  });

  it('cache: false keeps the downloads in memory until session() takes them', async () => {
    const { files } = open({ cache: false });
    await files.prefetch(['a.onnx', 'a.onnx.data']);
    expect(stores.size).toBe(0);
    const session = await files.session('a.onnx');
    expect(session.externalData![0]!.data).toEqual(site.get(`${BASE}a.onnx.data`)!.body);
    expect(log).toEqual(['GET nvlm.json', 'GET a.onnx', 'GET a.onnx.data']);
  });

  it('a named cache, an abort, and bad options', async () => {
    await open({ cache: 'mine' }).files.prefetch(['a.onnx']);
    expect([...stores.keys()]).toEqual(['mine']);
    expect(await clearModelCache(BASE, 'mine')).toBe(2);
    const controller = new AbortController();
    controller.abort();
    await expect(open({ signal: controller.signal }).files.readText('nvlm.json')).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(() => urlFiles(BASE, { cache: '' as never })).toThrow(TypeError);
    expect(() => urlFiles('http://[bad', {})).toThrow(/'base' must be a URL/);
  });
});
