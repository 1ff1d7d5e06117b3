/**
 * Raw decoded pixels to 8-bit RGB, as Pillow's `Image.convert('RGB')` does it (NVLM.md 3.4 step 1;
 * Pillow `src/libImaging/Convert.c` and the PNG/TIFF raw modes):
 * - gray (L) is replicated, gray + alpha (LA) and RGBA drop alpha: it is not composited on any
 *   background;
 * - 16-bit samples keep their high byte (Pillow's `;16B` raw modes), except single-channel 16-bit
 *   gray, which Pillow opens as mode I / I;16 and clips to 255 on the way to RGB;
 * - CMYK uses Pillow's naive formula `R = 255 - K - C(255 - K)/255` (no ICC profile).
 */
import { checkDimension, type RgbImage } from './image.js';

/** Decoded pixels, row-major with channels interleaved. */
export interface RawPixels {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (or CMYK with `colorModel: 'cmyk'`). */
  readonly channels: 1 | 2 | 3 | 4;
  /** 8-bit (Uint8Array, Uint8ClampedArray) or 16-bit (Uint16Array) samples. */
  readonly data: Uint8Array | Uint8ClampedArray | Uint16Array;
  /** How 4 channels are read. Default 'rgb' (RGBA). */
  readonly colorModel?: 'rgb' | 'cmyk';
}

/** Checks a `RawPixels` argument; throws `TypeError`/`RangeError` naming `name`. */
export function checkRawPixels(pixels: RawPixels, name = 'pixels'): void {
  if (pixels === null || typeof pixels !== 'object')
    throw new TypeError(`'${name}' must be a RawPixels object`);
  checkDimension(pixels.width, `${name}.width`);
  checkDimension(pixels.height, `${name}.height`);
  const { channels, data } = pixels;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new RangeError(`'${name}.channels' must be 1, 2, 3 or 4, got ${String(channels)}`);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Uint16Array)) {
    throw new TypeError(`'${name}.data' must be a Uint8Array, Uint8ClampedArray or Uint16Array`);
  }
  const expected = pixels.width * pixels.height * channels;
  if (data.length !== expected) {
    throw new RangeError(
      `'${name}.data' must hold width * height * channels = ${expected} samples, got ${data.length}`,
    );
  }
  if (pixels.colorModel !== undefined && pixels.colorModel !== 'rgb' && pixels.colorModel !== 'cmyk') {
    throw new RangeError(`'${name}.colorModel' must be 'rgb' or 'cmyk', got '${String(pixels.colorModel)}'`);
  }
  if (pixels.colorModel === 'cmyk' && channels !== 4) {
    throw new RangeError(`'${name}.colorModel' 'cmyk' needs 4 channels, got ${channels}`);
  }
}

/**
 * Converts raw pixels to 8-bit RGB like Pillow's `convert('RGB')`. 8-bit RGB input is returned as is
 * (no copy); the tiler never writes to it.
 */
export function toRgb(pixels: RawPixels): RgbImage {
  checkRawPixels(pixels);
  const { width, height, channels, data } = pixels;
  if (channels === 3 && !(data instanceof Uint16Array)) return { width, height, data };
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const sixteen = data instanceof Uint16Array;
  // Single-channel 16-bit gray clips (Pillow I;16 -> RGB); every other 16-bit layout keeps the MSB.
  const clipGray = sixteen && channels === 1;
  const shift = sixteen && !clipGray ? 8 : 0;
  if (pixels.colorModel === 'cmyk') {
    for (let i = 0, p = 0, o = 0; i < n; i++, p += 4, o += 3) {
      const nk = 255 - (data[p + 3]! >> shift);
      out[o] = clip8(nk - mulDiv255(data[p]! >> shift, nk));
      out[o + 1] = clip8(nk - mulDiv255(data[p + 1]! >> shift, nk));
      out[o + 2] = clip8(nk - mulDiv255(data[p + 2]! >> shift, nk));
    }
    return { width, height, data: out };
  }
  if (channels <= 2) {
    for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
      const raw = data[p]!;
      const v = clipGray ? Math.min(raw, 255) : raw >> shift;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
    return { width, height, data: out };
  }
  for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
    out[o] = data[p]! >> shift;
    out[o + 1] = data[p + 1]! >> shift;
    out[o + 2] = data[p + 2]! >> shift;
  }
  return { width, height, data: out };
}

/** Pillow's MULDIV255: a * b / 255 rounded, in integer arithmetic. */
function mulDiv255(a: number, b: number): number {
  const tmp = a * b + 128;
  return ((tmp >> 8) + tmp) >> 8;
}

function clip8(v: number): number {
  return v < 0 ? 0 : Math.min(v, 255);
}
