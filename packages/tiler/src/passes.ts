/**
 * The two convolution passes of Pillow's BICUBIC resize (`ImagingResampleHorizontal_8bpc`,
 * `ImagingResampleVertical_8bpc` in Pillow's `src/libImaging/Resample.c`), for 8-bit RGB, over a
 * band of output rows. `runPass` is self-contained (no outer references) so the Node entry can
 * also run it in worker threads from its source text; `resample.ts` runs it in-thread.
 */

/** One band of output rows of one pass. Coefficients come from `axisCoefficients`. */
export interface PassTask {
  /** `horizontal` filters along rows, `vertical` along columns. */
  readonly kind: 'horizontal' | 'vertical';
  /** Input pixels, RGB interleaved, `srcWidth` pixels per row. */
  readonly src: Uint8Array;
  readonly srcWidth: number;
  /**
   * Source row of `src` row 0 in the axis the coefficients index: for `vertical`, coefficient
   * rows are source-image rows and `src` may start at row `rowOffset`; for `horizontal`, output
   * row r reads `src` row `rowOffset + r`.
   */
  readonly rowOffset: number;
  /** Output pixels (the whole image; only rows `rowStart .. rowEnd - 1` are written). */
  readonly dst: Uint8ClampedArray;
  readonly dstWidth: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  /** Coefficients of the filtered axis (`AxisCoefficients` fields). */
  readonly ksize: number;
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
}

/**
 * Runs one band of one pass. Accumulators start at 1 << 21 and the sum is shifted right by 22;
 * the Uint8ClampedArray store clips to [0, 255] as Pillow's clip8 does (the values are integers).
 * Partial sums stay below 2^31, so int32 arithmetic is exact.
 */
export function runPass(task: PassTask): void {
  const PRECISION_BITS = 22;
  const HALF = 1 << (PRECISION_BITS - 1);
  const { src, dst, ksize, start, count, weights, rowStart, rowEnd } = task;
  if (task.kind === 'horizontal') {
    // Four rows at a time: the weights depend on the column only, so one weight load serves
    // twelve multiply-adds.
    const srcStride = task.srcWidth * 3;
    const dstStride = task.dstWidth * 3;
    const outSize = task.dstWidth;
    let y = rowStart;
    for (; y + 3 < rowEnd; y += 4) {
      const rowA = (task.rowOffset + y) * srcStride;
      let o = y * dstStride;
      for (let xx = 0; xx < outSize; xx++, o += 3) {
        let p = rowA + start[xx]! * 3;
        let t = xx * ksize;
        const end = t + count[xx]!;
        let a0 = HALF;
        let a1 = HALF;
        let a2 = HALF;
        let b0 = HALF;
        let b1 = HALF;
        let b2 = HALF;
        let c0 = HALF;
        let c1 = HALF;
        let c2 = HALF;
        let d0 = HALF;
        let d1 = HALF;
        let d2 = HALF;
        for (; t < end; t++, p += 3) {
          const w = weights[t]!;
          const q = p + srcStride;
          const r = q + srcStride;
          const u = r + srcStride;
          a0 += src[p]! * w;
          a1 += src[p + 1]! * w;
          a2 += src[p + 2]! * w;
          b0 += src[q]! * w;
          b1 += src[q + 1]! * w;
          b2 += src[q + 2]! * w;
          c0 += src[r]! * w;
          c1 += src[r + 1]! * w;
          c2 += src[r + 2]! * w;
          d0 += src[u]! * w;
          d1 += src[u + 1]! * w;
          d2 += src[u + 2]! * w;
        }
        dst[o] = a0 >> PRECISION_BITS;
        dst[o + 1] = a1 >> PRECISION_BITS;
        dst[o + 2] = a2 >> PRECISION_BITS;
        const ob = o + dstStride;
        dst[ob] = b0 >> PRECISION_BITS;
        dst[ob + 1] = b1 >> PRECISION_BITS;
        dst[ob + 2] = b2 >> PRECISION_BITS;
        const oc = ob + dstStride;
        dst[oc] = c0 >> PRECISION_BITS;
        dst[oc + 1] = c1 >> PRECISION_BITS;
        dst[oc + 2] = c2 >> PRECISION_BITS;
        const od = oc + dstStride;
        dst[od] = d0 >> PRECISION_BITS;
        dst[od + 1] = d1 >> PRECISION_BITS;
        dst[od + 2] = d2 >> PRECISION_BITS;
      }
    }
    for (; y < rowEnd; y++) {
      const row = (task.rowOffset + y) * srcStride;
      let o = y * dstStride;
      for (let xx = 0; xx < outSize; xx++, o += 3) {
        let p = row + start[xx]! * 3;
        let t = xx * ksize;
        const end = t + count[xx]!;
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (; t < end; t++, p += 3) {
          const w = weights[t]!;
          s0 += src[p]! * w;
          s1 += src[p + 1]! * w;
          s2 += src[p + 2]! * w;
        }
        dst[o] = s0 >> PRECISION_BITS;
        dst[o + 1] = s1 >> PRECISION_BITS;
        dst[o + 2] = s2 >> PRECISION_BITS;
      }
    }
    return;
  }
  // Vertical: four samples of an output row at a time, sharing each weight load.
  const stride = task.dstWidth * 3;
  const stride4 = stride - (stride % 4);
  for (let yy = rowStart; yy < rowEnd; yy++) {
    const t0 = yy * ksize;
    const t1 = t0 + count[yy]!;
    const base = (start[yy]! - task.rowOffset) * stride;
    let o = yy * stride;
    let i = 0;
    for (; i < stride4; i += 4, o += 4) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let s3 = HALF;
      for (let t = t0, p = base + i; t < t1; t++, p += stride) {
        const w = weights[t]!;
        s0 += src[p]! * w;
        s1 += src[p + 1]! * w;
        s2 += src[p + 2]! * w;
        s3 += src[p + 3]! * w;
      }
      dst[o] = s0 >> PRECISION_BITS;
      dst[o + 1] = s1 >> PRECISION_BITS;
      dst[o + 2] = s2 >> PRECISION_BITS;
      dst[o + 3] = s3 >> PRECISION_BITS;
    }
    for (; i < stride; i++, o++) {
      let s = HALF;
      for (let t = t0, p = base + i; t < t1; t++, p += stride) s += src[p]! * weights[t]!;
      dst[o] = s >> PRECISION_BITS;
    }
  }
}
