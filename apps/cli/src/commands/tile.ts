/**
 * `nvlm tile IMAGE`: show how NVLM tiles an image (DESIGN.md command list): the grid, the tile
 * count, the tile tags and the expanded image block, optionally writing the normalised tiles as
 * raw little-endian float32 [T, 3, S, S] for comparison with other implementations.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import {
  DEFAULT_MAX_TILES,
  DEFAULT_TILE_SIZE,
  MAX_TILE_SIZE,
  MAX_TILES_LIMIT,
  TILE_TAG_STYLES,
  type TiledImage,
  tileImage,
} from '@nvlm-ts/tiler';
import { CliError, choiceOption, defineCommand, intOption } from '../command.js';

export const tileCommand = defineCommand({
  name: 'tile',
  summary: 'Tile an image as NVLM does: grid, tiles, tags and the expanded prompt',
  description:
    'Chooses the dynamic high-resolution grid, resizes with Pillow-exact bicubic, adds the thumbnail,\n' +
    'and prints the grid, tile count, tile tags and the expanded <Image>...</Image> block.',
  options: {
    'max-tiles': {
      type: 'string',
      valueName: 'N',
      description: `Largest number of regular tiles, 1-${MAX_TILES_LIMIT}`,
      default: String(DEFAULT_MAX_TILES),
    },
    'tile-size': {
      type: 'string',
      valueName: 'PX',
      description: 'Tile side in pixels',
      default: String(DEFAULT_TILE_SIZE),
    },
    tags: {
      type: 'string',
      valueName: 'STYLE',
      description: `Tile tags: ${TILE_TAG_STYLES.join(', ')}`,
      default: '1d',
    },
    json: { type: 'boolean', description: 'Print one JSON object' },
    pixels: {
      type: 'string',
      valueName: 'OUT',
      description: 'Write the normalised tiles to OUT as raw little-endian float32 [T,3,S,S]',
    },
  },
  positionals: [{ name: 'IMAGE', description: 'Image file (JPEG, PNG, WebP, GIF, AVIF, TIFF, BMP)' }],
  examples: [
    'nvlm tile photo.jpg',
    'nvlm tile scan.png --max-tiles 12 --json',
    'nvlm tile photo.jpg --pixels tiles.f32',
  ],
  async run({ values, positionals, io }) {
    const maxTiles = intOption(
      values['max-tiles'],
      'max-tiles',
      { min: 1, max: MAX_TILES_LIMIT },
      DEFAULT_MAX_TILES,
    );
    const tileSize = intOption(
      values['tile-size'],
      'tile-size',
      { min: 1, max: MAX_TILE_SIZE },
      DEFAULT_TILE_SIZE,
    );
    const tags = choiceOption(values.tags, 'tags', TILE_TAG_STYLES, '1d');
    const image = positionals[0]!;
    const tiled = await tileImage(resolve(io.cwd, image), { maxTiles, tileSize, tags });
    let pixelsPath: string | undefined;
    if (values.pixels !== undefined) {
      pixelsPath = resolve(io.cwd, values.pixels);
      try {
        await writeFile(pixelsPath, littleEndianBytes(tiled.pixelValues));
      } catch (error) {
        throw new CliError(`cannot write --pixels '${values.pixels}': ${(error as Error).message}`, 1, {
          cause: error,
        });
      }
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(summary(image, tiled, values.pixels))}\n`);
    } else {
      writeText(io.stdout, image, tiled, values.pixels);
    }
    return 0;
  },
});

/** The JSON shape of `nvlm tile --json`. */
function summary(image: string, t: TiledImage, pixels: string | undefined) {
  return {
    image,
    width: t.width,
    height: t.height,
    grid: t.grid,
    tiles: t.tiles,
    tileSize: t.tileSize,
    thumbnail: t.hasThumbnail,
    tags: t.tags,
    imageTokens: t.imageTokens,
    dims: t.dims,
    prompt: t.imageText,
    ...(pixels === undefined ? {} : { pixels }),
  };
}

function writeText(
  out: NodeJS.WritableStream,
  image: string,
  t: TiledImage,
  pixels: string | undefined,
): void {
  const [T, C, S] = t.dims;
  const rows: [string, string][] = [
    ['image', `${image} (${t.width} x ${t.height})`],
    ['grid', `${t.grid.cols} x ${t.grid.rows}${t.hasThumbnail ? ' + thumbnail' : ''}`],
    ['tiles', `${T} (tensor ${T} x ${C} x ${S} x ${S})`],
    ['tags', t.tags.some((tag) => tag !== '') ? t.tags.join(' ') : '(none)'],
    ['tokens', `${t.imageTokens} image tokens`],
    ['prompt', abbreviate(t.imageText)],
  ];
  if (pixels !== undefined)
    rows.push(['pixels', `${pixels} (${t.pixelValues.byteLength} bytes, float32 LE)`]);
  for (const [key, value] of rows) out.write(`${key.padEnd(7)} ${value}\n`);
}

/** Collapses runs of the same image token: `<|vision_pad|>` x 256. */
function abbreviate(text: string): string {
  return text.replace(/(<\|[^|]+\|>)\1+/g, (run, token: string) => `${token} x ${run.length / token.length}`);
}

function littleEndianBytes(values: Float32Array): Uint8Array {
  if (os.endianness() === 'LE') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}
