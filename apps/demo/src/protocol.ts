/**
 * Messages between the page and the model worker (worker.ts). The page sends the whole
 * conversation each turn; the pipeline's prefix KV cache and image-feature cache make a follow-up
 * turn run only its new tokens.
 */
import type { ModelLoadProgress } from '@nvlm-ts/runtime';

/** A chat turn as the page keeps it; the image (if any) belongs to a user turn. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
  image?: Blob;
}

export interface SamplingSettings {
  maxNewTokens: number;
  /** 0: greedy. */
  temperature: number;
  topP: number;
  topK: number;
  /** Undefined: a fresh seed per answer. */
  seed?: number;
  /** Most regular tiles per image (the model's own when undefined). */
  maxTiles?: number;
}

export type ToWorker =
  | { type: 'load'; base: string; backends?: string[] }
  | {
      type: 'generate';
      id: number;
      turns: ChatTurn[];
      settings: SamplingSettings;
      /**
       * Set to 1 by the page to stop (SharedArrayBuffer, when the page is cross-origin isolated):
       * the worker's generation loop may not return to its event loop between tokens, so a `stop`
       * message alone can wait until the answer is complete.
       */
      stopFlag?: Int32Array;
    }
  | { type: 'stop'; id: number };

export interface BackendInfo {
  name: string;
  executionProviders: readonly string[];
  fallbackReasons: readonly string[];
}

export interface AnswerStats {
  finishReason: string;
  completionTokens: number;
  promptTokens: number;
  imageTokens: number;
  cachedTokens: number;
  tiles: number;
  ttftMs: number;
  decodeTokensPerSecond: number;
  totalMs: number;
}

export type FromWorker =
  | { type: 'progress'; event: ModelLoadProgress }
  | { type: 'ready'; backend: BackendInfo; loadMs: number }
  | { type: 'load-error'; message: string }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'done'; id: number; stats: AnswerStats }
  | { type: 'answer-error'; id: number; message: string };
