/**
 * Node decoding with sharp (libvips): JPEG, PNG, WebP, GIF (first frame), AVIF, TIFF and whatever
 * else the installed libvips reads (plus uncompressed BMP through `bmp.ts`, which libvips lacks),
 * to `RawPixels` holding the file's own samples, so that
 * `toRgb` can apply Pillow's `convert('RGB')` rules:
 * - no ICC transform (`ignoreIcc`) and no colourspace conversion: gray stays gray, 16-bit stays
 *   16-bit, CMYK stays CMYK (Pillow ignores ICC profiles and converts CMYK naively);
 * - alpha is removed as a band, never composited;
 * - no EXIF rotation unless `autoOrient` (Pillow's `Image.open` applies none);
 * - the pixel cap is checked from the header (`metadata()`) before decoding, and again by
 *   libvips' own `limitInputPixels`.
 */
import { readFile } from 'node:fs/promises';
import { bmpSize, decodeBmp, isBmp } from './bmp.js';
import type { RawPixels } from './convert.js';
import { messageOf, TilerError } from './errors.js';
import { gifTransparentColor } from './gif.js';
import { checkImageSize, type DecodeOptions, resolveMaxPixels } from './tile-image.js';

type Sharp = typeof import('sharp').default;

let sharpModule: Promise<Sharp> | undefined;

/** Loads sharp once; a missing native binary becomes `DECODER_UNAVAILABLE`. */
async function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then(
    (m) => m.default,
    (error: unknown) => {
      sharpModule = undefined;
      throw new TilerError('DECODER_UNAVAILABLE', `sharp could not be loaded: ${messageOf(error)}`, {
        cause: error,
      });
    },
  );
  return sharpModule;
}

/** Reads a file, turning fs errors into `TilerError` READ_FAILED / EMPTY_INPUT. */
export async function readImageFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : messageOf(error);
    throw new TilerError('READ_FAILED', `cannot read image '${path}': ${why}`, {
      source: path,
      cause: error,
    });
  }
  return bytes;
}

/** Maps a sharp/libvips failure to a `TilerError`. */
function decodeError(error: unknown, source: string | undefined, maxPixels: number): TilerError {
  if (error instanceof TilerError) return error;
  const message = messageOf(error);
  const where = source ? ` '${source}'` : '';
  if (/unsupported image format/i.test(message)) {
    return new TilerError('UNSUPPORTED_FORMAT', `image${where} is not in a format sharp reads`, {
      source,
      cause: error,
    });
  }
  if (/pixel limit/i.test(message)) {
    return new TilerError('IMAGE_TOO_LARGE', `image${where} exceeds the cap of ${maxPixels} pixels`, {
      source,
      maxPixels,
      cause: error,
    });
  }
  return new TilerError('DECODE_FAILED', `image${where} could not be decoded: ${message.trim()}`, {
    source,
    cause: error,
  });
}

/**
 * Decodes encoded image bytes (or a file, when `source` names one and `bytes` came from it) to raw
 * pixels with the file's own channel layout and bit depth.
 */
export async function decodeWithSharp(
  bytes: Uint8Array,
  options: DecodeOptions & {
    source?: string;
    /** Called once the full decode is under way, with the size from the header (work to overlap). */
    onDecodeStart?: (width: number, height: number) => void;
  } = {},
): Promise<RawPixels> {
  const maxPixels = resolveMaxPixels(options);
  const { source } = options;
  if (bytes.length === 0) {
    throw new TilerError('EMPTY_INPUT', `image${source ? ` '${source}'` : ''} is empty (0 bytes)`, {
      source,
    });
  }
  if (isBmp(bytes)) {
    // libvips has no BMP loader; Pillow reads BMP, so the tiler does too.
    const size = bmpSize(bytes);
    if (size) checkImageSize(size.width, size.height, maxPixels, source);
    return decodeBmp(bytes, source);
  }
  const sharp = await loadSharp();
  const input = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const meta = await sharp(input, { limitInputPixels: false, page: 0, pages: 1 }).metadata();
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    checkImageSize(width, height, maxPixels, source);
    let pipeline = sharp(input, {
      failOn: 'error',
      limitInputPixels: maxPixels,
      ignoreIcc: true,
      autoOrient: options.autoOrient === true,
      page: 0,
      pages: 1,
    }).removeAlpha();
    const sixteen = meta.depth === 'ushort';
    const space = meta.space;
    const gifColor = meta.format === 'gif' && meta.hasAlpha ? gifTransparentColor(bytes) : undefined;
    if (gifColor) return await decodeGif(sharp, input, options, gifColor);
    let cmyk = false;
    if (space === 'cmyk') {
      pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk');
      cmyk = true;
    } else if (space === 'b-w' || space === 'grey16' || space === 'rgb16' || space === 'srgb') {
      pipeline = pipeline.toColourspace(space);
    } else {
      pipeline = pipeline.toColourspace('srgb');
    }
    const decoding = pipeline.raw(sixteen ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
    options.onDecodeStart?.(width, height);
    const { data, info } = await decoding;
    const channels = info.channels;
    if (channels !== 1 && channels !== 3 && channels !== 4) {
      throw new TilerError('DECODE_FAILED', `decoder returned ${channels} channels for a '${space}' image`, {
        source,
      });
    }
    const samples = sixteen ? toUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // A 16-bit gray image with alpha is LA;16B in Pillow: it keeps the high byte instead of clipping.
    // After removeAlpha it has 1 channel, so expand it to 2 for toRgb's rules.
    if (sixteen && channels === 1 && meta.hasAlpha) {
      return {
        width: info.width,
        height: info.height,
        channels: 2,
        data: interleaveAlpha(samples as Uint16Array),
      };
    }
    return {
      width: info.width,
      height: info.height,
      channels: channels === 4 && !cmyk ? 4 : channels,
      data: samples,
      ...(cmyk ? { colorModel: 'cmyk' as const } : {}),
    };
  } catch (error) {
    throw decodeError(error, source, maxPixels);
  }
}

/**
 * A GIF whose first frame has a transparent index: keep libvips' alpha to find those pixels and give
 * them the palette colour, as Pillow's P -> RGB conversion does.
 */
async function decodeGif(
  sharp: Sharp,
  input: Buffer,
  options: DecodeOptions,
  color: [number, number, number],
): Promise<RawPixels> {
  const { data, info } = await sharp(input, {
    failOn: 'error',
    limitInputPixels: resolveMaxPixels(options),
    autoOrient: options.autoOrient === true,
    page: 0,
    pages: 1,
  })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height * 3);
  for (let i = 0, p = 0, o = 0; i < info.width * info.height; i++, p += 4, o += 3) {
    const clear = data[p + 3] === 0;
    out[o] = clear ? color[0] : data[p]!;
    out[o + 1] = clear ? color[1] : data[p + 1]!;
    out[o + 2] = clear ? color[2] : data[p + 2]!;
  }
  return { width: info.width, height: info.height, channels: 3, data: out };
}

function toUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return new Uint16Array(copy.buffer);
}

function interleaveAlpha(gray: Uint16Array): Uint16Array {
  const out = new Uint16Array(gray.length * 2);
  for (let i = 0; i < gray.length; i++) {
    out[2 * i] = gray[i]!;
    out[2 * i + 1] = 65535;
  }
  return out;
}
