/**
 * Tile tags (NVLM.md 8.1 and 8.2; paper Table 1): the text placed before each tile's image tokens.
 *
 * - `1d` (the released NVLM-D): `<tile_1>` ... `<tile_k>`, then the thumbnail tag;
 * - `2d-grid`: `<tile_x{col}_y{row}>` with 0-based column and row, then the thumbnail tag;
 * - `2d-bbox`: `<box> (x0, y0), (x1, y1) </box>`, the tile's corners in the full image with both
 *   axes normalised to integers in [0, 1000] (`round(1000 * col / cols)`, the Qwen-VL/Kosmos-2
 *   grounding convention; the paper does not say). The thumbnail covers the whole image:
 *   `<box> (0, 0), (1000, 1000) </box>`;
 * - `none`: no tags (empty strings), InternVL-1.5 style.
 * A single-tile image (no thumbnail) is the global view and gets the thumbnail tag, as in HF,
 * Megatron and vLLM. With thumbnails switched off, the regular tiles keep their own tags.
 */
import type { TileLayout } from './tile.js';

/** Tile tag variants of paper Table 1. */
export type TileTagStyle = '1d' | '2d-grid' | '2d-bbox' | 'none';

/** All tag styles, for option parsing. */
export const TILE_TAG_STYLES: readonly TileTagStyle[] = ['1d', '2d-grid', '2d-bbox', 'none'];

/** The thumbnail tag of the released 72B (Qwen) checkpoint; the Yi-34B ablation used `<tile_global>`. */
export const DEFAULT_THUMBNAIL_TAG = '<tile_global_thumbnail>';

/** Tag options. */
export interface TileTagOptions {
  /** Tag variant. Default `'1d'`. */
  tags?: TileTagStyle;
  /** The thumbnail (global tile) tag for `1d` and `2d-grid`. Default `<tile_global_thumbnail>`. */
  thumbnailTag?: string;
}

/** Scale of `2d-bbox` coordinates: corners are integers in [0, BBOX_SCALE]. */
export const BBOX_SCALE = 1000;

/** One tag per tile, in tile order (`''` for style `none`). */
export function tileTags(layout: TileLayout, options: TileTagOptions = {}): string[] {
  const style = options.tags ?? '1d';
  if (!TILE_TAG_STYLES.includes(style)) {
    throw new RangeError(`'tags' must be one of ${TILE_TAG_STYLES.join(', ')}, got '${String(style)}'`);
  }
  const thumbnailTag = options.thumbnailTag ?? DEFAULT_THUMBNAIL_TAG;
  if (typeof thumbnailTag !== 'string') throw new TypeError(`'thumbnailTag' must be a string`);
  const { cols, rows } = layout.grid;
  const blocks = cols * rows;
  const globalTag = style === '2d-bbox' ? bbox(0, 0, 1, 1, 1, 1) : style === 'none' ? '' : thumbnailTag;
  if (blocks === 1) return [globalTag];
  const tags: string[] = [];
  for (let idx = 0; idx < blocks; idx++) {
    const col = idx % cols;
    const row = Math.floor(idx / cols);
    if (style === '1d') tags.push(`<tile_${idx + 1}>`);
    else if (style === '2d-grid') tags.push(`<tile_x${col}_y${row}>`);
    else if (style === '2d-bbox') tags.push(bbox(col, row, col + 1, row + 1, cols, rows));
    else tags.push('');
  }
  if (layout.hasThumbnail) tags.push(globalTag);
  return tags;
}

function bbox(c0: number, r0: number, c1: number, r1: number, cols: number, rows: number): string {
  const x = (c: number) => Math.round((BBOX_SCALE * c) / cols);
  const y = (r: number) => Math.round((BBOX_SCALE * r) / rows);
  return `<box> (${x(c0)}, ${y(r0)}), (${x(c1)}, ${y(r1)}) </box>`;
}
