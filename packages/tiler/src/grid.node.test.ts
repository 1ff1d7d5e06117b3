import { describe, expect, it } from 'vitest';
import { chooseGrid, type Grid, pickGrid } from './grid.js';
import { readGridFixtures } from './testing/fixtures.js';

const fixtures = readGridFixtures();

describe('chooseGrid against the Python reference (grids.json from make_fixtures.py)', () => {
  it(`matches all ${fixtures.cases.length} recorded choices`, () => {
    const wrong: string[] = [];
    for (const [w, h, tileSize, minTiles, maxTiles, cols, rows] of fixtures.cases) {
      const g = chooseGrid(w, h, { tileSize, minTiles, maxTiles });
      if (g.cols !== cols || g.rows !== rows) wrong.push(`${w}x${h} s${tileSize} ${minTiles}-${maxTiles}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives the same choices with CPython set iteration order as with our sorted order', () => {
    for (const [max, order] of Object.entries(fixtures.pythonSetOrder)) {
      const candidates: Grid[] = order.map(([cols, rows]) => ({ cols, rows }));
      expect(candidates).toHaveLength(max === '6' ? 14 : candidates.length);
      for (let w = 1; w <= 300; w++) {
        for (let h = 1; h <= 300; h++) {
          const a = pickGrid(w, h, 448, candidates);
          const b = chooseGrid(w, h, { maxTiles: Number(max) });
          if (a.cols !== b.cols || a.rows !== b.rows) throw new Error(`${w}x${h} max ${max}`);
        }
      }
    }
  });
});
