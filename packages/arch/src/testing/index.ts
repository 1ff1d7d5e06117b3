/**
 * `@nvlm-ts/arch/testing`: tiny in-memory models and the float64 reference forward pass, for
 * parity tests here and in the runtime. Not part of the stable API.
 */
export { erf, gelu } from '../reference/math.js';
export {
  type ReferenceCrossAttention,
  type ReferenceDecoderOptions,
  type ReferenceDecoderOutput,
  type ReferenceWeights,
  referenceDecoder,
  referenceEmbed,
  referenceNvlmD,
  referencePixelShuffle,
  referenceVision,
} from '../reference/nvlm.js';
export { type DecoderFeedsOptions, decoderFeeds } from './decoder-feeds.js';
export { maxAbsDiff, type TinyModel, testValues, tinyModel } from './tiny-model.js';
