/**
 * The NVLM-X mask rules on the float64 reference, end to end from pixels: a tag's tokens read only
 * their own tile, and text before the first image does not depend on any image.
 */
import { describe, expect, it } from 'vitest';
import { crossAttentionMask, type MemoryEntry, type TokenRole } from './cross-attention-mask.js';
import { referenceDecoder, referenceVision } from './reference/nvlm.js';
import { testValues, tinyModel } from './testing/tiny-model.js';

describe('NVLM-X masks on the reference', () => {
  const model = tinyModel('nvlm-x', 6);
  const { config } = model;
  const H = config.text.hiddenSize;
  const S = config.tileSize;
  const perTile = config.imageTokensPerTile;
  const tileValues = 3 * S * S;
  // Two tiles of one image (no thumbnail, for brevity): tag tokens of tile 0 at 2-3, of tile 1 at 4-5.
  const tokens: TokenRole[] = [
    {},
    {},
    { tag: { image: 0, tile: 0, thumbnail: false } },
    { tag: { image: 0, tile: 0, thumbnail: false } },
    { tag: { image: 0, tile: 1, thumbnail: false } },
    { tag: { image: 0, tile: 1, thumbnail: false } },
    {},
  ];
  const memoryRows: MemoryEntry[] = [0, 1].flatMap((tile) =>
    Array.from({ length: perTile }, () => ({ image: 0, tile })),
  );
  const mask = crossAttentionMask('nvlm-x', tokens, memoryRows);
  const embeds = testValues(tokens.length * H, 80);

  function run(pixels: Float32Array) {
    const memory = referenceVision(config, model.reference, pixels, 2); // [2 * 256, H]
    const afterFirstBlock: Float64Array[] = [];
    const out = referenceDecoder(config, model.reference, embeds, tokens.length, {
      crossAttention: {
        memory,
        length: memoryRows.length,
        allowed: (i, j) => mask[i * memoryRows.length + j] === 1,
      },
      afterCrossAttention: (block, hidden) => {
        if (block === 0) afterFirstBlock.push(hidden);
      },
    });
    return { hidden: afterFirstBlock[0]!, final: out.hidden };
  }

  it('changing tile 1 leaves the first block output of tile 0 tag tokens and of earlier text unchanged', () => {
    const pixels = testValues(2 * tileValues, 81);
    const changed = Float32Array.from(pixels);
    changed.set(testValues(tileValues, 82), tileValues); // new tile 1
    const a = run(pixels);
    const b = run(changed);
    const row = (x: Float64Array, i: number) => Array.from(x.subarray(i * H, (i + 1) * H));
    for (const i of [0, 1, 2, 3]) expect(row(b.hidden, i)).toEqual(row(a.hidden, i));
    for (const i of [4, 5, 6]) expect(row(b.hidden, i)).not.toEqual(row(a.hidden, i));
    // Text before the first image sees no image at all, through every layer (causal attention).
    for (const i of [0, 1]) expect(row(b.final, i)).toEqual(row(a.final, i));
  }, 120_000);
});
