import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';

let root: string;

/** A solid-colour 8-bit RGB PNG, written by hand (PNG spec: IHDR, one IDAT, IEND). */
function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-cli-tile-'));
  await writeFile(join(root, 'photo.png'), solidPng(800, 600, [255, 0, 128]));
  await writeFile(join(root, 'wide.png'), solidPng(300, 40, [10, 20, 30]));
  await writeFile(join(root, 'notes.txt'), 'not an image');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const io = memoryIO('', root);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const PAD = '<|vision_pad|>';

describe('nvlm tile', () => {
  it('prints grid, tiles, tags and the expanded prompt as JSON (NVLM.md 16: 800 x 600)', async () => {
    const { code, out, err } = await run(['tile', 'photo.png', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({
      image: 'photo.png',
      width: 800,
      height: 600,
      grid: { cols: 3, rows: 2 },
      tiles: 7,
      tileSize: 448,
      thumbnail: true,
      imageTokens: 1792,
      dims: [7, 3, 448, 448],
    });
    expect(json.tags).toEqual([
      '<tile_1>',
      '<tile_2>',
      '<tile_3>',
      '<tile_4>',
      '<tile_5>',
      '<tile_6>',
      '<tile_global_thumbnail>',
    ]);
    expect(json.prompt.split(PAD).length - 1).toBe(1792);
    expect(json.prompt.startsWith(`<Image><tile_1>${PAD}`)).toBe(true);
    expect(json.prompt.endsWith('</Image>')).toBe(true);
  });

  it('writes --pixels as little-endian float32 [T,3,S,S] with ImageNet-normalised values', async () => {
    const { code } = await run(['tile', 'wide.png', '--tile-size', '32', '--pixels', 'out.f32']);
    expect(code).toBe(0);
    const bytes = await readFile(join(root, 'out.f32'));
    // 300 x 40 (aspect 7.5) -> 6 x 1 grid + thumbnail = 7 tiles of 3 x 32 x 32 float32.
    expect(bytes.length).toBe(7 * 3 * 32 * 32 * 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const plane = 32 * 32;
    for (const [tile, c, i] of [
      [0, 0, 0],
      [3, 1, 517],
      [6, 2, plane - 1],
    ] as const) {
      const expected = ([10, 20, 30][c]! / 255 - mean[c]!) / std[c]!;
      expect(Math.abs(view.getFloat32(((tile * 3 + c) * plane + i) * 4, true) - expected)).toBeLessThan(1e-6);
    }
  });

  it('prints a readable summary without --json', async () => {
    const { code, out } = await run(['tile', 'photo.png', '--max-tiles', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/^image {3}photo\.png \(800 x 600\)$/m);
    expect(out).toMatch(/^grid {4}1 x 1$/m);
    expect(out).toMatch(/^tiles {3}1 \(tensor 1 x 3 x 448 x 448\)$/m);
    expect(out).toMatch(/^tags {4}<tile_global_thumbnail>$/m);
    expect(out).toMatch(/^tokens {2}256 image tokens$/m);
    expect(out).toContain(`<Image><tile_global_thumbnail>${PAD} x 256</Image>`);
  });

  it('honours --tags and --tile-size', async () => {
    const grid = JSON.parse((await run(['tile', 'photo.png', '--tags', '2d-grid', '--json'])).out);
    expect(grid.tags.slice(0, 4)).toEqual(['<tile_x0_y0>', '<tile_x1_y0>', '<tile_x2_y0>', '<tile_x0_y1>']);
    const none = JSON.parse(
      (await run(['tile', 'photo.png', '--tags', 'none', '--tile-size', '224', '--json'])).out,
    );
    expect(none.tileSize).toBe(224);
    expect(none.prompt).toBe(`<Image>${PAD.repeat(7 * 256)}</Image>`);
  });

  it('reports bad images as one line with exit code 1', async () => {
    const missing = await run(['tile', 'missing.png']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^nvlm: TilerError \[READ_FAILED\]: cannot read image .*missing\.png.*\n$/);
    const text = await run(['tile', 'notes.txt']);
    expect(text.code).toBe(1);
    expect(text.err).toMatch(/^nvlm: TilerError \[UNSUPPORTED_FORMAT\]/);
  });

  it('rejects bad options with exit code 2', async () => {
    const tags = await run(['tile', 'photo.png', '--tags', '3d']);
    expect(tags.code).toBe(2);
    expect(tags.err).toMatch(/--tags must be one of 1d, 2d-grid, 2d-bbox, none, got '3d'/);
    const max = await run(['tile', 'photo.png', '--max-tiles', '0']);
    expect(max.code).toBe(2);
    expect(max.err).toMatch(/--max-tiles must be an integer in \[1, 64\], got '0'/);
    expect((await run(['tile'])).code).toBe(2);
  });
});
