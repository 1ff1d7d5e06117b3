/**
 * In-page harness of browser.node.test.ts (not part of the package API): bundled with esbuild for
 * the browser, it loads a model with `loadPipelineFromUrl` and runs greedy requests, returning what
 * the Node test compares with the onnxruntime-node cpu pipeline.
 */

import * as ort from 'onnxruntime-web';
import { loadPipelineFromUrl, type ModelLoadProgress } from '../browser.js';

/** One request of a case: a prompt, optionally with an image fetched from `image` as a Blob. */
export interface PageRequest {
  prompt: string;
  maxNewTokens: number;
  image?: string;
}

export interface PageCase {
  base: string;
  backends?: string[];
  requests: PageRequest[];
}

export interface PageResult {
  backendInfo: { name: string; executionProviders: readonly string[]; fallbackReasons: readonly string[] };
  kvCache: string;
  progress: ModelLoadProgress[];
  results: { tokenIds: number[]; promptTokenIds: number[]; firstLogits: number[]; timings: unknown }[];
  loadMs: number;
  generateMs: number;
}

ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;

async function run(c: PageCase): Promise<PageResult> {
  const progress: ModelLoadProgress[] = [];
  const loadStart = performance.now();
  const pipeline = await loadPipelineFromUrl(c.base, {
    ...(c.backends && { backends: c.backends }),
    onProgress: (event) => progress.push(event),
  });
  const loadMs = performance.now() - loadStart;
  const generateStart = performance.now();
  const results: PageResult['results'] = [];
  try {
    for (const request of c.requests) {
      let firstLogits: Float32Array | undefined;
      const images = request.image ? [await (await fetch(request.image)).blob()] : [];
      const result = await pipeline.complete({
        prompt: request.prompt,
        maxNewTokens: request.maxNewTokens,
        images,
        onFirstLogits: (logits) => {
          firstLogits = logits;
        },
      });
      results.push({
        tokenIds: [...result.tokenIds],
        promptTokenIds: [...result.promptTokenIds],
        firstLogits: Array.from(firstLogits ?? []),
        timings: result.timings,
      });
    }
  } finally {
    await pipeline.dispose();
  }
  return {
    backendInfo: pipeline.backendInfo,
    kvCache: pipeline.kvCache,
    progress,
    results,
    loadMs,
    generateMs: performance.now() - generateStart,
  };
}

(globalThis as { nvlmTest?: unknown }).nvlmTest = { run };
