import { describe, expect, it } from 'vitest';
import { dequantizeMatMulNBits, quantizeMatMulNBits } from './quantize.js';

describe('quantizeMatMulNBits packing (hand-computed)', () => {
  it('4-bit symmetric: low nibble first, extreme value maps to level 0, zero point 8 implied', () => {
    const w = Float32Array.from({ length: 16 }, (_, k) => k - 8); // extreme -8 -> scale 1, q = k
    const q = quantizeMatMulNBits(w, 1, 16, { bits: 4, blockSize: 16 });
    expect([...q.b]).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect([...q.scales]).toEqual([1]);
    expect(q.zeroPoints).toBeUndefined();
    expect([...dequantizeMatMulNBits(q)]).toEqual([...w]);
  });

  it('8-bit asymmetric: q = round(w / scale) + zp with scale = (hi - lo) / 255', () => {
    const w = Float32Array.from({ length: 16 }, (_, k) => k * 0.5); // lo 0, hi 7.5 -> q = 17k, zp 0
    const q = quantizeMatMulNBits(w, 1, 16, { bits: 8, blockSize: 16, symmetric: false });
    expect([...q.b]).toEqual(Array.from({ length: 16 }, (_, k) => 17 * k));
    expect(q.scales[0]).toBe(Math.fround(7.5 / 255));
    expect([...q.zeroPoints!]).toEqual([0]);
  });

  it('4-bit asymmetric zero points pack two blocks per byte, padded per row', () => {
    // Three blocks of 16 spanning [-1, 14], [-3, 12], [-5, 10]: scale 1, zero points 1, 3, 5.
    const K = 48;
    const w = new Float32Array(2 * K);
    for (let n = 0; n < 2; n++)
      for (let b = 0; b < 3; b++) for (let k = 0; k < 16; k++) w[n * K + b * 16 + k] = k - (2 * b + 1);
    const q = quantizeMatMulNBits(w, 2, K, { bits: 4, blockSize: 16, symmetric: false });
    expect([...q.scales]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...q.zeroPoints!]).toEqual([0x31, 0x05, 0x31, 0x05]);
    expect(q.b.length).toBe(2 * 3 * 8);
    expect([...q.b.subarray(0, 8)]).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]); // q = k in block 0
    expect([...dequantizeMatMulNBits(q)]).toEqual([...w]);
  });

  it('pads a short last block with the zero point so padding dequantises to 0', () => {
    const q = quantizeMatMulNBits(new Float32Array(20).fill(1), 1, 20, { bits: 4, blockSize: 16 });
    expect(q.nBlocks).toBe(2);
    // block 1 holds 4 real values (q = 8 + round(1 / (1 / -8)) = 0) then 12 padding values at 8.
    expect([...q.b.subarray(8, 16)]).toEqual([0x00, 0x00, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88]);
  });

  it('rejects bad arguments with the valid range', () => {
    const w = new Float32Array(32);
    expect(() => quantizeMatMulNBits(w, 1, 32, { bits: 3 as 4 })).toThrow(/'bits' must be 4 or 8/);
    expect(() => quantizeMatMulNBits(w, 1, 32, { bits: 4, blockSize: 24 })).toThrow(/power of 2 >= 16/);
    expect(() => quantizeMatMulNBits(w, 2, 32, { bits: 4 })).toThrow(/N \* K = 64/);
  });
});
