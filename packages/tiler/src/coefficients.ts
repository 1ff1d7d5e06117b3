/**
 * The fixed-point filter tables of Pillow's BICUBIC resize: `precompute_coeffs` and
 * `normalize_coeffs_8bpc` of Pillow's `src/libImaging/Resample.c` (NVLM.md 3.5), shared by the
 * TypeScript passes (passes.ts) and the WebAssembly kernels (wasm-resize.ts).
 */
import { checkDimension } from './image.js';

/** Fractional bits of the fixed-point weights: 32 - 8 - 2 (Pillow's PRECISION_BITS). */
const PRECISION_BITS = 22;
/** Pillow's BICUBIC support radius, in source pixels at scale 1. */
const BICUBIC_SUPPORT = 2;

/** Keys cubic convolution kernel with a = -0.5, evaluated in the same order as Pillow. */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/**
 * Fixed-point filter weights for resampling one axis from `inSize` to `outSize` samples.
 * Output sample `i` reads input samples `start[i] .. start[i] + count[i] - 1` with weights
 * `weights[i * ksize + t]`.
 */
export interface AxisCoefficients {
  readonly inSize: number;
  readonly outSize: number;
  /** Stride between the weight rows of consecutive output samples. */
  readonly ksize: number;
  readonly start: Int32Array;
  readonly count: Int32Array;
  /**
   * 22-bit fixed-point weights (Pillow's INT32 `kk`), `outSize * ksize` entries, unused tail
   * entries 0. |weight| <= ~1.1 * 2^22, so every partial sum of `byte * weight` stays below 2^31.
   */
  readonly weights: Int32Array;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the BICUBIC filter and a full box. */
export function axisCoefficients(inSize: number, outSize: number): AxisCoefficients {
  checkDimension(inSize, 'inSize');
  checkDimension(outSize, 'outSize');
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const row = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[row + x] =
        w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { inSize, outSize, ksize, start, count, weights };
}
