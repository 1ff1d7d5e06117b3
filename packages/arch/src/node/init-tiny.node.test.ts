import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '@nvlm-ts/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../registry.js';
import { graphShape, sanitizeTensor } from '../weights.js';
import { initTiny } from './init-tiny.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-init-tiny-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('initTiny', () => {
  it('writes an HF-format NVLM-D checkpoint with every weight spec, padded like the release', async () => {
    const out = join(root, 'd');
    const result = await initTiny({ arch: 'nvlm-d', out, seed: 1 });
    expect((await readdir(out)).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const { architecture, config } = loadConfig(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')));
    expect(config.imageTokensPerTile).toBe(256);
    const specs = architecture.weightSpecs(config);
    const checkpoint = await openCheckpoint(out);
    try {
      expect(checkpoint.names().sort()).toEqual(specs.map((s) => s.name).sort());
      expect(result.tensors).toBe(specs.length);
      for (const spec of specs) {
        const info = checkpoint.info(spec.name);
        expect(info.dtype).toBe('F32');
        expect(info.shape).toEqual(spec.shape);
        const data = await checkpoint.readFloat32(spec.name);
        // Dummy heads are zero (sanitising succeeds) and real weights are not.
        const graph = sanitizeTensor(spec, data, info.shape);
        expect(graph.length).toBe(graphShape(spec).reduce((a, b) => a * b, 1));
        expect(graph.some((x) => x !== 0)).toBe(true);
      }
      const qkv = await checkpoint.readFloat32('vision_model.encoder.layers.0.attn.qkv.weight');
      expect(checkpoint.info('vision_model.encoder.layers.0.attn.qkv.weight').shape).toEqual([3 * 64, 32]);
      expect(qkv.subarray(32 * 32, 64 * 32).every((x) => x === 0)).toBe(true); // q dummy heads
    } finally {
      await checkpoint.close();
    }
  });

  it('ships the Qwen2.5 tokenizer: 22 added tokens, <|vision_pad|> = 151654, ChatML template', async () => {
    const out = join(root, 'd');
    const tokenizer = JSON.parse(await readFile(join(out, 'tokenizer.json'), 'utf8'));
    const added = tokenizer.added_tokens as { id: number; content: string }[];
    expect(added).toHaveLength(22);
    expect(added.find((t) => t.content === '<|vision_pad|>')?.id).toBe(151654);
    expect(added.find((t) => t.content === '<|im_end|>')?.id).toBe(151645);
    expect(Math.max(...added.map((t) => t.id))).toBe(151664);
    const config = JSON.parse(await readFile(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(config.eos_token).toBe('<|im_end|>');
    expect(config.chat_template).toContain(
      'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.',
    );
  });

  it('is deterministic in the seed', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const c = join(root, 'c');
    await initTiny({ arch: 'nvlm-d', out: a, seed: 7 });
    await initTiny({ arch: 'nvlm-d', out: b, seed: 7 });
    await initTiny({ arch: 'nvlm-d', out: c, seed: 8 });
    const weights = (dir: string) => readFile(join(dir, 'model.safetensors'));
    expect(Buffer.compare(await weights(a), await weights(b))).toBe(0);
    expect(Buffer.compare(await weights(a), await weights(c))).not.toBe(0);
  });

  it('writes BF16 weights when asked', async () => {
    const out = join(root, 'bf16');
    await initTiny({ arch: 'nvlm-d', out, seed: 1, dtype: 'BF16' });
    const checkpoint = await openCheckpoint(out);
    try {
      expect(checkpoint.info('mlp1.1.weight').dtype).toBe('BF16');
      const f32 = await openCheckpoint(join(root, 'd'));
      const exact = await f32.readFloat32('mlp1.1.weight');
      const rounded = await checkpoint.readFloat32('mlp1.1.weight');
      await f32.close();
      // bf16 keeps 8 significant bits: relative error below 2^-8.
      for (let i = 0; i < exact.length; i++)
        expect(Math.abs(rounded[i]! - exact[i]!)).toBeLessThanOrEqual(Math.abs(exact[i]!) / 256);
    } finally {
      await checkpoint.close();
    }
  });

  it('refuses a non-empty output directory and leaves it untouched; bad seeds write nothing', async () => {
    const out = join(root, 'occupied');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    await expect(initTiny({ arch: 'nvlm-d', out, seed: 1 })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readdir(out)).toEqual(['keep.txt']);
    expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(initTiny({ arch: 'nvlm-d', out: join(root, 'bad'), seed: -1 })).rejects.toThrow(RangeError);
    expect((await readdir(root)).some((f) => f.startsWith('bad') || f.startsWith('.bad'))).toBe(false);
  });
});
