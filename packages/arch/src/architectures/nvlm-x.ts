/**
 * NVLM-X (cross-attention, Flamingo-style without a resampler; NVLM.md 11, DESIGN.md): the tiles'
 * features (LayerNorm + one Linear projector) are read by gated cross-attention blocks; the decoder
 * text keeps only the tile tags. A token of tag k sees only tile k of its image; other tokens see
 * every tile of every image started at or before them.
 */
import { defineArchitecture } from '../architecture.js';
import { MODEL_TYPES, type NvlmConfig, parseNvlmConfig } from '../config/nvlm.js';
import { crossAttentionFamilyGraphs, crossAttentionFamilyWeights } from './cross-attention-family.js';

export const nvlmX = defineArchitecture({
  id: 'nvlm-x',
  modelTypes: [MODEL_TYPES['nvlm-x']],
  parseConfig: (raw: unknown) => parseNvlmConfig(raw, 'nvlm-x'),
  weightSpecs: (config: NvlmConfig) => crossAttentionFamilyWeights(config),
  buildGraphs: crossAttentionFamilyGraphs,
});
