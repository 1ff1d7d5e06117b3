import { describe, expect, it } from 'vitest';
import { gifTransparentColor } from './gif.js';

/** A 1x1 GIF89a with a 2-colour global table, an optional GCE, and an image descriptor. */
function gif(transparentIndex?: number, localTable?: number[]): Uint8Array {
  const bytes = [
    ...[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], // GIF89a
    ...[1, 0, 1, 0, 0x80, 0, 0], // 1 x 1, global table of 2 entries
    ...[10, 20, 30, 40, 50, 60],
    ...[0x21, 0xfe, 2, 0x68, 0x69, 0], // a comment extension, skipped
  ];
  if (transparentIndex !== undefined) bytes.push(0x21, 0xf9, 4, 1, 0, 0, transparentIndex, 0);
  bytes.push(0x2c, 0, 0, 0, 0, 1, 0, 1, 0, localTable ? 0x80 : 0, ...(localTable ?? []));
  bytes.push(2, 2, 0x44, 0x01, 0, 0x3b);
  return new Uint8Array(bytes);
}

describe('gifTransparentColor', () => {
  it('gives the global palette colour of the transparent index', () => {
    expect(gifTransparentColor(gif(1))).toEqual([40, 50, 60]);
    expect(gifTransparentColor(gif(0))).toEqual([10, 20, 30]);
  });

  it('prefers the first frame local palette', () => {
    expect(gifTransparentColor(gif(1, [1, 2, 3, 4, 5, 6]))).toEqual([4, 5, 6]);
  });

  it('is undefined without transparency or for other formats', () => {
    expect(gifTransparentColor(gif())).toBeUndefined();
    expect(
      gifTransparentColor(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
    ).toBeUndefined();
  });
});
