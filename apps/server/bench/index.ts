/**
 * Server benchmark (`pnpm bench`): the tiny NVLM-D model on loopback.
 *
 * 1. Overhead: the same greedy request alternately in-process (`pipeline.complete`, the peer) and
 *    over HTTP (non-streaming and streaming); the server's added cost is the per-pair difference.
 *    Goal: <= 2 ms at p50.
 * 2. Load: 64 concurrent streaming clients, three waves; each must get a full answer or a 429,
 *    never a 5xx. Prints requests/s and p50/p99 time to first token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { convert, initTiny } from '@nvlm-ts/arch';
import { loadPipeline } from '@nvlm-ts/runtime';
import type { ServedPipeline } from '../src/routes/chat-completions.js';
import { createServer } from '../src/server.js';

const CLIENTS = 64;
const WAVES = 3;
const PAIRS = 60;
const CONCURRENCY = 2;
const MAX_QUEUE = 32;
const MODEL = 'bench-tiny';

/** The overhead client (plain JS, run with `eval` in a worker thread): one request per message. */
const CLIENT_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
parentPort.on('message', ({ id, url, payload }) => {
  const t = performance.now();
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
    res.on('data', () => {});
    res.on('end', () => parentPort.postMessage(res.statusCode === 200 ? { id, ms: performance.now() - t } : { id, error: 'HTTP ' + res.statusCode }));
  });
  req.on('error', (e) => parentPort.postMessage({ id, error: e.message }));
  req.end(payload);
});
`;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

const root = await mkdtemp(join(tmpdir(), 'nvlm-server-bench-'));
try {
  await initTiny({ arch: 'nvlm-d', out: join(root, 'checkpoint'), seed: 1 });
  await convert(join(root, 'checkpoint'), join(root, 'model'));
  const pipeline = await loadPipeline(join(root, 'model'), {
    backends: ['cpu'],
    concurrency: CONCURRENCY,
    threads: 1, // one onnxruntime thread per generation: two generations fill the two cores
  });
  // The pipeline as the server sees it, timed: generate() call to result, for the direct overhead.
  let generation = 0;
  const timed: ServedPipeline = {
    generate(request) {
      const t = performance.now();
      const stream = pipeline.generate(request);
      stream.result.then(
        () => {
          generation = performance.now() - t;
        },
        () => undefined,
      );
      return stream;
    },
  };
  const app = createServer({
    pipeline: timed,
    modelId: MODEL,
    concurrency: CONCURRENCY,
    maxQueue: MAX_QUEUE,
  });
  // Server-side time of each request: arrival (onRequest) to the last byte handed to the socket.
  let serverSide: number | undefined;
  app.addHook('onRequest', async (request, reply) => {
    const t = performance.now();
    reply.raw.once('finish', () => {
      serverSide = performance.now() - t;
    });
    void request;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/chat/completions`;

  const messages = [{ role: 'user' as const, content: 'Write a short poem about the sea.' }];
  const body = (stream: boolean, maxTokens: number) =>
    JSON.stringify({ model: MODEL, messages, max_tokens: maxTokens, temperature: 0, stream });
  const post = (payload: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });

  //#region overhead against in-process generation
  const inProcess = async () => {
    const t = performance.now();
    await pipeline.complete({ messages, maxNewTokens: 8, temperature: 0 });
    return performance.now() - t;
  };
  // The client runs in a worker thread with node:http keep-alive, as a separate program would:
  // its parsing does not run on the server's event loop.
  const client = new Worker(CLIENT_SOURCE, { eval: true });
  let nextId = 0;
  const pending = new Map<number, { resolve: (ms: number) => void; reject: (e: Error) => void }>();
  client.on('message', (m: { id: number; ms?: number; error?: string }) => {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.ms!);
  });
  const overHttp = (stream: boolean) =>
    new Promise<number>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      client.postMessage({ id, url, payload: body(stream, 8) });
    });
  for (let i = 0; i < 5; i++) await inProcess(); // warm-up
  await overHttp(false);
  await overHttp(true);
  const plainDiff: number[] = [];
  const streamDiff: number[] = [];
  const plainServer: number[] = [];
  const streamServer: number[] = [];
  const plainOwn: number[] = [];
  const streamOwn: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = await inProcess();
    const b = await overHttp(false);
    plainServer.push(serverSide! - a);
    plainOwn.push(serverSide! - generation);
    const c = await inProcess();
    const d = await overHttp(true);
    streamServer.push(serverSide! - c);
    streamOwn.push(serverSide! - generation);
    peer.push(a, c);
    plainDiff.push(b - a);
    streamDiff.push(d - c);
  }
  //#endregion

  //#region load
  let ok = 0;
  let refused = 0;
  let failed = 0;
  let incomplete = 0;
  const ttft: number[] = [];
  const started = performance.now();
  for (let wave = 0; wave < WAVES; wave++) {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const t = performance.now();
        const response = await post(body(true, 16));
        if (response.status === 429) {
          refused++;
          await response.text();
          return;
        }
        if (response.status !== 200) {
          failed++;
          await response.text();
          return;
        }
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        let first = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (!first && text.includes('"delta":{"content"')) {
            first = true;
            ttft.push(performance.now() - t);
          }
        }
        if (text.includes('"finish_reason":"') && text.trimEnd().endsWith('data: [DONE]')) ok++;
        else incomplete++;
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  //#endregion

  await client.terminate();
  await app.close();
  await pipeline.dispose();

  const peerP50 = quantile(peer, 0.5);
  console.log(`nvlm-ts server bench: tiny NVLM-D, loopback, concurrency ${CONCURRENCY}, queue ${MAX_QUEUE}`);
  console.log('');
  console.log(`overhead (${PAIRS} alternating pairs, 8 greedy tokens, peer = in-process pipeline.complete)`);
  console.log(`  in-process p50                  ${ms(peerP50)}`);
  console.log(
    `  HTTP non-streaming added p50    ${ms(quantile(plainDiff, 0.5))} (p90 ${ms(quantile(plainDiff, 0.9))}), ` +
      `${((peerP50 + quantile(plainDiff, 0.5)) / peerP50).toFixed(3)}x in-process   goal <= 2 ms`,
  );
  console.log(
    `  HTTP streaming added p50        ${ms(quantile(streamDiff, 0.5))} (p90 ${ms(quantile(streamDiff, 0.9))}), ` +
      `${((peerP50 + quantile(streamDiff, 0.5)) / peerP50).toFixed(3)}x in-process   goal <= 2 ms`,
  );
  console.log(
    `  server-side added p50           non-streaming ${ms(quantile(plainServer, 0.5))}, streaming ${ms(quantile(streamServer, 0.5))} ` +
      '(request arrival to last byte written, minus the paired in-process run)',
  );
  console.log(
    `  server's own work p50           non-streaming ${ms(quantile(plainOwn, 0.5))} (p99 ${ms(quantile(plainOwn, 0.99))}), ` +
      `streaming ${ms(quantile(streamOwn, 0.5))} (p99 ${ms(quantile(streamOwn, 0.99))})   goal <= 2 ms ` +
      '(arrival to last byte, minus generate() to its result, same request)',
  );
  console.log('');
  console.log(`load (${WAVES} waves of ${CLIENTS} concurrent streaming clients, 16 tokens each)`);
  console.log(`  full answers ${ok}, 429 ${refused}, 5xx/other ${failed}, cut short ${incomplete}`);
  console.log(`  throughput   ${(ok / seconds).toFixed(1)} completed requests/s (${seconds.toFixed(1)} s)`);
  console.log(
    `  TTFT         p50 ${ms(quantile(ttft, 0.5))}, p99 ${ms(quantile(ttft, 0.99))} (answered requests)`,
  );
  if (failed > 0 || incomplete > 0) {
    console.error('FAIL: a client got a 5xx or an incomplete stream');
    process.exitCode = 1;
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
