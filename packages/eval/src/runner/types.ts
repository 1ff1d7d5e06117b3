import type { BenchmarkName, EvalSample } from '../benchmarks/types.js';

/**
 * What the runner needs from a model: one completion per sample. Implemented over OpenAI-compatible
 * endpoints (`endpoint-client.ts`) and over the in-process @nvlm-ts/runtime pipeline (`model-client.ts`).
 */

/** One request: a sample's prompt and images with the benchmark's generation settings. */
export interface CompletionRequest {
  readonly system?: string | undefined;
  /** User text with one `<image>` placeholder per image. */
  readonly prompt: string;
  readonly images: readonly Uint8Array[];
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  readonly stop?: readonly string[] | undefined;
  readonly signal: AbortSignal;
}

/** The model's answer. */
export interface CompletionResponse {
  readonly text: string;
  readonly promptTokens?: number | undefined;
  readonly completionTokens?: number | undefined;
}

/** A model the runner can send requests to. */
export interface ModelClient {
  /** Shown in results and reports: the endpoint URL or `model:DIR`. */
  readonly id: string;
  /** Most requests in flight at once on this client. */
  readonly concurrency: number;
  /**
   * Answers one request. Rejects with an EvaluationError whose `retryable` tells the runner whether a
   * retry may help (timeouts, 429, 5xx, connection errors) or not (400, bad image).
   */
  complete(request: CompletionRequest): Promise<CompletionResponse>;
  /** Frees resources (sessions, sockets). */
  close?(): Promise<void>;
}

/**
 * An LLM judge (any OpenAI-compatible chat model) that extracts the answer from a free-form output,
 * as MathVista's official pipeline (GPT with the 5-shot extraction prompt) and VLMEvalKit's MCQ
 * matching do. Implemented in `judge/`.
 */
export interface AnswerJudge {
  /**
   * The extracted answer (MathVista: the answer text; MCQ: one option letter or `Z` for none), or
   * undefined when the judge could not answer after its retries.
   */
  extract(
    benchmark: BenchmarkName,
    sample: EvalSample,
    output: string,
    signal: AbortSignal,
  ): Promise<string | undefined>;
}
