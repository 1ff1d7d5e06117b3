import { describe, expect, it } from 'vitest';
import { tileImage, tilePixels } from './node.js';
import { recoveredBands, resizeBicubicParallel } from './node-parallel.js';
import { resizeWithPasses } from './resample.js';
import { noiseImage, patternImage } from './testing/patterns.js';
import { setWasmEnabled } from './wasm-resize.js';

describe('resizeBicubicParallel', () => {
  it.each([
    ['WebAssembly kernels', true],
    ['TypeScript passes', false],
  ])(
    'gives the in-thread TypeScript (Pillow-verified) bytes for any thread count, on the %s',
    async (_name, wasm) => {
      const image = noiseImage(1203, 907); // over the 1 MP threshold, odd sizes
      const sizes = [
        [448 * 3, 448 * 2],
        [448, 448],
        [1203, 301], // vertical pass only
        [500, 907], // horizontal pass only
        [1203, 907], // unchanged: a copy
      ] as const;
      const expected = sizes.map(([w, h]) => resizeWithPasses(image, w, h).data);
      const was = setWasmEnabled(wasm);
      const recovered = recoveredBands();
      try {
        for (const threads of [1, 2, 3, 5]) {
          const out = await resizeBicubicParallel(image, sizes, threads);
          out.forEach((r, i) => {
            expect([r.width, r.height]).toEqual(sizes[i]);
            expect(Buffer.from(r.data).equals(Buffer.from(expected[i]!))).toBe(true);
          });
        }
        // The workers did their share: no band had to be re-run here after a worker failed.
        expect(recoveredBands()).toBe(recovered);
      } finally {
        setWasmEnabled(was);
      }
    },
  );
});

describe('tileImage threads option', () => {
  it('matches the synchronous TypeScript tilePixels exactly with worker threads', async () => {
    const { width, height, data } = patternImage(1500, 800);
    const raw = { width, height, channels: 3 as const, data };
    const was = setWasmEnabled(false);
    const reference = tilePixels(raw);
    setWasmEnabled(was);
    const parallel = await tileImage(raw, { threads: 3 });
    expect(parallel.dims).toEqual(reference.dims);
    expect(Buffer.from(parallel.pixelValues.buffer).equals(Buffer.from(reference.pixelValues.buffer))).toBe(
      true,
    );
    expect(parallel.imageText).toBe(reference.imageText);
  });

  it('rejects a bad thread count', async () => {
    await expect(tileImage(patternImage(4, 4) as never, { threads: 0 })).rejects.toThrow(
      /'threads' must be an integer in \[1, 64\], got 0/,
    );
  });
});
