/**
 * The same converted model on onnxruntime-node (cpu) and onnxruntime-web (wasm, run in Node) gives
 * the same greedy tokens.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPipeline, registerBackend } from './node.js';
import { makeTinyModelDir, wasmInNode } from './testing/tiny-model-dir.js';

let root: string;
beforeAll(async () => {
  root = await makeTinyModelDir('wasm', 9);
  registerBackend('wasm-in-node', wasmInNode(), 0);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it('cpu and wasm backends produce the same greedy tokens, with and without an image', async () => {
  const image = {
    width: 300,
    height: 200,
    channels: 3 as const,
    data: new Uint8Array(300 * 200 * 3).map((_, i) => (i * 7) % 256),
  };
  const requests = [
    { prompt: 'Tell me something.', maxNewTokens: 6 },
    { prompt: 'And this picture?', images: [image], maxNewTokens: 4 },
  ];
  const cpu = await loadPipeline(join(root, 'model'), { backends: ['cpu'] });
  const wasm = await loadPipeline(join(root, 'model'), { backends: ['wasm-in-node'] });
  try {
    expect(wasm.backend.executionProviders).toEqual(['wasm']);
    // The CPU pipeline keeps the cache in place, the wasm one concatenates: same tokens both ways.
    expect(cpu.kvCache).toBe('in-place');
    expect(wasm.kvCache).toBe('concatenate');
    for (const request of requests) {
      const a = await cpu.complete(request);
      const b = await wasm.complete(request);
      expect(b.tokenIds).toEqual(a.tokenIds);
      expect(b.promptTokenIds).toEqual(a.promptTokenIds);
    }
  } finally {
    await cpu.dispose();
    await wasm.dispose();
  }
}, 120_000);
