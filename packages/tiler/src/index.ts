/**
 * @nvlm-ts/tiler: NVLM's image front end (NVLM.md sections 3, 4 and 8). Dynamic high-resolution
 * tiling with Pillow-exact bicubic resizing, ImageNet normalisation, tile tags and prompt expansion.
 *
 * This entry is platform-free and is what browsers get: `tileImage` decodes with
 * createImageBitmap. The `node` entry (`node.ts`) decodes with sharp and re-exports the rest.
 */
import { type BrowserImageSource, decodeInBrowser } from './browser-decode.js';
import type { RawPixels } from './convert.js';
import { isRawPixels, type TiledImage, type TileImageOptions, tilePixels } from './tile-image.js';

export { type BrowserImageSource, decodeInBrowser } from './browser-decode.js';
export { checkRawPixels, type RawPixels, toRgb } from './convert.js';
export { TilerError, type TilerErrorCode, type TilerErrorDetails } from './errors.js';
export {
  candidateGrids,
  chooseGrid,
  DEFAULT_MAX_TILES,
  DEFAULT_MIN_TILES,
  DEFAULT_TILE_SIZE,
  type Grid,
  type GridOptions,
  MAX_TILE_SIZE,
  MAX_TILES_LIMIT,
} from './grid.js';
export { type ImageHeader, readImageHeader, type SniffedFormat } from './header.js';
export type { RgbImage } from './image.js';
export {
  IMAGENET_MEAN,
  IMAGENET_STD,
  type NormalizeOptions,
  normalizationTable,
} from './normalize.js';
export {
  type CrossAttentionTile,
  DEFAULT_IMAGE_TOKEN,
  DEFAULT_TOKENS_PER_TILE,
  type ExpandedPrompt,
  expandImage,
  expandPrompt,
  IMAGE_PLACEHOLDER,
  type ImagePromptOptions,
  type PromptImage,
  type PromptSegment,
  VLM_ARCHITECTURES,
  type VlmArchitecture,
} from './prompt.js';
export { type AxisCoefficients, axisCoefficients, resizeBicubic } from './resample.js';
export {
  BBOX_SCALE,
  DEFAULT_THUMBNAIL_TAG,
  TILE_TAG_STYLES,
  type TileTagOptions,
  type TileTagStyle,
  tileTags,
} from './tags.js';
export {
  type NormalizedTiles,
  planTiles,
  type TileLayout,
  type TileOptions,
  tileAndNormalize,
  tileRgb,
} from './tile.js';
export {
  DEFAULT_MAX_PIXELS,
  type DecodeOptions,
  type TiledImage,
  type TileImageOptions,
  tilePixels,
} from './tile-image.js';

/** What the browser `tileImage` accepts: encoded bytes, decoded browser images, or raw pixels. */
export type ImageInput = BrowserImageSource | RawPixels;

/**
 * Tiles one image for NVLM: decode (browser: createImageBitmap; raw pixels skip decoding), convert
 * to RGB, choose the grid, resize with Pillow BICUBIC, crop, add the thumbnail, normalise, and tag.
 *
 * @throws TilerError for images that cannot be decoded or exceed `maxPixels`;
 *   TypeError / RangeError for bad arguments.
 */
export async function tileImage(input: ImageInput, options: TileImageOptions = {}): Promise<TiledImage> {
  const pixels = isRawPixels(input) ? input : await decodeInBrowser(input, options);
  return tilePixels(pixels, options);
}
