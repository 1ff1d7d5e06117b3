/**
 * Node entry of @nvlm-ts/runtime: registers onnxruntime-node backends (cpu, cuda, webgpu), reads
 * model directories by path (onnxruntime memory-maps external data), converts a Hugging Face
 * checkpoint once into a cache directory, and re-exports the platform-free API.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { convert } from '@nvlm-ts/arch';
import { type ImageInput, tileImage } from '@nvlm-ts/tiler';
import { loadTokenizer } from '@nvlm-ts/tokenizer';
import * as ort from 'onnxruntime-node';
import { type Backend, registerBackend, resolveBackend } from './backend.js';
import { RuntimeError } from './errors.js';
import { hashBytes } from './image-cache.js';
import { type ModelFiles, parseNvlmJson, textModelInfo } from './model-files.js';
import { NvlmPipeline, type PipelineOptions, type PlatformHooks } from './pipeline.js';

export type { ImageInput } from '@nvlm-ts/tiler';
export * from './index.js';

//#region backends

/** A backend of onnxruntime-node for one execution provider, probed with a one-node model. */
function nodeBackend(provider: 'cpu' | 'cuda' | 'webgpu'): Backend {
  return {
    ort: ort as unknown as Backend['ort'],
    executionProviders: [provider],
    ...(provider === 'cpu' && { preallocatedOutputs: true }),
    async init() {
      if (provider === 'cpu') return;
      const supported = (
        ort as unknown as { listSupportedBackends?: () => { name: string }[] }
      ).listSupportedBackends?.();
      if (supported && !supported.some((b) => b.name === provider)) {
        throw new Error(
          `onnxruntime-node ${ort.env.versions.node ?? ''} on ${process.platform}-${process.arch} has no ${provider} execution provider`.replace(
            '  ',
            ' ',
          ),
        );
      }
      if (provider === 'cuda') {
        // The CUDA provider libraries are an optional download (`--onnxruntime-node-install=cuda12`).
        const { probeModel } = await import('./probe-model.js');
        await ort.InferenceSession.create(await probeModel(), { executionProviders: ['cuda'] }).then((s) =>
          s.release(),
        );
      }
    },
  };
}

registerBackend('cpu', nodeBackend('cpu'), 100);
registerBackend('cuda', nodeBackend('cuda'), 50);
registerBackend('webgpu', nodeBackend('webgpu'), 10);

//#endregion

//#region model files

/** A model directory on disk. */
export function directoryFiles(dir: string): ModelFiles {
  const root = resolve(dir);
  let external: Record<string, string[]> | undefined;
  return {
    location: root,
    async readText(name) {
      try {
        return await readFile(join(root, name), 'utf8');
      } catch (error) {
        throw new RuntimeError(
          'BAD_MODEL',
          `${root}: cannot read ${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          {
            cause: error,
          },
        );
      }
    },
    has: (name) =>
      stat(join(root, name)).then(
        () => true,
        () => false,
      ),
    async session(name, options) {
      const path = join(root, name);
      if (
        !(await stat(path).then(
          (s) => s.isFile(),
          () => false,
        ))
      ) {
        throw new RuntimeError('BAD_MODEL', `${root}: the model file ${name} named by nvlm.json is missing`);
      }
      if (!options?.bytes) return { model: path };
      // onnxruntime-web in Node: bytes in memory, external data files next to the model.
      external ??= await readExternalIndex(root);
      // nvlm.json lists each graph's data files; a transformers.js / optimum layout has none, so
      // look for the usual `<model>.data` / `<model>_data` beside the model.
      const listed = external[name];
      const dir = dirname(path);
      const externalData =
        listed ??
        (
          await Promise.all(
            [`${basename(path)}.data`, `${basename(path)}_data`].map(async (file) =>
              (await stat(join(dir, file)).then(
                () => true,
                () => false,
              ))
                ? file
                : undefined,
            ),
          )
        ).filter((file): file is string => file !== undefined);
      return {
        model: await readBytes(path),
        externalData: await Promise.all(
          externalData.map(async (file) => ({
            path: file,
            data: await readBytes(join(listed ? root : dir, file)),
          })),
        ),
      };
    },
  };
}

/** A whole file as bytes, read in chunks (`fs.readFile` refuses files above 2 GiB). */
async function readBytes(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const out = new Uint8Array(size);
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(out, offset, Math.min(2 ** 30, size - offset), offset);
      if (bytesRead === 0) throw new RuntimeError('BAD_MODEL', `${path} ended early while being read`);
      offset += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

async function readExternalIndex(root: string): Promise<Record<string, string[]>> {
  const text = await readFile(join(root, 'nvlm.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const nvlm = JSON.parse(text) as { external_data?: Record<string, string[]> };
  return nvlm.external_data ?? {};
}

/** Where converted Hugging Face checkpoints are kept: $NVLM_CACHE, else ~/.cache/nvlm-ts. */
export function cacheDirectory(): string {
  return process.env.NVLM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nvlm-ts');
}

/**
 * The nvlm-ts model directory for `dir`: itself when it holds nvlm.json; for a Hugging Face
 * checkpoint (config.json + *.safetensors), a converted copy in the cache, made on first use and
 * keyed by the checkpoint's files (names, sizes, modification times) and the dtype.
 */
export async function resolveModelDirectory(
  dir: string,
  options: {
    dtype?: 'fp32' | 'fp16' | 'int8' | 'int4';
    onProgress?: Parameters<typeof convert>[2] extends infer O
      ? O extends { onProgress?: infer P }
        ? P
        : never
      : never;
  } = {},
): Promise<string> {
  const root = resolve(dir);
  const entries = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    throw new RuntimeError(
      'BAD_MODEL',
      `cannot open model directory ${root} (${error.code ?? error.message})`,
      { cause: error },
    );
  });
  if (entries.includes('nvlm.json')) return root;
  if (
    entries.includes('config.json') &&
    (await stat(join(root, 'onnx', 'model.onnx')).then(
      () => true,
      () => false,
    ))
  ) {
    return root; // a text-only transformers.js / optimum layout
  }
  if (!entries.includes('config.json') || !entries.some((f) => f.endsWith('.safetensors'))) {
    throw new RuntimeError(
      'BAD_MODEL',
      `${root} is neither an nvlm-ts model directory (no nvlm.json) nor a Hugging Face checkpoint (config.json + *.safetensors)`,
    );
  }
  const dtype = options.dtype ?? 'fp32';
  const hash = createHash('sha256');
  hash.update(`nvlm-ts-convert-v1:${dtype}\n`);
  for (const name of entries.sort()) {
    const s = await stat(join(root, name));
    if (s.isFile()) hash.update(`${name}:${s.size}:${s.mtimeMs}\n`);
  }
  const target = join(cacheDirectory(), `${hash.digest('hex').slice(0, 16)}-${dtype}`);
  if (
    await stat(join(target, 'nvlm.json')).then(
      () => true,
      () => false,
    )
  )
    return target;
  await convert(root, target, {
    dtype,
    overwrite: true,
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  return target;
}

//#endregion

//#region images

const nodeImages: PlatformHooks<ImageInput> = {
  tileImage: (input, options) => tileImage(input, options),
  async imageKey(input) {
    if (typeof input === 'string' || input instanceof URL) {
      const path = input instanceof URL ? input : resolve(input);
      const bytes = await readFile(path).catch(() => undefined);
      return bytes ? hashBytes(bytes) : undefined;
    }
    if (input instanceof Uint8Array) return hashBytes(input);
    if (input instanceof ArrayBuffer) return hashBytes(new Uint8Array(input));
    if (typeof Blob !== 'undefined' && input instanceof Blob)
      return hashBytes(new Uint8Array(await input.arrayBuffer()));
    if (input && typeof input === 'object' && 'data' in input) {
      const raw = input as { width: number; height: number; channels?: number; data: ArrayBufferView };
      const bytes = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
      return hashBytes(bytes, `${raw.width}x${raw.height}x${raw.channels ?? ''}`);
    }
    return undefined;
  },
};

//#endregion

export interface LoadPipelineOptions extends PipelineOptions {
  /** Backends to try in order (default: every registered one by priority: cpu, cuda, webgpu). */
  backends?: readonly string[];
  /** Intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** Weight format when a Hugging Face checkpoint has to be converted (default fp32). */
  convertDtype?: 'fp32' | 'fp16' | 'int8' | 'int4';
}

/**
 * Loads a model directory (or converts a Hugging Face checkpoint once, into the cache) and opens
 * its sessions on the first backend that works.
 */
export async function loadPipeline(
  dir: string,
  options: LoadPipelineOptions = {},
): Promise<NvlmPipeline<ImageInput>> {
  const modelDir = await resolveModelDirectory(dir, {
    ...(options.convertDtype && { dtype: options.convertDtype }),
  });
  const files = directoryFiles(modelDir);
  const info = (await files.has('nvlm.json'))
    ? parseNvlmJson(await files.readText('nvlm.json'), join(modelDir, 'nvlm.json'))
    : textModelInfo(await files.readText('config.json'), 'onnx/model.onnx', join(modelDir, 'config.json'));
  const tokenizer = await loadTokenizer(modelDir).catch((error: unknown) => {
    throw new RuntimeError(
      'BAD_MODEL',
      `${modelDir}: cannot load the tokenizer: ${(error as Error).message}`,
      { cause: error },
    );
  });
  const resolved = await resolveBackend(options.backends);
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`'threads' must be an integer >= 1, got ${options.threads}`);
  }
  const sessionOptions = {
    ...(options.threads !== undefined && { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
    ...options.sessionOptions,
  };
  return NvlmPipeline.create(files, info, tokenizer, resolved, nodeImages, { ...options, sessionOptions });
}
