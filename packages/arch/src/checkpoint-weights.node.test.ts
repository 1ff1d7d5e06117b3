/**
 * The weight provider's linear layers, run in onnxruntime: fp32 MatMul on the transposed weight and
 * MatMulNBits on quantised blocks (accuracy level 1: fp32 compute) give exactly x W^T + b for the
 * weights they store, so any model-level difference of int8/int4 is quantisation error only; at
 * accuracy level 4 (the default) the activations are also rounded to int8 per block, which stays
 * within the bound that rounding implies.
 */
import { dequantizeMatMulNBits, GraphBuilder, quantizeMatMulNBits, serializeModel } from '@nvlm-ts/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CheckpointWeights, transpose2d, type WeightFormat } from './checkpoint-weights.js';
import { linear } from './reference/math.js';
import { maxAbsDiff, testValues } from './testing/tiny-model.js';
import type { WeightSpec } from './weights.js';

const N = 48;
const K = 64;
const specs: WeightSpec[] = [
  { name: 'w', shape: [N, K], init: 'normal' },
  { name: 'b', shape: [N], init: 'bias' },
];
const weight = testValues(N * K, 1);
const bias = testValues(N, 2);
const x = testValues(3 * K, 3);

async function runLinear(format: WeightFormat): Promise<Float32Array> {
  const tensors: Record<string, Float32Array> = { w: weight, b: bias };
  const w = new CheckpointWeights(
    specs,
    async (name) => ({ data: tensors[name]!, shape: name === 'w' ? [N, K] : [N] }),
    format,
  );
  const g = new GraphBuilder({ name: 'linear' });
  const input = g.input('x', 'float32', [3, K]);
  g.output(w.linear(g, input, 'w', 'b', 'proj'), 'y', 'float32', [3, N]);
  const { model } = await serializeModel(g);
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ x: new ort.Tensor('float32', x, [3, K]) });
  await session.release();
  return out.y!.data as Float32Array;
}

describe('CheckpointWeights.linear', () => {
  it('transposes 2-D matrices exactly', () => {
    expect(Array.from(transpose2d(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('fp32: x W^T + b', async () => {
    expect(
      maxAbsDiff(await runLinear({ dtype: 'fp32' }), linear(Float64Array.from(x), 3, K, weight, N, bias)),
    ).toBeLessThan(1e-5);
  });

  it.each([
    ['int8', 8, true],
    ['int8', 8, false],
    ['int4', 4, true],
    ['int4', 4, false],
  ] as const)('%s (symmetric %s): x dequant(W)^T + b exactly', async (dtype, bits, symmetric) => {
    const y = await runLinear({ dtype, blockSize: 16, symmetric, accuracyLevel: 1 });
    const dequantized = dequantizeMatMulNBits(
      quantizeMatMulNBits(weight, N, K, { bits, blockSize: 16, symmetric }),
    );
    expect(maxAbsDiff(y, linear(Float64Array.from(x), 3, K, dequantized, N, bias))).toBeLessThan(1e-4);
  });

  it.each([
    ['int8', 8],
    ['int4', 4],
  ] as const)('%s at accuracy level 4: within the int8 activation-rounding bound', async (dtype, bits) => {
    const block = 16;
    const y = await runLinear({ dtype, blockSize: block });
    const w = dequantizeMatMulNBits(
      quantizeMatMulNBits(weight, N, K, { bits, blockSize: block, symmetric: true }),
    );
    const exact = linear(Float64Array.from(x), 3, K, w, N, bias);
    // Rounding a block's activations to int8 (scale <= max|x_block| / 127) moves each by at most half
    // a step: |dy[m, n]| <= sum over blocks of (max|x_block| / 254) * sum_k |w[n, k]|.
    let worst = 0;
    for (let m = 0; m < 3; m++) {
      for (let n = 0; n < N; n++) {
        let bound = 0;
        for (let b = 0; b < K; b += block) {
          let xmax = 0;
          let wsum = 0;
          for (let k = b; k < b + block; k++) {
            xmax = Math.max(xmax, Math.abs(x[m * K + k]!));
            wsum += Math.abs(w[n * K + k]!);
          }
          bound += (xmax / 254) * wsum;
        }
        const diff = Math.abs(y[m * N + n]! - exact[m * N + n]!);
        expect(diff).toBeLessThanOrEqual(bound * 1.01 + 1e-5);
        worst = Math.max(worst, diff);
      }
    }
    expect(worst).toBeGreaterThan(1e-6); // the activations really were rounded
  });
});
