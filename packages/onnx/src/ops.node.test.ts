/**
 * Default-domain ops run in onnxruntime-node and checked against plain TypeScript references.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder.js';
import { expectClose, matmul, randomFloats, runGraph } from './test-support.js';

/** erf by its Maclaurin series / continued fraction, to ~1e-12 (independent of onnxruntime). */
function erf(x: number): number {
  if (Math.abs(x) > 3) return Math.sign(x) * (1 - erfcLarge(Math.abs(x)));
  let sum = x;
  let term = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
function erfcLarge(x: number): number {
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

describe('standard ops in onnxruntime', () => {
  it('MatMul + Add + Softmax', async () => {
    const [M, K, N] = [3, 5, 4];
    const a = randomFloats(M * K, 1);
    const w = randomFloats(K * N, 2);
    const bias = randomFloats(N, 3);
    const g = new GraphBuilder({ name: 'mlp' });
    const x = g.input('x', 'float32', [M, K]);
    const y = g.softmax(
      g.add(
        g.matMul(x, g.initializer('w', 'float32', [K, N], w), 'proj'),
        g.initializer('b', 'float32', [N], bias),
      ),
    );
    g.output(y, 'y');
    const out = await runGraph(g, { x: { data: a, dims: [M, K] } });
    const logits = matmul(a, w, M, K, N);
    const want = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      const row = Array.from({ length: N }, (_, n) => logits[m * N + n]! + bias[n]!);
      const mx = Math.max(...row);
      const e = row.map((v) => Math.exp(v - mx));
      const s = e.reduce((p, q) => p + q, 0);
      e.forEach((v, n) => {
        want[m * N + n] = v / s;
      });
    }
    expect(out.y!.dims).toEqual([M, N]);
    expectClose(out.y!.data as Float32Array, want, 1e-5);
  });

  it('float16 inputs and initializers (hand-encoded half bits) through MatMul and Cast', async () => {
    const [one, two, half, minusOne] = [0x3c00, 0x4000, 0x3800, 0xbc00];
    const g = new GraphBuilder({ name: 'fp16' });
    const x = g.input('x', 'float16', [1, 2]);
    const w = g.initializer('w', 'float16', [2, 2], new Uint16Array([one, two, half, minusOne]));
    g.output(g.cast(g.matMul(x, w), 'float32'), 'y');
    g.output(g.matMul(x, w, 'y16'), 'y16', 'float16');
    const out = await runGraph(g, { x: { data: new Uint16Array([two, one]), dims: [1, 2] } });
    // [2, 1] @ [[1, 2], [0.5, -1]] = [2.5, 3]
    expect([...(out.y!.data as Float32Array)]).toEqual([2.5, 3]);
    expect([...(out.y16!.data as Uint16Array)]).toEqual([0x4100, 0x4200]);
  });

  it('LayerNormalization, SimplifiedLayerNormalization and RMSNormalization (opset 23)', async () => {
    const [R, H] = [3, 8];
    const x = randomFloats(R * H, 4, -2, 2);
    const scale = randomFloats(H, 5);
    const bias = randomFloats(H, 6);
    const eps = 1e-5;
    const g = new GraphBuilder({ name: 'norms', opset: 23 });
    const xi = g.input('x', 'float32', [R, H]);
    const s = g.initializer('scale', 'float32', [H], scale);
    g.output(
      g.layerNormalization(xi, s, g.initializer('bias', 'float32', [H], bias), { epsilon: eps }),
      'ln',
    );
    g.output(g.simplifiedLayerNormalization(xi, s, { epsilon: eps }), 'sln');
    g.output(g.rmsNormalization(xi, s, { epsilon: eps }), 'rms');
    const out = await runGraph(g, { x: { data: x, dims: [R, H] } });
    const ln = new Float64Array(R * H);
    const rms = new Float64Array(R * H);
    for (let r = 0; r < R; r++) {
      const row = Array.from(x.subarray(r * H, (r + 1) * H));
      const mean = row.reduce((p, q) => p + q, 0) / H;
      const variance = row.reduce((p, q) => p + (q - mean) ** 2, 0) / H;
      const ms = row.reduce((p, q) => p + q * q, 0) / H;
      row.forEach((v, h) => {
        ln[r * H + h] = ((v - mean) / Math.sqrt(variance + eps)) * scale[h]! + bias[h]!;
        rms[r * H + h] = (v / Math.sqrt(ms + eps)) * scale[h]!;
      });
    }
    expectClose(out.ln!.data as Float32Array, ln, 1e-5);
    expectClose(out.sln!.data as Float32Array, rms, 1e-5);
    expectClose(out.rms!.data as Float32Array, rms, 1e-5);
  });

  it('Gather (embedding), Reshape and Transpose with shape checks', async () => {
    const [V, H, nh] = [10, 6, 2];
    const table = randomFloats(V * H, 7);
    const ids = [3, 9, 0, 3];
    const g = new GraphBuilder({ name: 'embed' });
    const idsIn = g.input('input_ids', 'int64', [1, 'seq']);
    const e = g.gather(g.initializer('embed_tokens.weight', 'float32', [V, H], table), idsIn, 0, 'embed'); // [1, T, H]
    const heads = g.reshape(e, [0, 0, nh, H / nh], 'heads'); // [1, T, H] -> [1, T, nh, hs]
    const t = g.transpose(heads, [0, 2, 1, 3], 'heads_t'); // [1, T, nh, hs] -> [1, nh, T, hs]
    g.output(t, 'out');
    const out = await runGraph(g, { input_ids: { data: BigInt64Array.from(ids.map(BigInt)), dims: [1, 4] } });
    expect(out.out!.dims).toEqual([1, nh, 4, H / nh]);
    const want: number[] = [];
    for (let h = 0; h < nh; h++)
      for (let s = 0; s < ids.length; s++)
        for (let d = 0; d < H / nh; d++) want.push(table[ids[s]! * H + h * (H / nh) + d]!);
    expectClose(out.out!.data as Float32Array, want, 0);
  });

  it('elementwise unary and binary ops', async () => {
    const n = 16;
    const a = randomFloats(n, 8, -3, 3);
    const b = randomFloats(n, 9, 0.5, 2);
    const g = new GraphBuilder({ name: 'elementwise' });
    const x = g.input('a', 'float32', [n]);
    const y = g.input('b', 'float32', [n]);
    const unary = {
      sqrt: [g.sqrt(y), Math.sqrt],
      neg: [g.neg(x), (v: number) => -v],
      abs: [g.abs(x), Math.abs],
      exp: [g.exp(x), Math.exp],
      log: [g.log(y), Math.log],
      sin: [g.sin(x), Math.sin],
      cos: [g.cos(x), Math.cos],
      tanh: [g.tanh(x), Math.tanh],
      sigmoid: [g.sigmoid(x), (v: number) => 1 / (1 + Math.exp(-v))],
      erf: [g.erf(x), erf],
      relu: [g.relu(x), (v: number) => Math.max(v, 0)],
      gelu: [g.gelu(x), (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
      reciprocal: [g.reciprocal(y), (v: number) => 1 / v],
    } as const;
    const binary = {
      add: [g.add(x, y), (p: number, q: number) => p + q],
      sub: [g.sub(x, y), (p: number, q: number) => p - q],
      mul: [g.mul(x, y), (p: number, q: number) => p * q],
      div: [g.div(x, y), (p: number, q: number) => p / q],
      pow: [g.pow(y, x), (p: number, q: number) => q ** p], // b ** a
      max: [g.max([x, y]), Math.max],
      min: [g.min([x, y]), Math.min],
    } as const;
    for (const [k, [v]] of Object.entries({ ...unary, ...binary })) g.output(v, k);
    const out = await runGraph(g, { a: { data: a, dims: [n] }, b: { data: b, dims: [n] } });
    for (const [k, [, f]] of Object.entries(unary))
      expectClose(
        out[k]!.data as Float32Array,
        Array.from(a, (v, i) => (['sqrt', 'log', 'reciprocal'].includes(k) ? f(b[i]!) : f(v))),
        2e-6,
      );
    for (const [k, [, f]] of Object.entries(binary)) {
      expectClose(
        out[k]!.data as Float32Array,
        Array.from(a, (v, i) => f(v, b[i]!)),
        2e-6,
      );
    }
  });

  it('comparisons, logic, Where, Cast, IsNaN', async () => {
    const g = new GraphBuilder({ name: 'logic' });
    const x = g.input('x', 'float32', [5]);
    const y = g.input('y', 'float32', [5]);
    const lt = g.less(x, y);
    const gt = g.greater(x, y);
    const eq = g.equal(x, y);
    g.output(g.where(lt, x, y), 'min');
    g.output(g.cast(g.or(g.and(lt, g.not(eq)), gt), 'int32'), 'ne');
    g.output(g.isNaN(g.div(x, y)), 'nan');
    const out = await runGraph(g, {
      x: { data: new Float32Array([1, 2, 3, 0, 5]), dims: [5] },
      y: { data: new Float32Array([2, 2, 1, 0, 6]), dims: [5] },
    });
    expect([...(out.min!.data as Float32Array)]).toEqual([1, 2, 1, 0, 5]);
    expect([...(out.ne!.data as Int32Array)]).toEqual([1, 0, 1, 0, 1]);
    expect([...(out.nan!.data as Uint8Array)].map(Boolean)).toEqual([false, false, false, true, false]);
  });

  it('shape ops: Shape, Slice, Split, Concat, Squeeze, Unsqueeze, Expand, ConstantOfShape, Range', async () => {
    const g = new GraphBuilder({ name: 'shapes' });
    const x = g.input('x', 'float32', [2, 6]);
    const [p0, p1] = g.split(x, 1, [2, 4], 'parts');
    const [h0, h1, h2] = g.split(x, 1, { numOutputs: 3 }, 'thirds');
    g.output(p1!, 'p1');
    g.output(g.concat([h2!, h0!, h1!], 1), 'rot');
    g.output(g.slice(x, [0, 1], [2, 6], [0, 1], [1, 2]), 'odd'); // every other column from 1
    g.output(g.shape(x), 'shape');
    g.output(g.shape(x, { start: 1 }), 'tail');
    g.output(g.squeeze(g.unsqueeze(p0!, [0, 2]), [0]), 'unsq'); // [2, 2] -> [1, 2, 1, 2] -> [2, 1, 2]
    g.output(g.expand(g.float32([1, 2]), [3, 2]), 'expanded');
    g.output(
      g.constantOfShape([2, 3], { dtype: 'int64', dims: [1], data: new BigInt64Array([7n]) }),
      'sevens',
    );
    g.output(g.range(g.int64(2), g.int64(11), g.int64(3)), 'range');
    const x0 = Float32Array.from({ length: 12 }, (_, i) => i);
    const out = await runGraph(g, { x: { data: x0, dims: [2, 6] } });
    expect(out.p1!.dims).toEqual([2, 4]);
    expect([...(out.p1!.data as Float32Array)]).toEqual([2, 3, 4, 5, 8, 9, 10, 11]);
    expect([...(out.rot!.data as Float32Array)]).toEqual([4, 5, 0, 1, 2, 3, 10, 11, 6, 7, 8, 9]);
    expect([...(out.odd!.data as Float32Array)]).toEqual([1, 3, 5, 7, 9, 11]);
    expect([...(out.shape!.data as BigInt64Array)]).toEqual([2n, 6n]);
    expect([...(out.tail!.data as BigInt64Array)]).toEqual([6n]);
    expect(out.unsq!.dims).toEqual([2, 1, 2]);
    expect([...(out.expanded!.data as Float32Array)]).toEqual([1, 2, 1, 2, 1, 2]);
    expect([...(out.sevens!.data as BigInt64Array)]).toEqual(new Array(6).fill(7n));
    expect([...(out.range!.data as BigInt64Array)]).toEqual([2n, 5n, 8n]);
  });

  it('reductions, CumSum, Trilu, GatherElements, ScatterND, Gemm, Conv', async () => {
    const g = new GraphBuilder({ name: 'misc' });
    const x = g.input('x', 'float32', [2, 3]);
    g.output(g.reduceMean(x, [1], { keepdims: false }), 'mean');
    g.output(g.reduceSum(x, [0]), 'sum');
    g.output(g.reduceSum(x), 'total');
    g.output(g.cumSum(x, 1), 'cumsum');
    g.output(g.cumSum(x, 1, { exclusive: true, reverse: true }), 'rcumsum');
    g.output(g.trilu(g.reshape(g.float32([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3]), 1, { upper: false }), 'tril');
    g.output(g.gatherElements(x, g.reshape(g.int64([2, 0, 1, 1, 0, 2]), [2, 3]), 1), 'ge');
    g.output(g.scatterND(x, g.reshape(g.int64([1, 0]), [1, 2]), g.float32([100])), 'scatter');
    g.output(g.gemm(x, x, g.float32([1, 2]), { transB: true, alpha: 2, beta: 1 }), 'gemm');
    // Conv: a 1-channel 3x3 image, one 2x2 kernel, stride 1 -> 2x2
    const img = g.reshape(g.float32([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
    const k = g.reshape(g.float32([1, 0, 0, -1]), [1, 1, 2, 2]);
    g.output(g.conv(img, k, g.float32([0.5]), { strides: [1, 1], kernelShape: [2, 2] }), 'conv');
    const out = await runGraph(g, { x: { data: new Float32Array([1, 2, 3, 4, 5, 6]), dims: [2, 3] } });
    expect([...(out.mean!.data as Float32Array)]).toEqual([2, 5]);
    expect(out.sum!.dims).toEqual([1, 3]);
    expect([...(out.sum!.data as Float32Array)]).toEqual([5, 7, 9]);
    expect([...(out.total!.data as Float32Array)]).toEqual([21]);
    expect([...(out.cumsum!.data as Float32Array)]).toEqual([1, 3, 6, 4, 9, 15]);
    expect([...(out.rcumsum!.data as Float32Array)]).toEqual([5, 3, 0, 11, 6, 0]);
    expect([...(out.tril!.data as Float32Array)]).toEqual([1, 2, 0, 4, 5, 6, 7, 8, 9]);
    expect([...(out.ge!.data as Float32Array)]).toEqual([3, 1, 2, 5, 4, 6]);
    expect([...(out.scatter!.data as Float32Array)]).toEqual([1, 2, 3, 100, 5, 6]);
    // 2 * x xᵀ + [1, 2]: x xᵀ = [[14, 32], [32, 77]]
    expect([...(out.gemm!.data as Float32Array)]).toEqual([29, 66, 65, 156]);
    expect([...(out.conv!.data as Float32Array)]).toEqual([-3.5, -3.5, -3.5, -3.5]);
  });
});
