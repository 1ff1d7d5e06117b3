/**
 * The tiling panel's numbers against NVLM.md 3.6 (grid choice, worked by hand for these sizes) and
 * section 4 (tags): 256 image tokens per tile for the released 448 px InternViT.
 */
import { describe, expect, it } from 'vitest';
import { describeTiling } from './tiling.js';

describe('describeTiling', () => {
  it('800 x 600: a 3 x 2 grid plus the thumbnail, 7 tiles and 1792 image tokens', () => {
    const view = describeTiling(800, 600);
    expect(view.layout.grid).toEqual({ cols: 3, rows: 2 });
    expect(view.tileCount).toBe(7);
    expect(view.imageTokens).toBe(7 * 256);
    expect(view.tiles.map((t) => t.tag)).toEqual([
      '<tile_1>',
      '<tile_2>',
      '<tile_3>',
      '<tile_4>',
      '<tile_5>',
      '<tile_6>',
    ]);
    expect(view.thumbnailTag).toBe('<tile_global_thumbnail>');
    expect(view.tiles[4]).toEqual({ tag: '<tile_5>', left: 1 / 3, top: 1 / 2, width: 1 / 3, height: 1 / 2 });
  });

  it('a square image small enough for one tile has no separate thumbnail', () => {
    const view = describeTiling(64, 64);
    expect(view.tileCount).toBe(1);
    expect(view.thumbnailTag).toBeUndefined();
    expect(view.tiles.map((t) => t.tag)).toEqual(['<tile_global_thumbnail>']);
  });

  it('follows the tag style and max tiles switches', () => {
    const grid = describeTiling(800, 600, { tags: '2d-grid' });
    expect(grid.tiles.map((t) => t.tag)).toEqual([
      '<tile_x0_y0>',
      '<tile_x1_y0>',
      '<tile_x2_y0>',
      '<tile_x0_y1>',
      '<tile_x1_y1>',
      '<tile_x2_y1>',
    ]);
    expect(describeTiling(800, 600, { tags: 'none' }).tiles.every((t) => t.tag === '')).toBe(true);
    expect(describeTiling(800, 600, { tags: '2d-bbox' }).tiles[0]!.tag).toBe(
      '<box> (0, 0), (333, 500) </box>',
    );
    // 4:3 with at most 2 tiles: 1 x 1 (ratio 1) is closest, one tile and no thumbnail.
    expect(describeTiling(800, 600, { maxTiles: 2 }).imageTokens).toBe(256);
    // At most 4: 1 x 1 and 2 x 2 tie at ratio 1; 480000 px > half of 896 x 896, so 2 x 2 + thumbnail.
    const four = describeTiling(800, 600, { maxTiles: 4 });
    expect(four.layout.grid).toEqual({ cols: 2, rows: 2 });
    expect(four.imageTokens).toBe(5 * 256);
  });
});
