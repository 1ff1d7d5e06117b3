/**
 * The tiling pipeline on decoded RGB pixels (NVLM.md 3.4 steps 2-6): choose the grid, resize the
 * whole image once to the grid with Pillow BICUBIC, crop row-major, append a thumbnail (the image
 * resized to one tile) last when there is more than one tile, and normalise into [T, 3, S, S].
 * Mirrors InternVL's `dynamic_preprocess` as the NVLM-D model card calls it.
 */
import { chooseGrid, type Grid, type GridOptions, resolveGridOptions } from './grid.js';
import { checkRgbImage, type RgbImage } from './image.js';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  type NormalizeOptions,
  normalizationTable,
  normalizeWindow,
} from './normalize.js';
import { resizeBicubicMany } from './resample.js';
import { type TensorSpec, tensorWithKernel } from './wasm-resize.js';

/** How an image is cut into tiles. */
export interface TileOptions extends GridOptions {
  /** Append the whole image resized to one tile, last, when the grid has more than one tile. Default true. */
  thumbnail?: boolean;
}

/** The tiles an image becomes, before any pixel is touched. */
export interface TileLayout {
  /** The chosen grid (regular tiles, row-major). */
  readonly grid: Grid;
  /** Tile side S in pixels. */
  readonly tileSize: number;
  /** Number of tiles T: `cols * rows`, plus 1 when there is a thumbnail. */
  readonly tiles: number;
  /** Whether the last tile is the thumbnail (`cols * rows > 1` and thumbnails are on). */
  readonly hasThumbnail: boolean;
}

/** Largest output tensor in float32 values: 2^30 (4 GiB). */
export const MAX_OUTPUT_VALUES = 2 ** 30;

/** The layout for a `width` x `height` image: the grid, the tile count and the thumbnail. */
export function planTiles(width: number, height: number, options: TileOptions = {}): TileLayout {
  const resolved = resolveGridOptions(options);
  const thumbnail = options.thumbnail ?? true;
  if (typeof thumbnail !== 'boolean') throw new TypeError(`'thumbnail' must be a boolean`);
  const grid = chooseGrid(width, height, resolved);
  const blocks = grid.cols * grid.rows;
  const hasThumbnail = thumbnail && blocks !== 1;
  const tiles = blocks + (hasThumbnail ? 1 : 0);
  const values = tiles * 3 * resolved.tileSize ** 2;
  if (values > MAX_OUTPUT_VALUES) {
    throw new RangeError(
      `'tileSize' ${resolved.tileSize} with ${tiles} tiles needs ${values} float32 values, over the limit of ` +
        `${MAX_OUTPUT_VALUES}; lower 'tileSize' or 'maxTiles'`,
    );
  }
  return { grid, tileSize: resolved.tileSize, tiles, hasThumbnail };
}

/** The resizes a layout needs: the whole grid, then the thumbnail when there is one. */
export function gridSizes(layout: TileLayout): [number, number][] {
  const { grid, tileSize: s } = layout;
  const sizes: [number, number][] = [[s * grid.cols, s * grid.rows]];
  if (layout.hasThumbnail) sizes.push([s, s]);
  return sizes;
}

/**
 * The 8-bit tiles of an RGB image, in order (row-major crops, then the thumbnail): the exact
 * bytes of the reference's `dynamic_preprocess` list of PIL tiles.
 */
export function tileRgb(
  image: RgbImage,
  options: TileOptions = {},
): { layout: TileLayout; tiles: RgbImage[] } {
  checkRgbImage(image);
  const layout = planTiles(image.width, image.height, options);
  const { grid, tileSize: s } = layout;
  const [resized, thumbnail] = resizeBicubicMany(image, gridSizes(layout)) as [RgbImage, RgbImage?];
  const tiles: RgbImage[] = [];
  for (let idx = 0; idx < grid.cols * grid.rows; idx++) {
    const x0 = (idx % grid.cols) * s;
    const y0 = Math.floor(idx / grid.cols) * s;
    const data = new Uint8Array(s * s * 3);
    for (let y = 0; y < s; y++) {
      const from = ((y0 + y) * resized.width + x0) * 3;
      data.set(resized.data.subarray(from, from + s * 3), y * s * 3);
    }
    tiles.push({ width: s, height: s, data });
  }
  if (thumbnail) tiles.push(thumbnail);
  return { layout, tiles };
}

/** The normalised tiles of an RGB image as one planar tensor. */
export interface NormalizedTiles {
  readonly layout: TileLayout;
  /** `[T, 3, S, S]` float32, tile order as in `tileRgb`. */
  readonly pixelValues: Float32Array;
  /** `[T, 3, S, S]`. */
  readonly dims: readonly [number, number, number, number];
}

/**
 * Tiles and normalises an RGB image in one go: one resize for the grid, one for the thumbnail,
 * crops read straight from the resized image into the output tensor.
 */
export function tileAndNormalize(
  image: RgbImage,
  options: TileOptions & NormalizeOptions = {},
): NormalizedTiles {
  checkRgbImage(image);
  return normalizeLayout(image, planTiles(image.width, image.height, options), options);
}

/** `tileAndNormalize` for an already planned layout of `image`. */
export function normalizeLayout(
  image: RgbImage,
  layout: TileLayout,
  options: NormalizeOptions = {},
): NormalizedTiles {
  const sizes = gridSizes(layout);
  const pixelValues = tensorWithKernel(image, sizes, tensorSpec(layout, options));
  if (pixelValues) return { layout, pixelValues, dims: tensorDims(layout) };
  const [resized, thumbnail] = resizeBicubicMany(image, sizes) as [RgbImage, RgbImage?];
  return normalizeResized(layout, resized, thumbnail, options);
}

/** `[T, 3, S, S]` of a layout. */
export function tensorDims(layout: TileLayout): [number, number, number, number] {
  return [layout.tiles, 3, layout.tileSize, layout.tileSize];
}

/**
 * The tensor of a layout for the WebAssembly kernels: the grid's tiles row-major from resize 0
 * (`gridSizes`), then the thumbnail (resize 1). Validates `mean` and `std`.
 */
export function tensorSpec(layout: TileLayout, options: NormalizeOptions = {}): TensorSpec {
  normalizationTable(options); // validation
  const { grid, tileSize: s } = layout;
  const windows: { image: number; x0: number; y0: number }[] = [];
  for (let idx = 0; idx < grid.cols * grid.rows; idx++) {
    windows.push({ image: 0, x0: (idx % grid.cols) * s, y0: Math.floor(idx / grid.cols) * s });
  }
  if (layout.hasThumbnail) windows.push({ image: 1, x0: 0, y0: 0 });
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  return { tileSize: s, windows, params: Float32Array.of(...mean, ...std) };
}

/**
 * Crops the grid-resized image row-major and appends the thumbnail, normalising straight into
 * the output tensor (the second half of `tileAndNormalize`, shared with the Node worker path).
 */
export function normalizeResized(
  layout: TileLayout,
  resized: RgbImage,
  thumbnail: RgbImage | undefined,
  options: NormalizeOptions = {},
): NormalizedTiles {
  const table = normalizationTable(options);
  const { grid, tileSize: s, tiles } = layout;
  const plane = 3 * s * s;
  const pixelValues = new Float32Array(tiles * plane);
  const blocks = grid.cols * grid.rows;
  for (let idx = 0; idx < blocks; idx++) {
    const x0 = (idx % grid.cols) * s;
    const y0 = Math.floor(idx / grid.cols) * s;
    normalizeWindow(resized.data, resized.width, x0, y0, s, table, pixelValues, idx * plane);
  }
  if (thumbnail) normalizeWindow(thumbnail.data, s, 0, 0, s, table, pixelValues, blocks * plane);
  return { layout, pixelValues, dims: tensorDims(layout) };
}
