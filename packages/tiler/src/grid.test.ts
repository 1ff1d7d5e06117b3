import { describe, expect, it } from 'vitest';
import { candidateGrids, chooseGrid, type Grid, pickGrid } from './grid.js';

/**
 * A second, independently structured reading of NVLM.md 3.3: candidates by enumerating divisors of
 * each tile count, then the minimum distance first and the tie rule applied over the tied
 * candidates afterwards (instead of one running loop).
 */
function referenceChoice(w: number, h: number, size: number, min: number, max: number): [number, number] {
  const cands: [number, number][] = [];
  for (let n = min; n <= max; n++) for (let i = 1; i <= n; i++) if (n % i === 0) cands.push([i, n / i]);
  const dist = cands.map(([i, j]) => Math.abs(w / h - i / j));
  const best = Math.min(...dist);
  let pick: [number, number] | undefined;
  cands.forEach((c, k) => {
    if (dist[k] !== best) return;
    if (pick === undefined || w * h > 0.5 * size * size * c[0] * c[1]) pick = c;
  });
  return pick!;
}

const asPair = (g: Grid): [number, number] => [g.cols, g.rows];

describe('chooseGrid', () => {
  // NVLM.md 3.6 test vectors: (W x H) -> (cols, rows), T tiles, pad tokens.
  it.each([
    [448, 448, 1, 1],
    [633, 633, 1, 1],
    [634, 634, 2, 2],
    [896, 896, 2, 2],
    [560, 448, 1, 1],
    [640, 480, 3, 2],
    [800, 600, 3, 2],
    [300, 200, 3, 2],
    [1280, 720, 2, 1],
    [1920, 1080, 2, 1],
    [1080, 1920, 1, 2],
    [500, 2000, 1, 4],
    [3000, 400, 6, 1],
  ])('%i x %i -> (%i, %i) as in NVLM.md 3.6', (w, h, cols, rows) => {
    expect(chooseGrid(w, h)).toEqual({ cols, rows });
  });

  it('agrees with an independent implementation on every W, H in [1, 700] and a sparse grid to 6000', () => {
    const sizes = [...Array.from({ length: 700 }, (_, i) => i + 1)];
    for (let s = 701; s <= 6000; s += 53) sizes.push(s);
    let mismatches = 0;
    const candidates = candidateGrids(1, 6);
    for (const w of sizes) {
      for (const h of sizes) {
        const [i, j] = referenceChoice(w, h, 448, 1, 6);
        const g = pickGrid(w, h, 448, candidates);
        if (g.cols !== i || g.rows !== j) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('agrees with the independent implementation for other tile sizes and tile ranges', () => {
    for (const [size, min, max] of [
      [224, 1, 12],
      [32, 2, 9],
      [448, 3, 6],
      [448, 1, 1],
    ] as const) {
      const candidates = candidateGrids(min, max);
      for (let w = 1; w <= 260; w += 1) {
        for (let h = 1; h <= 260; h += 3) {
          expect(asPair(pickGrid(w, h, size, candidates))).toEqual(referenceChoice(w, h, size, min, max));
        }
      }
    }
  });

  it('does not depend on the order of candidates with equal tile counts (maxTiles 6 and 12)', () => {
    for (const max of [6, 12]) {
      const sorted = candidateGrids(1, max);
      const reversed = [...sorted].sort((a, b) => a.cols * a.rows - b.cols * b.rows || b.cols - a.cols);
      for (let w = 1; w <= 400; w++) {
        for (let h = 1; h <= 400; h++) {
          const a = pickGrid(w, h, 448, sorted);
          const b = pickGrid(w, h, 448, reversed);
          if (a.cols !== b.cols || a.rows !== b.rows)
            throw new Error(`order matters at ${w}x${h} max ${max}`);
        }
      }
    }
  });

  it('breaks the 633/634 tie by area exactly at half the 2x2 grid area', () => {
    // 634 * 634 = 401956 > 0.5 * 448 * 448 * 4 = 401408 > 633 * 633 = 400689.
    expect(chooseGrid(634, 634)).toEqual({ cols: 2, rows: 2 });
    expect(chooseGrid(633, 633)).toEqual({ cols: 1, rows: 1 });
    // With smaller tiles the same square image ties into the 2x2 grid much earlier.
    expect(chooseGrid(100, 100, { tileSize: 64 })).toEqual({ cols: 2, rows: 2 });
  });

  it('honours minTiles and maxTiles', () => {
    expect(chooseGrid(448, 448, { minTiles: 2 })).toEqual({ cols: 2, rows: 2 });
    // Aspect 2 with at least 3 tiles: 3:2 (distance 0.5) beats 2:2 and 3:1 (distance 1).
    expect(chooseGrid(448, 224, { minTiles: 3 })).toEqual({ cols: 3, rows: 2 });
    expect(chooseGrid(3000, 400, { maxTiles: 4 })).toEqual({ cols: 4, rows: 1 });
    expect(chooseGrid(3000, 400, { maxTiles: 1 })).toEqual({ cols: 1, rows: 1 });
  });

  it('rejects bad arguments with RangeError naming the parameter', () => {
    expect(() => chooseGrid(0, 10)).toThrow(/'width' must be an integer/);
    expect(() => chooseGrid(10, 1.5)).toThrow(RangeError);
    expect(() => chooseGrid(10, 10, { maxTiles: 0 })).toThrow(
      /'maxTiles' must be an integer in \[1, 64\], got 0/,
    );
    expect(() => chooseGrid(10, 10, { minTiles: 7 })).toThrow(/'minTiles' must be an integer in \[1, 6\]/);
    expect(() => chooseGrid(10, 10, { tileSize: 0 })).toThrow(/'tileSize'/);
  });
});

describe('candidateGrids', () => {
  it('gives the 14 aspect ratios the paper lists for maxTiles 6 (NVLM.md 3.2)', () => {
    const ratios = candidateGrids(1, 6).map((g) => `${g.cols}:${g.rows}`);
    expect(new Set(ratios)).toEqual(
      new Set([
        '1:1',
        '1:2',
        '1:3',
        '1:4',
        '1:5',
        '1:6',
        '2:1',
        '2:2',
        '2:3',
        '3:1',
        '3:2',
        '4:1',
        '5:1',
        '6:1',
      ]),
    );
    expect(ratios).toHaveLength(14);
  });

  it('sorts by tile count, then columns', () => {
    const counts = candidateGrids(1, 12).map((g) => g.cols * g.rows);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(candidateGrids(1, 6).slice(0, 3)).toEqual([
      { cols: 1, rows: 1 },
      { cols: 1, rows: 2 },
      { cols: 2, rows: 1 },
    ]);
  });
});
