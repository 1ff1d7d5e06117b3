/**
 * A minimal PNG encoder for generated test images: 8-bit RGB (colour type 2), no interlace, filter 0
 * on every row, one zlib `IDAT` chunk from `node:zlib`. Follows the PNG specification (W3C PNG 3rd
 * edition, sections 5 "Datastream structure", 11.2.2 `IHDR`, and Annex D, the CRC-32 reference code).
 * Written by hand because the generator must be dependency-free and byte-deterministic; decoding is
 * checked against sharp (libvips + libspng) in the tests.
 */
import { deflateSync } from 'node:zlib';

/** PNG signature: `\x89PNG\r\n\x1a\n`. */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest side accepted (the spec allows 2**31 - 1; test images stay far below). */
const MAX_SIDE = 16_384;

/** CRC-32 table for the PNG polynomial 0xEDB88320 (reflected 0x04C11DB7). */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes` as PNG chunks use it (over the chunk type and data). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: 4-byte big-endian length, 4-byte type, data, CRC-32 of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes an RGB image as PNG.
 * @param width image width in pixels, an integer in [1, 16384].
 * @param height image height in pixels, an integer in [1, 16384].
 * @param rgb `width * height * 3` bytes, rows top to bottom, pixels left to right, R G B.
 * @returns the PNG file bytes (same input, same bytes).
 * @throws {RangeError} for a bad size or a buffer of the wrong length.
 */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new RangeError(`'${name}' must be an integer in [1, ${MAX_SIDE}], got ${value}`);
    }
  }
  if (!(rgb instanceof Uint8Array)) throw new TypeError("'rgb' must be a Uint8Array");
  if (rgb.length !== width * height * 3) {
    throw new RangeError(
      `'rgb' must hold width * height * 3 = ${width * height * 3} bytes, got ${rgb.length}`,
    );
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  // compression 0 (deflate), filter method 0, interlace 0: already zero
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // raw[y * (stride + 1)] = 0: filter type None
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw, { level: 9 }))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
