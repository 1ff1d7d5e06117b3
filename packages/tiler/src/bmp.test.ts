import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp.js';
import { TilerError } from './errors.js';

/** A BMP file with a 40-byte info header. `rows` are given top to bottom. */
function bmp(
  width: number,
  rows: number[][],
  bpp: number,
  palette: number[][] = [],
  topDown = false,
): Uint8Array {
  const stride = Math.ceil((bpp * width) / 32) * 4;
  const height = rows.length;
  const dataOffset = 54 + palette.length * 4;
  const out = new Uint8Array(dataOffset + stride * height);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  v.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => {
    out.set([b!, g!, r!, 0], 54 + i * 4);
  });
  rows.forEach((row, y) => {
    const at = dataOffset + (topDown ? y : height - 1 - y) * stride;
    if (bpp >= 24) {
      row.forEach((px, x) => {
        out.set([(px >> 0) & 255, (px >> 8) & 255, (px >> 16) & 255], at + x * (bpp / 8)); // B, G, R
      });
    } else {
      row.forEach((index, x) => {
        const bit = x * bpp;
        out[at + (bit >> 3)]! |= index << (8 - bpp - (bit & 7));
      });
    }
  });
  return out;
}

describe('decodeBmp', () => {
  it('reads 24-bit bottom-up rows as RGB', () => {
    const px = decodeBmp(
      bmp(
        2,
        [
          [0x010203, 0x040506],
          [0x070809, 0x0a0b0c],
        ],
        24,
      ),
    );
    expect([px.width, px.height, px.channels]).toEqual([2, 2, 3]);
    expect(Array.from(px.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads 32-bit top-down rows and drops the fourth byte', () => {
    const px = decodeBmp(bmp(1, [[0x102030], [0x405060]], 32, [], true));
    expect(Array.from(px.data)).toEqual([0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
  });

  it('expands 1-bit and 4-bit palettes', () => {
    const one = decodeBmp(
      bmp(3, [[1, 0, 1]], 1, [
        [0, 0, 0],
        [255, 128, 1],
      ]),
    );
    expect(Array.from(one.data)).toEqual([255, 128, 1, 0, 0, 0, 255, 128, 1]);
    const four = decodeBmp(
      bmp(2, [[2, 1]], 4, [
        [0, 0, 0],
        [9, 9, 9],
        [7, 6, 5],
      ]),
    );
    expect(Array.from(four.data)).toEqual([7, 6, 5, 9, 9, 9]);
  });

  it('refuses truncated, compressed and 16-bit files with typed errors', () => {
    const file = bmp(4, [[1, 2, 3, 4]], 24);
    expect(() => decodeBmp(file.subarray(0, file.length - 4))).toThrow(/truncated/);
    const rle = bmp(2, [[1, 2]], 8, [[0, 0, 0]]);
    new DataView(rle.buffer).setUint32(30, 1, true);
    const error = (() => {
      try {
        decodeBmp(rle, 'x.bmp');
      } catch (e) {
        return e;
      }
    })() as TilerError;
    expect(error).toBeInstanceOf(TilerError);
    expect([error.code, error.source]).toEqual(['UNSUPPORTED_FORMAT', 'x.bmp']);
    const sixteen = bmp(2, [[1, 2]], 24);
    new DataView(sixteen.buffer).setUint16(28, 16, true);
    expect(() => decodeBmp(sixteen)).toThrow(/16 bits per pixel/);
  });
});
