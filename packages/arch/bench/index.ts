/**
 * @nvlm-ts/arch benchmarks (`pnpm bench`):
 * 1. conversion throughput on a synthetic >= 1 GB bf16 checkpoint, against a plain file copy of the
 *    same bytes measured in the same run;
 * 2. vision encoder time for 7 tiles and decoder prefill / decode-step time on a mid-size config
 *    (printed with the config), fp32 against int4 weights in the same run.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32ToBf16, writeSafetensorsFile } from '@nvlm-ts/safetensors';
import * as ort from 'onnxruntime-node';
import { convert } from '../src/node/convert.js';
import { Random } from '../src/random.js';
import { loadConfig } from '../src/registry.js';
import { benchConfigJson } from '../src/tiny.js';
import { numel } from '../src/weights.js';

/** The shared benchmark config (Qwen2-0.5B-shaped decoder, small InternViT), stored as bf16. */
function midConfig(): Record<string, unknown> {
  return { ...benchConfigJson('nvlm-d'), torch_dtype: 'bfloat16' };
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'nvlm-arch-bench-'));
  try {
    const configJson = midConfig();
    const { architecture, config } = loadConfig(configJson);
    const specs = architecture.weightSpecs(config);
    const params = specs.reduce((s, x) => s + numel(x.shape), 0);
    const ckpt = join(root, 'ckpt');
    await mkdir(ckpt);
    await writeFile(join(ckpt, 'config.json'), JSON.stringify(configJson));
    const random = new Random(1);
    const [bytes, writeMs] = await time(() =>
      writeSafetensorsFile(
        join(ckpt, 'model.safetensors'),
        specs.map((spec) => ({
          name: spec.name,
          dtype: 'BF16' as const,
          shape: spec.shape,
          data: () => {
            const values = new Float32Array(numel(spec.shape));
            // Cheap pseudo-random values (the speed of conversion does not depend on them).
            for (let i = 0; i < values.length; i++) values[i] = (random.next() - 0.5) * 0.1;
            if (spec.padding) values.fill(0);
            return f32ToBf16(values);
          },
        })),
      ),
    );
    console.log(
      `config: vision ${config.vision.numLayers}x${config.vision.hiddenSize}, text ${config.text.numLayers}x${config.text.hiddenSize} (GQA ${config.text.numHeads}/${config.text.numKvHeads}), vocab ${config.text.vocabSize}; ${(params / 1e9).toFixed(3)} B parameters, checkpoint ${(bytes / 1e9).toFixed(2)} GB bf16 (written in ${(writeMs / 1000).toFixed(1)} s)`,
    );

    const [, copyMs] = await time(() =>
      copyFile(join(ckpt, 'model.safetensors'), join(root, 'copy.safetensors')),
    );
    await rm(join(root, 'copy.safetensors'));
    const copyRate = bytes / 1e6 / (copyMs / 1000);
    console.log(`file copy (peer):      ${copyRate.toFixed(0)} MB/s`);
    for (const [dtype, attention] of [
      ['fp32', 'fused'],
      ['int4', 'fused'],
      ['fp32', 'plain'],
    ] as const) {
      const out = join(root, `onnx-${dtype}-${attention}`);
      const [, ms] = await time(() => convert(ckpt, out, { dtype, attention }));
      const rate = bytes / 1e6 / (ms / 1000);
      console.log(
        `convert ${dtype} ${attention}:  ${rate.toFixed(0)} MB/s of checkpoint (${(ms / 1000).toFixed(1)} s), ${(rate / copyRate).toFixed(2)}x file copy`,
      );
    }

    const tiles = 7;
    const s = config.tileSize;
    const pixels = new Float32Array(tiles * 3 * s * s).map(() => random.next() - 0.5);
    const H = config.text.hiddenSize;
    const prefill = 128;
    const results: Record<string, { vision: number; prefill: number; step: number; logits: Float32Array }> =
      {};
    // One set of prompt embeddings for every variant, so their logits can be compared.
    const promptEmbeds = new Float32Array(prefill * H).map(() => random.next() - 0.5);
    for (const variant of ['fp32-plain', 'fp32-fused', 'int4-fused'] as const) {
      const dir = join(root, `onnx-${variant}`);
      const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2 };
      const vision = await ort.InferenceSession.create(join(dir, 'vision_encoder.onnx'), options);
      const visionMs: number[] = [];
      for (let i = 0; i < 3; i++)
        visionMs.push(
          (
            await time(() =>
              vision.run({ pixel_values: new ort.Tensor('float32', pixels, [tiles, 3, s, s]) }),
            )
          )[1],
        );
      await vision.release();
      const decoder = await ort.InferenceSession.create(join(dir, 'decoder_model_merged.onnx'), options);
      const feeds = (length: number, past: number, cache?: ort.InferenceSession.OnnxValueMapType) => {
        const f: Record<string, ort.Tensor> = {
          inputs_embeds: new ort.Tensor(
            'float32',
            past === 0
              ? promptEmbeds.subarray(0, length * H)
              : new Float32Array(length * H).map(() => random.next() - 0.5),
            [1, length, H],
          ),
          attention_mask: new ort.Tensor('int64', new BigInt64Array(past + length).fill(1n), [
            1,
            past + length,
          ]),
          position_ids: new ort.Tensor(
            'int64',
            BigInt64Array.from({ length }, (_, i) => BigInt(past + i)),
            [1, length],
          ),
        };
        for (let l = 0; l < config.text.numLayers; l++) {
          for (const kind of ['key', 'value']) {
            f[`past_key_values.${l}.${kind}`] =
              (cache?.[`present.${l}.${kind}`] as ort.Tensor) ??
              new ort.Tensor('float32', new Float32Array(0), [
                1,
                config.text.numKvHeads,
                0,
                config.text.headDim,
              ]);
          }
        }
        return f;
      };
      const prefillMs: number[] = [];
      let cache: ort.InferenceSession.OnnxValueMapType | undefined;
      const prefillFeeds = feeds(prefill, 0);
      for (let i = 0; i < 3; i++) {
        const [out, ms] = await time(() => decoder.run(prefillFeeds));
        prefillMs.push(ms);
        cache = out;
      }
      const stepMs: number[] = [];
      for (let i = 0; i < 16; i++) {
        const [out, ms] = await time(() => decoder.run(feeds(1, prefill + i, cache)));
        stepMs.push(ms);
        cache = out;
      }
      results[variant] = {
        vision: median(visionMs),
        prefill: median(prefillMs),
        step: median(stepMs),
        logits: Float32Array.from((await decoder.run(prefillFeeds)).logits!.data as Float32Array),
      };
      await decoder.release();
      const r = results[variant]!;
      console.log(
        `${variant} vision ${tiles} tiles: ${r.vision.toFixed(0)} ms | decoder prefill ${prefill} tokens: ${r.prefill.toFixed(0)} ms (${((prefill / r.prefill) * 1000).toFixed(0)} tok/s) | decode step: ${r.step.toFixed(1)} ms (${(1000 / r.step).toFixed(1)} tok/s)`,
      );
    }
    const plain = results['fp32-plain']!;
    const fused = results['fp32-fused']!;
    const q = results['int4-fused']!;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    let error = 0;
    let norm = 0;
    for (let i = 0; i < fused.logits.length; i++) {
      error += (q.logits[i]! - fused.logits[i]!) ** 2;
      norm += fused.logits[i]! ** 2;
    }
    console.log(
      `int4 logit error vs fp32 (last prefill position): relative RMS ${Math.sqrt(error / norm).toFixed(4)}`,
    );
    console.log(
      `fused / plain attention (fp32): vision ${ratio(plain.vision, fused.vision)}, prefill ${ratio(plain.prefill, fused.prefill)}, decode ${ratio(plain.step, fused.step)} faster`,
    );
    console.log(
      `int4 / fp32 (fused): vision ${ratio(fused.vision, q.vision)}, prefill ${ratio(fused.prefill, q.prefill)}, decode ${ratio(fused.step, q.step)} faster`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
