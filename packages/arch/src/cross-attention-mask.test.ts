import { describe, expect, it } from 'vitest';
import { crossAttentionMask, type MemoryEntry, type TokenRole } from './cross-attention-mask.js';

const text: TokenRole = {};
const tag = (image: number, tile: number, thumbnail = false): TokenRole => ({
  tag: { image, tile, thumbnail },
});
const rows = (mask: Uint8Array, m: number) =>
  Array.from({ length: mask.length / m }, (_, i) => Array.from(mask.subarray(i * m, (i + 1) * m)).join(''));

describe('NVLM-X mask', () => {
  // Prompt: "Q <Image> <tile_1> <tile_2> <thumb> </Image> A" for one image with 2 tiles + thumbnail;
  // memory holds one row per tile (3 tiles).
  const memory: MemoryEntry[] = [
    { image: 0, tile: 0 },
    { image: 0, tile: 1 },
    { image: 0, tile: 2 },
  ];
  const tokens = [text, text, tag(0, 0), tag(0, 0), tag(0, 1), tag(0, 2, true), text, text];

  it('text before the first tag sees nothing; tag k sees tile k; later text sees every tile', () => {
    expect(rows(crossAttentionMask('nvlm-x', tokens, memory), 3)).toEqual([
      '000',
      '000',
      '100',
      '100',
      '010',
      '001',
      '111',
      '111',
    ]);
  });

  it('a second image is seen only from its first tag on, and tags stay with their own image', () => {
    const two: MemoryEntry[] = [...memory, { image: 1, tile: 0 }];
    const prompt = [text, tag(0, 0), text, tag(1, 0, true), text];
    expect(rows(crossAttentionMask('nvlm-x', prompt, two), 4)).toEqual([
      '0000',
      '1000',
      '1110',
      '0001',
      '1111',
    ]);
  });
});

describe('NVLM-H mask', () => {
  it('every token from the thumbnail tag on sees all of that image, with no per-tag rule', () => {
    // Memory: [tag_1 tokens, tile 1, tag_2 tokens, tile 2] of image 0 -> entries per tile.
    const memory: MemoryEntry[] = [
      { image: 0, tile: 0 },
      { image: 0, tile: 0 },
      { image: 0, tile: 1 },
      { image: 0, tile: 1 },
    ];
    const prompt = [text, tag(0, 2, true), text, text];
    expect(rows(crossAttentionMask('nvlm-h', prompt, memory), 4)).toEqual(['0000', '1111', '1111', '1111']);
  });

  it('refuses memory of an image whose thumbnail tag is missing', () => {
    expect(() => crossAttentionMask('nvlm-h', [text], [{ image: 0, tile: 0 }])).toThrow(/image 0/);
  });
});
