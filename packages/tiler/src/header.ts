/**
 * Image size from the first bytes of a file, without decoding: PNG, JPEG, GIF, WebP and BMP. Lets
 * the browser path enforce the pixel cap before handing a possible decompression bomb to
 * `createImageBitmap` (in Node, sharp's header reader does this). Layouts follow the format specs:
 * PNG IHDR, JPEG SOFn segments, GIF logical screen, WebP VP8/VP8L/VP8X, BMP info header.
 */

/** Formats `readImageHeader` recognises. */
export type SniffedFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

/** What the header says. */
export interface ImageHeader {
  readonly format: SniffedFormat;
  readonly width: number;
  readonly height: number;
}

const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const le16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const be32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const le24 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const le32s = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
const ascii = (b: Uint8Array, i: number, s: string) =>
  b.length >= i + s.length && [...s].every((ch, k) => b[i + k] === ch.charCodeAt(0));

/**
 * The format and size in `bytes` (the start of a file; 64 KiB is plenty), or undefined when the
 * format is not one of the five or the header is cut short.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes.length >= 24 && ascii(bytes, 0, '\x89PNG\r\n\x1a\n') && ascii(bytes, 12, 'IHDR')) {
    return { format: 'png', width: be32(bytes, 16), height: be32(bytes, 20) };
  }
  if (bytes.length >= 10 && (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a'))) {
    return { format: 'gif', width: le16(bytes, 6), height: le16(bytes, 8) };
  }
  if (bytes.length >= 26 && ascii(bytes, 0, 'BM')) {
    return { format: 'bmp', width: Math.abs(le32s(bytes, 18)), height: Math.abs(le32s(bytes, 22)) };
  }
  if (bytes.length >= 30 && ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return webp(bytes);
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg(bytes);
  return undefined;
}

function webp(b: Uint8Array): ImageHeader | undefined {
  if (ascii(b, 12, 'VP8 ') && b.length >= 30) {
    return { format: 'webp', width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  }
  if (ascii(b, 12, 'VP8L') && b.length >= 25) {
    const width = 1 + (b[21]! | ((b[22]! & 0x3f) << 8));
    const height = 1 + ((b[22]! >> 6) | (b[23]! << 2) | ((b[24]! & 0x0f) << 10));
    return { format: 'webp', width, height };
  }
  if (ascii(b, 12, 'VP8X') && b.length >= 30) {
    return { format: 'webp', width: 1 + le24(b, 24), height: 1 + le24(b, 27) };
  }
  return undefined;
}

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpeg(b: Uint8Array): ImageHeader | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any SOF
    const length = be16(b, i + 2);
    if (isStartOfFrame(marker)) {
      if (i + 9 > b.length) return undefined;
      return { format: 'jpeg', width: be16(b, i + 7), height: be16(b, i + 5) };
    }
    i += 2 + length;
  }
  return undefined;
}
