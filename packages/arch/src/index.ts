/**
 * @nvlm-ts/arch: NVLM-D/X/H configs, weight maps and ONNX graph builders, platform-free. The
 * `node` entry adds `initTiny` and `convert` (files); `@nvlm-ts/arch/testing` holds the float64
 * reference forward pass and tiny in-memory models.
 */
export {
  type Architecture,
  defineArchitecture,
  type GraphSet,
  type GraphSetOptions,
} from './architecture.js';
export { nvlmD, visionGraph } from './architectures/nvlm-d.js';
export { nvlmH } from './architectures/nvlm-h.js';
export { nvlmX } from './architectures/nvlm-x.js';
export { type DecoderGraphOptions, decoderGraph, embeddingGraph } from './blocks/decoder.js';
export {
  CheckpointWeights,
  DEFAULT_ACCURACY_LEVEL,
  type MatMulAccuracyLevel,
  transpose2d,
  type WeightDtype,
  type WeightFormat,
  type WeightLoader,
} from './checkpoint-weights.js';
export {
  MODEL_TYPES,
  type NvlmArchId,
  type NvlmConfig,
  type ProjectorConfig,
  parseNvlmConfig,
} from './config/nvlm.js';
export { parseTextConfig, type TextConfig } from './config/text.js';
export { parseVisionConfig, type VisionConfig } from './config/vision.js';
export { crossAttentionMask, type MemoryEntry, type TokenRole } from './cross-attention-mask.js';
export { ArchError, type ArchErrorCode } from './errors.js';
export type { FloatType, GraphWeights } from './graph-weights.js';
export { ARCHITECTURES, loadConfig, MODEL_TYPE_ALIASES, resolveArchitecture } from './registry.js';
export { benchConfigJson, tinyConfigJson, tinyTensor } from './tiny.js';
export {
  QWEN25_CHAT_TEMPLATE,
  QWEN25_DEFAULT_SYSTEM,
  qwen25TokenizerConfig,
  qwen25TokenizerJson,
} from './tokenizer-files.js';
export {
  checkShape,
  countParameters,
  graphShape,
  numel,
  type Padding,
  sanitizeTensor,
  type WeightInit,
  type WeightSpec,
  zeroPadding,
} from './weights.js';
