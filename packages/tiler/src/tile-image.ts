/**
 * The platform-free half of `tileImage`: options, the pixel cap, and decoded pixels -> tiles, tags
 * and the expanded image block. The Node (`node.ts`, sharp) and browser (`index.ts`,
 * createImageBitmap) entries decode and then call `tilePixels`.
 */
import { type RawPixels, toRgb } from './convert.js';
import { TilerError } from './errors.js';
import type { Grid } from './grid.js';
import type { RgbImage } from './image.js';
import type { NormalizeOptions } from './normalize.js';
import {
  type CrossAttentionTile,
  type ExpandedPrompt,
  expandImage,
  type ImagePromptOptions,
  type PromptSegment,
} from './prompt.js';
import { type TileTagOptions, tileTags } from './tags.js';
import {
  type NormalizedTiles,
  planTiles,
  type TileLayout,
  type TileOptions,
  tileAndNormalize,
} from './tile.js';

/** Default decode cap: 64 megapixels (an 8000 x 8000 image; 192 MB as RGB). */
export const DEFAULT_MAX_PIXELS = 64_000_000;

/** Decoding options shared by the Node and browser entries. */
export interface DecodeOptions {
  /**
   * Refuse images with more than this many pixels (width x height), checked from the header before
   * any pixel is decoded. Default 64 000 000.
   */
  maxPixels?: number;
  /**
   * Apply the EXIF orientation. Default false: the reference (Pillow's `Image.open`) ignores it.
   * Browsers may apply it regardless (Chrome and Firefox treat `imageOrientation: 'none'` as
   * `'from-image'`); pass raw pixels for full control there.
   */
  autoOrient?: boolean;
}

/** Everything `tileImage` accepts besides the image. */
export interface TileImageOptions
  extends TileOptions,
    NormalizeOptions,
    TileTagOptions,
    ImagePromptOptions,
    DecodeOptions {}

/** An image ready for the vision encoder, with its prompt block. */
export interface TiledImage {
  /** Source width and height in pixels (after orientation, when applied). */
  readonly width: number;
  readonly height: number;
  /** The chosen grid of regular tiles. */
  readonly grid: Grid;
  /** Number of tiles T, the thumbnail included. */
  readonly tiles: number;
  /** Tile side S in pixels. */
  readonly tileSize: number;
  /** Whether the last tile is the thumbnail. */
  readonly hasThumbnail: boolean;
  /** Normalised tiles, `[T, 3, S, S]` float32 (the vision encoder's `pixel_values`). */
  readonly pixelValues: Float32Array;
  /** `[T, 3, S, S]`. */
  readonly dims: readonly [number, number, number, number];
  /** One tag per tile (`''` with tags `none`). */
  readonly tags: readonly string[];
  /** The image's expanded block for the chosen architecture, e.g. `<Image><tile_1>...</Image>`. */
  readonly imageText: string;
  /** `imageText` as ordered text / tag / image-token segments (image index 0). */
  readonly segments: readonly PromptSegment[];
  /** Tiles read through cross-attention (NVLM-X / NVLM-H), in key order. */
  readonly crossAttention: readonly CrossAttentionTile[];
  /** Image tokens in `imageText`. */
  readonly imageTokens: number;
}

/** The cap in force; throws `RangeError` for a bad value. */
export function resolveMaxPixels(options: DecodeOptions): number {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new RangeError(`'maxPixels' must be a positive safe integer, got ${String(maxPixels)}`);
  }
  return maxPixels;
}

/** Throws `TilerError` EMPTY_IMAGE / IMAGE_TOO_LARGE for a header size outside the limits. */
export function checkImageSize(width: number, height: number, maxPixels: number, source?: string): void {
  const where = source ? ` (${source})` : '';
  if (!(width > 0) || !(height > 0)) {
    throw new TilerError('EMPTY_IMAGE', `image has no pixels: ${width} x ${height}${where}`, {
      source,
      width,
      height,
    });
  }
  if (width * height > maxPixels) {
    throw new TilerError(
      'IMAGE_TOO_LARGE',
      `image is ${width} x ${height} = ${width * height} pixels, over the cap of ${maxPixels}${where}; ` +
        `raise 'maxPixels' if this image is trusted`,
      { source, width, height, maxPixels },
    );
  }
}

/** Tiles decoded pixels (synchronous, no platform APIs). */
export function tilePixels(pixels: RawPixels, options: TileImageOptions = {}): TiledImage {
  const rgb = toRgb(pixels);
  const layout = planTiles(rgb.width, rgb.height, options);
  const prompt = describeTiles(layout, options);
  return assembleTiledImage(rgb, tileAndNormalize(rgb, options), prompt);
}

/** The tags and image block of a layout (validates the tag and prompt options). */
export function describeTiles(
  layout: TileLayout,
  options: TileImageOptions,
): { tags: string[]; block: ExpandedPrompt } {
  const tags = tileTags(layout, options);
  return { tags, block: expandImage({ tags, hasThumbnail: layout.hasThumbnail }, options) };
}

/** Puts a `TiledImage` together from its parts. */
export function assembleTiledImage(
  rgb: RgbImage,
  normalized: NormalizedTiles,
  { tags, block }: { tags: string[]; block: ExpandedPrompt },
): TiledImage {
  const { layout, pixelValues, dims } = normalized;
  return {
    width: rgb.width,
    height: rgb.height,
    grid: layout.grid,
    tiles: layout.tiles,
    tileSize: layout.tileSize,
    hasThumbnail: layout.hasThumbnail,
    pixelValues,
    dims,
    tags,
    imageText: block.text,
    segments: block.segments,
    crossAttention: block.crossAttention,
    imageTokens: block.imageTokens,
  };
}

/** True for a `RawPixels`-shaped object (has numeric `channels` and a typed-array `data`). */
export function isRawPixels(input: unknown): input is RawPixels {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { channels?: unknown }).channels === 'number' &&
    ArrayBuffer.isView((input as { data?: unknown }).data)
  );
}
