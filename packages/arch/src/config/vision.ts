/**
 * InternViT vision tower config (`vision_config` of an NVLM checkpoint), after
 * OpenGVLab/InternVL `configuration_intern_vit.py` and NVLM.md 5.1.
 */
import { z } from 'zod';
import { check, parseWith } from './parse.js';

const positiveInt = z.number().int().positive();

/** `vision_config` as it appears in config.json (snake_case; unknown keys are ignored). */
export const hfVisionConfigSchema = z.object({
  hidden_size: positiveInt,
  num_attention_heads: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  image_size: positiveInt.default(448),
  patch_size: positiveInt.default(14),
  num_channels: positiveInt.default(3),
  layer_norm_eps: z.number().positive().default(1e-6),
  norm_type: z.enum(['rms_norm', 'layer_norm']).default('rms_norm'),
  qkv_bias: z.boolean().default(false),
  qk_normalization: z.boolean().default(true),
  hidden_act: z.literal('gelu').default('gelu'),
  // NVLM pads attention to a tensor-parallel-friendly head count with all-zero heads (NVLM.md 5.3).
  num_dummy_heads: z.number().int().nonnegative().optional(),
});
export type HfVisionConfig = z.input<typeof hfVisionConfigSchema>;

export interface VisionConfig {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels: number;
  readonly hiddenSize: number;
  /** Real attention heads (25 for InternViT-6B). */
  readonly numHeads: number;
  readonly headDim: number;
  /**
   * All-zero heads the checkpoint stores after the real ones: `num_dummy_heads` when config.json
   * gives it, else padding to a multiple of 8 heads as NVLM's tensor-parallel-8 training did
   * (25 -> 32, so 7 for NVLM-D-72B; vLLM hard-codes the same 7). The converter also accepts an
   * unpadded checkpoint, recognised from the qkv shape.
   */
  readonly numDummyHeads: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly normEps: number;
  readonly normType: 'rms_norm' | 'layer_norm';
  readonly qkvBias: boolean;
  readonly qkNorm: boolean;
  /** Patches per side: imageSize / patchSize (32 at 448/14). */
  readonly gridSize: number;
}

export function parseVisionConfig(raw: unknown, where = 'vision_config'): VisionConfig {
  const c = parseWith(hfVisionConfigSchema, raw, where);
  check(
    c.hidden_size % c.num_attention_heads === 0,
    where,
    `hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
  );
  check(
    c.image_size % c.patch_size === 0,
    where,
    `image_size ${c.image_size} is not a multiple of patch_size ${c.patch_size}`,
  );
  check(c.norm_type === 'rms_norm', where, `norm_type '${c.norm_type}' is not supported (rms_norm only)`);
  return Object.freeze({
    imageSize: c.image_size,
    patchSize: c.patch_size,
    numChannels: c.num_channels,
    hiddenSize: c.hidden_size,
    numHeads: c.num_attention_heads,
    headDim: c.hidden_size / c.num_attention_heads,
    numDummyHeads: c.num_dummy_heads ?? Math.ceil(c.num_attention_heads / 8) * 8 - c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    normEps: c.layer_norm_eps,
    normType: c.norm_type,
    qkvBias: c.qkv_bias,
    qkNorm: c.qk_normalization,
    gridSize: c.image_size / c.patch_size,
  });
}
