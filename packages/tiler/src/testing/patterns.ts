/**
 * Deterministic test images, the same pixels as `pattern()` and `noise()` in
 * tooling/tiler-fixtures/make_fixtures.py (so Pillow goldens need no stored inputs). Test-only.
 */
import type { RgbImage } from '../image.js';

/** pattern(x, y, c) = (37x + 91y + 53c + 7((x*y) mod 29) + 5((x*x + 3y) mod 17)) mod 256. */
export function patternImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        data[i++] = (37 * x + 91 * y + 53 * c + 7 * ((x * y) % 29) + 5 * ((x * x + 3 * y) % 17)) % 256;
      }
    }
  }
  return { width, height, data };
}

/** xorshift32 bytes (low 8 bits of each state), seeded as the fixture script seeds them. */
export function noiseImage(width: number, height: number): RgbImage {
  let s = (0x9e3779b9 ^ (width * 131 + height)) >>> 0;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = s & 255;
  }
  return { width, height, data };
}

/** Agreement of two byte arrays: how many bytes are equal and the largest absolute difference. */
export function agreement(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { equal: number; total: number; maxDiff: number } {
  if (actual.length !== expected.length) {
    throw new RangeError(`length ${actual.length} differs from expected ${expected.length}`);
  }
  let equal = 0;
  let maxDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d === 0) equal++;
    else if (d > maxDiff) maxDiff = d;
  }
  return { equal, total: actual.length, maxDiff };
}
