/**
 * NVLM-H (hybrid; NVLM.md 12, DESIGN.md): the thumbnail's 256 features stay in the decoder sequence
 * as in NVLM-D; the regular tiles go to gated cross-attention as
 * [embed(<tile_1>), tile 1, embed(<tile_2>), tile 2, ...]. Every token from an image's thumbnail tag
 * on sees all of that image's cross-attention entries.
 */
import { defineArchitecture } from '../architecture.js';
import { MODEL_TYPES, type NvlmConfig, parseNvlmConfig } from '../config/nvlm.js';
import { crossAttentionFamilyGraphs, crossAttentionFamilyWeights } from './cross-attention-family.js';

export const nvlmH = defineArchitecture({
  id: 'nvlm-h',
  modelTypes: [MODEL_TYPES['nvlm-h']],
  parseConfig: (raw: unknown) => parseNvlmConfig(raw, 'nvlm-h'),
  weightSpecs: (config: NvlmConfig) => crossAttentionFamilyWeights(config),
  buildGraphs: crossAttentionFamilyGraphs,
});
