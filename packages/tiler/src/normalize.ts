/**
 * Per-tile `ToTensor` + `Normalize` into one planar Float32Array [T, 3, S, S] (NVLM.md 3.4 step 6;
 * torchvision `to_tensor` and `normalize`). Each value is computed in float32 exactly as torch does
 * it, `((float32(v) / 255) - mean) / std` with float32 rounding after every step, through a
 * 256-entry table per channel.
 */

/** ImageNet mean per RGB channel (NVLM-D's `build_transform`). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet standard deviation per RGB channel (NVLM-D's `build_transform`). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Normalisation constants; defaults are ImageNet's. */
export interface NormalizeOptions {
  /** Per-channel mean subtracted after scaling to [0, 1]. Default `IMAGENET_MEAN`. */
  mean?: readonly [number, number, number];
  /** Per-channel divisor. Default `IMAGENET_STD`. */
  std?: readonly [number, number, number];
}

/** Three 256-entry tables mapping a byte to its normalised value, channel c at `c * 256`. */
export function normalizationTable(options: NormalizeOptions = {}): Float32Array {
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  checkTriple(mean, 'mean', false);
  checkTriple(std, 'std', true);
  const f = Math.fround;
  const table = new Float32Array(768);
  for (let c = 0; c < 3; c++) {
    const m = f(mean[c]!);
    const s = f(std[c]!);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = f(f(f(v) / 255) - m) / s;
  }
  return table;
}

function checkTriple(value: readonly number[], name: string, positive: boolean): void {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new TypeError(`'${name}' must be an array of 3 finite numbers`);
  }
  if (positive && !value.every((v) => v !== 0)) throw new RangeError(`'${name}' values must be non-zero`);
}

/**
 * Writes the S x S window at (`x0`, `y0`) of an RGB image (`width` pixels per row) into `out` at
 * element `offset` as planes R, G, B (CHW), mapping bytes through `table`.
 */
export function normalizeWindow(
  rgb: Uint8Array | Uint8ClampedArray,
  width: number,
  x0: number,
  y0: number,
  size: number,
  table: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  const plane = size * size;
  for (let y = 0; y < size; y++) {
    let p = ((y0 + y) * width + x0) * 3;
    let o = offset + y * size;
    const end = o + size;
    for (; o < end; o++, p += 3) {
      out[o] = table[rgb[p]!]!;
      out[o + plane] = table[256 + rgb[p + 1]!]!;
      out[o + 2 * plane] = table[512 + rgb[p + 2]!]!;
    }
  }
}
