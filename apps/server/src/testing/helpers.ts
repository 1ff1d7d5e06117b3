/** Test helpers: a live server on 127.0.0.1 port 0 over the shared tiny model, and test images. */
import { type ImageInput, loadPipeline, type NvlmPipeline } from '@nvlm-ts/runtime';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { inject } from 'vitest';
import { createServer, type ServerOptions } from '../server.js';

export const MODEL_ID = 'tiny-test';

/** The shared tiny model directory (made once by the global setup). */
export function modelDir(): string {
  return inject('modelDir');
}

export async function loadTestPipeline(
  options: { concurrency?: number; contextLength?: number } = {},
): Promise<NvlmPipeline<ImageInput>> {
  return loadPipeline(modelDir(), { backends: ['cpu'], threads: 1, ...options });
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts a server on an ephemeral loopback port. */
export async function startServer(
  pipeline: NvlmPipeline<ImageInput>,
  options: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const app = createServer({ pipeline, modelId: MODEL_ID, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A solid-colour PNG of the given size, as a data: URL. */
export async function pngDataUrl(width = 32, height = 32, rgb = { r: 200, g: 30, b: 60 }): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: rgb } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Collects unhandled rejections of the test process, to fail a file that caused one. */
export function watchUnhandledRejections(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const listener = (reason: unknown) => errors.push(reason);
  process.on('unhandledRejection', listener);
  return { errors, stop: () => process.off('unhandledRejection', listener) };
}

/** POSTs JSON to the chat endpoint with plain fetch. */
export async function postChat(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal && { signal: init.signal }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
