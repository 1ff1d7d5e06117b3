import { describe, expect, it } from 'vitest';
import { toRgb } from './convert.js';

describe("toRgb (Pillow convert('RGB') rules)", () => {
  it('replicates gray and drops alpha without compositing', () => {
    expect(
      Array.from(toRgb({ width: 2, height: 1, channels: 1, data: new Uint8Array([7, 200]) }).data),
    ).toEqual([7, 7, 7, 200, 200, 200]);
    const la = toRgb({ width: 2, height: 1, channels: 2, data: new Uint8Array([90, 0, 10, 128]) });
    expect(Array.from(la.data)).toEqual([90, 90, 90, 10, 10, 10]);
    const rgba = toRgb({ width: 1, height: 1, channels: 4, data: new Uint8Array([1, 2, 3, 0]) });
    expect(Array.from(rgba.data)).toEqual([1, 2, 3]);
  });

  it('returns 8-bit RGB as is', () => {
    const data = new Uint8Array([1, 2, 3]);
    expect(toRgb({ width: 1, height: 1, channels: 3, data }).data).toBe(data);
  });

  it('clips single-channel 16-bit gray to 255 (mode I;16) and keeps the high byte otherwise', () => {
    const gray = toRgb({ width: 3, height: 1, channels: 1, data: new Uint16Array([17, 255, 256]) });
    expect(Array.from(gray.data)).toEqual([17, 17, 17, 255, 255, 255, 255, 255, 255]);
    const rgb16 = toRgb({
      width: 1,
      height: 1,
      channels: 3,
      data: new Uint16Array([0x12ff, 0x00ff, 0xffff]),
    });
    expect(Array.from(rgb16.data)).toEqual([0x12, 0x00, 0xff]);
    const la16 = toRgb({ width: 1, height: 1, channels: 2, data: new Uint16Array([0x8001, 0]) });
    expect(Array.from(la16.data)).toEqual([0x80, 0x80, 0x80]);
  });

  it("applies Pillow's CMYK formula: nk - round(c * nk / 255), nk = 255 - k", () => {
    // c=100, m=0, y=255, k=55: nk=200; 100*200/255 = 78.43 -> 78; 255*200/255 = 200.
    const out = toRgb({
      width: 1,
      height: 1,
      channels: 4,
      colorModel: 'cmyk',
      data: new Uint8Array([100, 0, 255, 55]),
    });
    expect(Array.from(out.data)).toEqual([122, 200, 0]);
    const white = toRgb({
      width: 1,
      height: 1,
      channels: 4,
      colorModel: 'cmyk',
      data: new Uint8Array([0, 0, 0, 0]),
    });
    expect(Array.from(white.data)).toEqual([255, 255, 255]);
  });

  it('rejects malformed pixels with TypeError/RangeError naming the field', () => {
    expect(() => toRgb({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(
      /'pixels.data' must hold width \* height \* channels = 12 samples, got 11/,
    );
    expect(() => toRgb({ width: 0, height: 2, channels: 3, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => toRgb({ width: 1, height: 1, channels: 5 as 4, data: new Uint8Array(5) })).toThrow(
      /channels/,
    );
    expect(() =>
      toRgb({ width: 1, height: 1, channels: 3, data: [1, 2, 3] as unknown as Uint8Array }),
    ).toThrow(TypeError);
    expect(() =>
      toRgb({ width: 1, height: 1, channels: 3, colorModel: 'cmyk', data: new Uint8Array(3) }),
    ).toThrow(/needs 4 channels/);
  });
});
