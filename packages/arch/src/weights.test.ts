import { describe, expect, it } from 'vitest';
import { checkShape, graphShape, sanitizeTensor, type WeightSpec, zeroPadding } from './weights.js';

// A qkv-like tensor: 3 blocks (q, k, v) of 3 rows, of which the first 2 are real; 2 columns.
const qkv: WeightSpec = {
  name: 'qkv',
  shape: [9, 2],
  padding: { axis: 0, blocks: 3, real: 2, padded: 3 },
  init: 'normal',
};
// A proj-like tensor: 2 rows, 3 columns of which the first 2 are real.
const proj: WeightSpec = {
  name: 'proj',
  shape: [2, 3],
  padding: { axis: 1, blocks: 1, real: 2, padded: 3 },
  init: 'normal',
};

describe('dummy-head padding', () => {
  it('computes the graph shape', () => {
    expect(graphShape(qkv)).toEqual([6, 2]);
    expect(graphShape(proj)).toEqual([2, 2]);
  });

  it('slices row blocks q, k, v keeping their order', () => {
    // rows: q0 q1 pad k0 k1 pad v0 v1 pad
    const data = Float32Array.from([1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 0, 9, 10, 11, 12, 0, 0]);
    expect(Array.from(sanitizeTensor(qkv, data, [9, 2]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('slices trailing columns', () => {
    const data = Float32Array.from([1, 2, 0, 3, 4, 0]);
    expect(Array.from(sanitizeTensor(proj, data, [2, 3]))).toEqual([1, 2, 3, 4]);
  });

  it('refuses to drop a non-zero padded element, naming tensor and position', () => {
    const data = new Float32Array(18).fill(1);
    expect(() => sanitizeTensor(qkv, data, [9, 2])).toThrowError(
      expect.objectContaining({
        code: 'NONZERO_DUMMY_HEADS',
        message: expect.stringMatching(/'qkv'.*\[2, 0\]/),
      }),
    );
  });

  it('takes an unpadded tensor as is, and rejects any other shape', () => {
    const data = new Float32Array(12).fill(1);
    expect(sanitizeTensor(qkv, data, [6, 2])).toBe(data);
    expect(() => sanitizeTensor(qkv, new Float32Array(16), [8, 2])).toThrowError(
      expect.objectContaining({
        code: 'BAD_TENSOR',
        message: expect.stringMatching(/'qkv' has shape \[8, 2\], expected \[9, 2\]/),
      }),
    );
  });

  it('zeroPadding zeroes exactly what sanitizeTensor drops', () => {
    const data = zeroPadding(qkv, new Float32Array(18).fill(7));
    expect(Array.from(data)).toEqual([7, 7, 7, 7, 0, 0, 7, 7, 7, 7, 0, 0, 7, 7, 7, 7, 0, 0]);
    expect(sanitizeTensor(qkv, data, [9, 2]).every((x) => x === 7)).toBe(true);
    expect(Array.from(zeroPadding(proj, new Float32Array(6).fill(1)))).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('checkShape names the tensor and both shapes', () => {
    expect(() => checkShape('w', [2, 3], [3, 2])).toThrowError(
      /tensor 'w' has shape \[2, 3\], expected \[3, 2\]/,
    );
    expect(() => checkShape('w', [2, 3], [2, 3])).not.toThrow();
  });
});
