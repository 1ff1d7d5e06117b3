import { describe, expect, it } from 'vitest';
import { axisCoefficients, resizeBicubic, resizeWithPasses } from './resample.js';
import { readFixture, readManifest } from './testing/fixtures.js';
import { agreement, noiseImage, patternImage } from './testing/patterns.js';

const manifest = readManifest();

describe.each([
  ['resizeBicubic (WebAssembly kernels)', resizeBicubic],
  ['resizeWithPasses (TypeScript passes)', resizeWithPasses],
])('%s against Pillow BICUBIC goldens', (_label, resize) => {
  it.each(manifest.resample.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const source = c.source === 'pattern' ? patternImage(c.in[0], c.in[1]) : noiseImage(c.in[0], c.in[1]);
    const out = resize(source, c.out[0], c.out[1]);
    const expected = readFixture(c.file);
    const stats = agreement(out.data, expected);
    // The target is <= 1 LSB everywhere and >= 99% identical; following Resample.c gives 100%.
    expect(stats.maxDiff).toBe(0);
    expect(stats.equal).toBe(stats.total);
  });
});

describe('axisCoefficients', () => {
  it('gives weights that sum to 1.0 in 22-bit fixed point within rounding', () => {
    for (const [inSize, outSize] of [
      [100, 37],
      [37, 100],
      [4000, 448],
      [1, 9],
    ] as const) {
      const c = axisCoefficients(inSize, outSize);
      for (let i = 0; i < outSize; i++) {
        let sum = 0;
        for (let t = 0; t < c.count[i]!; t++) sum += c.weights[i * c.ksize + t]!;
        expect(Math.abs(sum - (1 << 22))).toBeLessThanOrEqual(c.count[i]!);
      }
    }
  });

  it('matches the hand-computed Keys weights for a 2x upscale', () => {
    // Output 1 of 4 -> 8: center 0.75; taps at source 0..2 (start 0): x - center + 0.5 = -0.25, 0.75, 1.75.
    // w(-0.25) = (1.5*0.25 - 2.5)*0.0625 + 1 = 0.8671875; w(0.75) = 0.2265625; w(1.75) = -0.0234375.
    const c = axisCoefficients(4, 8);
    expect(c.start[1]).toBe(0);
    expect(c.count[1]).toBe(3);
    const sum = 0.8671875 + 0.2265625 - 0.0234375;
    const fixed = (w: number) => Math.sign(w) * Math.floor(Math.abs((w / sum) * 2 ** 22) + 0.5);
    expect([c.weights[c.ksize]!, c.weights[c.ksize + 1]!, c.weights[c.ksize + 2]!]).toEqual([
      fixed(0.8671875),
      fixed(0.2265625),
      fixed(-0.0234375),
    ]);
  });
});
