import { describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD } from './normalize.js';
import { resizeBicubic } from './resample.js';
import { patternImage } from './testing/patterns.js';
import { planTiles, tileAndNormalize, tileRgb } from './tile.js';

describe('planTiles', () => {
  it('adds the thumbnail only when there is more than one tile', () => {
    expect(planTiles(800, 600)).toEqual({
      grid: { cols: 3, rows: 2 },
      tileSize: 448,
      tiles: 7,
      hasThumbnail: true,
    });
    expect(planTiles(448, 448)).toEqual({
      grid: { cols: 1, rows: 1 },
      tileSize: 448,
      tiles: 1,
      hasThumbnail: false,
    });
    expect(planTiles(800, 600, { thumbnail: false }).tiles).toBe(6);
    expect(planTiles(1280, 720, { tileSize: 224, maxTiles: 12 }).grid).toEqual({ cols: 4, rows: 2 });
  });

  it('refuses layouts whose tensor would exceed 2^30 values', () => {
    // 4096 px tiles: a 6 x 1 grid + thumbnail = 7 * 3 * 4096^2 = 352 M values is fine; 64 tiles are not.
    expect(planTiles(6000, 1000, { tileSize: 4096 }).tiles).toBe(7);
    expect(() => planTiles(64_000, 1000, { tileSize: 4096, maxTiles: 64 })).toThrow(
      /over the limit of 1073741824/,
    );
  });
});

describe('tileRgb', () => {
  it('crops the grid-resized image row-major and appends the resized thumbnail last', () => {
    const image = patternImage(50, 30);
    const s = 16;
    const { layout, tiles } = tileRgb(image, { tileSize: s });
    const { cols, rows } = layout.grid;
    const full = resizeBicubic(image, cols * s, rows * s);
    expect(tiles).toHaveLength(cols * rows + 1);
    for (let idx = 0; idx < cols * rows; idx++) {
      const x0 = (idx % cols) * s;
      const y0 = Math.floor(idx / cols) * s;
      for (const [x, y] of [
        [0, 0],
        [s - 1, 0],
        [3, s - 1],
      ] as const) {
        for (let c = 0; c < 3; c++) {
          expect(tiles[idx]!.data[(y * s + x) * 3 + c]).toBe(
            full.data[((y0 + y) * full.width + x0 + x) * 3 + c],
          );
        }
      }
    }
    expect(tiles.at(-1)!.data).toEqual(resizeBicubic(image, s, s).data);
  });
});

describe('tileAndNormalize', () => {
  it('equals tileRgb followed by float64 normalisation within 1e-6, in [T, 3, S, S] order', () => {
    const image = patternImage(61, 23);
    const s = 12;
    const { tiles } = tileRgb(image, { tileSize: s });
    const { pixelValues, dims } = tileAndNormalize(image, { tileSize: s });
    expect(dims).toEqual([tiles.length, 3, s, s]);
    expect(pixelValues.length).toBe(tiles.length * 3 * s * s);
    let maxErr = 0;
    tiles.forEach((tile, t) => {
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < s * s; i++) {
          const expected = (tile.data[i * 3 + c]! / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
          maxErr = Math.max(maxErr, Math.abs(pixelValues[(t * 3 + c) * s * s + i]! - expected));
        }
      }
    });
    expect(maxErr).toBeLessThan(1e-6);
  });
});
