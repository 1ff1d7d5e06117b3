/**
 * A small BMP decoder for the formats Pillow's `BmpImagePlugin` reads most often and libvips (sharp)
 * does not read at all: uncompressed 1, 4 and 8-bit palette, 24-bit BGR and 32-bit BGRX/BGRA
 * (BI_RGB, or BI_BITFIELDS with the standard 8-bit masks), bottom-up or top-down. Output is RGB,
 * alpha dropped, as Pillow's `convert('RGB')` gives. RLE and 16-bit files are refused with
 * UNSUPPORTED_FORMAT. Layout: Microsoft BITMAPFILEHEADER + BITMAPINFOHEADER (and V4/V5 headers).
 */
import type { RawPixels } from './convert.js';
import { TilerError } from './errors.js';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** True when `bytes` starts like a BMP file. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Image size from a BMP header (for the pixel cap), or undefined when the header is cut short. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 26) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

/** Decodes an uncompressed BMP to 8-bit RGB pixels; `source` names the file in errors. */
export function decodeBmp(bytes: Uint8Array, source?: string): RawPixels {
  const where = source ? ` '${source}'` : '';
  const fail = (code: 'UNSUPPORTED_FORMAT' | 'DECODE_FAILED', why: string) =>
    new TilerError(code, `BMP image${where} ${why}`, { source });
  if (!isBmp(bytes) || bytes.length < 54) throw fail('DECODE_FAILED', 'is truncated (no complete header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw fail('UNSUPPORTED_FORMAT', `has an OS/2 header (${headerSize} bytes)`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0) throw fail('DECODE_FAILED', `has no pixels (${width} x ${rawHeight})`);
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (!(compression === BI_RGB || (bitfields && bpp === 32))) {
    throw fail('UNSUPPORTED_FORMAT', `uses compression ${compression} at ${bpp} bits (not supported)`);
  }
  if (bitfields) {
    // Masks follow a 40-byte header, or sit inside V4/V5 headers at the same offset.
    const masks = [0, 4, 8].map((o) => view.getUint32(54 + o, true));
    if (masks[0] !== 0xff0000 || masks[1] !== 0xff00 || masks[2] !== 0xff) {
      throw fail('UNSUPPORTED_FORMAT', 'uses non-standard colour masks');
    }
  }
  if (![1, 4, 8, 24, 32].includes(bpp))
    throw fail('UNSUPPORTED_FORMAT', `has ${bpp} bits per pixel (not supported)`);
  const stride = Math.ceil((bpp * width) / 32) * 4;
  if (dataOffset + stride * height > bytes.length)
    throw fail('DECODE_FAILED', 'is truncated (pixel data missing)');
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const used = view.getUint32(46, true);
    const colors = used === 0 ? 1 << bpp : Math.min(used, 1 << bpp);
    const start = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0);
    if (start + colors * 4 > dataOffset) throw fail('DECODE_FAILED', 'has a truncated palette');
    palette = new Uint8Array(256 * 3); // indices past the palette read black, as Pillow's do
    for (let i = 0; i < colors; i++) {
      palette[i * 3] = bytes[start + i * 4 + 2]!;
      palette[i * 3 + 1] = bytes[start + i * 4 + 1]!;
      palette[i * 3 + 2] = bytes[start + i * 4]!;
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp;
        const byte = bytes[row + (bit >> 3)]!;
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        out[o] = palette[index * 3]!;
        out[o + 1] = palette[index * 3 + 1]!;
        out[o + 2] = palette[index * 3 + 2]!;
      } else {
        const p = row + x * (bpp >> 3);
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      }
    }
  }
  return { width, height, channels: 3, data: out };
}
