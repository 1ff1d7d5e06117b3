/**
 * NVLM-D graphs on a tiny model, run in onnxruntime-node, against the float64 reference forward.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@nvlm-ts/onnx/node';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceDecoder, referenceEmbed, referenceVision } from '../reference/nvlm.js';
import { decoderFeeds } from '../testing/decoder-feeds.js';
import { maxAbsDiff, testValues, tinyModel } from '../testing/tiny-model.js';

const model = tinyModel('nvlm-d', 3);
const { config } = model;
const H = config.text.hiddenSize;
const V = config.text.vocabSize;
const layers = config.text.numLayers;
const kvShape = (b: number, p: number) => [b, config.text.numKvHeads, p, config.text.headDim];

let dir: string;
const sessions: Record<string, ort.InferenceSession> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-d-graphs-'));
  const graphs = model.architecture.buildGraphs(config, () => model.weights(), { allLogits: true });
  for (const [name, graph] of Object.entries(graphs)) {
    const path = join(dir, `${name}.onnx`);
    await saveModel(graph, path);
    sessions[name] = await ort.InferenceSession.create(path);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(sessions).map((s) => s.release()));
  await rm(dir, { recursive: true, force: true });
});

function int64(values: number[], dims: number[]) {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
}

/** Runs the decoder on [B, L] embeddings with the given mask, positions and previous step. */
function decode(
  embeds: Float32Array,
  b: number,
  l: number,
  mask: number[],
  positions: number[],
  past?: ort.InferenceSession.OnnxValueMapType,
) {
  const feeds = decoderFeeds(ort.Tensor, config, {
    embeds,
    batch: b,
    length: l,
    past: mask.length / b - l,
    mask,
    positions,
    ...(past && { cache: past }),
  });
  return sessions.decoder_model_merged!.run(feeds);
}

describe('fused vision attention (MultiHeadAttention)', () => {
  it('matches the reference within 1e-4', async () => {
    const graph = model.architecture.buildGraphs(config, () => model.weights(), { attention: 'fused' })
      .vision_encoder!;
    const path = join(dir, 'vision_fused.onnx');
    await saveModel(graph, path);
    const session = await ort.InferenceSession.create(path);
    const s = config.tileSize;
    const pixels = testValues(3 * s * s, 12);
    const out = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, s, s]) });
    await session.release();
    expect(
      maxAbsDiff(
        out.image_features!.data as Float32Array,
        referenceVision(config, model.reference, pixels, 1),
      ),
    ).toBeLessThan(1e-4);
  }, 60_000);
});

describe('fused decoder attention (RotaryEmbedding + GroupQueryAttention)', () => {
  it('prefill and cached decode steps match the reference, batch 1 and an unpadded batch 2', async () => {
    const g = model.architecture.buildGraphs(config, () => model.weights(), {
      allLogits: true,
      attention: 'fused',
    });
    const path = join(dir, 'decoder_fused.onnx');
    await saveModel(g.decoder_model_merged!, path);
    const fused = await ort.InferenceSession.create(path);
    try {
      const run = (
        embeds: Float32Array,
        b: number,
        l: number,
        past: number,
        cache?: ort.InferenceSession.OnnxValueMapType,
      ) =>
        fused.run(
          decoderFeeds(ort.Tensor, config, { embeds, batch: b, length: l, past, ...(cache && { cache }) }),
        );
      const a = testValues(8 * H, 31);
      const b = testValues(8 * H, 32);
      const refA = referenceDecoder(config, model.reference, a, 8);
      const refB = referenceDecoder(config, model.reference, b, 8);
      const both = new Float32Array(2 * 7 * H);
      both.set(a.subarray(0, 7 * H), 0);
      both.set(b.subarray(0, 7 * H), 7 * H);
      const prefill = await run(both, 2, 7, 0);
      const logits = prefill.logits!.data as Float32Array;
      expect(maxAbsDiff(logits.subarray(0, 7 * V), refA.logits.subarray(0, 7 * V))).toBeLessThan(1e-4);
      expect(maxAbsDiff(logits.subarray(7 * V), refB.logits.subarray(0, 7 * V))).toBeLessThan(1e-4);
      const step = new Float32Array(2 * H);
      step.set(a.subarray(7 * H), 0);
      step.set(b.subarray(7 * H), H);
      const next = await run(step, 2, 1, 7, prefill);
      const nextLogits = next.logits!.data as Float32Array;
      expect(maxAbsDiff(nextLogits.subarray(0, V), refA.logits.subarray(7 * V))).toBeLessThan(1e-4);
      expect(maxAbsDiff(nextLogits.subarray(V), refB.logits.subarray(7 * V))).toBeLessThan(1e-4);
      expect(next['present.0.key']!.dims).toEqual(kvShape(2, 8));
    } finally {
      await fused.release();
    }
  }, 60_000);
});

describe('NVLM-D tiny graphs vs the float64 reference', () => {
  it('vision encoder: 2 tiles -> [2, 256, H] within 1e-4', async () => {
    const s = config.tileSize;
    const pixels = testValues(2 * 3 * s * s, 11);
    const out = await sessions.vision_encoder!.run({
      pixel_values: new ort.Tensor('float32', pixels, [2, 3, s, s]),
    });
    const features = out.image_features!;
    expect(features.dims).toEqual([2, 256, H]);
    const expected = referenceVision(config, model.reference, pixels, 2);
    expect(maxAbsDiff(features.data as Float32Array, expected)).toBeLessThan(1e-4);
    // Tiles are independent: the second tile alone gives the second half.
    const second = await sessions.vision_encoder!.run({
      pixel_values: new ort.Tensor('float32', pixels.slice(3 * s * s), [1, 3, s, s]),
    });
    expect(maxAbsDiff(second.image_features!.data as Float32Array, expected.subarray(256 * H))).toBeLessThan(
      1e-4,
    );
  }, 60_000);

  it('embed_tokens gathers rows of the table exactly', async () => {
    const ids = [0, 151654, 42, 152063];
    const out = await sessions.embed_tokens!.run({ input_ids: int64(ids, [1, 4]) });
    expect(out.inputs_embeds!.dims).toEqual([1, 4, H]);
    expect(Array.from(out.inputs_embeds!.data as Float32Array)).toEqual(
      Array.from(referenceEmbed(config, model.reference, ids)),
    );
  });

  it('decoder: prefill, then two cached decode steps, match a full reference forward', async () => {
    const total = 9;
    const embeds = testValues(total * H, 5);
    const ref = referenceDecoder(config, model.reference, embeds, total);
    const prefill = await decode(embeds.slice(0, 7 * H), 1, 7, Array(7).fill(1), [0, 1, 2, 3, 4, 5, 6]);
    expect(prefill.logits!.dims).toEqual([1, 7, V]);
    expect(maxAbsDiff(prefill.logits!.data as Float32Array, ref.logits.subarray(0, 7 * V))).toBeLessThan(
      1e-4,
    );
    expect(prefill['present.0.key']!.dims).toEqual(kvShape(1, 7));
    let past = prefill;
    for (let step = 7; step < total; step++) {
      const out = await decode(
        embeds.slice(step * H, (step + 1) * H),
        1,
        1,
        Array(step + 1).fill(1),
        [step],
        past,
      );
      expect(out.logits!.dims).toEqual([1, 1, V]);
      expect(
        maxAbsDiff(out.logits!.data as Float32Array, ref.logits.subarray(step * V, (step + 1) * V)),
      ).toBeLessThan(1e-4);
      expect(out[`present.${layers - 1}.value`]!.dims).toEqual(kvShape(1, step + 1));
      past = out;
    }
  }, 60_000);

  it('decoder at batch 2 with left padding matches each row run alone', async () => {
    // Row 0: 4 real tokens after 2 pads; row 1: 6 real tokens. Then one decode step each.
    const a = testValues(5 * H, 21);
    const b = testValues(7 * H, 22);
    const refA = referenceDecoder(config, model.reference, a, 5);
    const refB = referenceDecoder(config, model.reference, b, 7);
    const padded = new Float32Array(2 * 6 * H);
    padded.set(a.subarray(0, 4 * H), 2 * H);
    padded.set(b.subarray(0, 6 * H), 6 * H);
    const mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const positions = [1, 1, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5]; // HF: cumsum(mask) - 1, pads filled with 1
    const prefill = await decode(padded, 2, 6, mask, positions);
    const logits = prefill.logits!.data as Float32Array;
    expect(maxAbsDiff(logits.subarray(2 * V, 6 * V), refA.logits.subarray(0, 4 * V))).toBeLessThan(1e-4);
    expect(maxAbsDiff(logits.subarray(6 * V, 12 * V), refB.logits.subarray(0, 6 * V))).toBeLessThan(1e-4);
    const step = new Float32Array(2 * H);
    step.set(a.subarray(4 * H, 5 * H), 0);
    step.set(b.subarray(6 * H, 7 * H), H);
    const next = await decode(step, 2, 1, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [4, 6], prefill);
    const nextLogits = next.logits!.data as Float32Array;
    expect(maxAbsDiff(nextLogits.subarray(0, V), refA.logits.subarray(4 * V, 5 * V))).toBeLessThan(1e-4);
    expect(maxAbsDiff(nextLogits.subarray(V, 2 * V), refB.logits.subarray(6 * V, 7 * V))).toBeLessThan(1e-4);
  }, 60_000);
});
