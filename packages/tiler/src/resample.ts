/**
 * Pillow-exact BICUBIC resize of 8-bit RGB images: WebAssembly SIMD kernels where available,
 * plain TypeScript on typed arrays otherwise (both give the same bytes).
 *
 * Follows Pillow's `src/libImaging/Resample.c` (`precompute_coeffs`, `normalize_coeffs_8bpc`,
 * `ImagingResampleHorizontal_8bpc`, `ImagingResampleVertical_8bpc`, `ImagingResampleInner`) as
 * NVLM.md 3.5 summarises it, so `resizeBicubic(img, w, h)` gives the bytes of Pillow's
 * `img.resize((w, h), Image.BICUBIC)`:
 * - Keys cubic kernel, a = -0.5, support 2, widened by the scale when downscaling (antialiasing);
 * - per output coordinate, double-precision weights normalised to sum 1, then 22-bit fixed point
 *   rounded half away from zero;
 * - a horizontal pass into an 8-bit image (only the rows the vertical pass reads), then a vertical
 *   pass; a pass whose size does not change is skipped, and an unchanged size returns a copy;
 * - each accumulator starts at 1 << 21 and the result is clipped to [0, 255] after `>> 22`.
 * The pass plan lives here, the coefficient tables in coefficients.ts, the two convolution loops
 * in passes.ts (TypeScript) and wasm/resample.c (WebAssembly SIMD, used where available).
 *
 * Why by hand: libvips' (sharp's) cubic uses other weights and rounding, and the browser has no
 * Pillow-compatible resampler, while the vision encoder was trained on Pillow's bytes.
 */
import { type AxisCoefficients, axisCoefficients } from './coefficients.js';
import { checkDimension, checkRgbImage, type RgbImage } from './image.js';
import { type PassTask, runPass } from './passes.js';
import { resizeWithKernel } from './wasm-resize.js';

export { type AxisCoefficients, axisCoefficients } from './coefficients.js';

/**
 * A Uint8Array view of image bytes (no copy). The passes read Uint8Array and write
 * Uint8ClampedArray (whose stores clip to [0, 255] exactly like Pillow's clip8 for the integers
 * written), one array type each, so V8 keeps the loops monomorphic.
 */
function bytesOf(data: Uint8Array | Uint8ClampedArray): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Resizes an RGB image with Pillow's BICUBIC filter, byte for byte as
 * `Image.resize((width, height), Image.BICUBIC)` does for mode "RGB".
 * Returns a new image; the input is never modified (an unchanged size gives a copy).
 */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  return resizeBicubicMany(image, [[width, height]])[0]!;
}

/**
 * `resizeBicubic` to several sizes at once (the grid and the thumbnail of a tiling): the
 * WebAssembly kernels copy the source into their memory once for all of them.
 */
export function resizeBicubicMany(
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
): RgbImage[] {
  checkRgbImage(image);
  for (const [width, height] of sizes) {
    checkDimension(width, 'width');
    checkDimension(height, 'height');
  }
  return resizeWithKernel(image, sizes) ?? sizes.map(([w, h]) => resizeWithPasses(image, w, h));
}

/** `resizeBicubic` on the TypeScript passes only: the fallback, and the reference in tests. */
export function resizeWithPasses(image: RgbImage, width: number, height: number): RgbImage {
  const plan = planResize(image.width, image.height, width, height);
  if (!plan) return { width, height, data: new Uint8Array(image.data) };
  const { tasks, output } = plan.bind(bytesOf(image.data), (n) => new Uint8ClampedArray(n));
  for (const task of tasks) runPass({ ...task, rowStart: 0, rowEnd: task.rows });
  return { width, height, data: bytesOf(output) };
}

/** A pass over all its rows, before it is cut into bands. */
export type FullPass = Omit<PassTask, 'rowStart' | 'rowEnd'> & { readonly rows: number };

/** The passes of one resize, given the source bytes and an allocator for the intermediate and output. */
export interface ResizePlan {
  bind(
    src: Uint8Array,
    allocate: (bytes: number) => Uint8ClampedArray,
  ): { tasks: FullPass[]; output: Uint8ClampedArray };
}

/**
 * The pass sequence of Pillow's `ImagingResampleInner` for a full-image box: the horizontal pass
 * over only the source rows the vertical pass reads (ybox_first .. ybox_last), then the vertical
 * pass; either is skipped when its size is unchanged. Undefined when nothing changes (a copy).
 */
export function planResize(
  inWidth: number,
  inHeight: number,
  width: number,
  height: number,
): ResizePlan | undefined {
  const needHorizontal = width !== inWidth;
  const needVertical = height !== inHeight;
  if (!needHorizontal && !needVertical) return undefined;
  const horizontal = needHorizontal ? axisCoefficients(inWidth, width) : undefined;
  const vertical = needVertical ? axisCoefficients(inHeight, height) : undefined;
  const firstRow = vertical ? vertical.start[0]! : 0;
  const lastRow = vertical ? vertical.start[height - 1]! + vertical.count[height - 1]! : inHeight;
  return {
    bind(src, allocate) {
      const tasks: FullPass[] = [];
      let current = src;
      let output: Uint8ClampedArray | undefined;
      if (horizontal) {
        const rows = vertical ? lastRow - firstRow : inHeight;
        output = allocate(width * rows * 3);
        tasks.push({
          kind: 'horizontal',
          src,
          srcWidth: inWidth,
          rowOffset: firstRow,
          dst: output,
          dstWidth: width,
          rows,
          ...fields(horizontal),
        });
        current = bytesOf(output);
      }
      if (vertical) {
        output = allocate(width * height * 3);
        const rowOffset = horizontal ? firstRow : 0;
        tasks.push({
          kind: 'vertical',
          src: current,
          srcWidth: width,
          rowOffset,
          dst: output,
          dstWidth: width,
          rows: height,
          ...fields(vertical),
        });
      }
      return { tasks, output: output! };
    },
  };
}

function fields(c: AxisCoefficients): Pick<PassTask, 'ksize' | 'start' | 'count' | 'weights'> {
  return { ksize: c.ksize, start: c.start, count: c.count, weights: c.weights };
}
