/**
 * The pipeline on a tiny converted NVLM-D model, against greedy decoding with the float64 reference
 * forward pass of @nvlm-ts/arch (which shares no code with the graphs or the runtime).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, initTiny } from '@nvlm-ts/arch';
import { referenceVision, tinyModel } from '@nvlm-ts/arch/testing';
import { tileImage } from '@nvlm-ts/tiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, type NvlmPipeline, RuntimeError } from './node.js';
import { argmax } from './sampling.js';
import { IMAGE_TOKEN_ID, referenceGreedy } from './testing/reference-greedy.js';

const SEED = 4;
const model = tinyModel('nvlm-d', SEED);

let root: string;
let modelDir: string;
let pipeline: NvlmPipeline<unknown>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-runtime-'));
  await initTiny({ arch: 'nvlm-d', out: join(root, 'ckpt'), seed: SEED });
  modelDir = join(root, 'model');
  await convert(join(root, 'ckpt'), modelDir);
  pipeline = (await loadPipeline(modelDir, { backends: ['cpu'], threads: 1 })) as NvlmPipeline<unknown>;
}, 120_000);

afterAll(async () => {
  await pipeline?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A deterministic 448x448 RGB image (one tile: no thumbnail). */
function testImage(seed: number) {
  const data = new Uint8Array(448 * 448 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17 + ((i / 1344) | 0) * 7) % 256;
  return { width: 448, height: 448, channels: 3 as const, data };
}

describe('greedy generation matches the reference forward', () => {
  it('text only, token for token', async () => {
    const result = await pipeline.complete({ prompt: 'Describe the weather.', maxNewTokens: 6 });
    expect(result.tokenIds).toHaveLength(6);
    expect(result.finishReason).toBe('length');
    expect(result.tokenIds).toEqual(referenceGreedy(model, result.promptTokenIds, undefined, 6));
    expect(result.text).toBe(pipeline.tokenizer.decode(result.tokenIds, { skipSpecialTokens: true }));
  }, 60_000);

  it('the in-place cache grows past its first capacity (2x the prompt) and stays exact', async () => {
    expect(pipeline.kvCache).toBe('in-place');
    const result = await pipeline.complete({ prompt: 'Go on.', maxNewTokens: 120, stopTokenIds: [] });
    // The prompt is well under 60 tokens: the cache starts at prompt + 64 positions and grows once.
    expect(result.usage.promptTokens).toBeLessThan(60);
    expect(result.tokenIds).toHaveLength(120);
    expect(result.tokenIds).toEqual(referenceGreedy(model, result.promptTokenIds, undefined, 120));
  }, 120_000);

  it('with an image: the image tokens carry the reference vision features', async () => {
    const image = testImage(1);
    const result = await pipeline.complete({ prompt: 'What is shown?', images: [image], maxNewTokens: 4 });
    expect(result.usage.imageTokens).toBe(256);
    expect(result.timings.tiles).toBe(1);
    const tiled = await tileImage(image);
    const features = referenceVision(model.config, model.reference, tiled.pixelValues, tiled.tiles);
    expect(result.promptTokenIds.filter((id) => id === IMAGE_TOKEN_ID)).toHaveLength(256);
    expect(result.tokenIds).toEqual(referenceGreedy(model, result.promptTokenIds, features, 4));
  }, 120_000);
});

describe('caches give the same tokens as cold runs', () => {
  it('re-sent image: not re-encoded, prefix KV reused, same tokens', async () => {
    const image = testImage(2);
    const request = { prompt: 'Again?', images: [image], maxNewTokens: 5 };
    const cold = await pipeline.complete(request);
    expect(cold.timings.tilesEncoded).toBe(1);
    const warm = await pipeline.complete(request);
    expect(warm.timings.tilesEncoded).toBe(0);
    expect(warm.usage.cachedTokens).toBe(warm.usage.promptTokens - 1);
    expect(warm.tokenIds).toEqual(cold.tokenIds);
  }, 60_000);

  it('multi-turn: the second turn reuses the first turn and matches a pipeline without caches', async () => {
    const first = await pipeline.complete({ prompt: 'Hello!', maxNewTokens: 3 });
    const messages = [
      { role: 'user' as const, content: 'Hello!' },
      { role: 'assistant' as const, content: first.text },
      { role: 'user' as const, content: 'And then?' },
    ];
    const warm = await pipeline.complete({ messages, maxNewTokens: 4 });
    expect(warm.usage.cachedTokens).toBeGreaterThan(first.usage.promptTokens - 1);
    const cold = await loadPipeline(modelDir, { backends: ['cpu'], prefixCache: false, imageCacheBytes: 0 });
    try {
      const reference = await cold.complete({ messages, maxNewTokens: 4 });
      expect(reference.usage.cachedTokens).toBe(0);
      expect(warm.tokenIds).toEqual(reference.tokenIds);
    } finally {
      await cold.dispose();
    }
  }, 60_000);

  it('a different image with the same prompt is not served from the cache', async () => {
    const a = await pipeline.complete({ prompt: 'Which?', images: [testImage(3)], maxNewTokens: 3 });
    const b = await pipeline.complete({ prompt: 'Which?', images: [testImage(4)], maxNewTokens: 3 });
    expect(b.timings.tilesEncoded).toBe(1);
    expect(b.usage.cachedTokens).toBeLessThan(b.usage.promptTokens - b.usage.imageTokens);
    expect(a.usage.promptTokens).toBe(b.usage.promptTokens);
  }, 60_000);
});

describe('streaming, stopping and sampling', () => {
  it('stream chunks concatenate to the result text', async () => {
    const stream = pipeline.generate({ prompt: 'Count.', maxNewTokens: 8 });
    let text = '';
    const ids: number[] = [];
    for await (const chunk of stream) {
      text += chunk.text;
      ids.push(chunk.tokenId);
    }
    const result = await stream.result;
    expect(text).toBe(result.text);
    expect(ids).toEqual(result.tokenIds);
  }, 60_000);

  it('stops at a stop token id and at a stop string, excluding it', async () => {
    const free = await pipeline.complete({ prompt: 'Go on.', maxNewTokens: 6 });
    const third = free.tokenIds[2]!;
    const byId = await pipeline.complete({ prompt: 'Go on.', maxNewTokens: 6, stopTokenIds: [third] });
    expect(byId.finishReason).toBe('stop');
    expect(byId.tokenIds).toEqual(free.tokenIds.slice(0, 2));
    const piece = pipeline.tokenizer.decode([free.tokenIds[3]!], { skipSpecialTokens: true });
    if (piece.length > 0) {
      const byString = await pipeline.complete({ prompt: 'Go on.', maxNewTokens: 6, stop: [piece] });
      expect(byString.finishReason).toBe('stop');
      expect(byString.text).toBe(free.text.slice(0, free.text.indexOf(piece)));
    }
  }, 60_000);

  it('the same seed gives the same sampled tokens; another seed differs', async () => {
    const request = { prompt: 'Write.', maxNewTokens: 8, temperature: 1.5, topK: 50 };
    const a = await pipeline.complete({ ...request, seed: 11 });
    const b = await pipeline.complete({ ...request, seed: 11 });
    const c = await pipeline.complete({ ...request, seed: 12 });
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(c.tokenIds).not.toEqual(a.tokenIds);
  }, 60_000);

  it('an AbortSignal ends generation within one step with finishReason abort', async () => {
    const controller = new AbortController();
    const stream = pipeline.generate({ prompt: 'Long story.', maxNewTokens: 200, signal: controller.signal });
    let seen = 0;
    for await (const _ of stream) {
      seen++;
      if (seen === 2) controller.abort();
    }
    const result = await stream.result;
    expect(result.finishReason).toBe('abort');
    // Generation runs ahead of the consumer by at most the step in flight when abort() was called.
    expect(result.tokenIds.length).toBeGreaterThanOrEqual(2);
    expect(result.tokenIds.length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('reports the first logits once, vocab-sized', async () => {
    let calls = 0;
    let first: Float32Array | undefined;
    const result = await pipeline.complete({
      prompt: 'Hi',
      maxNewTokens: 3,
      onFirstLogits: (l) => {
        calls++;
        first = l;
      },
    });
    expect(calls).toBe(1);
    expect(first!.length).toBe(152064);
    expect(argmax(first!)).toBe(result.tokenIds[0]);
  }, 60_000);
});

describe('concurrency', () => {
  it('runs requests side by side with the same tokens as one at a time', async () => {
    const requests = [
      { prompt: 'First question?', maxNewTokens: 5 },
      { prompt: 'A second, different one.', maxNewTokens: 5 },
      { prompt: 'First question?', maxNewTokens: 5, temperature: 1, seed: 3 },
    ];
    const serial = [];
    for (const r of requests) serial.push((await pipeline.complete(r)).tokenIds);
    const wide = await loadPipeline(modelDir, { backends: ['cpu'], concurrency: 3 });
    try {
      const streams = requests.map((r) => wide.generate(r));
      expect(wide.load.running + wide.load.waiting).toBeGreaterThan(0);
      const results = await Promise.all(streams.map((s) => s.result));
      expect(results.map((r) => r.tokenIds)).toEqual(serial);
      expect(wide.load).toEqual({ running: 0, waiting: 0 });
    } finally {
      await wide.dispose();
    }
  }, 60_000);
});

describe('bad requests fail early with a typed error and leave the pipeline usable', () => {
  it.each([
    ['a prompt longer than the context', { prompt: 'x '.repeat(40_000) }, 'CONTEXT_OVERFLOW'],
    [
      'placeholders and images that disagree',
      { prompt: 'two <image> and <image>', images: [testImage(5)] },
      'BAD_IMAGES',
    ],
    [
      'an image in a system message',
      { messages: [{ role: 'system' as const, content: [{ type: 'image' as const, image: testImage(5) }] }] },
      'BAD_IMAGES',
    ],
  ])(
    '%s',
    async (_name, request, code) => {
      await expect(pipeline.complete({ ...request, maxNewTokens: 2 } as never)).rejects.toMatchObject({
        code,
      });
      const after = await pipeline.complete({ prompt: 'still fine?', maxNewTokens: 2 });
      expect(after.tokenIds).toHaveLength(2);
    },
    60_000,
  );

  it('rejects argument mistakes as TypeError / RangeError', async () => {
    await expect(pipeline.complete({ prompt: 'x', maxNewTokens: 0 })).rejects.toThrow(RangeError);
    await expect(pipeline.complete({ prompt: 'x', messages: [] } as never)).rejects.toThrow(TypeError);
    await expect(pipeline.complete({ prompt: 'x', temperature: -1 })).rejects.toThrow(/'temperature'/);
  });

  it('rejects too many images and a corrupt image', async () => {
    const small = await loadPipeline(modelDir, { backends: ['cpu'], maxImages: 1 });
    try {
      await expect(
        small.complete({ prompt: 'x', images: [testImage(1), testImage(2)] }),
      ).rejects.toMatchObject({ code: 'BAD_IMAGES' });
      await expect(
        small.complete({ prompt: 'x', images: [new Uint8Array([1, 2, 3, 4])] }),
      ).rejects.toMatchObject({
        name: 'TilerError',
      });
    } finally {
      await small.dispose();
    }
  }, 60_000);

  it('names the missing model file', async () => {
    await expect(loadPipeline(join(root, 'nowhere'))).rejects.toBeInstanceOf(RuntimeError);
    await expect(loadPipeline(join(root, 'nowhere'))).rejects.toThrow(
      /cannot open model directory .*nowhere/,
    );
  });
});
