/**
 * @nvlm-ts/tiler for Node.js: the platform-free API of `index.ts` plus decoding with sharp, so
 * `tileImage` also takes file paths and encoded bytes.
 */
import { type RawPixels, toRgb } from './convert.js';
import { decodeWithSharp, readImageFile } from './node-decode.js';
import {
  defaultThreads,
  MAX_THREADS,
  type PreparedTiling,
  prepareTiling,
  tileAndNormalizeParallel,
} from './node-parallel.js';
import { planTiles } from './tile.js';
import {
  assembleTiledImage,
  type DecodeOptions,
  describeTiles,
  isRawPixels,
  type TiledImage,
  type TileImageOptions,
} from './tile-image.js';

export {
  type AxisCoefficients,
  axisCoefficients,
  BBOX_SCALE,
  type BrowserImageSource,
  type CrossAttentionTile,
  candidateGrids,
  checkRawPixels,
  chooseGrid,
  DEFAULT_IMAGE_TOKEN,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_TILES,
  DEFAULT_MIN_TILES,
  DEFAULT_THUMBNAIL_TAG,
  DEFAULT_TILE_SIZE,
  DEFAULT_TOKENS_PER_TILE,
  type DecodeOptions,
  decodeInBrowser,
  type ExpandedPrompt,
  expandImage,
  expandPrompt,
  type Grid,
  type GridOptions,
  IMAGE_PLACEHOLDER,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type ImageHeader,
  type ImagePromptOptions,
  MAX_TILE_SIZE,
  MAX_TILES_LIMIT,
  type NormalizedTiles,
  type NormalizeOptions,
  normalizationTable,
  type PromptImage,
  type PromptSegment,
  planTiles,
  type RawPixels,
  type RgbImage,
  readImageHeader,
  resizeBicubic,
  type SniffedFormat,
  TILE_TAG_STYLES,
  type TiledImage,
  type TileImageOptions,
  type TileLayout,
  type TileOptions,
  TilerError,
  type TilerErrorCode,
  type TilerErrorDetails,
  type TileTagOptions,
  type TileTagStyle,
  tileAndNormalize,
  tilePixels,
  tileRgb,
  tileTags,
  toRgb,
  VLM_ARCHITECTURES,
  type VlmArchitecture,
} from './index.js';

export { MAX_THREADS } from './node-parallel.js';

/** Options of the Node `tileImage`: the shared ones plus a thread count. */
export interface NodeTileImageOptions extends TileImageOptions {
  /**
   * Threads that resize images of a megapixel or more (the calling thread included; the others are
   * worker threads, started on first use and idle between calls). Any count gives the same bytes.
   * Default: the machine's parallelism, at most 4.
   */
  threads?: number;
}

/** What the Node `tileImage` accepts: a file path, encoded bytes (Buffer, Uint8Array, ArrayBuffer, Blob) or raw pixels. */
export type ImageInput = string | URL | Uint8Array | ArrayBuffer | Blob | RawPixels;

/**
 * Decodes an image file or encoded bytes with sharp into raw pixels with the file's own layout
 * (gray, RGB or CMYK; 8 or 16 bit; alpha removed), ready for `toRgb` / `tilePixels`.
 *
 * @throws TilerError (READ_FAILED, EMPTY_INPUT, UNSUPPORTED_FORMAT, DECODE_FAILED, EMPTY_IMAGE,
 *   IMAGE_TOO_LARGE, DECODER_UNAVAILABLE).
 */
export async function decodeImage(
  input: Exclude<ImageInput, RawPixels>,
  options: DecodeOptions = {},
): Promise<RawPixels> {
  const { bytes, source } = await readInput(input);
  return decodeWithSharp(bytes, source === undefined ? options : { ...options, source });
}

/** The encoded bytes of an input, and its file name when it is a path or URL. */
async function readInput(
  input: Exclude<ImageInput, RawPixels>,
): Promise<{ bytes: Uint8Array; source?: string }> {
  if (typeof input === 'string' || input instanceof URL) {
    const source = typeof input === 'string' ? input : input.pathname;
    return { bytes: await readImageFile(source), source };
  }
  if (input instanceof Uint8Array) return { bytes: input };
  if (input instanceof ArrayBuffer) return { bytes: new Uint8Array(input) };
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    return { bytes: new Uint8Array(await input.arrayBuffer()) };
  }
  throw new TypeError(`'input' must be a file path, URL, Uint8Array, ArrayBuffer, Blob or RawPixels`);
}

/**
 * Tiles one image for NVLM: decode with sharp (raw pixels skip decoding), convert to RGB as Pillow
 * does, choose the grid, resize with Pillow BICUBIC, crop, add the thumbnail, normalise, and tag.
 *
 * @example
 * const t = await tileImage('photo.jpg');       // 800 x 600 -> grid 3 x 2 + thumbnail
 * t.dims;       // [7, 3, 448, 448]
 * t.imageText;  // '<Image><tile_1><|vision_pad|>...<tile_global_thumbnail>...</Image>'
 *
 * @throws TilerError for images that cannot be read or decoded or exceed `maxPixels`;
 *   TypeError / RangeError for bad arguments.
 */
export async function tileImage(input: ImageInput, options: NodeTileImageOptions = {}): Promise<TiledImage> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`'threads' must be an integer in [1, ${MAX_THREADS}], got ${String(threads)}`);
  }
  let pixels: RawPixels;
  let prepared: PreparedTiling | undefined;
  if (isRawPixels(input)) {
    pixels = input;
  } else {
    const { bytes, source } = await readInput(input);
    // While libvips decodes (off this thread), get the output and the kernel memory ready.
    const onDecodeStart = (width: number, height: number) => {
      prepared = prepareTiling(width, height, options, threads);
    };
    pixels = await decodeWithSharp(bytes, {
      ...options,
      ...(source === undefined ? {} : { source }),
      onDecodeStart,
    });
  }
  const rgb = toRgb(pixels);
  const layout = planTiles(rgb.width, rgb.height, options);
  const prompt = describeTiles(layout, options);
  const tiles = await tileAndNormalizeParallel(rgb, layout, options, threads, prepared);
  return assembleTiledImage(rgb, tiles, prompt);
}
