/**
 * `loadPipelineFromUrl`'s backend order, run in Node: a backend that starts but cannot create the
 * sessions is skipped like one that cannot start, and `pipeline.backendInfo` names the one running
 * and why the earlier ones were skipped. onnxruntime-web's wasm backend runs in Node; the model is
 * served by a `fetch` stand-in reading a tiny converted model from disk.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Backend, loadPipelineFromUrl, RuntimeError, registerBackend } from './browser.js';
import { makeTinyModelDir, wasmInNode } from './testing/tiny-model-dir.js';

const BASE = 'https://models.example/tiny/';
let root: string;
const fetched: string[] = [];

const fromDisk: typeof fetch = async (input) => {
  const name = String(input).replace(BASE, '');
  fetched.push(name);
  const body = await readFile(join(root, 'model', name)).catch(() => undefined);
  if (!body) return new Response(null, { status: 404 });
  return new Response(new Uint8Array(body), { headers: { 'content-length': String(body.length) } });
};

beforeAll(async () => {
  root = await makeTinyModelDir('fallback', 5);
  const wasm = wasmInNode();
  const broken: Backend = {
    ...wasm,
    ort: {
      Tensor: wasm.ort.Tensor,
      InferenceSession: {
        create: async () => {
          throw new Error('device lost while compiling');
        },
      },
    } as unknown as Backend['ort'],
  };
  registerBackend('wasm-in-node', wasm, 0);
  registerBackend('broken-gpu', broken, 0);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it('skips a backend whose sessions fail, and says why', async () => {
  const pipeline = await loadPipelineFromUrl(BASE, {
    fetch: fromDisk,
    backends: ['absent', 'broken-gpu', 'wasm-in-node'],
  });
  try {
    expect(pipeline.backendInfo.name).toBe('wasm-in-node');
    expect(pipeline.backendInfo.executionProviders).toEqual(['wasm']);
    expect(pipeline.backendInfo.fallbackReasons).toEqual([
      expect.stringMatching(/^\[absent\] not available on this platform/),
      `[broken-gpu] ${BASE}embed_tokens.onnx: onnxruntime could not load it: device lost while compiling`,
    ]);
    const result = await pipeline.complete({ prompt: 'Hello', maxNewTokens: 3 });
    expect(result.tokenIds).toHaveLength(3);
  } finally {
    await pipeline.dispose();
  }
  // nvlm.json and the tokenizer were fetched once, not once per backend tried.
  expect(fetched.filter((name) => name === 'nvlm.json' || name === 'tokenizer.json')).toEqual([
    'nvlm.json',
    'tokenizer.json',
  ]);
}, 120_000);

it('fails with NO_BACKEND listing every backend when none works', async () => {
  const error = await loadPipelineFromUrl(BASE, {
    fetch: fromDisk,
    backends: ['broken-gpu', 'absent'],
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RuntimeError);
  expect(error).toMatchObject({ code: 'NO_BACKEND' });
  expect((error as Error).message).toMatch(
    /^no available backend: \[broken-gpu\] .*device lost while compiling, \[absent\] not available on this platform/,
  );
}, 60_000);
