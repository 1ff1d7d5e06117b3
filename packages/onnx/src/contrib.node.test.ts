/**
 * com.microsoft contrib ops run in onnxruntime-node and checked against plain TypeScript references:
 * GroupQueryAttention against an attention loop, RotaryEmbedding against a hand RoPE, MatMulNBits
 * against a matmul with the dequantised weight, SkipSimplifiedLayerNormalization against add + RMSNorm.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder.js';
import { dequantizeMatMulNBits, quantizeMatMulNBits } from './quantize.js';
import { expectClose, randomFloats, runGraph } from './test-support.js';

/**
 * Causal GQA in float64. q [B, T, nh*hs], k/v [B, T, kvh*hs] over the whole sequence; returns the
 * outputs of the last `S` positions, [B, S, nh*hs].
 */
function attention(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  B: number,
  T: number,
  S: number,
  nh: number,
  kvh: number,
  hs: number,
): Float64Array {
  const out = new Float64Array(B * S * nh * hs);
  const group = nh / kvh;
  for (let b = 0; b < B; b++)
    for (let s = 0; s < S; s++) {
      const t = T - S + s; // absolute query position
      for (let h = 0; h < nh; h++) {
        const kh = Math.floor(h / group);
        const scores: number[] = [];
        for (let u = 0; u <= t; u++) {
          let dot = 0;
          for (let d = 0; d < hs; d++)
            dot += q[((b * S + s) * nh + h) * hs + d]! * k[((b * T + u) * kvh + kh) * hs + d]!;
          scores.push(dot / Math.sqrt(hs));
        }
        const mx = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - mx));
        const z = e.reduce((p, x) => p + x, 0);
        for (let d = 0; d < hs; d++) {
          let acc = 0;
          for (let u = 0; u <= t; u++) acc += (e[u]! / z) * v[((b * T + u) * kvh + kh) * hs + d]!;
          out[((b * S + s) * nh + h) * hs + d] = acc;
        }
      }
    }
  return out;
}

/** The last `S` of `T` positions of a [B, T, W] tensor. */
function lastPositions(x: Float32Array, B: number, T: number, S: number, W: number): Float32Array {
  const out = new Float32Array(B * S * W);
  for (let b = 0; b < B; b++) out.set(x.subarray((b * T + T - S) * W, (b * T + T) * W), b * S * W);
  return out;
}

function gqaGraph(nh: number, kvh: number, hs: number, withPast: boolean) {
  const g = new GraphBuilder({ name: 'gqa' });
  const q = g.input('q', 'float32', ['batch', 'seq', nh * hs]);
  const k = g.input('k', 'float32', ['batch', 'seq', kvh * hs]);
  const v = g.input('v', 'float32', ['batch', 'seq', kvh * hs]);
  const past = withPast
    ? {
        pastKey: g.input('past_key', 'float32', ['batch', kvh, 'past', hs]),
        pastValue: g.input('past_value', 'float32', ['batch', kvh, 'past', hs]),
      }
    : {};
  const seqlensK = g.input('seqlens_k', 'int32', ['batch']);
  const total = g.input('total_sequence_length', 'int32', []);
  const attn = g.layer(0).scope('attn');
  const r = attn.groupQueryAttention(
    { query: q, key: k, value: v, ...past, seqlensK, totalSequenceLength: total },
    { numHeads: nh, kvNumHeads: kvh },
    'gqa',
  );
  expect(r.output.name).toBe('layers.0.attn.gqa.output');
  g.output(r.output, 'out', 'float32');
  g.output(r.presentKey, 'present_key', 'float32');
  g.output(r.presentValue, 'present_value', 'float32');
  return g;
}

describe('GroupQueryAttention', () => {
  const [B, T, nh, kvh, hs] = [2, 5, 4, 2, 8];
  const q = randomFloats(B * T * nh * hs, 11);
  const k = randomFloats(B * T * kvh * hs, 12);
  const v = randomFloats(B * T * kvh * hs, 13);

  it('prompt phase equals a causal attention loop (batch 2, 2 query heads per KV head)', async () => {
    const out = await runGraph(gqaGraph(nh, kvh, hs, false), {
      q: { data: q, dims: [B, T, nh * hs] },
      k: { data: k, dims: [B, T, kvh * hs] },
      v: { data: v, dims: [B, T, kvh * hs] },
      seqlens_k: { data: new Int32Array([T - 1, T - 1]), dims: [B] },
      total_sequence_length: { data: new Int32Array([T]), dims: [] },
    });
    expect(out.out!.dims).toEqual([B, T, nh * hs]);
    expectClose(out.out!.data as Float32Array, attention(q, k, v, B, T, T, nh, kvh, hs), 1e-5);
    // present_key is k in [B, kvh, T, hs] layout
    expect(out.present_key!.dims).toEqual([B, kvh, T, hs]);
    const pk = out.present_key!.data as Float32Array;
    expect(pk[((1 * kvh + 1) * T + 3) * hs + 2]).toBe(k[((1 * T + 3) * kvh + 1) * hs + 2]);
  });

  it('prompt phase with a right-padded batch row attends only within its valid length', async () => {
    const valid = 3; // row 1 holds 3 real tokens then 2 padding positions
    const out = await runGraph(gqaGraph(nh, kvh, hs, false), {
      q: { data: q, dims: [B, T, nh * hs] },
      k: { data: k, dims: [B, T, kvh * hs] },
      v: { data: v, dims: [B, T, kvh * hs] },
      seqlens_k: { data: new Int32Array([T - 1, valid - 1]), dims: [B] },
      total_sequence_length: { data: new Int32Array([T]), dims: [] },
    });
    const W = nh * hs;
    const row1 = (x: Float32Array, width: number) => x.slice(1 * T * width, (1 * T + valid) * width);
    const want = attention(row1(q, W), row1(k, kvh * hs), row1(v, kvh * hs), 1, valid, valid, nh, kvh, hs);
    const got = (out.out!.data as Float32Array).slice(T * W, (T + valid) * W);
    expectClose(got, want, 1e-5);
    expectClose(
      (out.out!.data as Float32Array).slice(0, T * W),
      attention(q, k, v, B, T, T, nh, kvh, hs).slice(0, T * W),
      1e-5,
    );
  });

  it('a decode step with the prompt cache as past equals the loop over the whole sequence', async () => {
    const P = T - 1;
    const sliceSeq = (x: Float32Array, W: number, from: number, to: number) => {
      const out = new Float32Array(B * (to - from) * W);
      for (let b = 0; b < B; b++)
        out.set(x.subarray((b * T + from) * W, (b * T + to) * W), b * (to - from) * W);
      return out;
    };
    const first = await runGraph(gqaGraph(nh, kvh, hs, false), {
      q: { data: sliceSeq(q, nh * hs, 0, P), dims: [B, P, nh * hs] },
      k: { data: sliceSeq(k, kvh * hs, 0, P), dims: [B, P, kvh * hs] },
      v: { data: sliceSeq(v, kvh * hs, 0, P), dims: [B, P, kvh * hs] },
      seqlens_k: { data: new Int32Array([P - 1, P - 1]), dims: [B] },
      total_sequence_length: { data: new Int32Array([P]), dims: [] },
    });
    const step = await runGraph(gqaGraph(nh, kvh, hs, true), {
      q: { data: sliceSeq(q, nh * hs, P, T), dims: [B, 1, nh * hs] },
      k: { data: sliceSeq(k, kvh * hs, P, T), dims: [B, 1, kvh * hs] },
      v: { data: sliceSeq(v, kvh * hs, P, T), dims: [B, 1, kvh * hs] },
      past_key: { data: first.present_key!.data as Float32Array, dims: [B, kvh, P, hs] },
      past_value: { data: first.present_value!.data as Float32Array, dims: [B, kvh, P, hs] },
      seqlens_k: { data: new Int32Array([T - 1, T - 1]), dims: [B] },
      total_sequence_length: { data: new Int32Array([T]), dims: [] },
    });
    expect(step.present_key!.dims).toEqual([B, kvh, T, hs]);
    const qLast = lastPositions(q, B, T, 1, nh * hs);
    expectClose(step.out!.data as Float32Array, attention(qLast, k, v, B, T, 1, nh, kvh, hs), 1e-5);
  });
});

/** Rotate-half RoPE in place on [B, T, heads, hs] with positions 0..T-1 and base `theta`. */
function ropeInPlace(
  x: Float32Array,
  B: number,
  T: number,
  heads: number,
  hs: number,
  theta: number,
): Float32Array {
  const out = x.slice();
  const half = hs / 2;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < half; i++) {
          const base = ((b * T + t) * heads + h) * hs;
          const angle = t * theta ** ((-2 * i) / hs);
          const [x1, x2] = [x[base + i]!, x[base + i + half]!];
          out[base + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
          out[base + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
        }
  return out;
}

describe('GroupQueryAttention with do_rotary', () => {
  it('equals RoPE on q and k followed by causal attention', async () => {
    const [B, T, nh, kvh, hs, theta] = [1, 4, 4, 1, 16, 10_000]; // do_rotary needs head_size % 16 == 0 on CPU
    const q = randomFloats(B * T * nh * hs, 61);
    const k = randomFloats(B * T * kvh * hs, 62);
    const v = randomFloats(B * T * kvh * hs, 63);
    const half = hs / 2;
    const cos = new Float32Array(T * half);
    const sin = new Float32Array(T * half);
    for (let p = 0; p < T; p++)
      for (let i = 0; i < half; i++) {
        cos[p * half + i] = Math.cos(p * theta ** ((-2 * i) / hs));
        sin[p * half + i] = Math.sin(p * theta ** ((-2 * i) / hs));
      }
    const g = new GraphBuilder({ name: 'gqa_rope' });
    const r = g.groupQueryAttention(
      {
        query: g.input('q', 'float32', [B, T, nh * hs]),
        key: g.input('k', 'float32', [B, T, kvh * hs]),
        value: g.input('v', 'float32', [B, T, kvh * hs]),
        seqlensK: g.input('seqlens_k', 'int32', [B]),
        totalSequenceLength: g.input('total_sequence_length', 'int32', []),
        cosCache: g.initializer('cos_cache', 'float32', [T, half], cos),
        sinCache: g.initializer('sin_cache', 'float32', [T, half], sin),
      },
      { numHeads: nh, kvNumHeads: kvh, doRotary: true },
    );
    g.output(r.output, 'out', 'float32');
    g.output(r.presentKey, 'present_key', 'float32');
    const out = await runGraph(g, {
      q: { data: q, dims: [B, T, nh * hs] },
      k: { data: k, dims: [B, T, kvh * hs] },
      v: { data: v, dims: [B, T, kvh * hs] },
      seqlens_k: { data: new Int32Array([T - 1]), dims: [B] },
      total_sequence_length: { data: new Int32Array([T]), dims: [] },
    });
    const qr = ropeInPlace(q, B, T, nh, hs, theta);
    const kr = ropeInPlace(k, B, T, kvh, hs, theta);
    expectClose(out.out!.data as Float32Array, attention(qr, kr, v, B, T, T, nh, kvh, hs), 1e-5);
    expectClose(out.present_key!.data as Float32Array, kr, 1e-6); // kvh = 1: [B, 1, T, hs] = [B, T, 1, hs]
  });
});

describe('MultiHeadAttention', () => {
  it('bidirectional attention with a key padding mask equals a plain loop', async () => {
    const [B, S, L, nh, hs] = [2, 3, 5, 2, 4];
    const q = randomFloats(B * S * nh * hs, 71);
    const k = randomFloats(B * L * nh * hs, 72);
    const v = randomFloats(B * L * nh * hs, 73);
    const mask = new Int32Array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]); // row 1 sees only 3 keys
    const g = new GraphBuilder({ name: 'mha' });
    const y = g.scope('vision').multiHeadAttention(
      {
        query: g.input('q', 'float32', [B, S, nh * hs]),
        key: g.input('k', 'float32', [B, L, nh * hs]),
        value: g.input('v', 'float32', [B, L, nh * hs]),
        keyPaddingMask: g.input('mask', 'int32', [B, L]),
      },
      { numHeads: nh },
      'attn',
    );
    expect(y.name).toBe('vision.attn');
    g.output(y, 'y', 'float32');
    const out = await runGraph(g, {
      q: { data: q, dims: [B, S, nh * hs] },
      k: { data: k, dims: [B, L, nh * hs] },
      v: { data: v, dims: [B, L, nh * hs] },
      mask: { data: mask, dims: [B, L] },
    });
    const want = new Float64Array(B * S * nh * hs);
    for (let b = 0; b < B; b++)
      for (let s = 0; s < S; s++)
        for (let h = 0; h < nh; h++) {
          const keys = Array.from({ length: L }, (_, l) => l).filter((l) => mask[b * L + l] === 1);
          const scores = keys.map((l) => {
            let dot = 0;
            for (let d = 0; d < hs; d++)
              dot += q[((b * S + s) * nh + h) * hs + d]! * k[((b * L + l) * nh + h) * hs + d]!;
            return dot / Math.sqrt(hs);
          });
          const mx = Math.max(...scores);
          const e = scores.map((x) => Math.exp(x - mx));
          const z = e.reduce((p, x) => p + x, 0);
          for (let d = 0; d < hs; d++)
            want[((b * S + s) * nh + h) * hs + d] = keys.reduce(
              (acc, l, j) => acc + (e[j]! / z) * v[((b * L + l) * nh + h) * hs + d]!,
              0,
            );
        }
    expectClose(out.y!.data as Float32Array, want, 1e-5);
  });
});

describe('RotaryEmbedding', () => {
  it('equals a hand rotate-half RoPE with theta 1e6 at arbitrary positions', async () => {
    const [B, S, nh, hs, maxPos, theta] = [1, 3, 2, 8, 16, 1_000_000];
    const half = hs / 2;
    const cos = new Float32Array(maxPos * half);
    const sin = new Float32Array(maxPos * half);
    for (let p = 0; p < maxPos; p++)
      for (let i = 0; i < half; i++) {
        const angle = p * theta ** ((-2 * i) / hs);
        cos[p * half + i] = Math.cos(angle);
        sin[p * half + i] = Math.sin(angle);
      }
    const positions = [0, 7, 12];
    const x = randomFloats(B * S * nh * hs, 21);
    const g = new GraphBuilder({ name: 'rope' });
    const xi = g.input('x', 'float32', [B, S, nh * hs]);
    const pos = g.input('position_ids', 'int64', [B, S]);
    const y = g
      .layer(2)
      .rotaryEmbedding(
        xi,
        pos,
        g.initializer('cos_cache', 'float32', [maxPos, half], cos),
        g.initializer('sin_cache', 'float32', [maxPos, half], sin),
        { numHeads: nh },
        'q_rope',
      );
    expect(y.name).toBe('layers.2.q_rope');
    g.output(y, 'y', 'float32');
    const out = await runGraph(g, {
      x: { data: x, dims: [B, S, nh * hs] },
      position_ids: { data: BigInt64Array.from(positions.map(BigInt)), dims: [B, S] },
    });
    const want = new Float64Array(x.length);
    for (let s = 0; s < S; s++)
      for (let h = 0; h < nh; h++)
        for (let i = 0; i < half; i++) {
          const base = (s * nh + h) * hs;
          const angle = positions[s]! * theta ** ((-2 * i) / hs);
          const [x1, x2] = [x[base + i]!, x[base + i + half]!];
          want[base + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
          want[base + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
        }
    expectClose(out.y!.data as Float32Array, want, 1e-5);
  });
});

describe('SkipSimplifiedLayerNormalization', () => {
  it('returns RMSNorm(input + skip) * gamma and the residual sum', async () => {
    const [R, H, eps] = [2, 8, 1e-6];
    const a = randomFloats(R * H, 31);
    const s = randomFloats(R * H, 32);
    const gamma = randomFloats(H, 33);
    const g = new GraphBuilder({ name: 'ssln' });
    const r = g.skipSimplifiedLayerNormalization(
      g.input('a', 'float32', [1, R, H]),
      g.input('s', 'float32', [1, R, H]),
      g.initializer('gamma', 'float32', [H], gamma),
      undefined,
      { epsilon: eps },
    );
    g.output(r.output, 'y');
    g.output(r.sum, 'sum');
    const out = await runGraph(g, { a: { data: a, dims: [1, R, H] }, s: { data: s, dims: [1, R, H] } });
    const sum = a.map((x, i) => x + s[i]!);
    const want = new Float64Array(R * H);
    for (let row = 0; row < R; row++) {
      let ms = 0;
      for (let h = 0; h < H; h++) ms += sum[row * H + h]! ** 2 / H;
      for (let h = 0; h < H; h++) want[row * H + h] = (sum[row * H + h]! / Math.sqrt(ms + eps)) * gamma[h]!;
    }
    expectClose(out.sum!.data as Float32Array, sum, 1e-6);
    expectClose(out.y!.data as Float32Array, want, 1e-5);
  });
});

describe('MatMulNBits', () => {
  const cases = [
    { bits: 4, blockSize: 16, symmetric: true },
    { bits: 4, blockSize: 32, symmetric: false },
    { bits: 8, blockSize: 16, symmetric: true },
    { bits: 8, blockSize: 32, symmetric: false },
  ] as const;
  it.each(cases)('int$bits block $blockSize symmetric=$symmetric equals A @ dequant(W)ᵀ', async (c) => {
    const [M, K, N] = [3, 40, 6]; // K not a multiple of the block: exercises padding
    const w = randomFloats(N * K, 41 + c.bits + c.blockSize);
    const a = randomFloats(M * K, 42);
    const qw = quantizeMatMulNBits(w, N, K, c);
    const deq = dequantizeMatMulNBits(qw);
    // Round-to-nearest: every weight within half a step (one step at the clipped end) of its original.
    for (let n = 0; n < N; n++)
      for (let kk = 0; kk < K; kk++) {
        const step = Math.abs(qw.scales[n * qw.nBlocks + Math.floor(kk / c.blockSize)]!);
        expect(Math.abs(deq[n * K + kk]! - w[n * K + kk]!)).toBeLessThanOrEqual(
          step * (c.symmetric ? 1 : 0.5) + 1e-7,
        );
      }
    const g = new GraphBuilder({ name: 'mmnb' });
    const blob = (c.blockSize * c.bits) / 8;
    const y = g
      .layer(1)
      .scope('mlp')
      .matMulNBits(
        g.input('a', 'float32', [M, K]),
        g.initializer('w.qweight', 'uint8', [N, qw.nBlocks, blob], qw.b),
        g.initializer('w.scales', 'float32', [N * qw.nBlocks], qw.scales),
        qw.zeroPoints && g.initializer('w.qzeros', 'uint8', [qw.zeroPoints.length], qw.zeroPoints),
        undefined,
        { K, N, bits: c.bits, blockSize: c.blockSize },
        'down_proj',
      );
    expect(y.name).toBe('layers.1.mlp.down_proj');
    g.output(y, 'y', 'float32');
    const out = await runGraph(g, { a: { data: a, dims: [M, K] } });
    const want = new Float64Array(M * N);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let kk = 0; kk < K; kk++) s += a[m * K + kk]! * deq[n * K + kk]!;
        want[m * N + n] = s;
      }
    expectClose(out.y!.data as Float32Array, want, 1e-4);
  });
});
