/**
 * A {@link ModelClient} over the in-process @nvlm-ts/runtime pipeline. The pipeline is typed by the
 * shape this module uses (runtime `request.ts` GenerateRequest and `generation-types.ts`
 * GenerationStream), so @nvlm-ts/eval does not depend on the runtime package: pass the object
 * `loadPipeline` returns.
 */
import { EvaluationError } from '../errors.js';
import { modelError } from './retry.js';
import type { CompletionRequest, CompletionResponse, ModelClient } from './types.js';

/** The part of a runtime generation request this client fills in. */
export interface PipelineRequest {
  readonly prompt: string;
  readonly system?: string;
  /** Encoded images (the Node tiler decodes bytes), one per `<image>` placeholder. */
  readonly images: readonly Uint8Array[];
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  readonly stop?: readonly string[];
  readonly signal: AbortSignal;
}

/** What the client needs of a pipeline: `generate` returning a stream whose `result` resolves once. */
export interface GeneratingPipeline {
  generate(request: PipelineRequest): {
    readonly result: Promise<{
      readonly text: string;
      readonly finishReason?: string;
      readonly usage?: { readonly promptTokens?: number; readonly completionTokens?: number };
    }>;
  };
}

/** Options of {@link pipelineClient}. */
export interface PipelineClientOptions {
  /** Shown in results (`model:DIR` by convention). */
  readonly id: string;
  /** Requests in flight at once (default 1); the pipeline's own `concurrency` should match. */
  readonly concurrency?: number;
}

/**
 * A model client that runs requests on an in-process pipeline. Runtime errors (a bad image, a prompt
 * longer than the context) are MODEL_ERROR and not retryable: the same request fails the same way.
 */
export function pipelineClient(pipeline: GeneratingPipeline, options: PipelineClientOptions): ModelClient {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`'concurrency' must be an integer >= 1, got ${String(options.concurrency)}`);
  }
  if (typeof options.id !== 'string' || options.id === '')
    throw new TypeError(`'id' must be a non-empty string`);
  return {
    id: options.id,
    concurrency,
    async complete(request: CompletionRequest): Promise<CompletionResponse> {
      let result: Awaited<ReturnType<GeneratingPipeline['generate']>['result']>;
      try {
        result = await pipeline.generate({
          prompt: request.prompt,
          ...(request.system !== undefined && { system: request.system }),
          images: request.images,
          maxNewTokens: request.maxNewTokens,
          temperature: request.temperature,
          seed: request.seed,
          ...(request.stop && request.stop.length > 0 && { stop: request.stop }),
          signal: request.signal,
        }).result;
      } catch (cause) {
        if (request.signal.aborted)
          throw modelError('aborted', { retryable: true, cause: request.signal.reason });
        const code = (cause as { code?: unknown } | null)?.code;
        const label =
          cause instanceof Error ? `${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ` : '';
        throw modelError(`${options.id}: ${label}${cause instanceof Error ? cause.message : String(cause)}`, {
          retryable: false,
          cause,
        });
      }
      // An aborted generation resolves with the text so far: that is not an answer.
      if (result.finishReason === 'abort' || request.signal.aborted) {
        throw modelError('aborted', { retryable: true, cause: request.signal.reason });
      }
      if (typeof result.text !== 'string') {
        throw new EvaluationError('MODEL_ERROR', `${options.id}: the pipeline returned no text`);
      }
      return {
        text: result.text,
        ...(result.usage?.promptTokens !== undefined && { promptTokens: result.usage.promptTokens }),
        ...(result.usage?.completionTokens !== undefined && {
          completionTokens: result.usage.completionTokens,
        }),
      };
    },
  };
}
