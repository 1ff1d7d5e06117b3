/**
 * The top-level NVLM checkpoint config (`config.json`), shared by NVLM-D, -X and -H: the vision
 * tower, the LLM, the pixel shuffle and tiling fields, and what differs per architecture.
 * Field names and defaults follow NVLM.md 15.1 (the released NVLM-D-72B layout) and DESIGN.md
 * (the NVLM-X / NVLM-H checkpoint nvlm-ts defines).
 */
import { z } from 'zod';
import { check, parseWith } from './parse.js';
import { parseTextConfig, type TextConfig } from './text.js';
import { parseVisionConfig, type VisionConfig } from './vision.js';

/** Architecture ids: file-format contracts (nvlm.json), never renamed. */
export type NvlmArchId = 'nvlm-d' | 'nvlm-x' | 'nvlm-h';

/** `model_type` of each architecture in config.json. */
export const MODEL_TYPES = { 'nvlm-d': 'NVLM_D', 'nvlm-x': 'NVLM_X', 'nvlm-h': 'NVLM_H' } as const;

const hfNvlmConfigSchema = z.object({
  model_type: z.string(),
  vision_config: z.record(z.string(), z.unknown()),
  llm_config: z.record(z.string(), z.unknown()),
  downsample_ratio: z.literal(0.5).default(0.5),
  ps_version: z.enum(['v1', 'v2']).default('v2'),
  force_image_size: z.number().int().positive().optional(),
  select_layer: z.literal(-1).default(-1),
  dynamic_image_size: z.boolean().default(true),
  use_thumbnail: z.boolean().default(true),
  min_dynamic_patch: z.number().int().positive().default(1),
  max_dynamic_patch: z.number().int().positive().default(6),
  template: z.string().optional(),
});
export type HfNvlmConfig = z.input<typeof hfNvlmConfigSchema>;

export interface ProjectorConfig {
  /** D and H: LayerNorm -> Linear -> GELU -> Linear (`mlp1.{0,1,3}`). X: LayerNorm -> Linear (`mlp1.{0,1}`). */
  readonly kind: 'mlp' | 'linear';
  /** Pixel-shuffled feature width: vision hidden / ratio^2 (12800 for InternViT-6B). */
  readonly inputSize: number;
  /** Hidden width of the 2-layer MLP: the LLM intermediate size (29568 for 72B); 0 for X. */
  readonly hiddenSize: number;
  /** The LLM hidden size (8192 for 72B). */
  readonly outputSize: number;
  /** nn.LayerNorm default, as HF/vLLM load it (NVLM.md 7). */
  readonly layerNormEps: number;
}

export interface NvlmConfig {
  readonly arch: NvlmArchId;
  readonly modelType: string;
  readonly vision: VisionConfig;
  readonly text: TextConfig;
  readonly projector: ProjectorConfig;
  readonly downsampleRatio: number;
  readonly psVersion: 'v2';
  /** Tile size in pixels (448). */
  readonly tileSize: number;
  /** Decoder tokens per tile after pixel shuffle (256). */
  readonly imageTokensPerTile: number;
  readonly minTiles: number;
  readonly maxTiles: number;
  readonly useThumbnail: boolean;
  /** Decoder layers preceded by a gated cross-attention block (X and H; empty for D). */
  readonly crossAttentionLayers: readonly number[];
}

/**
 * Parses and validates an NVLM config.json for `arch`. Unknown keys are ignored; invariants are
 * checked once here and the result is frozen.
 */
export function parseNvlmConfig(raw: unknown, arch: NvlmArchId): NvlmConfig {
  const where = 'config.json';
  const c = parseWith(hfNvlmConfigSchema, raw, where);
  const vision = parseVisionConfig(c.vision_config, `${where} vision_config`);
  const text = parseTextConfig(c.llm_config, `${where} llm_config`);
  check(c.ps_version === 'v2', where, "ps_version 'v1' is not supported (NVLM uses pixel shuffle v2)");
  check(
    vision.gridSize % 2 === 0,
    where,
    `vision patch grid ${vision.gridSize}x${vision.gridSize} must be even for a 0.5 pixel shuffle`,
  );
  const tileSize = c.force_image_size ?? vision.imageSize;
  check(
    tileSize === vision.imageSize,
    where,
    `force_image_size ${tileSize} differs from vision_config.image_size ${vision.imageSize}`,
  );
  check(
    c.min_dynamic_patch <= c.max_dynamic_patch,
    where,
    `min_dynamic_patch ${c.min_dynamic_patch} exceeds max_dynamic_patch ${c.max_dynamic_patch}`,
  );
  const ratio = c.downsample_ratio;
  const shuffleFactor = 1 / (ratio * ratio);
  let crossAttentionLayers: number[] = [];
  if (arch === 'nvlm-d') {
    check(
      text.crossAttentionEvery === undefined,
      where,
      'llm_config.cross_attention_every is set, but NVLM-D has no cross-attention',
    );
  } else {
    const every = text.crossAttentionEvery;
    check(every !== undefined, where, `llm_config.cross_attention_every is required for ${arch}`);
    check(
      text.numLayers % every! === 0,
      where,
      `llm_config.cross_attention_every ${every} does not divide num_hidden_layers ${text.numLayers}`,
    );
    crossAttentionLayers = Array.from({ length: text.numLayers / every! }, (_, n) => n * every!);
  }
  return Object.freeze({
    arch,
    modelType: c.model_type,
    vision,
    text,
    projector: Object.freeze({
      kind: arch === 'nvlm-x' ? 'linear' : 'mlp',
      inputSize: vision.hiddenSize * shuffleFactor,
      hiddenSize: arch === 'nvlm-x' ? 0 : text.intermediateSize,
      outputSize: text.hiddenSize,
      layerNormEps: 1e-5,
    }),
    downsampleRatio: ratio,
    psVersion: 'v2',
    tileSize,
    imageTokensPerTile: (vision.gridSize * vision.gridSize) / shuffleFactor,
    minTiles: c.min_dynamic_patch,
    maxTiles: c.max_dynamic_patch,
    useThumbnail: c.use_thumbnail,
    crossAttentionLayers: Object.freeze(crossAttentionLayers),
  } satisfies NvlmConfig);
}
