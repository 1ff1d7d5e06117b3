/**
 * Tiny NVLM checkpoints for tests and demos: the real config layout and tensor names, small sizes,
 * deterministic random weights. The image path keeps 448 px tiles and 14 px patches so the real
 * tiling and 256-tokens-per-tile path runs; the vocabulary keeps Qwen2.5's 152064 rows so the real
 * tokenizer works.
 */
import { MODEL_TYPES, type NvlmArchId } from './config/nvlm.js';
import { hashSeed, Random } from './random.js';
import { numel, type WeightSpec, zeroPadding } from './weights.js';

/** config.json of a tiny model of `arch`. Vision attention is padded with 2 dummy heads, as NVLM pads. */
export function tinyConfigJson(arch: NvlmArchId): Record<string, unknown> {
  return {
    architectures: [MODEL_TYPES[arch]],
    model_type: MODEL_TYPES[arch],
    downsample_ratio: 0.5,
    dynamic_image_size: true,
    force_image_size: 448,
    max_dynamic_patch: 6,
    min_dynamic_patch: 1,
    ps_version: 'v2',
    select_layer: -1,
    template: 'chatml',
    use_thumbnail: true,
    torch_dtype: 'float32',
    vision_config: {
      architectures: ['InternVisionModel'],
      model_type: 'intern_vit_6b',
      hidden_size: 32,
      num_attention_heads: 2,
      num_dummy_heads: 2,
      intermediate_size: 64,
      num_hidden_layers: 2,
      image_size: 448,
      patch_size: 14,
      num_channels: 3,
      layer_norm_eps: 1e-6,
      norm_type: 'rms_norm',
      qkv_bias: false,
      qk_normalization: true,
      hidden_act: 'gelu',
    },
    llm_config: {
      architectures: ['Qwen2ForCausalLM'],
      model_type: 'qwen2',
      vocab_size: 152064,
      hidden_size: 32,
      intermediate_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      rope_theta: 1_000_000,
      rms_norm_eps: 1e-6,
      max_position_embeddings: 32768,
      tie_word_embeddings: false,
      hidden_act: 'silu',
      bos_token_id: 151643,
      eos_token_id: 151645,
      ...(arch === 'nvlm-d' ? {} : { cross_attention_every: 1 }),
    },
  };
}

/**
 * Deterministic values for one tensor: each init kind gives values of a useful scale so that every
 * block visibly changes the output (norm weights near 1, layer scales and gates near 0.5, linear
 * weights ~ N(0, 1/fan_in)). Dummy-head padding is zero, as in NVLM's release.
 */
export function tinyTensor(spec: WeightSpec, seed: number): Float32Array {
  const random = new Random(hashSeed(seed, spec.name));
  const n = numel(spec.shape);
  const out = new Float32Array(n);
  const fanIn = spec.shape.length >= 2 ? numel(spec.shape.slice(1)) : 1;
  const isEmbedding = /embed_tokens|position_embedding|class_embedding/.test(spec.name);
  const std = spec.std ?? (isEmbedding ? 1 : 1 / Math.sqrt(fanIn));
  for (let i = 0; i < n; i++) {
    switch (spec.init) {
      case 'normal':
        out[i] = random.normal() * std;
        break;
      case 'norm':
        out[i] = 1 + 0.1 * random.normal();
        break;
      case 'bias':
        out[i] = 0.1 * random.normal();
        break;
      case 'scale':
        out[i] = 0.5 + 0.1 * random.normal();
        break;
    }
  }
  return zeroPadding(spec, out);
}

/**
 * A mid-size config for benchmarks: a Qwen2-0.5B-shaped decoder (24 layers, hidden 896, GQA 14/2,
 * vocabulary 151936) and a small InternViT (6 layers, hidden 384), about 0.65 B parameters.
 * X and H put a cross-attention block before every 8th layer, as the 72B design does.
 */
export function benchConfigJson(arch: NvlmArchId): Record<string, unknown> {
  const c = tinyConfigJson(arch) as Record<string, Record<string, unknown>>;
  c.vision_config = {
    ...c.vision_config,
    hidden_size: 384,
    num_attention_heads: 6,
    num_dummy_heads: 2,
    intermediate_size: 1536,
    num_hidden_layers: 6,
  };
  c.llm_config = {
    ...c.llm_config,
    vocab_size: 151936,
    hidden_size: 896,
    intermediate_size: 4864,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    ...(arch !== 'nvlm-d' && { cross_attention_every: 8 }),
  };
  return c;
}
