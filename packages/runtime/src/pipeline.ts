/**
 * `NvlmPipeline`: messages and images in, streamed text out. Platform-free: a platform entry
 * supplies the backend, the model files, the tokenizer and image tiling.
 *
 * Per request: render the chat template, expand each `<image>` into its tile block (tiler),
 * tokenize, encode images (vision_encoder.onnx; features cached by content hash), embed tokens and
 * splice the image features over the image tokens (NVLM.md 8.5), prefill the decoder (reusing the
 * KV cache of the longest prefix shared with the previous request), then decode token by token.
 */

import { expandPrompt, type PromptImage, type TiledImage } from '@nvlm-ts/tiler';
import type { Tokenizer } from '@nvlm-ts/tokenizer';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { type Backend, type BackendInfo, backendName, type ResolvedBackend } from './backend.js';
import { buildCrossPrompt, type CrossPrompt, generatedRow, promptMask } from './cross-attention.js';
import { RuntimeError } from './errors.js';
import type {
  FinishReason,
  GenerationChunk,
  GenerationResult,
  GenerationStream,
  PipelineOptions,
  PlatformHooks,
} from './generation-types.js';
import { type FeatureArray, ImageFeatureCache } from './image-cache.js';
import { type ImageRow, imageTokenSources, promptKeys } from './image-rows.js';
import { copyCache, type Feeds, lastLogits, nextPast } from './kv-cache.js';
import type { ModelFiles, NvlmModelInfo } from './model-files.js';
import { type GenerateRequest, normalizeRequest } from './request.js';
import { Sampler } from './sampling.js';
import { StopStringMatcher } from './stop.js';

export type {
  FinishReason,
  GenerationChunk,
  GenerationResult,
  GenerationStream,
  GenerationTimings,
  GenerationUsage,
  PipelineOptions,
  PlatformHooks,
} from './generation-types.js';

type OrtTensor = Tensor;

/** An image of a request, tiled (or known from the cache). */
interface RequestImage {
  key: string | undefined;
  prompt: PromptImage;
  tiles: number;
  tiled?: TiledImage;
  features?: FeatureArray;
}

interface CachedSequence {
  /** Per position: token id, or `id:imageKey:index` for image tokens. */
  keys: string[];
  past: Feeds;
}

const DEFAULT_MAX_NEW_TOKENS = 256;

/** The in-place cache's next size for `length` positions: double, and at least 64 positions more. */
function grownCapacity(length: number): number {
  return length + Math.max(64, length);
}

export class NvlmPipeline<I = unknown> {
  readonly info: NvlmModelInfo;
  readonly tokenizer: Tokenizer;
  readonly backend: Backend;
  /** The backend's registered name and why earlier candidates were skipped (WebGPU -> WASM fallback). */
  readonly backendInfo: BackendInfo;
  readonly #files: ModelFiles;
  readonly #platform: PlatformHooks<I>;
  readonly #options: Required<Omit<PipelineOptions, 'sessionOptions' | 'contextLength'>> & {
    contextLength: number;
  };
  readonly #sessionOptions: InferenceSession.SessionOptions;
  readonly #embed: InferenceSession | undefined;
  readonly #decoder: InferenceSession;
  /** NVLM-X / NVLM-H: computes the cross-attention keys and values once per request. */
  readonly #crossKv: InferenceSession | undefined;
  #vision: Promise<InferenceSession> | undefined;
  readonly #images: ImageFeatureCache;
  readonly #eosIds: ReadonlySet<number>;
  #cached: CachedSequence | undefined;
  /** Generations running now, and those waiting for a slot (FIFO). */
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #idle = new Set<() => void>();
  #disposed = false;

  private constructor(
    init: {
      info: NvlmModelInfo;
      tokenizer: Tokenizer;
      backend: Backend;
      backendInfo: BackendInfo;
      files: ModelFiles;
      platform: PlatformHooks<I>;
      embed: InferenceSession | undefined;
      decoder: InferenceSession;
      crossKv: InferenceSession | undefined;
      eosIds: number[];
      sessionOptions: InferenceSession.SessionOptions;
    },
    options: PipelineOptions,
  ) {
    this.info = init.info;
    this.tokenizer = init.tokenizer;
    this.backend = init.backend;
    this.backendInfo = init.backendInfo;
    this.#files = init.files;
    this.#platform = init.platform;
    this.#embed = init.embed;
    this.#decoder = init.decoder;
    this.#crossKv = init.crossKv;
    this.#sessionOptions = init.sessionOptions;
    this.#eosIds = new Set(init.eosIds);
    const maxImages = options.maxImages ?? 16;
    if (!Number.isInteger(maxImages) || maxImages < 0)
      throw new RangeError(`'maxImages' must be an integer >= 0`);
    const contextLength = options.contextLength ?? init.info.maxPositionEmbeddings;
    if (!Number.isInteger(contextLength) || contextLength < 2)
      throw new RangeError(`'contextLength' must be an integer >= 2`);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`'concurrency' must be an integer >= 1, got ${String(concurrency)}`);
    }
    this.#options = {
      concurrency,
      maxImages,
      imageCacheBytes: options.imageCacheBytes ?? 512 * 2 ** 20,
      prefixCache: options.prefixCache ?? true,
      contextLength,
    };
    this.#images = new ImageFeatureCache(this.#options.imageCacheBytes);
  }

  /**
   * Loads the sessions of a model directory. Platform entries wrap this (`loadPipeline(path)` in
   * Node); use it directly only with your own `ModelFiles`. `target` is a backend or what
   * `resolveBackend` returned (which also gives `backendInfo` its fallback reasons).
   */
  static async create<I>(
    files: ModelFiles,
    info: NvlmModelInfo,
    tokenizer: Tokenizer,
    target: Backend | ResolvedBackend,
    platform: PlatformHooks<I>,
    options: PipelineOptions = {},
  ): Promise<NvlmPipeline<I>> {
    const resolved = 'init' in target ? undefined : target;
    const backend = resolved?.backend ?? (target as Backend);
    const backendInfo: BackendInfo = {
      name: resolved?.name ?? backendName(backend) ?? backend.executionProviders.join('+'),
      executionProviders: [...backend.executionProviders],
      fallbackReasons: [...(resolved?.fallbackReasons ?? [])],
    };
    if (info.arch !== 'nvlm-d' && !info.files.cross_attention_kv) {
      throw new RuntimeError(
        'BAD_MODEL',
        `${files.location}: nvlm.json of an ${info.arch} model names no cross_attention_kv model`,
      );
    }
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: [...backend.executionProviders],
      graphOptimizationLevel: 'all',
      ...options.sessionOptions,
    };
    const open = async (name: string, extra: InferenceSession.SessionOptions = {}) => {
      const source = await files.session(name, { bytes: backend.needsBytes ?? false });
      try {
        return await backend.ort.InferenceSession.create(source.model as never, {
          ...sessionOptions,
          ...extra,
          ...(source.externalData && { externalData: source.externalData }),
        });
      } catch (error) {
        throw new RuntimeError(
          'BAD_MODEL',
          `${files.location}/${name}: onnxruntime could not load it: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    };
    const embed = info.files.embed_tokens === undefined ? undefined : await open(info.files.embed_tokens);
    // A GPU backend keeps the decoder's presents (the next step's pasts) on the device.
    const presentNames = Array.from({ length: info.numLayers }, (_, l) => [
      `present.${l}.key`,
      `present.${l}.value`,
    ]).flat();
    const decoder = await open(
      info.files.decoder,
      backend.preferredOutputLocation === 'gpu-buffer'
        ? { preferredOutputLocation: Object.fromEntries(presentNames.map((n) => [n, 'gpu-buffer' as const])) }
        : {},
    );
    const crossKv =
      info.files.cross_attention_kv === undefined ? undefined : await open(info.files.cross_attention_kv);
    if (info.decoderInput === 'inputs_embeds' && !embed) {
      throw new RuntimeError('BAD_MODEL', `${files.location}: nvlm.json names no embed_tokens model`);
    }
    const expectInputs = [info.decoderInput, 'attention_mask', 'position_ids', 'past_key_values.0.key'];
    for (const input of expectInputs) {
      if (!decoder.inputNames.includes(input)) {
        throw new RuntimeError(
          'BAD_MODEL',
          `${files.location}/${info.files.decoder}: expected an input '${input}', found ${decoder.inputNames.join(', ')}`,
        );
      }
    }
    const eos = new Set<number>();
    const special = tokenizer.specialTokens.eos;
    if (special) eos.add(special.id);
    for (const token of ['<|im_end|>', '<|endoftext|>']) {
      const id = tokenizer.tokenToId(token);
      if (id !== undefined) eos.add(id);
    }
    if (await files.has('generation_config.json')) {
      try {
        const generation = JSON.parse(await files.readText('generation_config.json')) as {
          eos_token_id?: number | number[];
        };
        for (const id of [generation.eos_token_id ?? []].flat()) if (Number.isInteger(id)) eos.add(id);
      } catch {
        // A broken generation_config.json only loses extra EOS ids.
      }
    }
    return new NvlmPipeline<I>(
      {
        info,
        tokenizer,
        backend,
        backendInfo,
        files,
        platform,
        embed,
        decoder,
        crossKv,
        eosIds: [...eos],
        sessionOptions,
      },
      options,
    );
  }

  /**
   * How the KV cache is kept: `in-place` (one buffer per layer for the whole request, which
   * GroupQueryAttention updates without copying: fused attention on a backend that fills
   * pre-allocated outputs), `device` (the cache stays in GPU buffers between steps: WebGPU; the
   * prefix cache is then off) or `concatenate` (a new cache tensor per step in CPU memory).
   */
  get kvCache(): 'in-place' | 'device' | 'concatenate' {
    if (this.backend.preferredOutputLocation === 'gpu-buffer') return 'device';
    return this.info.attention === 'fused' && this.backend.preallocatedOutputs === true
      ? 'in-place'
      : 'concatenate';
  }

  /** Token ids that end generation. */
  get eosTokenIds(): readonly number[] {
    return [...this.#eosIds];
  }

  /**
   * Starts generating. Iterate the stream for text deltas; `await stream.result` for the final
   * result. Up to `concurrency` requests run at once (default 1); the rest wait in order.
   */
  generate(request: GenerateRequest<I>): GenerationStream {
    const chunks: GenerationChunk[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const push = (chunk: GenerationChunk) => {
      chunks.push(chunk);
      wake?.();
    };
    const run = this.#acquire().then(async () => {
      try {
        return await this.#generate(request, push);
      } finally {
        this.#release();
      }
    });
    const result = run.finally(() => {
      done = true;
      wake?.();
    });
    result.catch(() => undefined); // the caller may only iterate; the rejection reaches them there
    return {
      result,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (chunks.length > 0) {
            yield chunks.shift()!;
            continue;
          }
          if (done) {
            await result; // surfaces a failure to the iterating caller
            return;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
    };
  }

  /** Generates to the end and returns the result (no streaming). */
  complete(request: GenerateRequest<I>): Promise<GenerationResult> {
    return this.generate(request).result;
  }

  /** Releases the onnxruntime sessions and caches. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#running > 0 || this.#waiting.length > 0)
      await new Promise<void>((resolve) => this.#idle.add(resolve));
    const vision = this.#vision ? await this.#vision.catch(() => undefined) : undefined;
    await Promise.all([
      this.#embed?.release(),
      this.#decoder.release(),
      this.#crossKv?.release(),
      vision?.release(),
    ]);
    this.#images.clear();
    this.#cached = undefined;
  }

  /** Waits for one of the `concurrency` slots. */
  #acquire(): Promise<void> {
    if (this.#running < this.#options.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    this.#running--;
    if (this.#running === 0) {
      for (const resolve of this.#idle) resolve();
      this.#idle.clear();
    }
  }

  /** Generations running now and waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  //#region generation

  async #generate(
    request: GenerateRequest<I>,
    emit: (chunk: GenerationChunk) => void,
  ): Promise<GenerationResult> {
    if (this.#disposed) throw new RuntimeError('INTERNAL', 'the pipeline was disposed');
    const start = performance.now();
    const info = this.info;
    const maxNewTokens = request.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > 1_000_000) {
      throw new RangeError(`'maxNewTokens' must be an integer in [1, 1000000], got ${String(maxNewTokens)}`);
    }
    const sampler = new Sampler(request);
    const stops = new StopStringMatcher(request.stop ?? []);
    const stopIds = new Set([...this.#eosIds, ...(request.stopTokenIds ?? [])]);
    const { messages, images } = normalizeRequest(request, this.#options.maxImages);
    if (images.length > 0 && !info.files.vision_encoder) {
      throw new RuntimeError(
        'BAD_IMAGES',
        `this model (${this.#files.location}) has no vision encoder; send text only`,
      );
    }
    request.signal?.throwIfAborted?.();

    // Prompt: chat template, then each <image> becomes its tile block.
    const requestImages = await Promise.all(
      images.map((image) => this.#prepareImage(image, request.maxTiles)),
    );
    const rendered = this.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    const expanded = expandPrompt(
      rendered,
      requestImages.map((r) => r.prompt),
      { arch: info.arch, imageToken: info.imageToken, tokensPerTile: info.imageTokensPerTile },
    );
    const imageTokenId = info.imageTokenId ?? this.tokenizer.tokenToId(info.imageToken) ?? -1;
    // D: the whole expanded string at once (what the released model saw); X/H: segment by segment.
    const cross =
      info.arch === 'nvlm-d'
        ? undefined
        : buildCrossPrompt(
            info.arch,
            this.tokenizer,
            expanded,
            imageTokenId,
            info.imageTokensPerTile,
            requestImages.map((r) => r.tiles),
          );
    const promptIds = cross ? cross.ids : this.tokenizer.encode(expanded.text, { addSpecialTokens: false });
    const sources = imageTokenSources(expanded, info.imageTokensPerTile);
    const imagePositions: number[] = [];
    promptIds.forEach((id, i) => {
      if (id === imageTokenId) imagePositions.push(i);
    });
    const totalTiles = requestImages.reduce((s, r) => s + r.tiles, 0);
    if (imagePositions.length !== sources.length) {
      throw new RuntimeError(
        'BAD_IMAGES',
        `the prompt holds ${imagePositions.length} image tokens but the images need ${sources.length}; ` +
          `is '${info.imageToken}' written in the text itself?`,
      );
    }
    if (promptIds.length + 1 > this.#options.contextLength) {
      throw new RuntimeError(
        'CONTEXT_OVERFLOW',
        `the prompt is ${promptIds.length} tokens (${imagePositions.length} of them image tokens); the context holds ${this.#options.contextLength}`,
      );
    }
    const budget = Math.min(maxNewTokens, this.#options.contextLength - promptIds.length);

    // Images: encode the ones not in the cache.
    const visionStart = performance.now();
    const tilesEncoded = await this.#encodeImages(requestImages);
    const visionMs = performance.now() - visionStart;

    // Prefill, reusing the cached prefix.
    const keys = promptKeys(promptIds, imagePositions, requestImages, sources);
    const prefillStart = performance.now();
    // X/H: cross-attention keys and values once per request; the prefix cache is not used with
    // images there (every token after an image depends on it through cross-attention).
    const crossState = cross ? await this.#crossState(cross, requestImages) : undefined;
    const onDevice = this.kvCache === 'device';
    const reuse = (cross && requestImages.length > 0) || onDevice ? 0 : this.#reusablePrefix(keys);
    // With fused attention on a backend that fills pre-allocated outputs, the cache is one buffer
    // per layer updated in place; otherwise it grows by concatenation.
    const inPlace = this.kvCache === 'in-place';
    // onnxruntime-node copies every fetched output into a new ArrayBuffer, the in-place cache's full
    // capacity included, so the cache grows geometrically (at most about twice what is used) instead of
    // being sized for the whole budget up front: a large maxNewTokens then costs nothing per step.
    const fullCapacity = promptIds.length + budget;
    let capacity = Math.min(fullCapacity, grownCapacity(promptIds.length));
    let past = inPlace
      ? copyCache(this.backend, reuse > 0 ? this.#cached!.past : undefined, reuse, capacity, info)
      : reuse > 0
        ? copyCache(this.backend, this.#cached!.past, reuse, reuse, info)
        : copyCache(this.backend, undefined, 0, 0, info);
    this.#cached = undefined;
    const input = await this.#promptInput(promptIds, reuse, imagePositions, requestImages, sources);
    let out = await this.#decode(
      input,
      promptIds.length - reuse,
      reuse,
      past,
      crossState?.feeds(reuse, promptIds.length),
      inPlace,
    );
    const prefillMs = performance.now() - prefillStart;
    if (!inPlace) past = nextPast(past, out, info, onDevice);

    const generated: number[] = [];
    const decoder = this.tokenizer.createIncrementalDecoder({ skipSpecialTokens: true });
    let text = '';
    let finishReason: FinishReason = 'length';
    let stoppedByString = false;
    let ttftMs = 0;
    const decodeStart = performance.now();
    let position = promptIds.length;
    for (;;) {
      const logits = lastLogits(out.logits!, info.vocabSize, sampler.modifiesLogits);
      if (generated.length === 0) {
        request.onFirstLogits?.(Float32Array.from(logits));
      }
      const id = sampler.sample(logits);
      sampler.accept(id);
      if (generated.length === 0) ttftMs = performance.now() - start;
      if (stopIds.has(id)) {
        finishReason = 'stop';
        break;
      }
      generated.push(id);
      const piece = stops.push(decoder.push(id));
      text += piece.text;
      emit({ text: piece.text, tokenId: id });
      if (piece.stopped) {
        finishReason = 'stop';
        stoppedByString = true;
        break;
      }
      if (generated.length >= budget) break;
      if (request.signal?.aborted) {
        finishReason = 'abort';
        break;
      }
      if (inPlace && position + 1 > capacity) {
        capacity = Math.min(fullCapacity, grownCapacity(position + 1));
        past = copyCache(this.backend, past, position, capacity, info);
      }
      out = await this.#decode(
        await this.#stepInput(id),
        1,
        position,
        past,
        crossState?.feeds(position, position + 1),
        inPlace,
      );
      if (!inPlace) past = nextPast(past, out, info, onDevice);
      position++;
    }
    if (!stoppedByString) {
      // Text held back by the detokenizer (an incomplete character) or by a possible stop string.
      const tail = stops.push(decoder.flush());
      const rest = tail.stopped ? tail.text : tail.text + stops.flush();
      if (rest) {
        text += rest;
        emit({ text: rest, tokenId: generated.at(-1) ?? -1 });
      }
    }
    const decodeMs = performance.now() - decodeStart;
    // Keep the cache for the next request: it covers the prompt and every generated token fed so far.
    if (onDevice) {
      for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
    } else if (this.#options.prefixCache && !(cross && requestImages.length > 0)) {
      const fed = generated.slice(0, position - promptIds.length);
      this.#cached = { keys: [...keys, ...fed.map(String)], past };
    }
    const prefillTokens = promptIds.length - reuse;
    const decodeTokens = Math.max(0, generated.length - 1);
    return {
      text,
      tokenIds: generated,
      promptTokenIds: promptIds,
      finishReason,
      usage: {
        promptTokens: promptIds.length,
        completionTokens: generated.length,
        totalTokens: promptIds.length + generated.length,
        imageTokens: imagePositions.length,
        cachedTokens: reuse,
      },
      timings: {
        ttftMs,
        visionMs,
        prefillMs,
        prefillTokensPerSecond: prefillMs > 0 ? (prefillTokens / prefillMs) * 1000 : 0,
        decodeMs,
        decodeTokensPerSecond: decodeMs > 0 ? (decodeTokens / decodeMs) * 1000 : 0,
        totalMs: performance.now() - start,
        tilesEncoded,
        tiles: totalTiles,
      },
    };
  }

  async #prepareImage(input: I, maxTiles: number | undefined): Promise<RequestImage> {
    const info = this.info;
    const tiling = {
      tileSize: info.tileSize,
      minTiles: info.minTiles,
      maxTiles: maxTiles ?? info.maxTiles,
      thumbnail: info.useThumbnail,
    };
    const key0 = await this.#platform.imageKey(input);
    const key =
      key0 === undefined
        ? undefined
        : `${key0}:${tiling.tileSize}:${tiling.minTiles}:${tiling.maxTiles}:${tiling.thumbnail}`;
    const cached = key === undefined ? undefined : this.#images.get(key);
    if (cached) {
      const meta = cached as typeof cached & { prompt: PromptImage };
      return { key, prompt: meta.prompt, tiles: cached.tiles, features: cached.features };
    }
    let tiled: TiledImage;
    try {
      tiled = await this.#platform.tileImage(input, tiling);
    } catch (error) {
      if (error instanceof Error && error.name === 'TilerError') throw error;
      throw new RuntimeError('BAD_IMAGES', `could not read an image: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return { key, prompt: { tags: tiled.tags, hasThumbnail: tiled.hasThumbnail }, tiles: tiled.tiles, tiled };
  }

  async #encodeImages(images: RequestImage[]): Promise<number> {
    let tiles = 0;
    for (const image of images) {
      if (image.features) continue;
      const tiled = image.tiled!;
      const vision = await this.#visionSession();
      const out = await this.#run(vision, {
        pixel_values: new this.backend.ort.Tensor('float32', tiled.pixelValues, [...tiled.dims]),
      });
      const features = out.image_features!.data as FeatureArray;
      image.features = features;
      tiles += tiled.tiles;
      if (image.key !== undefined) {
        this.#images.set(
          image.key,
          Object.assign({ features, tiles: image.tiles }, { prompt: image.prompt }),
        );
      }
      image.tiled = undefined; // let the pixels go
    }
    return tiles;
  }

  #visionSession(): Promise<InferenceSession> {
    this.#vision ??= (async () => {
      const name = this.info.files.vision_encoder!;
      const source = await this.#files.session(name, { bytes: this.backend.needsBytes ?? false });
      try {
        return await this.backend.ort.InferenceSession.create(source.model as never, {
          ...this.#sessionOptions,
          ...(source.externalData && { externalData: source.externalData }),
        });
      } catch (error) {
        throw new RuntimeError(
          'BAD_MODEL',
          `${this.#files.location}/${name}: onnxruntime could not load it: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    })();
    const session = this.#vision;
    session.catch(() => {
      if (this.#vision === session) this.#vision = undefined;
    });
    return session;
  }

  /** Longest prefix of `keys` whose KV cache is held, leaving at least one token to run. */
  #reusablePrefix(keys: readonly string[]): number {
    const cached = this.#cached;
    if (!cached || !this.#options.prefixCache) return 0;
    const limit = Math.min(cached.keys.length, keys.length - 1);
    let n = 0;
    while (n < limit && cached.keys[n] === keys[n]) n++;
    return n;
  }

  /** The decoder input for prompt positions [from, L): token ids, or embeddings with images spliced in. */
  async #promptInput(
    ids: readonly number[],
    from: number,
    imagePositions: readonly number[],
    images: readonly RequestImage[],
    sources: readonly ImageRow[],
  ): Promise<OrtTensor> {
    if (this.info.decoderInput === 'input_ids') return this.#idsTensor(ids.slice(from));
    return this.#embedPrompt(ids, from, imagePositions, images, sources);
  }

  /**
   * X/H: the memory [1, M, H] (tile features and, for H, tag embeddings), its keys and values for
   * every block, and the mask rows per position. A request without images gets one zero row that
   * no token sees, so the blocks add exactly their gated MLP.
   */
  async #crossState(cross: CrossPrompt, images: readonly RequestImage[]) {
    const info = this.info;
    const h = info.hiddenSize;
    const perTile = info.imageTokensPerTile;
    const rows = Math.max(1, cross.entries.length);
    const memory = info.floatType === 'float16' ? new Uint16Array(rows * h) : new Float32Array(rows * h);
    let row = 0;
    for (const part of cross.parts) {
      if (part.kind === 'tag') {
        const embeds = (await this.#embedIds(part.ids)).data as FeatureArray;
        memory.set(embeds, row * h);
        row += part.ids.length;
      } else {
        const features = images[part.image]!.features!;
        memory.set(features.subarray(part.tile * perTile * h, (part.tile + 1) * perTile * h), row * h);
        row += perTile;
      }
    }
    const { Tensor: T } = this.backend.ort;
    const kv = await this.#run(this.#crossKv!, {
      cross_attention_states: new T(info.floatType, memory, [1, rows, h]),
    });
    const mask =
      cross.entries.length > 0
        ? promptMask(info.arch as 'nvlm-x' | 'nvlm-h', cross)
        : new Uint8Array(cross.ids.length);
    const generated = cross.entries.length > 0 ? generatedRow(cross) : new Uint8Array(1);
    const kvFeeds: Feeds = {};
    for (const [name, value] of Object.entries(kv)) kvFeeds[name] = value as OrtTensor;
    return {
      /** Decoder feeds for positions [from, to): the keys and values plus the mask rows. */
      feeds: (from: number, to: number): Feeds => {
        const data = new BigInt64Array((to - from) * rows);
        for (let i = from; i < to; i++) {
          const source = i < cross.ids.length ? mask.subarray(i * rows, (i + 1) * rows) : generated;
          for (let j = 0; j < rows; j++) data[(i - from) * rows + j] = BigInt(source[j]!);
        }
        return { ...kvFeeds, cross_attention_mask: new T('int64', data, [1, to - from, rows]) };
      },
    };
  }

  #stepInput(id: number): Promise<OrtTensor> | OrtTensor {
    return this.info.decoderInput === 'input_ids' ? this.#idsTensor([id]) : this.#embedIds([id]);
  }

  #idsTensor(ids: readonly number[]): OrtTensor {
    return new this.backend.ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (id) => BigInt(id)),
      [1, ids.length],
    );
  }

  /** Embeddings of prompt positions [from, L) with image features spliced over image tokens. */
  async #embedPrompt(
    ids: readonly number[],
    from: number,
    imagePositions: readonly number[],
    images: readonly RequestImage[],
    sources: readonly ImageRow[],
  ): Promise<OrtTensor> {
    const embeds = await this.#embedIds(ids.slice(from));
    const data = embeds.data as FeatureArray;
    const h = this.info.hiddenSize;
    // The k-th image token of the prompt takes feature row sources[k] of its image.
    imagePositions.forEach((position, k) => {
      if (position < from) return;
      const { image, row } = sources[k]!;
      data.set(images[image]!.features!.subarray(row * h, (row + 1) * h), (position - from) * h);
    });
    return embeds;
  }

  async #embedIds(ids: readonly number[]): Promise<OrtTensor> {
    const out = await this.#run(this.#embed!, { input_ids: this.#idsTensor(ids) });
    return out.inputs_embeds!;
  }

  async #decode(
    input: OrtTensor,
    length: number,
    past: number,
    cache: Feeds,
    extra?: Feeds,
    inPlace = false,
  ): Promise<InferenceSession.OnnxValueMapType> {
    const { Tensor: T } = this.backend.ort;
    const total = past + length;
    const feeds: Feeds = {
      [this.info.decoderInput]: input,
      attention_mask: new T('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new T(
        'int64',
        BigInt64Array.from({ length }, (_, i) => BigInt(past + i)),
        [1, length],
      ),
      ...cache,
      ...extra,
    };
    if (!inPlace) return this.#run(this.#decoder, feeds);
    // present.{i} is written into the very buffer fed as past_key_values.{i}.
    const fetches: Record<string, OrtTensor | null> = { logits: null };
    for (const [name, tensor] of Object.entries(cache))
      fetches[name.replace('past_key_values', 'present')] = tensor;
    return this.#run(this.#decoder, feeds, fetches);
  }

  async #run(
    session: InferenceSession,
    feeds: Feeds,
    fetches?: Record<string, OrtTensor | null>,
  ): Promise<InferenceSession.OnnxValueMapType> {
    try {
      return await (fetches ? session.run(feeds, fetches) : session.run(feeds));
    } catch (error) {
      throw new RuntimeError('INFERENCE_FAILED', `onnxruntime failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  //#endregion
}
