import { describe, expect, it } from 'vitest';
import { applyRope, attention, erf, gelu, layerNorm, linear, rmsNorm } from './math.js';
import { referencePixelShuffle } from './nvlm.js';

describe('reference math', () => {
  it('erf matches published values (Abramowitz & Stegun table 7.1)', () => {
    const table: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.9, 0.9999589021219005],
      [3.5, 0.9999992569016276],
      [5, 0.9999999999984626],
    ];
    for (const [x, value] of table) {
      expect(erf(x)).toBeCloseTo(value, 14);
      expect(erf(-x)).toBeCloseTo(-value, 14);
    }
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 14);
  });

  it('linear computes x W^T + b', () => {
    // x = [[1, 2]], W = [[1, 0], [0, 1], [1, 1]], b = [0, 0, 10]
    const y = linear(Float64Array.from([1, 2]), 1, 2, [1, 0, 0, 1, 1, 1], 3, [0, 0, 10]);
    expect(Array.from(y)).toEqual([1, 2, 13]);
  });

  it('rmsNorm and layerNorm follow their definitions', () => {
    // [3, 4]: mean square 12.5
    const r = rmsNorm(Float64Array.from([3, 4]), 1, 2, [1, 2], 0);
    expect(r[0]).toBeCloseTo(3 / Math.sqrt(12.5), 14);
    expect(r[1]).toBeCloseTo((2 * 4) / Math.sqrt(12.5), 14);
    // [1, 3]: mean 2, variance 1
    const l = layerNorm(Float64Array.from([1, 3]), 1, 2, [1, 1], [0, 5], 0);
    expect(Array.from(l)).toEqual([-1, 6]);
  });

  it('attention with one key returns that value; masked-out rows are zero', () => {
    const q = Float64Array.from([1, 0, 0, 1]); // 2 queries, 1 head, d=2
    const k = Float64Array.from([5, 5]);
    const v = Float64Array.from([7, -3]);
    const out = attention(q, k, v, 2, 1, 1, 1, 2, (i) => i === 0);
    expect(Array.from(out)).toEqual([7, -3, 0, 0]);
  });

  it('attention averages equal scores and maps query heads to kv heads', () => {
    // 2 query heads sharing 1 kv head; two keys with equal scores -> mean of values.
    const q = Float64Array.from([0, 0, 0, 0]);
    const k = Float64Array.from([1, 2, 3, 4]);
    const v = Float64Array.from([2, 4, 6, 8]);
    const out = attention(q, k, v, 1, 2, 2, 1, 2, () => true);
    expect(Array.from(out)).toEqual([4, 6, 4, 6]);
  });

  it('rope rotates pairs (k, k + d/2) by pos * theta^(-2k/d)', () => {
    const x = Float64Array.from([1, 0, 0, 1]); // one head, d = 4: pairs (0,2), (1,3)
    applyRope(x, [2], 1, 4, 100);
    // k=0: angle 2; (1, 0) -> (cos 2, sin 2). k=1: angle 2/10 = 0.2; (0, 1) -> (-sin .2, cos .2)
    expect(x[0]).toBeCloseTo(Math.cos(2), 14);
    expect(x[2]).toBeCloseTo(Math.sin(2), 14);
    expect(x[1]).toBeCloseTo(-Math.sin(0.2), 14);
    expect(x[3]).toBeCloseTo(Math.cos(0.2), 14);
  });

  it('pixel shuffle puts (2,2),(2,3),(3,2),(3,3) in token 17 (NVLM.md 16)', () => {
    const g = 32;
    // Feature width 2: x[r, c] = (r, c).
    const x = new Float64Array(g * g * 2);
    for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) x.set([r, c], (r * g + c) * 2);
    const out = referencePixelShuffle(x, g, 2);
    expect(out.length).toBe(256 * 8);
    expect(Array.from(out.subarray(17 * 8, 18 * 8))).toEqual([2, 2, 2, 3, 3, 2, 3, 3]);
  });
});
