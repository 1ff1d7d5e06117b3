import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f16ToF32, f32ToF16, writeSafetensorsFile } from '@nvlm-ts/safetensors';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceDecoder, referenceVision } from '../reference/nvlm.js';
import { decoderFeeds } from '../testing/decoder-feeds.js';
import { maxAbsDiff, testValues, tinyModel } from '../testing/tiny-model.js';
import { tinyConfigJson } from '../tiny.js';
import { type ConvertProgress, convert } from './convert.js';
import { initTiny } from './init-tiny.js';

const SEED = 5;
const model = tinyModel('nvlm-d', SEED);
const { config } = model;
const H = config.text.hiddenSize;
const V = config.text.vocabSize;

let root: string;
let checkpoint: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-convert-'));
  checkpoint = join(root, 'ckpt');
  await initTiny({ arch: 'nvlm-d', out: checkpoint, seed: SEED });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Last-position logits of the converted decoder for `embeds` [L, H]. */
async function lastLogits(
  dir: string,
  embeds: Float32Array,
  length: number,
  fp16 = false,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(join(dir, 'decoder_model_merged.onnx'));
  try {
    const out = await session.run(
      decoderFeeds(ort.Tensor, config, {
        embeds: fp16 ? f32ToF16(embeds) : embeds,
        batch: 1,
        length,
        floatType: fp16 ? 'float16' : 'float32',
      }),
    );
    expect(out.logits!.dims).toEqual([1, 1, V]);
    return out.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('convert', () => {
  const embeds = testValues(6 * H, 77);
  const expected = () => referenceDecoder(config, model.reference, embeds, 6, { logitsFrom: 5 }).logits;

  it('writes the model directory of DESIGN.md and reports progress', async () => {
    const out = join(root, 'fp32');
    const progress: ConvertProgress[] = [];
    const result = await convert(checkpoint, out, { onProgress: (p) => progress.push(p) });
    expect((await readdir(out)).sort()).toEqual([
      'config.json',
      'decoder_model_merged.onnx',
      'decoder_model_merged.onnx.data',
      'embed_tokens.onnx',
      'embed_tokens.onnx.data',
      'generation_config.json',
      'nvlm.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'vision_encoder.onnx',
      'vision_encoder.onnx.data',
    ]);
    expect(await readFile(join(out, 'config.json'), 'utf8')).toBe(
      await readFile(join(checkpoint, 'config.json'), 'utf8'),
    );
    const nvlm = JSON.parse(await readFile(join(out, 'nvlm.json'), 'utf8'));
    expect(nvlm).toMatchObject({
      format: 'nvlm-ts',
      arch: 'nvlm-d',
      model_type: 'NVLM_D',
      dtype: 'fp32',
      image_token: '<|vision_pad|>',
      image_token_id: 151654,
      image_tokens_per_tile: 256,
      tile_size: 448,
      max_tiles: 6,
    });
    expect(nvlm).toEqual(result.nvlm);
    const last = progress.at(-1)!;
    expect(last.tensorsDone).toBe(model.specs.length);
    expect(last.tensorsTotal).toBe(model.specs.length);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1]!.bytesDone)).toBe(true);
  }, 60_000);

  it('gives graphs that match the reference forward', async () => {
    const out = join(root, 'fp32');
    expect(maxAbsDiff(await lastLogits(out, embeds, 6), expected())).toBeLessThan(1e-4);
    const s = config.tileSize;
    const pixels = testValues(3 * s * s, 3);
    const session = await ort.InferenceSession.create(join(out, 'vision_encoder.onnx'));
    const features = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, s, s]) });
    await session.release();
    expect(
      maxAbsDiff(
        features.image_features!.data as Float32Array,
        referenceVision(config, model.reference, pixels, 1),
      ),
    ).toBeLessThan(1e-4);
  }, 60_000);

  it('is deterministic: the same checkpoint gives byte-identical files', async () => {
    const again = join(root, 'fp32-again');
    await convert(checkpoint, again);
    for (const file of await readdir(join(root, 'fp32'))) {
      const a = await readFile(join(root, 'fp32', file));
      const b = await readFile(join(again, file));
      expect(Buffer.compare(a, b), file).toBe(0);
    }
  }, 60_000);

  // Documented logit-error bounds (README): relative RMS error of the logits against the fp32
  // reference on the tiny random model. Per weight, int8 blocks err by ~0.4% RMS and int4 by ~6%;
  // a random (untrained) tiny model amplifies that through 2 layers, norms and lm_head.
  // Accuracy level 4 (the default) also quantises the activations to int8 per block inside
  // MatMulNBits; level 1 computes in fp32. Both stay within the same bounds.
  it.each([
    ['int8', true, 4, 0.05],
    ['int8', true, 1, 0.05],
    ['int4', true, 4, 0.4],
    ['int4', true, 1, 0.4],
    ['int4', false, 4, 0.4],
  ] as const)(
    '%s (symmetric %s, accuracy level %s) logits stay within relative RMS error %s of fp32, on a smaller file',
    async (dtype, symmetric, accuracyLevel, tolerance) => {
      const out = join(root, `${dtype}-${symmetric}-${accuracyLevel}`);
      const result = await convert(checkpoint, out, {
        dtype,
        symmetric,
        blockSize: 16,
        ...(accuracyLevel !== 4 && { accuracyLevel }),
      });
      expect(result.nvlm.quantization).toEqual({
        bits: dtype === 'int8' ? 8 : 4,
        block_size: 16,
        symmetric,
        accuracy_level: accuracyLevel,
      });
      const graph = await readFile(join(out, 'decoder_model_merged.onnx'));
      // The attribute in the graph (AttributeProto: name, then field 3 `i` as a varint: 0x18, level).
      expect(graph.includes(Buffer.from([...Buffer.from('accuracy_level'), 0x18, accuracyLevel]))).toBe(true);
      const logits = await lastLogits(out, embeds, 6);
      const error = relativeRms(logits, expected());
      expect(error).toBeLessThan(tolerance);
      expect(error).toBeGreaterThan(1e-4); // it really is quantised
      if (dtype === 'int8') expect(argmax(logits)).toBe(argmax(expected()));
      const size = async (dir: string) =>
        (await readFile(join(dir, 'decoder_model_merged.onnx.data'))).byteLength;
      expect(await size(out)).toBeLessThan(
        (await size(join(root, 'fp32'))) * (dtype === 'int8' ? 0.35 : 0.25),
      );
    },
    60_000,
  );
});

function relativeRms(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    error += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(error / norm);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

describe('NVLM-X and NVLM-H checkpoints', () => {
  it.each(['nvlm-x', 'nvlm-h'] as const)(
    '%s: init-tiny then convert writes the four graphs and names them in nvlm.json',
    async (arch) => {
      const ckpt = join(root, `${arch}-ckpt`);
      await initTiny({ arch, out: ckpt, seed: 3 });
      const result = await convert(ckpt, join(root, `${arch}-onnx`), { dtype: 'int8' });
      expect(result.nvlm.arch).toBe(arch);
      expect(result.nvlm.files).toEqual({
        vision_encoder: 'vision_encoder.onnx',
        embed_tokens: 'embed_tokens.onnx',
        cross_attention_kv: 'cross_attention_kv.onnx',
        decoder: 'decoder_model_merged.onnx',
      });
      expect(result.nvlm.cross_attention_layers).toEqual([0, 1]);
      const session = await ort.InferenceSession.create(
        join(root, `${arch}-onnx`, 'decoder_model_merged.onnx'),
      );
      expect(session.inputNames).toContain('cross_attention_mask');
      expect(session.inputNames).toContain('cross_attention.1.key');
      await session.release();
    },
    60_000,
  );

  it('names a missing cross-attention tensor', async () => {
    const dir = join(root, 'x-missing');
    await mkdir(dir);
    const x = tinyModel('nvlm-x', 1);
    await writeFile(join(dir, 'config.json'), JSON.stringify(tinyConfigJson('nvlm-x')));
    await writeSafetensorsFile(
      join(dir, 'model.safetensors'),
      x.specs
        .filter((s) => s.name !== 'language_model.model.xattn_layers.1.attn_gate')
        .map((s) => ({ name: s.name, dtype: 'F32' as const, shape: s.shape, data: x.tensors.get(s.name)! })),
    );
    await expect(convert(dir, join(root, 'x-missing-out'))).rejects.toMatchObject({
      code: 'MISSING_TENSOR',
      message: expect.stringContaining('xattn_layers.1.attn_gate'),
    });
  });
});

describe('convert to fp16', () => {
  it('runs the graphs in float16 within 2e-2 of the reference, at half the fp32 size', async () => {
    const out = join(root, 'fp16');
    const result = await convert(checkpoint, out, { dtype: 'fp16' });
    expect(result.nvlm.float_type).toBe('float16');
    const embeds = testValues(6 * H, 77);
    const logits = await lastLogits(out, embeds, 6, true);
    const expected = referenceDecoder(
      config,
      model.reference,
      Float32Array.from(f16ToF32(f32ToF16(embeds))),
      6,
      { logitsFrom: 5 },
    ).logits;
    expect(relativeRms(logits, expected)).toBeLessThan(2e-2);
    expect(argmax(logits)).toBe(argmax(expected));
    const s = config.tileSize;
    const pixels = testValues(3 * s * s, 3);
    const session = await ort.InferenceSession.create(join(out, 'vision_encoder.onnx'));
    const features = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, s, s]) });
    await session.release();
    expect(features.image_features!.type).toBe('float16');
    const vision = f16ToF32(features.image_features!.data as Uint16Array);
    expect(relativeRms(vision, referenceVision(config, model.reference, pixels, 1))).toBeLessThan(2e-2);
    const size = async (dir: string) =>
      (await readFile(join(dir, 'decoder_model_merged.onnx.data'))).byteLength;
    expect(await size(out)).toBeLessThan((await size(join(root, 'fp32'))) * 0.55);
  }, 60_000);
});

describe('convert rejects bad checkpoints and writes nothing', () => {
  /** A checkpoint from the tiny tensors with `edit` applied (return null to drop a tensor). */
  async function badCheckpoint(
    name: string,
    edit: (
      tensor: string,
      data: Float32Array,
      shape: readonly number[],
    ) => { data: Float32Array; shape: readonly number[] } | null,
    configEdit?: (c: Record<string, any>) => void,
  ): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    const configJson = tinyConfigJson('nvlm-d') as Record<string, any>;
    configEdit?.(configJson);
    await writeFile(join(dir, 'config.json'), JSON.stringify(configJson));
    const tensors = [];
    for (const spec of model.specs) {
      const edited = edit(spec.name, Float32Array.from(model.tensors.get(spec.name)!), spec.shape);
      if (edited)
        tensors.push({ name: spec.name, dtype: 'F32' as const, shape: edited.shape, data: edited.data });
    }
    await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors);
    return dir;
  }

  async function expectFailure(dir: string, code: string, message: RegExp) {
    const out = join(root, `${dir.split('/').at(-1)}-out`);
    await expect(convert(dir, out)).rejects.toMatchObject({
      name: 'ArchError',
      code,
      message: expect.stringMatching(message),
    });
    expect((await readdir(root)).filter((f) => f.includes(`${dir.split('/').at(-1)}-out`))).toEqual([]);
  }

  it('names a missing tensor', async () => {
    const dir = await badCheckpoint('missing', (t, data, shape) =>
      t.endsWith('layers.1.mlp.up_proj.weight') ? null : { data, shape },
    );
    await expectFailure(dir, 'MISSING_TENSOR', /language_model\.model\.layers\.1\.mlp\.up_proj\.weight/);
  });

  it('names a tensor with the wrong shape', async () => {
    const dir = await badCheckpoint('shape', (t, data, shape) =>
      t === 'mlp1.1.weight'
        ? { data: data.subarray(0, data.length / 2), shape: [shape[0]! / 2, shape[1]!] }
        : { data, shape },
    );
    await expectFailure(dir, 'BAD_TENSOR', /'mlp1\.1\.weight' has shape \[32, 128\], expected \[64, 128\]/);
  });

  it('refuses non-zero dummy heads', async () => {
    const dir = await badCheckpoint('dummy', (t, data, shape) => {
      if (t === 'vision_model.encoder.layers.1.attn.proj.weight') data.fill(0.5);
      return { data, shape };
    });
    await expectFailure(dir, 'NONZERO_DUMMY_HEADS', /vision_model\.encoder\.layers\.1\.attn\.proj\.weight/);
  });

  it('names an unknown model_type and a broken invariant', async () => {
    const unknown = await badCheckpoint(
      'unknown',
      (_t, data, shape) => ({ data, shape }),
      (c) => {
        c.model_type = 'LLaVA';
      },
    );
    await expectFailure(unknown, 'UNSUPPORTED_MODEL_TYPE', /"LLaVA".*NVLM_D/);
    const heads = await badCheckpoint(
      'heads',
      (_t, data, shape) => ({ data, shape }),
      (c) => {
        c.llm_config.num_attention_heads = 3;
      },
    );
    await expectFailure(heads, 'INVALID_CONFIG', /hidden_size 32 is not divisible by num_attention_heads 3/);
  });

  it('reports a truncated safetensors file with the file name', async () => {
    const dir = await badCheckpoint('truncated', (_t, data, shape) => ({ data, shape }));
    const file = join(dir, 'model.safetensors');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 100));
    const out = join(root, 'truncated-out');
    await expect(convert(dir, out)).rejects.toThrow(/model\.safetensors/);
    expect((await readdir(root)).some((f) => f.includes('truncated-out'))).toBe(false);
  });
});
