/**
 * The browser entry in headless Chromium (TOOLCHAIN.md: Debian's chromium driven by playwright-core,
 * WebGPU on SwiftShader): a tiny converted model served over loopback HTTP, loaded with
 * `loadPipelineFromUrl` on webgpu and on wasm, gives the greedy tokens of the onnxruntime-node cpu
 * pipeline; downloads report progress, a reload is served from the Cache API, a changed nvlm.json
 * drops the cached files, and a missing WebGPU falls back to wasm with the reason.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { convert, initTiny } from '@nvlm-ts/arch';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageCase, PageResult } from './browser/test-page.js';
import { loadPipeline } from './node.js';

const CHROMIUM = '/usr/bin/chromium';
const runHere = existsSync(CHROMIUM) || Boolean(process.env.CI);
const describeBrowser = runHere ? describe : describe.skip;
const title = runHere
  ? 'browser entry in headless Chromium'
  : `browser entry in headless Chromium (skipped: ${CHROMIUM} is absent; apt-get install -y chromium)`;

const here = dirname(fileURLToPath(import.meta.url));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web')); // its dist/ folder

/** A deterministic 64x64 RGB image: one 448 tile, no thumbnail. */
const IMAGE = (() => {
  const width = 64;
  const height = 64;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + ((i / 192) | 0) * 11) % 256;
  return { width, height, data };
})();

/** A minimal PNG (8-bit RGB, filter 0, zlib): lossless, so Chromium and sharp decode the same pixels. */
function encodePng(image: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, body.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(body, 8);
    view.setUint32(8 + body.length, crc(out.subarray(4, 8 + body.length)));
    return out;
  };
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, image.width);
  hv.setUint32(4, image.height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, filter 0, no interlace
  const stride = image.width * 3;
  const raw = new Uint8Array((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++)
    raw.set(image.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    png.set(p, offset);
    offset += p.length;
  }
  return png;
}

const REQUESTS = [
  { prompt: 'Tell me a story.', maxNewTokens: 4 },
  { prompt: 'What is in this picture?', maxNewTokens: 4, image: '/image.png' },
];

interface Expected {
  tokenIds: readonly number[];
  promptTokenIds: readonly number[];
  firstLogits: Float32Array;
}

describeBrowser(title, () => {
  let root: string;
  let modelDir: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let bundle: string;
  let png: Uint8Array;
  let expected: Expected[];
  /** GET/HEAD requests per model file name, since the server started. */
  const requests = new Map<string, number>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'nvlm-browser-'));
    await initTiny({ arch: 'nvlm-d', out: join(root, 'ckpt'), seed: 11 });
    modelDir = join(root, 'model');
    await convert(join(root, 'ckpt'), modelDir);
    png = encodePng(IMAGE);

    const built = await build({
      entryPoints: [join(here, 'browser/test-page.ts')],
      absWorkingDir: resolve(here, '..'),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // Workspace packages from src/; onnxruntime-web imports its wasm glue (.mjs) from `wasmPaths`.
      conditions: ['@nvlm-ts/source', 'browser', 'onnxruntime-web-use-extern-wasm'],
      logLevel: 'silent',
    });
    bundle = built.outputFiles[0]!.text;

    server = createServer((req, res) => {
      void serve(req.url ?? '/', req.method ?? 'GET', res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The reference: the onnxruntime-node cpu pipeline on the same files.
    const cpu = await loadPipeline(modelDir, { backends: ['cpu'], threads: 1 });
    try {
      expected = [];
      for (const request of REQUESTS) {
        let firstLogits: Float32Array = new Float32Array(0);
        const result = await cpu.complete({
          prompt: request.prompt,
          maxNewTokens: request.maxNewTokens,
          images: request.image ? [png] : [],
          onFirstLogits: (logits) => {
            firstLogits = logits;
          },
        });
        expected.push({ tokenIds: result.tokenIds, promptTokenIds: result.promptTokenIds, firstLogits });
      }
    } finally {
      await cpu.dispose();
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    });
    context = await browser.newContext(); // one profile: the Cache API outlives each page
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function serve(url: string, method: string, res: import('node:http').ServerResponse): Promise<void> {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    const path = new URL(url, 'http://x').pathname;
    let body: Uint8Array | string | undefined;
    let type = 'application/octet-stream';
    if (path === '/') {
      body =
        '<!doctype html><meta charset="utf-8"><title>nvlm-ts</title><script type="module" src="/bundle.js"></script>';
      type = 'text/html';
    } else if (path === '/bundle.js') {
      body = bundle;
      type = 'text/javascript';
    } else if (path === '/image.png') {
      body = png;
      type = 'image/png';
    } else if (path === '/favicon.ico') {
      res.statusCode = 204;
      res.end();
      return;
    } else if (path.startsWith('/ort/') && /^[\w.-]+$/.test(path.slice(5))) {
      body = await readFile(join(ortDist, path.slice(5))).catch(() => undefined);
      if (path.endsWith('.mjs')) type = 'text/javascript';
      if (path.endsWith('.wasm')) type = 'application/wasm';
    } else if (path.startsWith('/model/') && /^[\w.-]+$/.test(path.slice(7))) {
      const name = path.slice(7);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      body = await readFile(join(modelDir, name)).catch(() => undefined);
      if (name.endsWith('.json')) type = 'application/json';
    }
    if (body === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const bytes =
      typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', bytes.byteLength);
    res.end(method === 'HEAD' ? undefined : bytes);
  }

  /** Opens the harness page; console errors and uncaught exceptions of the page are collected. */
  async function openPage(
    options: { withoutWebGpu?: boolean } = {},
  ): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    if (options.withoutWebGpu) {
      await page.addInitScript('delete Navigator.prototype.gpu; delete navigator.gpu;');
    }
    await page.goto(`${origin}/`);
    await page.waitForFunction('globalThis.nvlmTest !== undefined');
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    return { page, errors };
  }

  function runCase(page: Page, c: Omit<PageCase, 'base'>): Promise<PageResult> {
    const full: PageCase = { base: `${origin}/model/`, ...c };
    return page.evaluate(`globalThis.nvlmTest.run(${JSON.stringify(full)})`) as Promise<PageResult>;
  }

  function expectSameAsCpu(result: PageResult): void {
    expect(result.results).toHaveLength(REQUESTS.length);
    result.results.forEach((got, i) => {
      const want = expected[i]!;
      expect(got.promptTokenIds).toEqual(want.promptTokenIds);
      expect(got.firstLogits).toHaveLength(want.firstLogits.length);
      let worst = 0;
      for (let j = 0; j < want.firstLogits.length; j++)
        worst = Math.max(worst, Math.abs(got.firstLogits[j]! - want.firstLogits[j]!));
      expect(worst).toBeLessThan(1e-3);
      expect(got.tokenIds).toEqual(want.tokenIds);
    });
  }

  /** Sizes of the files the browser needs: the model directory but config.json (nvlm.json says it all). */
  async function modelFiles(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (const name of await readdir(modelDir)) {
      if (name !== 'config.json') sizes.set(name, (await stat(join(modelDir, name))).size);
    }
    return sizes;
  }

  it('webgpu: downloads every file with progress and matches the cpu pipeline', async () => {
    const { page, errors } = await openPage();
    const before = new Map(requests);
    const result = await runCase(page, { backends: ['webgpu'], requests: REQUESTS });
    expect(result.backendInfo).toEqual({
      name: 'webgpu',
      executionProviders: ['webgpu'],
      fallbackReasons: [],
    });
    // The KV cache stayed in GPU buffers between steps, and the tokens still match the CPU pipeline.
    expect(result.kvCache).toBe('device');
    expectSameAsCpu(result);

    // Every file of the model directory was downloaded once, with progress up to its size.
    const sizes = await modelFiles();
    for (const [name, size] of sizes) {
      expect(requests.get(name) ?? 0, name).toBe((before.get(name) ?? 0) + 1);
      const events = result.progress.filter((e) => e.file === name);
      expect(events.length, name).toBeGreaterThanOrEqual(2);
      expect(events[0]).toMatchObject({ loaded: 0, total: size, fromCache: false, done: false });
      expect(events.at(-1)).toMatchObject({ loaded: size, total: size, fromCache: false, done: true });
      const loaded = events.map((e) => e.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    }
    expect(new Set(result.progress.map((e) => e.file))).toEqual(new Set(sizes.keys()));
    await page.close();
    expect(errors).toEqual([]);
  }, 240_000);

  it('a reload is served from the Cache API; without WebGPU it falls back to wasm and says why', async () => {
    const { page, errors } = await openPage({ withoutWebGpu: true });
    const before = new Map(requests);
    const result = await runCase(page, { requests: REQUESTS });
    expect(result.backendInfo.name).toBe('wasm');
    expect(result.backendInfo.fallbackReasons).toHaveLength(1);
    expect(result.backendInfo.fallbackReasons[0]).toMatch(/^\[webgpu\] WebGPU is not available/);
    expect(result.kvCache).toBe('concatenate');
    expectSameAsCpu(result);

    // Only nvlm.json went to the network (to notice a changed model); the rest came from the cache.
    for (const name of (await modelFiles()).keys()) {
      const fetched = (requests.get(name) ?? 0) - (before.get(name) ?? 0);
      expect(fetched, name).toBe(name === 'nvlm.json' ? 1 : 0);
      if (name !== 'nvlm.json') {
        expect(result.progress.filter((e) => e.file === name)).toEqual([
          expect.objectContaining({ fromCache: true, done: true }),
        ]);
      }
    }
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('a changed nvlm.json drops the cached files and downloads them again', async () => {
    const manifest = join(modelDir, 'nvlm.json');
    const original = await readFile(manifest, 'utf8');
    await writeFile(manifest, `${original.trimEnd()}\n\n`);
    try {
      const { page, errors } = await openPage();
      const before = new Map(requests);
      const result = await runCase(page, { backends: ['wasm'], requests: [] });
      for (const name of (await modelFiles()).keys()) {
        expect((requests.get(name) ?? 0) - (before.get(name) ?? 0), name).toBe(1);
      }
      expect(result.progress.every((e) => !e.fromCache)).toBe(true);
      await page.close();
      expect(errors).toEqual([]);
    } finally {
      await writeFile(manifest, original);
    }
  }, 120_000);
});
