/**
 * Test-only helpers shared by the onnxruntime-backed tests: run a built graph in onnxruntime-node
 * (CPU, one thread), a deterministic PRNG, and float comparison. Not exported by the package.
 */

import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { GraphBuilder } from './graph-builder.js';
import { serializeModel } from './model-writer.js';

/** A feed tensor: data plus dims. */
export type Feed = {
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;
  readonly dims: readonly number[];
};

const TYPES = new Map<unknown, ort.Tensor.Type>([
  [Float32Array, 'float32'],
  [Int32Array, 'int32'],
  [BigInt64Array, 'int64'],
  [Uint8Array, 'bool'],
  [Uint16Array, 'float16'],
]);

/** Serialises `g` (inline weights), runs it once and returns every output. */
export async function runGraph(
  g: GraphBuilder,
  feeds: Record<string, Feed>,
): Promise<Record<string, ort.Tensor>> {
  const { model } = await serializeModel(g);
  return runModel(model, feeds);
}

/** Runs a model (bytes or a path) once. */
export async function runModel(
  model: Uint8Array | string,
  feeds: Record<string, Feed>,
): Promise<Record<string, ort.Tensor>> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(TYPES.get(f.data.constructor)!, f.data, [...f.dims]);
    }
    return await session.run(inputs);
  } finally {
    await session.release();
  }
}

/** Deterministic uniform floats in [lo, hi) (mulberry32). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Asserts `actual` matches `expected` elementwise within `tol` (absolute + relative). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e))))
      expect.fail(`element ${i}: got ${a}, expected ${e} (tol ${tol})`);
  }
}

/** Row-major matmul of A [M, K] and B [K, N] in float64. */
export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  K: number,
  N: number,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[m * K + k]! * b[k * N + n]!;
      out[m * N + n] = s;
    }
  return out;
}
