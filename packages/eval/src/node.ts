/**
 * @nvlm-ts/eval for Node.js: the benchmark runner (datasets from files, OpenAI-compatible endpoints
 * and the in-process runtime as models, resumable fsync'd results, reports), plus everything of the
 * platform-free entry.
 */

export {
  countSamples,
  type DatasetFormat,
  datasetFormat,
  loadImage,
  type ReadSamplesOptions,
  readSamples,
} from './datasets/samples.js';
export * from './index.js';
export {
  chatCompletionsUrl,
  contentParts,
  IMAGE_PLACEHOLDER,
  type OpenAIClientOptions,
  openAIClient,
} from './runner/endpoint-client.js';
export { imageDataUrl, sniffImageMime } from './runner/image-mime.js';
export {
  type GeneratingPipeline,
  type PipelineClientOptions,
  type PipelineRequest,
  pipelineClient,
} from './runner/model-client.js';
export {
  createProgressBar,
  formatEta,
  type ProgressBar,
  type ProgressBarOptions,
  type RunProgress,
} from './runner/progress.js';
export { type RunMetadata, readSummaries, type SummaryFile, writeReports } from './runner/reports.js';
export { type RecordedResult, readLatestResults } from './runner/results-store.js';
export {
  type BackoffOptions,
  backoffDelay,
  type ModelError,
  parseRetryAfter,
  type RunnerTimers,
} from './runner/retry.js';
export {
  type EvaluationRun,
  type RunCounts,
  type RunEvaluationOptions,
  runEvaluation,
} from './runner/run.js';
export type { RunManifest } from './runner/run-manifest.js';
export { ClientPool, limitConcurrency } from './runner/scheduler.js';
