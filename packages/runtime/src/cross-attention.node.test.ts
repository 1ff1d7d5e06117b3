/**
 * NVLM-X and NVLM-H through the pipeline: greedy tokens equal greedy decoding with the float64
 * reference forward (memory and masks built independently here from DESIGN.md's rules via the
 * reference vision encoder and @nvlm-ts/arch's mask function).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, crossAttentionMask, initTiny } from '@nvlm-ts/arch';
import { referenceDecoder, referenceEmbed, referenceVision, tinyModel } from '@nvlm-ts/arch/testing';
import { expandPrompt, tileImage } from '@nvlm-ts/tiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrossPrompt } from './cross-attention.js';
import { loadPipeline } from './node.js';
import { argmax } from './sampling.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-xh-runtime-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const IMAGE_TOKEN_ID = 151654;

/** 896x448: a 2x1 grid plus the thumbnail, 3 tiles. */
const image = {
  width: 896,
  height: 448,
  channels: 3 as const,
  data: new Uint8Array(896 * 448 * 3).map((_, i) => (i * 7 + ((i / 2688) | 0)) % 256),
};

for (const arch of ['nvlm-x', 'nvlm-h'] as const) {
  describe(arch, () => {
    it('greedy generation with an image equals the reference, token for token', async () => {
      const seed = arch === 'nvlm-x' ? 11 : 12;
      await initTiny({ arch, out: join(root, `${arch}-ckpt`), seed });
      const dir = join(root, `${arch}-onnx`);
      await convert(join(root, `${arch}-ckpt`), dir);
      const pipeline = await loadPipeline(dir, { backends: ['cpu'] });
      const model = tinyModel(arch, seed);
      const { config } = model;
      const H = config.text.hiddenSize;
      try {
        const prompt = 'Where is the light?';
        const steps = 4;
        const result = await pipeline.complete({ prompt, images: [image], maxNewTokens: steps });
        expect(result.timings.tiles).toBe(3);
        expect(result.usage.imageTokens).toBe(arch === 'nvlm-x' ? 0 : 256);

        // Independent reconstruction of the request.
        const tiled = await tileImage(image);
        const features = referenceVision(config, model.reference, tiled.pixelValues, tiled.tiles); // [3 * 256, H]
        const rendered = pipeline.tokenizer.applyChatTemplate(
          [{ role: 'user', content: `<image>\n${prompt}` }],
          {
            addGenerationPrompt: true,
          },
        );
        const expanded = expandPrompt(rendered, [{ tags: tiled.tags, hasThumbnail: tiled.hasThumbnail }], {
          arch,
        });
        const cross = buildCrossPrompt(arch, pipeline.tokenizer, expanded, IMAGE_TOKEN_ID, 256, [
          tiled.tiles,
        ]);
        expect(cross.ids).toEqual(result.promptTokenIds);
        // Memory rows, in key order (DESIGN.md): X every tile; H [embed(tag), tile] per regular tile.
        const memoryRows: Float64Array[] = [];
        for (const entry of expanded.crossAttention) {
          if (arch === 'nvlm-h') {
            const tagIds = pipeline.tokenizer.encode(entry.tag, { addSpecialTokens: false });
            const embeds = referenceEmbed(config, model.reference, tagIds);
            for (let i = 0; i < tagIds.length; i++) memoryRows.push(embeds.slice(i * H, (i + 1) * H));
          }
          for (let r = 0; r < 256; r++)
            memoryRows.push(features.slice((entry.tile * 256 + r) * H, (entry.tile * 256 + r + 1) * H));
        }
        const M = memoryRows.length;
        expect(M).toBe(
          arch === 'nvlm-x'
            ? 3 * 256
            : 2 * 256 +
                cross.parts
                  .filter((p) => p.kind === 'tag')
                  .reduce((n, p) => n + (p.kind === 'tag' ? p.ids.length : 0), 0),
        );
        const memory = new Float64Array(M * H);
        memoryRows.forEach((row, j) => {
          memory.set(row, j * H);
        });
        const promptMask = crossAttentionMask(arch, cross.roles, cross.entries);

        const ids = [...result.promptTokenIds];
        const tokens: number[] = [];
        for (let step = 0; step < steps; step++) {
          const embeds = referenceEmbed(config, model.reference, ids);
          // H: the thumbnail's image tokens carry the thumbnail tile's features.
          let k = 0;
          ids.forEach((id, i) => {
            if (id !== IMAGE_TOKEN_ID) return;
            embeds.set(features.subarray((2 * 256 + k) * H, (2 * 256 + k + 1) * H), i * H);
            k++;
          });
          const L = result.promptTokenIds.length;
          const { logits } = referenceDecoder(config, model.reference, embeds, ids.length, {
            logitsFrom: ids.length - 1,
            crossAttention: {
              memory,
              length: M,
              // Generated tokens see every image of the prompt.
              allowed: (i, j) => (i < L ? promptMask[i * M + j] === 1 : true),
            },
          });
          const next = argmax(logits);
          tokens.push(next);
          ids.push(next);
        }
        expect(result.tokenIds).toEqual(tokens);

        // A text-only request works too (one invisible memory row: only the gated MLPs act).
        const textOnly = await pipeline.complete({ prompt: 'No image here.', maxNewTokens: 3 });
        const textIds = [...textOnly.promptTokenIds];
        const expectedText: number[] = [];
        for (let step = 0; step < 3; step++) {
          const { logits } = referenceDecoder(
            config,
            model.reference,
            referenceEmbed(config, model.reference, textIds),
            textIds.length,
            {
              logitsFrom: textIds.length - 1,
              crossAttention: { memory: new Float64Array(H), length: 1, allowed: () => false },
            },
          );
          const next = argmax(logits);
          expectedText.push(next);
          textIds.push(next);
        }
        expect(textOnly.tokenIds).toEqual(expectedText);
      } finally {
        await pipeline.dispose();
      }
    }, 180_000);
  });
}
