/**
 * Qwen2 decoder config (`llm_config` of an NVLM checkpoint), after transformers' `Qwen2Config` and
 * NVLM.md 9.1. The Yi-34B ablation backbone (llama layout, no qkv bias) parses here too.
 */
import { z } from 'zod';
import { check, parseWith } from './parse.js';

const positiveInt = z.number().int().positive();

export const hfTextConfigSchema = z.object({
  model_type: z.string().default('qwen2'),
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.optional(),
  head_dim: positiveInt.optional(),
  rope_theta: z.number().positive().default(1_000_000),
  rms_norm_eps: z.number().positive().default(1e-6),
  max_position_embeddings: positiveInt.default(32_768),
  tie_word_embeddings: z.boolean().default(false),
  hidden_act: z.literal('silu').default('silu'),
  // Qwen2 has q/k/v biases; llama-family (Yi) does not.
  attention_bias: z.boolean().optional(),
  // NVLM-X / NVLM-H (DESIGN.md): a gated cross-attention block before every k-th decoder layer.
  cross_attention_every: positiveInt.optional(),
});
export type HfTextConfig = z.input<typeof hfTextConfigSchema>;

export interface TextConfig {
  readonly modelType: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
  readonly maxPositionEmbeddings: number;
  readonly tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (true for Qwen2). */
  readonly attentionBias: boolean;
  /** X/H only: cross-attention block before layer i when i % k == 0; undefined for D. */
  readonly crossAttentionEvery: number | undefined;
}

export function parseTextConfig(raw: unknown, where = 'llm_config'): TextConfig {
  const c = parseWith(hfTextConfigSchema, raw, where);
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  check(
    c.head_dim !== undefined || c.hidden_size % c.num_attention_heads === 0,
    where,
    `hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
  );
  check(
    c.num_attention_heads % numKvHeads === 0,
    where,
    `num_key_value_heads ${numKvHeads} does not divide num_attention_heads ${c.num_attention_heads}`,
  );
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  check(headDim % 2 === 0, where, `head size ${headDim} must be even for rotary embeddings`);
  return Object.freeze({
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    ropeTheta: c.rope_theta,
    rmsNormEps: c.rms_norm_eps,
    maxPositionEmbeddings: c.max_position_embeddings,
    tieWordEmbeddings: c.tie_word_embeddings,
    attentionBias: c.attention_bias ?? c.model_type === 'qwen2',
    crossAttentionEvery: c.cross_attention_every,
  });
}
