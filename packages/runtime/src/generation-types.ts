/** The public types of generation: what a request yields and what a pipeline is built from. */
import type { TiledImage } from '@nvlm-ts/tiler';
import type { InferenceSession } from 'onnxruntime-common';

export type FinishReason = 'stop' | 'length' | 'abort';

export interface GenerationChunk {
  /** New text (may be empty while a multi-byte character or a possible stop string is pending). */
  readonly text: string;
  /** The token generated at this step. */
  readonly tokenId: number;
}

export interface GenerationUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens that are image tokens. */
  readonly imageTokens: number;
  /** Prompt tokens whose KV cache was reused from the previous request. */
  readonly cachedTokens: number;
}

export interface GenerationTimings {
  /** Request start to first generated token, ms. */
  readonly ttftMs: number;
  readonly visionMs: number;
  readonly prefillMs: number;
  readonly prefillTokensPerSecond: number;
  readonly decodeMs: number;
  readonly decodeTokensPerSecond: number;
  readonly totalMs: number;
  /** Tiles encoded by the vision encoder for this request (cache hits excluded). */
  readonly tilesEncoded: number;
  /** Tiles of all images of the request. */
  readonly tiles: number;
}

export interface GenerationResult {
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly promptTokenIds: readonly number[];
  readonly finishReason: FinishReason;
  readonly usage: GenerationUsage;
  readonly timings: GenerationTimings;
}

/** Async iterable of chunks, plus the final result (which resolves even if nobody iterates). */
export interface GenerationStream extends AsyncIterable<GenerationChunk> {
  readonly result: Promise<GenerationResult>;
}

/** What a platform entry provides. */
export interface PlatformHooks<I> {
  /** Tiles and normalises one image (tiler's `tileImage`). */
  tileImage(input: I, options: Record<string, unknown>): Promise<TiledImage>;
  /** A content key for an image input (hash of its bytes), or undefined when not cheaply known. */
  imageKey(input: I): Promise<string | undefined>;
}

export interface PipelineOptions {
  /** Most images per request (default 16). */
  maxImages?: number;
  /** Image-feature cache budget in bytes (default 512 MiB; 0 disables). */
  imageCacheBytes?: number;
  /** Reuse the KV cache of a prefix shared with the previous request (default true). */
  prefixCache?: boolean;
  /**
   * Generations run at once (default 1); more wait in order. onnxruntime runs sessions from
   * several generations concurrently; the prefix cache serves one of them at a time.
   */
  concurrency?: number;
  /** Context length; default the model's max_position_embeddings. */
  contextLength?: number;
  /** Extra onnxruntime session options (threads, graph optimisation level, optimised model path...). */
  sessionOptions?: InferenceSession.SessionOptions;
}
