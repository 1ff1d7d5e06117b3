/** The Node entry: decoding with sharp, bad input as TilerError, and the high-level tileImage. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, TilerError, tileImage, tilePixels } from './node.js';
import { fixturePath } from './testing/fixtures.js';
import { patternImage } from './testing/patterns.js';
import { setWasmEnabled } from './wasm-resize.js';

const dir = mkdtempSync(join(tmpdir(), 'nvlm-tiler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rgbPixels = (w: number, h: number) => {
  const { data } = patternImage(w, h);
  return { width: w, height: h, channels: 3 as const, data };
};
const png = (w: number, h: number) =>
  sharp(Buffer.from(rgbPixels(w, h).data), { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();

async function rejection(promise: Promise<unknown>): Promise<TilerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TilerError);
  return error as TilerError;
}

describe('tileImage on a large JPEG', () => {
  it('gives the bytes of decode-then-tile on the TypeScript passes, for 1, 2 and 3 threads', async () => {
    const w = 2400;
    const h = 1800; // 4.3 MP
    const raw = Buffer.alloc(w * h * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = ((i % (w * 3)) * 7 + Math.floor(i / (w * 3)) * 3) & 255;
    const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer();
    const was = setWasmEnabled(false);
    const reference = tilePixels(await decodeImage(jpeg));
    setWasmEnabled(was);
    for (const threads of [1, 2, 3]) {
      const tiled = await tileImage(jpeg, { threads });
      expect(tiled.dims).toEqual(reference.dims);
      const same = Buffer.from(tiled.pixelValues.buffer).equals(Buffer.from(reference.pixelValues.buffer));
      expect(same).toBe(true);
    }
  });
});

describe('tileImage (Node)', () => {
  it('tiles a file path, a Buffer, an ArrayBuffer and raw pixels identically', async () => {
    const bytes = await png(90, 50);
    const path = join(dir, 'img.png');
    writeFileSync(path, bytes);
    const opts = { tileSize: 32 };
    const fromPath = await tileImage(path, opts);
    const fromBuffer = await tileImage(bytes, opts);
    const fromArrayBuffer = await tileImage(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      opts,
    );
    const fromBlob = await tileImage(new Blob([new Uint8Array(bytes)]), opts);
    const fromRaw = await tileImage(rgbPixels(90, 50), opts);
    expect(fromPath.grid).toEqual({ cols: 2, rows: 1 });
    expect(fromPath.dims).toEqual([3, 3, 32, 32]);
    for (const other of [fromBuffer, fromArrayBuffer, fromBlob, fromRaw]) {
      expect(other.pixelValues).toEqual(fromPath.pixelValues);
      expect(other.imageText).toBe(fromPath.imageText);
    }
    expect(fromPath.tags).toEqual(['<tile_1>', '<tile_2>', '<tile_global_thumbnail>']);
    expect(fromPath.imageTokens).toBe(3 * 256);
  });

  it('passes tag, architecture and token options through', async () => {
    const t = await tileImage(rgbPixels(90, 50), {
      tileSize: 32,
      tags: '2d-grid',
      arch: 'nvlm-x',
      thumbnailTag: '<tile_global>',
    });
    expect(t.imageText).toBe('<Image><tile_x0_y0><tile_x1_y0><tile_global></Image>');
    expect(t.crossAttention).toHaveLength(3);
    const h = tilePixels(rgbPixels(90, 50), {
      tileSize: 32,
      arch: 'nvlm-h',
      imageToken: '<pad>',
      tokensPerTile: 2,
    });
    expect(h.imageText).toBe('<Image><tile_global_thumbnail><pad><pad></Image>');
  });

  it('ignores EXIF orientation by default and applies it with autoOrient', async () => {
    const rotated = await sharp(Buffer.from(rgbPixels(40, 20).data), {
      raw: { width: 40, height: 20, channels: 3 },
    })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    const plain = await decodeImage(rotated);
    expect([plain.width, plain.height]).toEqual([40, 20]);
    const oriented = await decodeImage(rotated, { autoOrient: true });
    expect([oriented.width, oriented.height]).toEqual([20, 40]);
  });

  it('decodes only the first frame of an animated GIF', async () => {
    const frames = Buffer.concat([Buffer.alloc(8 * 8 * 4, 0xff), Buffer.alloc(8 * 8 * 4, 0x20)]);
    const gif = await sharp(frames, { raw: { width: 8, height: 16, channels: 4, pageHeight: 8 } as never })
      .gif()
      .toBuffer();
    const first = await decodeImage(gif);
    expect([first.width, first.height]).toEqual([8, 8]);
    expect(first.data[0]).toBe(0xff);
  });

  it('reads AVIF where sharp can', async () => {
    const avif = await sharp(Buffer.from(rgbPixels(32, 16).data), {
      raw: { width: 32, height: 16, channels: 3 },
    })
      .avif({ quality: 80 })
      .toBuffer();
    const t = await tileImage(avif, { tileSize: 16 });
    expect([t.width, t.height]).toEqual([32, 16]);
    expect(t.grid).toEqual({ cols: 2, rows: 1 });
  });
});

describe('bad input gives a typed TilerError', () => {
  it('missing file and directory: READ_FAILED with the path', async () => {
    const missing = await rejection(tileImage(join(dir, 'nope.png')));
    expect(missing.code).toBe('READ_FAILED');
    expect(missing.source).toBe(join(dir, 'nope.png'));
    expect(missing.message).toMatch(/no such file/);
    expect((await rejection(tileImage(dir))).code).toBe('READ_FAILED');
  });

  it('zero bytes: EMPTY_INPUT', async () => {
    expect((await rejection(tileImage(new Uint8Array(0)))).code).toBe('EMPTY_INPUT');
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    expect((await rejection(tileImage(empty))).code).toBe('EMPTY_INPUT');
  });

  it('not an image: UNSUPPORTED_FORMAT', async () => {
    const error = await rejection(tileImage(new TextEncoder().encode('just some text, not pixels at all')));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
  });

  it('truncated and corrupt data: DECODE_FAILED', async () => {
    const jpeg = await sharp(Buffer.from(rgbPixels(64, 64).data), {
      raw: { width: 64, height: 64, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    const truncated = await rejection(tileImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))));
    expect(truncated.code).toBe('DECODE_FAILED');
    const bytes = await png(64, 64);
    const corrupt = Buffer.from(bytes);
    corrupt.fill(0x55, 60, corrupt.length - 20); // keep the header, destroy the zlib stream
    expect((await rejection(tileImage(corrupt))).code).toBe('DECODE_FAILED');
  });

  it('decompression bomb: IMAGE_TOO_LARGE from the header, before decoding', async () => {
    // A PNG header claiming 100000 x 100000 pixels and almost no data.
    const bytes = Buffer.from(await png(8, 8));
    bytes.writeUInt32BE(100_000, 16);
    bytes.writeUInt32BE(100_000, 20);
    const error = await rejection(tileImage(bytes));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect([error.width, error.height, error.maxPixels]).toEqual([100_000, 100_000, 64_000_000]);
  });

  it('honours a configured pixel cap', async () => {
    const error = await rejection(tileImage(await png(90, 50), { maxPixels: 4000 }));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toMatch(/90 x 50 = 4500 pixels, over the cap of 4000/);
    await expect(tileImage(await png(90, 50), { maxPixels: 4500, tileSize: 16 })).resolves.toBeDefined();
  });

  it('bad arguments are TypeError / RangeError', async () => {
    await expect(tileImage(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(tileImage(fixturePath('images/rgb-5x3.png'), { maxTiles: 0 })).rejects.toThrow(
      /'maxTiles' must be an integer in \[1, 64\], got 0/,
    );
    await expect(tileImage(fixturePath('images/rgb-5x3.png'), { maxPixels: -1 })).rejects.toThrow(RangeError);
  });
});
