/**
 * Block-wise round-to-nearest weight quantisation for com.microsoft MatMulNBits (onnxruntime
 * `docs/ContribOperators.md`): a weight W [N, K] (the Hugging Face `Linear.weight` layout, out × in)
 * becomes
 * - `B`: uint8 [N, nBlocks, blockSize * bits / 8]; 4-bit values two per byte, element 2i in the low
 *   nibble and 2i+1 in the high nibble; K padded with zeros up to nBlocks * blockSize;
 * - `scales`: float32 [N, nBlocks] (pass as [N * nBlocks]);
 * - `zeroPoints` (asymmetric only): uint8 [N, ceil(nBlocks * bits / 8)], packed like B;
 * and dequantises as `(q - zeroPoint) * scale`, the zero point being 2^(bits-1) when omitted.
 *
 * Symmetric mode maps the element of largest magnitude in a block to the most negative level
 * (scale = v / -2^(bits-1)), as onnxruntime's MLAS `MlasQuantizeBlockwise` does; asymmetric mode spans
 * [min(0, lo), max(0, hi)] with an integer zero point. Rows are independent, so a large weight can be
 * quantised in row chunks and the outputs concatenated.
 */

/** Options of {@link quantizeMatMulNBits}. */
export interface QuantizeOptions {
  /** 4 or 8. */
  readonly bits: 4 | 8;
  /** Elements per block along K: a power of 2 >= 16 (default 32). */
  readonly blockSize?: number;
  /** Symmetric (no zero points, default) or asymmetric (per-block zero points). */
  readonly symmetric?: boolean;
}

/** A quantised weight in MatMulNBits layout, with the attributes the op needs. */
export interface QuantizedWeight {
  readonly N: number;
  readonly K: number;
  readonly bits: 4 | 8;
  readonly blockSize: number;
  /** ceil(K / blockSize). */
  readonly nBlocks: number;
  /** The B input: uint8, dims [N, nBlocks, blockSize * bits / 8]. */
  readonly b: Uint8Array;
  /** The scales input: float32, dims [N * nBlocks]. */
  readonly scales: Float32Array;
  /** The zero_points input: uint8, dims [N * ceil(nBlocks * bits / 8)]; undefined when symmetric. */
  readonly zeroPoints: Uint8Array | undefined;
}

/** Quantises W [N, K] (row-major float32) for MatMulNBits. */
export function quantizeMatMulNBits(
  weight: Float32Array,
  N: number,
  K: number,
  options: QuantizeOptions,
): QuantizedWeight {
  const { bits } = options;
  const blockSize = options.blockSize ?? 32;
  const symmetric = options.symmetric ?? true;
  if (bits !== 4 && bits !== 8) throw new RangeError(`'bits' must be 4 or 8, got ${bits}`);
  if (!Number.isSafeInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new RangeError(`'blockSize' must be a power of 2 >= 16, got ${blockSize}`);
  }
  if (!Number.isSafeInteger(N) || N < 1 || !Number.isSafeInteger(K) || K < 1) {
    throw new RangeError(`'N' and 'K' must be integers >= 1, got ${N} and ${K}`);
  }
  if (!(weight instanceof Float32Array) || weight.length !== N * K) {
    throw new RangeError(
      `'weight' must be a Float32Array of N * K = ${N * K} elements, got ${weight?.length}`,
    );
  }
  const nBlocks = Math.ceil(K / blockSize);
  const blobSize = (blockSize * bits) / 8;
  const qmax = (1 << bits) - 1;
  const half = 1 << (bits - 1);
  const zpBytesPerRow = Math.ceil((nBlocks * bits) / 8);
  const b = new Uint8Array(N * nBlocks * blobSize);
  const scales = new Float32Array(N * nBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zpBytesPerRow);
  const q = new Uint8Array(blockSize);
  for (let n = 0; n < N; n++) {
    const row = n * K;
    for (let blk = 0; blk < nBlocks; blk++) {
      const k0 = blk * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let scale: number;
      let zp: number;
      if (symmetric) {
        let extreme = 0; // signed value of largest magnitude
        for (let k = k0; k < k1; k++)
          if (Math.abs(weight[row + k]!) > Math.abs(extreme)) extreme = weight[row + k]!;
        scale = Math.fround(extreme / -half);
        zp = half;
      } else {
        let lo = 0;
        let hi = 0;
        for (let k = k0; k < k1; k++) {
          lo = Math.min(lo, weight[row + k]!);
          hi = Math.max(hi, weight[row + k]!);
        }
        scale = Math.fround((hi - lo) / qmax);
        zp = scale === 0 ? 0 : Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
      }
      const inv = scale === 0 ? 0 : 1 / scale;
      for (let k = k0; k < k1; k++)
        q[k - k0] = Math.min(qmax, Math.max(0, Math.round(weight[row + k]! * inv) + zp));
      if (k1 - k0 < blockSize) q.fill(zp, k1 - k0); // padded tail dequantises to exactly 0
      scales[n * nBlocks + blk] = scale;
      const out = (n * nBlocks + blk) * blobSize;
      if (bits === 8) b.set(q, out);
      else for (let i = 0; i < blobSize; i++) b[out + i] = q[2 * i]! | (q[2 * i + 1]! << 4);
      if (zeroPoints !== undefined) {
        const at = n * zpBytesPerRow + (bits === 8 ? blk : blk >> 1);
        zeroPoints[at] = bits === 8 ? zp : zeroPoints[at]! | (zp << ((blk & 1) * 4));
      }
    }
  }
  return { N, K, bits, blockSize, nBlocks, b, scales, zeroPoints };
}

/** Dequantises a {@link QuantizedWeight} back to W' [N, K] (float32, row-major), as MatMulNBits does. */
export function dequantizeMatMulNBits(w: QuantizedWeight): Float32Array {
  const { N, K, bits, blockSize, nBlocks } = w;
  const blobSize = (blockSize * bits) / 8;
  const zpBytesPerRow = Math.ceil((nBlocks * bits) / 8);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      const scale = w.scales[n * nBlocks + blk]!;
      let zp = 1 << (bits - 1);
      if (w.zeroPoints !== undefined) {
        const byte = w.zeroPoints[n * zpBytesPerRow + (bits === 8 ? blk : blk >> 1)]!;
        zp = bits === 8 ? byte : (byte >> ((blk & 1) * 4)) & 0xf;
      }
      const base = (n * nBlocks + blk) * blobSize;
      for (let i = 0; i < blockSize && blk * blockSize + i < K; i++) {
        const qv = bits === 8 ? w.b[base + i]! : (w.b[base + (i >> 1)]! >> ((i & 1) * 4)) & 0xf;
        out[n * K + blk * blockSize + i] = (qv - zp) * scale;
      }
    }
  }
  return out;
}
