/**
 * Plain-attention graphs (the KV cache grows by concatenation) against the float64 reference forward
 * of @nvlm-ts/arch, on onnxruntime-node's CPU backend and onnxruntime-web's wasm backend: an NVLM-D
 * directory converted with `--attention plain` and a text decoder in the transformers.js layout.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, decoderGraph, initTiny, tinyConfigJson } from '@nvlm-ts/arch';
import { tinyModel } from '@nvlm-ts/arch/testing';
import { GraphBuilder } from '@nvlm-ts/onnx';
import { saveModel } from '@nvlm-ts/onnx/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, type NvlmPipeline, registerBackend } from './node.js';
import { referenceGreedy } from './testing/reference-greedy.js';
import { wasmInNode } from './testing/tiny-model-dir.js';

const SEED = 6;
const model = tinyModel('nvlm-d', SEED);

let root: string;
const pipelines: NvlmPipeline<unknown>[] = [];

beforeAll(async () => {
  registerBackend('wasm-in-node', wasmInNode(), 0);
  root = await mkdtemp(join(tmpdir(), 'nvlm-kv-'));
  const ckpt = join(root, 'ckpt');
  await initTiny({ arch: 'nvlm-d', out: ckpt, seed: SEED });
  await convert(ckpt, join(root, 'plain'), { attention: 'plain' });
  // transformers.js layout: config.json of the text model, onnx/model.onnx taking input_ids, all logits.
  const tjs = join(root, 'tjs');
  await mkdir(join(tjs, 'onnx'), { recursive: true });
  const g = new GraphBuilder({ name: 'qwen2' });
  decoderGraph(g, model.config.text, model.weights(), {
    input: 'input_ids',
    allLogits: true,
    attention: 'plain',
  });
  await saveModel(g, join(tjs, 'onnx', 'model.onnx'));
  const llm = (tinyConfigJson('nvlm-d') as { llm_config: Record<string, unknown> }).llm_config;
  await writeFile(
    join(tjs, 'config.json'),
    JSON.stringify({ ...llm, model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], use_cache: true }),
  );
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    await copyFile(join(ckpt, file), join(tjs, file));
}, 120_000);

afterAll(async () => {
  for (const p of pipelines) await p.dispose();
  await rm(root, { recursive: true, force: true });
});

async function open(dir: string, wasm = false, prefixCache = true): Promise<NvlmPipeline<unknown>> {
  const p = (await loadPipeline(join(root, dir), {
    backends: [wasm ? 'wasm-in-node' : 'cpu'],
    threads: 1,
    prefixCache,
  })) as NvlmPipeline<unknown>;
  pipelines.push(p);
  return p;
}

describe('concatenated KV cache (plain attention)', () => {
  it('an NVLM-D directory converted with plain attention: reference tokens, and the same as wasm', async () => {
    const cpu = await open('plain');
    const wasm = await open('plain', true);
    expect(cpu.kvCache).toBe('concatenate');
    expect(wasm.kvCache).toBe('concatenate');
    const request = { prompt: 'Describe the weather in three words.', maxNewTokens: 8, stopTokenIds: [] };
    const a = await cpu.complete(request);
    expect(a.tokenIds).toHaveLength(8);
    expect(a.tokenIds).toEqual(referenceGreedy(model, a.promptTokenIds, undefined, 8));
    expect((await wasm.complete(request)).tokenIds).toEqual(a.tokenIds);
  }, 120_000);

  it('multi-turn: the reused prefix gives the tokens of a pipeline without the prefix cache', async () => {
    const cached = await open('plain');
    const cold = await open('plain', false, false);
    const first = { role: 'user' as const, content: 'Name a colour.' };
    const turn1 = await cached.complete({ messages: [first], maxNewTokens: 5, stopTokenIds: [] });
    const messages = [
      first,
      { role: 'assistant' as const, content: turn1.text },
      { role: 'user' as const, content: 'Another one?' },
    ];
    const warm = await cached.complete({ messages, maxNewTokens: 5, stopTokenIds: [] });
    expect(warm.usage.cachedTokens).toBeGreaterThan(0);
    const reference = await cold.complete({ messages, maxNewTokens: 5, stopTokenIds: [] });
    expect(reference.usage.cachedTokens).toBe(0);
    expect(warm.tokenIds).toEqual(reference.tokenIds);
    expect(warm.tokenIds).toEqual(referenceGreedy(model, warm.promptTokenIds, undefined, 5));
  }, 120_000);

  it('a transformers.js-layout text decoder: reference tokens on cpu and wasm', async () => {
    const cpu = await open('tjs');
    const wasm = await open('tjs', true);
    expect(cpu.kvCache).toBe('concatenate');
    const request = { prompt: 'Count to five.', maxNewTokens: 6, stopTokenIds: [] };
    const a = await cpu.complete(request);
    expect(a.tokenIds).toEqual(referenceGreedy(model, a.promptTokenIds, undefined, 6));
    expect((await wasm.complete(request)).tokenIds).toEqual(a.tokenIds);
  }, 120_000);
});
