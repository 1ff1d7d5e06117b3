import { describe, expect, it } from 'vitest';
import { readImageHeader } from './header.js';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('readImageHeader', () => {
  it('reads PNG IHDR', () => {
    const png = bytes(
      '\x89PNG\r\n\x1a\n',
      [0, 0, 0, 13],
      'IHDR',
      [0, 0, 0x01, 0x2c, 0, 0, 0, 0xc8, 8, 2, 0, 0, 0],
    );
    expect(readImageHeader(png)).toEqual({ format: 'png', width: 300, height: 200 });
  });

  it('reads GIF and BMP sizes (little endian; BMP height may be negative)', () => {
    expect(readImageHeader(bytes('GIF89a', [0x40, 0x01, 0xf0, 0x00]))).toEqual({
      format: 'gif',
      width: 320,
      height: 240,
    });
    const bmp = new Uint8Array(30);
    bmp.set(bytes('BM'));
    new DataView(bmp.buffer).setInt32(18, 17, true);
    new DataView(bmp.buffer).setInt32(22, -9, true);
    expect(readImageHeader(bmp)).toEqual({ format: 'bmp', width: 17, height: 9 });
  });

  it('reads a JPEG SOF0 after other segments and fill bytes', () => {
    const jpeg = bytes(
      [0xff, 0xd8],
      [0xff, 0xe0, 0, 4, 0, 0],
      [0xff, 0xff, 0xc0, 0, 11, 8, 0x01, 0x00, 0x02, 0x00, 3],
    );
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 512, height: 256 });
  });

  it('reads WebP VP8X canvas sizes and VP8L bit-packed sizes', () => {
    const vp8x = new Uint8Array(30);
    vp8x.set(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X'));
    vp8x.set([99, 0, 0], 24); // width - 1
    vp8x.set([49, 0, 0], 27); // height - 1
    expect(readImageHeader(vp8x)).toEqual({ format: 'webp', width: 100, height: 50 });
    const vp8l = new Uint8Array(30);
    vp8l.set(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L'));
    // 14-bit width-1 = 9, 14-bit height-1 = 4: bits 0..13 = 9, bits 14..27 = 4.
    const packed = 9 | (4 << 14);
    vp8l.set([packed & 255, (packed >> 8) & 255, (packed >> 16) & 255, (packed >> 24) & 255], 21);
    expect(readImageHeader(vp8l)).toEqual({ format: 'webp', width: 10, height: 5 });
  });

  it('returns undefined for unknown or cut-short data', () => {
    expect(readImageHeader(bytes('hello world, not an image'))).toBeUndefined();
    expect(readImageHeader(bytes('\x89PNG'))).toBeUndefined();
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 50]))).toBeUndefined();
  });
});
