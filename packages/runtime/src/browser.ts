/**
 * Browser entry of @nvlm-ts/runtime: registers onnxruntime-web backends (webgpu first, wasm as the
 * fallback), loads model directories by URL (downloads with progress, kept in the Cache API; see
 * browser/url-files.ts), and re-exports the platform-free API.
 */
import { type ImageInput, tileImage } from '@nvlm-ts/tiler';
import { loadTokenizer } from '@nvlm-ts/tokenizer';
import * as ort from 'onnxruntime-web';
import {
  type Backend,
  listBackends,
  type ResolvedBackend,
  registerBackend,
  resolveBackend,
} from './backend.js';
import { type UrlFilesOptions, type UrlModelFiles, urlFiles } from './browser/url-files.js';
import { RuntimeError } from './errors.js';
import { hashBytes } from './image-cache.js';
import { parseNvlmJson } from './model-files.js';
import { NvlmPipeline, type PipelineOptions, type PlatformHooks } from './pipeline.js';

export type { ImageInput } from '@nvlm-ts/tiler';
export {
  clearModelCache,
  DEFAULT_MODEL_CACHE,
  type ModelLoadProgress,
  type UrlFilesOptions,
  type UrlModelFiles,
  urlFiles,
} from './browser/url-files.js';
export * from './index.js';

function webBackend(provider: 'webgpu' | 'wasm'): Backend {
  return {
    ort: ort as unknown as Backend['ort'],
    executionProviders: [provider],
    needsBytes: true,
    // WebGPU: the KV cache stays on the GPU between decode steps.
    ...(provider === 'webgpu' && { preferredOutputLocation: 'gpu-buffer' as const }),
    async init() {
      if (provider === 'webgpu') {
        const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)
          ?.gpu;
        if (!gpu) throw new Error('WebGPU is not available in this browser (navigator.gpu is missing)');
        if (!(await gpu.requestAdapter())) throw new Error('WebGPU has no adapter on this device');
      }
    },
  };
}

registerBackend('webgpu', webBackend('webgpu'), 100);
registerBackend('wasm', webBackend('wasm'), 50);

const browserImages: PlatformHooks<ImageInput> = {
  tileImage: (input, options) => tileImage(input, options),
  async imageKey(input) {
    if (typeof Blob !== 'undefined' && input instanceof Blob)
      return hashBytes(new Uint8Array(await input.arrayBuffer()));
    if (input && typeof input === 'object' && 'data' in input && 'width' in input) {
      const raw = input as { width: number; height: number; channels?: number; data: ArrayBufferView };
      return hashBytes(
        new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength),
        `${raw.width}x${raw.height}x${raw.channels ?? ''}`,
      );
    }
    return undefined;
  },
};

export interface LoadPipelineFromUrlOptions extends PipelineOptions, UrlFilesOptions {
  /**
   * Backends to try in order (default: every registered one by priority, webgpu then wasm). A
   * backend whose sessions cannot be created is skipped too; `pipeline.backendInfo` says why.
   */
  backends?: readonly string[];
}

/**
 * Loads an nvlm-ts model directory served at `base` (absolute, or relative to the page): downloads
 * every file it needs with `onProgress` events, keeping them in the Cache API (`cache`), then opens
 * the sessions on the first backend that works. Rejects with `RuntimeError` (`BAD_MODEL` naming the
 * URL, `NO_BACKEND` listing every backend tried and why, `ABORTED`).
 */
export async function loadPipelineFromUrl(
  base: string | URL,
  options: LoadPipelineFromUrlOptions = {},
): Promise<NvlmPipeline<ImageInput>> {
  const files = urlFiles(base, options);
  const info = parseNvlmJson(await files.readText('nvlm.json'), `${files.location}/nvlm.json`);
  const graphs = [info.files.vision_encoder, info.files.embed_tokens, info.files.decoder].filter(
    (name): name is string => name !== undefined,
  );
  const needed = ['tokenizer.json', ...graphs, ...graphs.flatMap((name) => info.externalData[name] ?? [])];
  await files.prefetch(needed, ['tokenizer_config.json', 'generation_config.json']);
  const tokenizer = await loadTokenizerFrom(files);

  // Backends in order; one that starts but cannot create the sessions is skipped like one that cannot start.
  const names = options.backends && options.backends.length > 0 ? options.backends : listBackends();
  const skipped: string[] = [];
  for (let from = 0; ; ) {
    let resolved: ResolvedBackend;
    try {
      resolved = await resolveBackend(names.slice(from));
    } catch (error) {
      if (skipped.length === 0 || !(error instanceof RuntimeError)) throw error;
      const rest = error.message.replace(/^no available backend: /, '');
      throw new RuntimeError('NO_BACKEND', `no available backend: ${[...skipped, rest].join(', ')}`, {
        cause: error,
      });
    }
    const at = names.indexOf(resolved.name, from);
    const target = { ...resolved, fallbackReasons: [...skipped, ...resolved.fallbackReasons] };
    try {
      return await NvlmPipeline.create(files, info, tokenizer, target, browserImages, {
        ...options,
        // onnxruntime's warnings (e.g. shape ops placed on the CPU) would reach the page console as errors.
        sessionOptions: { logSeverityLevel: 3, ...options.sessionOptions },
      });
    } catch (error) {
      const last = at === names.length - 1;
      if (last || !(error instanceof RuntimeError) || error.code !== 'BAD_MODEL') throw error;
      skipped.push(...resolved.fallbackReasons, `[${resolved.name}] ${error.message}`);
      from = at + 1;
    }
  }
}

async function loadTokenizerFrom(files: UrlModelFiles) {
  try {
    const config = (await files.has('tokenizer_config.json'))
      ? await files.readText('tokenizer_config.json')
      : undefined;
    return await loadTokenizer(await files.readText('tokenizer.json'), {
      ...(config !== undefined && { config }),
    });
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError(
      'BAD_MODEL',
      `${files.location}: cannot load the tokenizer: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
