/**
 * @nvlm-ts/runtime, platform-free core: backend registry, the generation pipeline, sampling and
 * request types. Import `@nvlm-ts/runtime` in Node (onnxruntime-node backends, `loadPipeline(path)`)
 * or a browser bundler (onnxruntime-web backends, `loadPipelineFromUrl`); both re-export this.
 */
export {
  __internal_resetBackends,
  type Backend,
  type BackendInfo,
  backendName,
  listBackends,
  type OrtModule,
  type ResolvedBackend,
  registerBackend,
  resolveBackend,
} from './backend.js';
export { RuntimeError, type RuntimeErrorCode } from './errors.js';
export { type CachedImage, type FeatureArray, hashBytes, ImageFeatureCache } from './image-cache.js';
export { type ModelFiles, type NvlmModelInfo, parseNvlmJson, textModelInfo } from './model-files.js';
export {
  type FinishReason,
  type GenerationChunk,
  type GenerationResult,
  type GenerationStream,
  type GenerationTimings,
  type GenerationUsage,
  NvlmPipeline,
  type PipelineOptions,
  type PlatformHooks,
} from './pipeline.js';
export {
  type ContentPart,
  type GenerateRequest,
  IMAGE_PLACEHOLDER,
  type Message,
  normalizeRequest,
} from './request.js';
export { argmax, type ResolvedSampling, resolveSampling, Sampler, type SamplingOptions } from './sampling.js';
export { StopStringMatcher } from './stop.js';
