/**
 * The model worker: loads an nvlm-ts model directory by URL with @nvlm-ts/runtime's browser entry
 * (onnxruntime-web, WebGPU first, WASM as the fallback; files kept in the Cache API) and streams
 * answers back to the page, so the page stays responsive while the model runs.
 */
import { loadPipelineFromUrl, type Message, type NvlmPipeline } from '@nvlm-ts/runtime';
import type { ImageInput } from '@nvlm-ts/tiler';
import * as ort from 'onnxruntime-web';
import type { ChatTurn, FromWorker, SamplingSettings, ToWorker } from './protocol.js';

// onnxruntime-web fetches its WASM runtime from ort/ beside the page (vite.config.ts puts it there;
// the worker is assets/*.js when built, src/worker.ts in dev: one level down either way).
ort.env.wasm.wasmPaths = new URL(/* @vite-ignore */ '../ort/', import.meta.url).href;

const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
};
const post = (message: FromWorker) => scope.postMessage(message);

let pipeline: NvlmPipeline<ImageInput> | undefined;
let loading: Promise<void> | undefined;
const running = new Map<number, AbortController>();

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'load') loading = load(message.base, message.backends);
  else if (message.type === 'generate')
    void answer(message.id, message.turns, message.settings, message.stopFlag);
  else if (message.type === 'stop') running.get(message.id)?.abort();
});

async function load(base: string, backends: string[] | undefined): Promise<void> {
  const started = performance.now();
  try {
    await pipeline?.dispose();
    pipeline = undefined;
    pipeline = await loadPipelineFromUrl(new URL(base, location.href), {
      ...(backends && backends.length > 0 && { backends }),
      onProgress: (progress) => post({ type: 'progress', event: progress }),
    });
    const { name, executionProviders, fallbackReasons } = pipeline.backendInfo;
    post({
      type: 'ready',
      backend: { name, executionProviders: [...executionProviders], fallbackReasons: [...fallbackReasons] },
      loadMs: performance.now() - started,
    });
  } catch (error) {
    post({ type: 'load-error', message: describe(error) });
  }
}

function toMessages(turns: ChatTurn[]): Message<ImageInput>[] {
  return turns.map((turn) =>
    turn.role === 'user' && turn.image
      ? {
          role: 'user',
          content: [
            { type: 'image', image: turn.image },
            { type: 'text', text: turn.text },
          ],
        }
      : { role: turn.role, content: turn.text },
  );
}

async function answer(
  id: number,
  turns: ChatTurn[],
  settings: SamplingSettings,
  stopFlag: Int32Array | undefined,
): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    await loading;
    if (!pipeline) throw new Error('the model is not loaded');
    const stream = pipeline.generate({
      messages: toMessages(turns),
      maxNewTokens: settings.maxNewTokens,
      temperature: settings.temperature,
      ...(settings.temperature > 0 && { topP: settings.topP }),
      ...(settings.temperature > 0 && settings.topK > 0 && { topK: settings.topK }),
      ...(settings.seed !== undefined && { seed: settings.seed }),
      ...(settings.maxTiles !== undefined && { maxTiles: settings.maxTiles }),
      signal: controller.signal,
    });
    for await (const chunk of stream) {
      if (stopFlag && Atomics.load(stopFlag, 0) !== 0) controller.abort();
      if (chunk.text) post({ type: 'chunk', id, text: chunk.text });
    }
    const { finishReason, usage, timings } = await stream.result;
    post({
      type: 'done',
      id,
      stats: {
        finishReason,
        completionTokens: usage.completionTokens,
        promptTokens: usage.promptTokens,
        imageTokens: usage.imageTokens,
        cachedTokens: usage.cachedTokens,
        tiles: timings.tiles,
        ttftMs: timings.ttftMs,
        decodeTokensPerSecond: timings.decodeTokensPerSecond,
        totalMs: timings.totalMs,
      },
    });
  } catch (error) {
    post({ type: 'answer-error', id, message: describe(error) });
  } finally {
    running.delete(id);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
