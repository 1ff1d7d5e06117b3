import { describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD, normalizationTable, normalizeWindow } from './normalize.js';

describe('normalizationTable', () => {
  it('matches (v / 255 - mean) / std computed in float64 within 1e-6', () => {
    const table = normalizationTable();
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) {
        const exact = (v / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
        expect(Math.abs(table[c * 256 + v]! - exact)).toBeLessThan(1e-6);
      }
    }
  });

  it('rounds to float32 after each step as torchvision does', () => {
    const f = Math.fround;
    const table = normalizationTable();
    // Channel 1, value 77: float32 division, float32 subtraction, float32 division.
    expect(table[256 + 77]).toBe(f(f(f(77 / 255) - f(0.456)) / f(0.224)));
  });

  it('accepts custom mean and std and rejects bad ones', () => {
    const table = normalizationTable({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(table[0]).toBe(-1);
    expect(table[255]).toBe(1);
    expect(() => normalizationTable({ std: [1, 0, 1] })).toThrow(/'std' values must be non-zero/);
    expect(() => normalizationTable({ mean: [1, 2] as unknown as [number, number, number] })).toThrow(
      TypeError,
    );
  });
});

describe('normalizeWindow', () => {
  it('writes an S x S window as R, G, B planes (CHW) at the offset', () => {
    // 3 x 2 image; the window is the 2 x 2 block at x = 1.
    const rgb = new Uint8Array(3 * 2 * 3).map((_, i) => i);
    const identity = new Float32Array(768).map((_, i) => i % 256);
    const out = new Float32Array(1 + 12).fill(-1);
    normalizeWindow(rgb, 3, 1, 0, 2, identity, out, 1);
    // Pixel (x, y) channel c is byte (y * 3 + x) * 3 + c.
    const px = (x: number, y: number, c: number) => (y * 3 + x) * 3 + c;
    expect(Array.from(out)).toEqual([
      -1,
      ...[px(1, 0, 0), px(2, 0, 0), px(1, 1, 0), px(2, 1, 0)],
      ...[px(1, 0, 1), px(2, 0, 1), px(1, 1, 1), px(2, 1, 1)],
      ...[px(1, 0, 2), px(2, 0, 2), px(1, 1, 2), px(2, 1, 2)],
    ]);
  });
});
