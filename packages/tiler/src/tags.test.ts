import { describe, expect, it } from 'vitest';
import { tileTags } from './tags.js';
import type { TileLayout } from './tile.js';

const layout = (cols: number, rows: number, thumbnail = true): TileLayout => {
  const blocks = cols * rows;
  const hasThumbnail = thumbnail && blocks > 1;
  return { grid: { cols, rows }, tileSize: 448, tiles: blocks + (hasThumbnail ? 1 : 0), hasThumbnail };
};

describe('tileTags', () => {
  it('1-D tags: <tile_1>..<tile_k>, thumbnail last (NVLM.md 8.1, 3 x 2 grid)', () => {
    expect(tileTags(layout(3, 2))).toEqual([
      '<tile_1>',
      '<tile_2>',
      '<tile_3>',
      '<tile_4>',
      '<tile_5>',
      '<tile_6>',
      '<tile_global_thumbnail>',
    ]);
  });

  it('a single tile is the global view and gets the thumbnail tag', () => {
    expect(tileTags(layout(1, 1))).toEqual(['<tile_global_thumbnail>']);
    expect(tileTags(layout(1, 1), { tags: '2d-grid' })).toEqual(['<tile_global_thumbnail>']);
    expect(tileTags(layout(1, 1), { thumbnailTag: '<tile_global>' })).toEqual(['<tile_global>']);
  });

  it('without a thumbnail the regular tiles keep their own tags', () => {
    expect(tileTags(layout(2, 1, false))).toEqual(['<tile_1>', '<tile_2>']);
  });

  it('2-D grid tags are 0-based column/row, row-major', () => {
    expect(tileTags(layout(2, 2), { tags: '2d-grid', thumbnailTag: '<tile_global>' })).toEqual([
      '<tile_x0_y0>',
      '<tile_x1_y0>',
      '<tile_x0_y1>',
      '<tile_x1_y1>',
      '<tile_global>',
    ]);
  });

  it('2-D bbox tags give corners normalised to [0, 1000]', () => {
    expect(tileTags(layout(3, 1), { tags: '2d-bbox' })).toEqual([
      '<box> (0, 0), (333, 1000) </box>',
      '<box> (333, 0), (667, 1000) </box>',
      '<box> (667, 0), (1000, 1000) </box>',
      '<box> (0, 0), (1000, 1000) </box>',
    ]);
  });

  it('none gives empty tags, one per tile', () => {
    expect(tileTags(layout(2, 1), { tags: 'none' })).toEqual(['', '', '']);
  });

  it('rejects an unknown style', () => {
    expect(() => tileTags(layout(1, 1), { tags: '3d' as '1d' })).toThrow(/'tags' must be one of 1d, 2d-grid/);
  });
});
