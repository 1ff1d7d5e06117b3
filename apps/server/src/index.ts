/**
 * @nvlm-ts/server: an OpenAI-compatible HTTP server for NVLM models on nvlm-ts (vLLM's
 * `vllm serve` is the bar): `createServer` over a loaded pipeline, `serve` to load a model
 * directory and listen, and the default tiny model of `pnpm start`.
 */
export { DEFAULT_MODEL_ID, defaultModelDirectory, ensureDefaultModel } from './default-model.js';
export { ApiError, type ApiErrorCode, type ApiErrorType, type OpenAIErrorBody } from './errors.js';
export type { ImagePolicy } from './images.js';
export { type GenerationSample, Metrics } from './metrics.js';
export { hostAllowed, isPrivateAddress, type RemoteImagePolicy } from './remote-image.js';
export type { ServedPipeline } from './routes/chat-completions.js';
export { Scheduler } from './scheduler.js';
export { type ChatCompletionRequest, chatCompletionRequest, parseChatRequest } from './schema.js';
export { type RunningServer, type ServeOptions, serve } from './serve.js';
export { createServer, type ServerOptions, type ServerState } from './server.js';
