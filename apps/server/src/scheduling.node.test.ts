/**
 * Scheduling and serving behaviour on a live server: a client that disconnects frees its slot, a
 * full queue answers 429 with Retry-After, shutdown drains gracefully, plus body limits, metrics and
 * the pages at `/`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageInput, NvlmPipeline } from '@nvlm-ts/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTestPipeline,
  MODEL_ID,
  postChat,
  startServer,
  type TestServer,
  watchUnhandledRejections,
} from './testing/helpers.js';

let pipeline: NvlmPipeline<ImageInput>;
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  pipeline = await loadTestPipeline();
});

afterAll(async () => {
  await pipeline?.dispose();
  rejections.stop();
  expect(rejections.errors).toEqual([]);
});

const LONG = 20_000; // tokens: minutes of work for the tiny model, unless aborted

/** Starts a streaming request and resolves once its first token has arrived. */
async function startStream(url: string, maxTokens = LONG) {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Talk for a long time.' }],
      max_tokens: maxTokens,
      temperature: 0,
      stream: true,
    }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('"content":"') || text.split('data:').length < 3) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const rest = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  };
  return { controller, rest, abort: () => controller.abort() };
}

async function health(url: string): Promise<{ running: number; waiting: number }> {
  return (await fetch(`${url}/health`)).json() as Promise<{ running: number; waiting: number }>;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const short = { model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, temperature: 0 };

describe('scheduling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(pipeline, { concurrency: 1, maxQueue: 1 });
  });
  afterAll(() => server?.close());

  it('a client that disconnects mid-stream frees its slot for the next request at once', async () => {
    const first = await startStream(server.url);
    expect(await health(server.url)).toMatchObject({ running: 1 });
    first.abort();
    const freed = await until(
      () => health(server.url),
      (h) => h.running === 0,
    );
    expect(freed.running).toBe(0);
    const started = performance.now();
    const next = await postChat(server.url, short);
    expect(next.status).toBe(200);
    // The aborted request had ~20000 tokens to go (tens of seconds); the next one did not wait for it.
    expect(performance.now() - started).toBeLessThan(3_000);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^nvlm_generations_aborted_total 1$/m);
  });

  it('a non-streaming client that disconnects aborts its generation too', async () => {
    const controller = new AbortController();
    const pending = postChat(server.url, { ...short, max_tokens: LONG }, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(
      await until(
        () => health(server.url),
        (h) => h.running === 1,
      ),
    ).toMatchObject({ running: 1 });
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(
      await until(
        () => health(server.url),
        (h) => h.running === 0,
      ),
    ).toMatchObject({ running: 0 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^nvlm_generations_aborted_total 2$/m);
    expect(metrics).toMatch(/^nvlm_http_requests_total\{route="\/v1\/chat\/completions",status="499"\} 1$/m);
  });

  it('answers 429 with Retry-After when the slot and the queue are taken; a queued client can leave', async () => {
    const running = await startStream(server.url);
    const queuedController = new AbortController();
    const queued = postChat(
      server.url,
      { ...short, max_tokens: 1 },
      { signal: queuedController.signal },
    ).catch((e: unknown) => e);
    await until(
      () => health(server.url),
      (h) => h.waiting === 1,
    );
    const refused = await postChat(server.url, short);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((refused.json as { error: { code: string; type: string } }).error).toMatchObject({
      code: 'server_overloaded',
      type: 'rate_limit_error',
    });
    queuedController.abort();
    await queued;
    expect(
      await until(
        () => health(server.url),
        (h) => h.waiting === 0,
      ),
    ).toMatchObject({ waiting: 0, running: 1 });
    running.abort();
    expect(
      await until(
        () => health(server.url),
        (h) => h.running === 0,
      ),
    ).toMatchObject({ running: 0 });
  });
});

describe('shutdown', () => {
  it('lets a running stream finish within the deadline, then stops listening', async () => {
    const server = await startServer(pipeline, { shutdownTimeoutMs: 30_000 });
    const stream = await startStream(server.url, 40);
    const closed = server.close();
    const text = await stream.rest();
    await closed;
    expect(text).toContain('"finish_reason":"length"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('answers a non-streaming request still running at the deadline with 503', async () => {
    const server = await startServer(pipeline, { shutdownTimeoutMs: 100 });
    const pending = postChat(server.url, { ...short, max_tokens: LONG });
    await until(
      () => health(server.url),
      (h) => h.running === 1,
    );
    await server.close();
    const response = await pending;
    expect(response.status).toBe(503);
    expect((response.json as { error: { code: string } }).error.code).toBe('server_shutting_down');
  });

  it('aborts what is still running at the deadline and tells the client', async () => {
    const server = await startServer(pipeline, { shutdownTimeoutMs: 100 });
    const stream = await startStream(server.url);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    const text = await stream.rest();
    expect(text).toContain('"code":"server_shutting_down"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('limits, metrics and pages', () => {
  let server: TestServer;
  let site: string;
  beforeAll(async () => {
    site = await mkdtemp(join(tmpdir(), 'nvlm-site-'));
    await writeFile(join(site, 'index.html'), '<h1>demo</h1>');
    await writeFile(join(site, 'app.js'), 'export {};');
    server = await startServer(pipeline, { bodyLimitBytes: 4096, staticDir: site });
  });
  afterAll(async () => {
    await server?.close();
    await rm(site, { recursive: true, force: true });
  });

  it('answers an oversized body with 413 and an OpenAI error body', async () => {
    const response = await postChat(server.url, {
      ...short,
      messages: [{ role: 'user', content: 'x'.repeat(8000) }],
    });
    expect(response.status).toBe(413);
    expect((response.json as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('counts requests, tokens and latencies in /metrics', async () => {
    const answers = [
      await postChat(server.url, short),
      await postChat(server.url, { ...short, max_tokens: 1 }),
    ];
    await postChat(server.url, { ...short, temperature: 'hot' });
    const usage = answers.map(
      (a) => (a.json as { usage: { prompt_tokens: number; completion_tokens: number } }).usage,
    );
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (line: RegExp) => Number(line.exec(text)?.[1]);
    expect(value(/^nvlm_http_requests_total\{route="\/v1\/chat\/completions",status="200"\} (\d+)$/m)).toBe(
      2,
    );
    expect(value(/^nvlm_http_requests_total\{route="\/v1\/chat\/completions",status="400"\} (\d+)$/m)).toBe(
      1,
    );
    expect(value(/^nvlm_http_requests_total\{route="\/v1\/chat\/completions",status="413"\} (\d+)$/m)).toBe(
      1,
    );
    expect(value(/^nvlm_generation_tokens_total (\d+)$/m)).toBe(
      usage[0]!.completion_tokens + usage[1]!.completion_tokens,
    );
    expect(value(/^nvlm_prompt_tokens_total (\d+)$/m)).toBe(
      usage[0]!.prompt_tokens + usage[1]!.prompt_tokens,
    );
    expect(value(/^nvlm_time_to_first_token_seconds_count (\d+)$/m)).toBe(2);
    expect(value(/^nvlm_e2e_request_latency_seconds_bucket\{le="\+Inf"\} (\d+)$/m)).toBe(2);
    expect(text).toMatch(/^nvlm_num_requests_waiting 0$/m);
  });

  it('serves the static directory with isolation headers and refuses paths outside it', async () => {
    const index = await fetch(`${server.url}/`);
    expect(await index.text()).toBe('<h1>demo</h1>');
    expect(index.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const script = await fetch(`${server.url}/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/missing.js', '/%E0%A4%A']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
  });

  it('without a static directory, / describes the model and the API', async () => {
    const plain = await startServer(pipeline, { randomWeights: true });
    try {
      const page = await (await fetch(`${plain.url}/`)).text();
      expect(page).toContain(MODEL_ID);
      expect(page).toContain('random weights');
      expect(page).toContain('/v1/chat/completions');
      const missing = await fetch(`${plain.url}/nope`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    } finally {
      await plain.close();
    }
  });
});
