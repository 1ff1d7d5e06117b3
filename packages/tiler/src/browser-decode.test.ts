/**
 * The browser path, run in Node with the web globals stubbed: the pixel cap is checked from the
 * header before createImageBitmap is called, decoder failures become TilerError, and the canvas
 * pixels flow through to tiles.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeInBrowser, TilerError, tileImage } from './index.js';

const pngHeader = (width: number, height: number) => {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
};

class FakeBitmap {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}
  close = vi.fn();
}

/** Stubs createImageBitmap + OffscreenCanvas; the "decoded" image is a gradient of the header size. */
function stubBrowser(options: { fail?: boolean } = {}) {
  const calls: unknown[] = [];
  vi.stubGlobal('ImageBitmap', FakeBitmap);
  vi.stubGlobal('createImageBitmap', async (blob: Blob, opts: unknown) => {
    calls.push(opts);
    if (options.fail) throw new Error('The source image could not be decoded.');
    const head = new DataView(await blob.slice(0, 24).arrayBuffer());
    return new FakeBitmap(head.getUint32(16), head.getUint32(20));
  });
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      constructor(
        readonly width: number,
        readonly height: number,
      ) {}
      getContext() {
        const { width, height } = this;
        return {
          drawImage: () => {},
          getImageData: () => ({
            data: new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 251)),
          }),
        };
      }
    },
  );
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('decodeInBrowser', () => {
  it('refuses an oversized image from its header without calling createImageBitmap', async () => {
    const calls = stubBrowser();
    const error = await decodeInBrowser(new Blob([pngHeader(20_000, 20_000)])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TilerError);
    expect((error as TilerError).code).toBe('IMAGE_TOO_LARGE');
    expect(calls).toHaveLength(0);
  });

  it('decodes through createImageBitmap without orientation, premultiplication or colour conversion', async () => {
    const calls = stubBrowser();
    const pixels = await decodeInBrowser(pngHeader(6, 4));
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([6, 4, 4]);
    expect(calls).toEqual([
      { imageOrientation: 'none', premultiplyAlpha: 'none', colorSpaceConversion: 'none' },
    ]);
    await decodeInBrowser(pngHeader(6, 4), { autoOrient: true });
    expect(calls[1]).toMatchObject({ imageOrientation: 'from-image' });
  });

  it('maps decoder failures and empty input to TilerError codes', async () => {
    stubBrowser({ fail: true });
    await expect(decodeInBrowser(pngHeader(6, 4))).rejects.toMatchObject({ code: 'DECODE_FAILED' });
    await expect(decodeInBrowser(new TextEncoder().encode('text'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
    });
    await expect(decodeInBrowser(new Uint8Array(0))).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
  });

  it('reports a platform without createImageBitmap as DECODER_UNAVAILABLE', async () => {
    vi.stubGlobal('createImageBitmap', undefined);
    await expect(decodeInBrowser(pngHeader(6, 4))).rejects.toMatchObject({ code: 'DECODER_UNAVAILABLE' });
  });

  it('feeds decoded canvas pixels to the tiler (alpha dropped)', async () => {
    stubBrowser();
    const t = await tileImage(pngHeader(40, 20), { tileSize: 10 });
    expect(t.grid).toEqual({ cols: 2, rows: 1 });
    expect(t.dims).toEqual([3, 3, 10, 10]);
  });
});
