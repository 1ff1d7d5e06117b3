/**
 * Browser decoding: encoded bytes (Blob, ArrayBuffer, Uint8Array) through `createImageBitmap`,
 * and ImageBitmap / ImageData through an OffscreenCanvas, to RGBA `RawPixels` (alpha is dropped
 * later, not composited). Uses only web platform globals, looked up when called, so this module
 * also loads in Node (where `tileImage` from the `node` entry uses sharp instead).
 *
 * Differences from the Pillow reference that only the browser has, documented in the README: the
 * canvas stores premultiplied alpha (semi-transparent pixels may round differently), browsers
 * may apply EXIF orientation regardless of the option, and may colour-manage images with ICC
 * profiles. Pass raw pixels for byte-exact control.
 */
import type { RawPixels } from './convert.js';
import { messageOf, TilerError } from './errors.js';
import { readImageHeader } from './header.js';
import { checkImageSize, type DecodeOptions, resolveMaxPixels } from './tile-image.js';

/** Encoded image bytes or an already decoded browser image. */
export type BrowserImageSource = Blob | ArrayBuffer | Uint8Array | ImageBitmap | ImageData;

/** Bytes read to find the image size before decoding. */
const HEADER_BYTES = 65_536;

/** Decodes a browser image source to RGBA pixels, checking the pixel cap before decoding. */
export async function decodeInBrowser(
  source: BrowserImageSource,
  options: DecodeOptions = {},
): Promise<RawPixels> {
  const maxPixels = resolveMaxPixels(options);
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    checkImageSize(source.width, source.height, maxPixels);
    return { width: source.width, height: source.height, channels: 4, data: source.data };
  }
  if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap)
    return bitmapPixels(source, maxPixels);
  let blob: Blob;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) blob = new Blob([source as BlobPart]);
  else if (typeof Blob !== 'undefined' && source instanceof Blob) blob = source;
  else
    throw new TypeError(
      `'input' must be a Blob, ArrayBuffer, Uint8Array, ImageBitmap, ImageData or RawPixels`,
    );
  if (blob.size === 0) throw new TilerError('EMPTY_INPUT', 'image data is empty (0 bytes)');
  const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  if (header) checkImageSize(header.width, header.height, maxPixels);
  if (typeof createImageBitmap !== 'function') {
    throw new TilerError('DECODER_UNAVAILABLE', 'createImageBitmap is not available on this platform');
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: options.autoOrient ? 'from-image' : 'none',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (error) {
    const code = header ? 'DECODE_FAILED' : 'UNSUPPORTED_FORMAT';
    const what = header
      ? `${header.format} image could not be decoded`
      : 'not an image format this browser decodes';
    throw new TilerError(code, `${what}: ${messageOf(error)}`, { cause: error });
  }
  try {
    return bitmapPixels(bitmap, maxPixels);
  } finally {
    bitmap.close();
  }
}

function bitmapPixels(bitmap: ImageBitmap, maxPixels: number): RawPixels {
  const { width, height } = bitmap;
  checkImageSize(width, height, maxPixels);
  if (typeof OffscreenCanvas === 'undefined') {
    throw new TilerError('DECODER_UNAVAILABLE', 'OffscreenCanvas is not available on this platform');
  }
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new TilerError('DECODER_UNAVAILABLE', 'could not create a 2d canvas context');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height);
  return { width, height, channels: 4, data };
}
