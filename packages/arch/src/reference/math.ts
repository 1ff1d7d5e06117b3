/**
 * Float64 building blocks of the reference forward pass: plain loops, no tricks, written to be
 * obviously right rather than fast. Matrices are row-major; a linear layer's weight is [out, in]
 * as PyTorch stores it (y = x W^T + b).
 */

export type Vec = Float64Array;

/** `x` [rows, inDim] times `w`^T ([outDim, inDim]) plus `bias` [outDim] -> [rows, outDim]. */
export function linear(
  x: Vec,
  rows: number,
  inDim: number,
  w: ArrayLike<number>,
  outDim: number,
  bias?: ArrayLike<number>,
): Vec {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < inDim; i++) acc += x[xo + i]! * w[wo + i]!;
      y[r * outDim + o] = acc;
    }
  }
  return y;
}

/** RMSNorm over the last `dim` values of each row: x / sqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(x: Vec, rows: number, dim: number, weight: ArrayLike<number>, eps: number): Vec {
  const y = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[r * dim + i]! ** 2;
    const inv = 1 / Math.sqrt(ss / dim + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i]! * inv * weight[i]!;
  }
  return y;
}

/** LayerNorm over the last `dim` values of each row (biased variance, as PyTorch). */
export function layerNorm(
  x: Vec,
  rows: number,
  dim: number,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  eps: number,
): Vec {
  const y = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[r * dim + i]!;
    mean /= dim;
    let variance = 0;
    for (let i = 0; i < dim; i++) variance += (x[r * dim + i]! - mean) ** 2;
    variance /= dim;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = (x[r * dim + i]! - mean) * inv * weight[i]! + bias[i]!;
  }
  return y;
}

/**
 * The error function to about 1e-15: Maclaurin series below |x| = 2 (where cancellation stays
 * small), the erfc continued fraction (evaluated bottom-up) above. JavaScript has no Math.erf.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return 0;
  if (a > 6) return Math.sign(x);
  if (a < 2) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
  let frac = a;
  for (let k = 400; k >= 1; k--) frac = a + k / 2 / frac;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / frac;
  return Math.sign(x) * (1 - erfc);
}

/** Exact GELU, x * Phi(x) (PyTorch's default, approximate='none'). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** Softmax in place over `values[0..n)`, max-subtracted. */
export function softmaxInPlace(values: Float64Array, n: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(values[i]! - max);
    values[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) values[i] = values[i]! / sum;
}

/**
 * Multi-head attention for one sequence. q [Lq, nq*d], k and v [Lk, nkv*d]; query head h reads
 * kv head floor(h / (nq/nkv)). `allowed(i, j)` says whether query i may see key j; a query that
 * may see nothing gets a zero output. Returns [Lq, nq*d].
 */
export function attention(
  q: Vec,
  k: Vec,
  v: Vec,
  lq: number,
  lk: number,
  nq: number,
  nkv: number,
  d: number,
  allowed: (i: number, j: number) => boolean,
): Vec {
  const out = new Float64Array(lq * nq * d);
  const scores = new Float64Array(lk);
  const group = nq / nkv;
  const scale = 1 / Math.sqrt(d);
  for (let h = 0; h < nq; h++) {
    const kh = Math.floor(h / group);
    for (let i = 0; i < lq; i++) {
      let any = false;
      for (let j = 0; j < lk; j++) {
        if (!allowed(i, j)) {
          scores[j] = Number.NEGATIVE_INFINITY;
          continue;
        }
        any = true;
        let dot = 0;
        for (let t = 0; t < d; t++) dot += q[(i * nq + h) * d + t]! * k[(j * nkv + kh) * d + t]!;
        scores[j] = dot * scale;
      }
      if (!any) continue;
      softmaxInPlace(scores, lk);
      for (let t = 0; t < d; t++) {
        let acc = 0;
        for (let j = 0; j < lk; j++) if (scores[j]! > 0) acc += scores[j]! * v[(j * nkv + kh) * d + t]!;
        out[(i * nq + h) * d + t] = acc;
      }
    }
  }
  return out;
}

/**
 * Rotary position embedding, rotate-half convention (HF Qwen2/Llama), in place on x [L, heads*d]:
 * for k < d/2, angle = pos * theta^(-2k/d); (x_k, x_{k+d/2}) -> (x_k cos - x_{k+d/2} sin, x_{k+d/2} cos + x_k sin).
 */
export function applyRope(
  x: Vec,
  positions: readonly number[],
  heads: number,
  d: number,
  theta: number,
): void {
  const half = d / 2;
  for (let i = 0; i < positions.length; i++) {
    for (let k = 0; k < half; k++) {
      const angle = positions[i]! * theta ** (-(2 * k) / d);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let h = 0; h < heads; h++) {
        const base = (i * heads + h) * d;
        const a = x[base + k]!;
        const b = x[base + k + half]!;
        x[base + k] = a * cos - b * sin;
        x[base + k + half] = b * cos + a * sin;
      }
    }
  }
}

export function addInPlace(x: Vec, y: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + y[i]!;
}
