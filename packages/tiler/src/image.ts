/**
 * The pixel containers the tiler works on: 8-bit RGB, row-major, channels interleaved (HWC), the
 * layout Pillow's mode "RGB" has once converted (NVLM.md 3.4 step 1).
 */

/** An 8-bit RGB image: `data[(y * width + x) * 3 + c]`, c = 0 red, 1 green, 2 blue. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes. */
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** Checks the shape of an `RgbImage` argument; throws `TypeError`/`RangeError` naming `name`. */
export function checkRgbImage(image: RgbImage, name = 'image'): void {
  if (image === null || typeof image !== 'object')
    throw new TypeError(`'${name}' must be an RgbImage object`);
  checkDimension(image.width, `${name}.width`);
  checkDimension(image.height, `${name}.height`);
  if (!(image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray)) {
    throw new TypeError(`'${name}.data' must be a Uint8Array or Uint8ClampedArray`);
  }
  const expected = image.width * image.height * 3;
  if (image.data.length !== expected) {
    throw new RangeError(
      `'${name}.data' must hold width * height * 3 = ${expected} bytes, got ${image.data.length}`,
    );
  }
}

/** The largest width or height accepted anywhere (Pillow's and libvips' own limit is similar). */
export const MAX_DIMENSION = 1 << 24;

/** Throws a RangeError unless `value` is an integer in [1, MAX_DIMENSION]. */
export function checkDimension(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new RangeError(`'${name}' must be an integer in [1, ${MAX_DIMENSION}], got ${String(value)}`);
  }
}
