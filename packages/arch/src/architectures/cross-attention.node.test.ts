/**
 * NVLM-X / NVLM-H graphs on tiny models, in onnxruntime-node, against the float64 reference:
 * zero gates give the text decoder exactly; non-zero gates match the reference at prefill and
 * cached decode steps, batch 1 and 2; the cross-attention mask is honoured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '@nvlm-ts/onnx';
import { saveModel } from '@nvlm-ts/onnx/node';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decoderGraph } from '../blocks/decoder.js';
import type { NvlmArchId } from '../config/nvlm.js';
import { referenceDecoder, referenceVision } from '../reference/nvlm.js';
import { decoderFeeds } from '../testing/decoder-feeds.js';
import { maxAbsDiff, type TinyModel, testValues, tinyModel } from '../testing/tiny-model.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-xattn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

async function sessions(model: TinyModel, name: string) {
  const graphs = model.architecture.buildGraphs(model.config, () => model.weights(), { allLogits: true });
  const out: Record<string, ort.InferenceSession> = {};
  for (const [file, graph] of Object.entries(graphs)) {
    const path = join(dir, `${name}-${file}.onnx`);
    await saveModel(graph, path);
    out[file] = await ort.InferenceSession.create(path);
  }
  return out;
}

/** Runs cross_attention_kv then the decoder for [B, L] embeddings with memory [B, M, H] and mask [B, L, M]. */
async function decodeWithMemory(
  model: TinyModel,
  s: Record<string, ort.InferenceSession>,
  embeds: Float32Array,
  b: number,
  l: number,
  memory: Float32Array,
  m: number,
  mask: number[],
  past = 0,
  cache?: ort.InferenceSession.OnnxValueMapType,
  kv?: ort.InferenceSession.OnnxValueMapType,
) {
  const t = model.config.text;
  const crossKv =
    kv ??
    (await s.cross_attention_kv!.run({
      cross_attention_states: new ort.Tensor('float32', memory, [b, m, t.hiddenSize]),
    }));
  const feeds: Record<string, ort.Tensor> = {
    ...decoderFeeds(ort.Tensor, model.config, { embeds, batch: b, length: l, past, ...(cache && { cache }) }),
    cross_attention_mask: int64(mask, [b, l, m]),
  };
  for (let n = 0; n < model.config.crossAttentionLayers.length; n++) {
    feeds[`cross_attention.${n}.key`] = crossKv[`cross_attention.${n}.key`] as ort.Tensor;
    feeds[`cross_attention.${n}.value`] = crossKv[`cross_attention.${n}.value`] as ort.Tensor;
  }
  return { out: await s.decoder_model_merged!.run(feeds), kv: crossKv };
}

/** A mask where token i sees memory entries j with (i + j) % 3 != 0, and token 1 sees nothing. */
function patternMask(l: number, m: number, offset = 0): number[] {
  const mask: number[] = [];
  for (let i = 0; i < l; i++)
    for (let j = 0; j < m; j++) mask.push(i + offset === 1 ? 0 : (i + offset + j) % 3 !== 0 ? 1 : 0);
  return mask;
}

for (const arch of ['nvlm-x', 'nvlm-h'] as NvlmArchId[]) {
  describe(arch, () => {
    it('has one cross-attention block per decoder layer in the tiny config, with its tensors', () => {
      const model = tinyModel(arch, 1);
      expect(model.config.crossAttentionLayers).toEqual([0, 1]);
      expect(model.specs.some((s) => s.name === 'language_model.model.xattn_layers.1.mlp_gate')).toBe(true);
      expect(model.config.projector.kind).toBe(arch === 'nvlm-x' ? 'linear' : 'mlp');
    });

    it('with both gates of every block at zero, gives the text decoder logits exactly', async () => {
      const model = tinyModel(arch, 2, (name, data) => {
        if (name.endsWith('attn_gate') || name.endsWith('mlp_gate')) data.fill(0);
      });
      const s = await sessions(model, `${arch}-zero`);
      const H = model.config.text.hiddenSize;
      const g = new GraphBuilder({ name: 'text' });
      decoderGraph(g, model.config.text, model.weights(), { allLogits: true });
      const textPath = join(dir, `${arch}-text.onnx`);
      await saveModel(g, textPath);
      const text = await ort.InferenceSession.create(textPath);
      const embeds = testValues(5 * H, 8);
      const memory = testValues(4 * H, 9);
      const { out } = await decodeWithMemory(model, s, embeds, 1, 5, memory, 4, patternMask(5, 4));
      const feeds = decoderFeeds(ort.Tensor, model.config, { embeds, batch: 1, length: 5 });
      const plain = await text.run(feeds);
      expect(maxAbsDiff(out.logits!.data as Float32Array, plain.logits!.data as Float32Array)).toBeLessThan(
        1e-6,
      );
      await text.release();
      await Promise.all(Object.values(s).map((x) => x.release()));
    }, 60_000);

    it('matches the reference with non-zero gates: prefill, cached decode steps, batch 1 and 2', async () => {
      const model = tinyModel(arch, 3);
      const s = await sessions(model, arch);
      const { config } = model;
      const H = config.text.hiddenSize;
      const V = config.text.vocabSize;
      const M = 6;
      const rows = [0, 1].map((r) => ({
        embeds: testValues(8 * H, 40 + r),
        memory: testValues(M * H, 50 + r),
        mask: patternMask(8, M, r),
      }));
      const reference = rows.map((row) =>
        referenceDecoder(config, model.reference, row.embeds, 8, {
          crossAttention: {
            memory: Float64Array.from(row.memory),
            length: M,
            allowed: (i, j) => row.mask[i * M + j] === 1,
          },
        }),
      );
      // Batch 2: prefill 7 tokens, then one cached step.
      const cat = (parts: Float32Array[]) => {
        const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          out.set(p, o);
          o += p.length;
        }
        return out;
      };
      const prefill = await decodeWithMemory(
        model,
        s,
        cat(rows.map((r) => r.embeds.subarray(0, 7 * H))),
        2,
        7,
        cat(rows.map((r) => r.memory)),
        M,
        rows.flatMap((r) => r.mask.slice(0, 7 * M)),
      );
      const logits = prefill.out.logits!.data as Float32Array;
      rows.forEach((_, r) => {
        expect(
          maxAbsDiff(logits.subarray(r * 7 * V, (r + 1) * 7 * V), reference[r]!.logits.subarray(0, 7 * V)),
        ).toBeLessThan(1e-4);
      });
      const step = await decodeWithMemory(
        model,
        s,
        cat(rows.map((r) => r.embeds.subarray(7 * H))),
        2,
        1,
        cat(rows.map((r) => r.memory)),
        M,
        rows.flatMap((r) => r.mask.slice(7 * M)),
        7,
        prefill.out,
        prefill.kv,
      );
      const stepLogits = step.out.logits!.data as Float32Array;
      rows.forEach((_, r) => {
        expect(
          maxAbsDiff(stepLogits.subarray(r * V, (r + 1) * V), reference[r]!.logits.subarray(7 * V)),
        ).toBeLessThan(1e-4);
      });
      // Batch 1 equals the first row.
      const single = await decodeWithMemory(
        model,
        s,
        rows[0]!.embeds,
        1,
        8,
        rows[0]!.memory,
        M,
        rows[0]!.mask,
      );
      expect(maxAbsDiff(single.out.logits!.data as Float32Array, reference[0]!.logits)).toBeLessThan(1e-4);
      await Promise.all(Object.values(s).map((x) => x.release()));
    }, 120_000);

    it('a token never reads memory its mask hides, and a token that sees nothing is unaffected by memory', async () => {
      const model = tinyModel(arch, 4);
      const s = await sessions(model, `${arch}-mask`);
      const H = model.config.text.hiddenSize;
      const V = model.config.text.vocabSize;
      const M = 4;
      const embeds = testValues(3 * H, 60);
      // Token 0 sees entry 0 only, token 1 nothing, token 2 entries 0-1; entries 2-3 are visible to no one.
      const mask = [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0];
      const memory = testValues(M * H, 61);
      const changed = Float32Array.from(memory);
      changed.fill(5, 2 * H); // entries 2 and 3
      const a = await decodeWithMemory(model, s, embeds, 1, 3, memory, M, mask);
      const b = await decodeWithMemory(model, s, embeds, 1, 3, changed, M, mask);
      expect(maxAbsDiff(a.out.logits!.data as Float32Array, b.out.logits!.data as Float32Array)).toBe(0);
      // Token 0 (first position) only ever sees entry 0 and itself: entry 1 changes leave it alone.
      const changed1 = Float32Array.from(memory);
      changed1.fill(-3, H, 2 * H);
      const c = await decodeWithMemory(model, s, embeds, 1, 3, changed1, M, mask);
      const logitsA = a.out.logits!.data as Float32Array;
      const logitsC = c.out.logits!.data as Float32Array;
      expect(maxAbsDiff(logitsA.subarray(0, V), logitsC.subarray(0, V))).toBe(0);
      expect(maxAbsDiff(logitsA.subarray(2 * V), logitsC.subarray(2 * V))).toBeGreaterThan(1e-4);
      await Promise.all(Object.values(s).map((x) => x.release()));
    }, 60_000);

    it('the vision encoder output matches the reference (projector of this architecture)', async () => {
      const model = tinyModel(arch, 5);
      const s = await sessions(model, `${arch}-vision`);
      const size = model.config.tileSize;
      const pixels = testValues(3 * size * size, 70);
      const out = await s.vision_encoder!.run({
        pixel_values: new ort.Tensor('float32', pixels, [1, 3, size, size]),
      });
      expect(
        maxAbsDiff(
          out.image_features!.data as Float32Array,
          referenceVision(model.config, model.reference, pixels, 1),
        ),
      ).toBeLessThan(1e-4);
      await Promise.all(Object.values(s).map((x) => x.release()));
    }, 60_000);
  });
}
