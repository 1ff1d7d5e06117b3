import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image.js';
import { resizeWithPasses } from './resample.js';
import { noiseImage, patternImage } from './testing/patterns.js';
import { gridSizes, normalizeResized, planTiles, tensorSpec } from './tile.js';
import { createKernel, kernelModule } from './wasm-kernel.js';
import {
  bandOf,
  callRows,
  loadPlan,
  planKernelResize,
  readOutputs,
  resizeWithKernel,
  runCall,
  tensorWithKernel,
} from './wasm-resize.js';

/** xorshift32, for reproducible random cases. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const same = (a: RgbImage, b: RgbImage) =>
  a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));

describe('WebAssembly SIMD kernels', () => {
  it('are available in Node (both builds), so the tests below exercise them', () => {
    expect(kernelModule(false)).toBeInstanceOf(WebAssembly.Module);
    expect(kernelModule(true)).toBeInstanceOf(WebAssembly.Module);
  });

  it('give the TypeScript passes’ bytes on fixed edge cases', () => {
    const cases: [number, number, number, number][] = [
      [1, 1, 1, 1],
      [1, 1, 7, 5],
      [1, 40, 3, 9],
      [40, 1, 9, 3],
      [5, 3, 1, 1],
      [2, 2, 448, 448],
      [17, 13, 17, 6], // vertical pass only
      [17, 13, 5, 13], // horizontal pass only
      [300, 200, 300, 200], // unchanged: a copy
      [1001, 37, 448, 448],
      [37, 1001, 448, 448],
      [960, 540, 1344, 896],
    ];
    for (const [w, h, ow, oh] of cases) {
      const image = noiseImage(w, h);
      const [out] = resizeWithKernel(image, [[ow, oh]])!;
      expect(same(out!, resizeWithPasses(image, ow, oh)), `${w}x${h} -> ${ow}x${oh}`).toBe(true);
    }
  });

  it('give the TypeScript passes’ bytes on 150 random sizes, several outputs per source', () => {
    const next = random(20261129);
    for (let i = 0; i < 150; i++) {
      const w = 1 + next(i % 3 === 0 ? 9 : 260);
      const h = 1 + next(i % 5 === 0 ? 9 : 260);
      const image = i % 2 ? noiseImage(w, h) : patternImage(w, h);
      const sizes: [number, number][] = [
        [1 + next(300), 1 + next(300)],
        [1 + next(40), 1 + next(40)],
      ];
      const out = resizeWithKernel(image, sizes)!;
      sizes.forEach(([ow, oh], k) => {
        expect(same(out[k]!, resizeWithPasses(image, ow, oh)), `${w}x${h} -> ${ow}x${oh}`).toBe(true);
      });
    }
  });

  it('give the same bytes however the passes are cut into row bands (as worker threads cut them)', () => {
    const image = noiseImage(523, 311);
    const sizes = [
      [448 * 2, 448],
      [448, 448],
      [100, 311],
    ] as const;
    const spec = {
      tileSize: 64,
      windows: [{ image: 1, x0: 5, y0: 9 }],
      params: Float32Array.of(0.1, 0.2, 0.3, 2, 3, 4),
    };
    const plan = planKernelResize(image.width, image.height, sizes, spec);
    const kernel = createKernel(true, plan.bytes)!;
    loadPlan(kernel, plan, image);
    for (const phase of plan.phases) {
      for (const call of phase) {
        // Uneven bands, run last to first.
        const rows = callRows(call);
        const cuts = [0, Math.floor(rows / 7), Math.floor(rows / 2), rows].filter(
          (c, i, a) => i === 0 || c > a[i - 1]!,
        );
        for (let b = cuts.length - 2; b >= 0; b--)
          runCall(kernel.exports, bandOf(call, cuts[b]!, cuts[b + 1]!));
      }
    }
    const out = readOutputs(kernel, plan, image);
    sizes.forEach(([ow, oh], k) => {
      expect(same(out[k]!, resizeWithPasses(image, ow, oh))).toBe(true);
    });
  });

  it('normalise tiles into the tensor exactly as the TypeScript table does', () => {
    const next = random(77);
    for (const [w, h, tileSize, maxTiles] of [
      [800, 600, 448, 6],
      [333, 777, 100, 12],
      [50, 40, 37, 4],
      [90, 50, 16, 1],
    ] as const) {
      const image = noiseImage(w, h);
      const layout = planTiles(w, h, { tileSize, maxTiles });
      const mean: [number, number, number] = [next(1000) / 1000, next(1000) / 1000, next(1000) / 1000];
      const std: [number, number, number] = [0.1 + next(900) / 1000, 0.1 + next(900) / 1000, 0.2];
      const sizes = gridSizes(layout);
      const tensor = tensorWithKernel(image, sizes, tensorSpec(layout, { mean, std }))!;
      const [grid, thumb] = sizes.map(([ow, oh]) => resizeWithPasses(image, ow, oh));
      const expected = normalizeResized(layout, grid!, thumb, { mean, std }).pixelValues;
      expect(tensor.length).toBe(expected.length);
      expect(Buffer.from(tensor.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });
});
