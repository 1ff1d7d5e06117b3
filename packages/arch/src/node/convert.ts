/**
 * `nvlm convert`: a Hugging Face NVLM checkpoint -> an nvlm-ts ONNX model directory (DESIGN.md
 * "Model directory"): the three graphs with external weight data, config.json untouched, the
 * tokenizer files, and `nvlm.json`. Weights stream from safetensors one tensor at a time, so memory
 * is bounded by the largest tensor, not the model. Output is written to a temporary directory and
 * renamed at the end: a failure leaves nothing at the destination. Deterministic: the same
 * checkpoint and options give byte-identical files.
 */
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveModel } from '@nvlm-ts/onnx/node';
import { type Checkpoint, openCheckpoint } from '@nvlm-ts/safetensors';
import {
  CheckpointWeights,
  DEFAULT_ACCURACY_LEVEL,
  type MatMulAccuracyLevel,
  type WeightDtype,
} from '../checkpoint-weights.js';
import type { NvlmArchId, NvlmConfig } from '../config/nvlm.js';
import { ArchError } from '../errors.js';
import { loadConfig } from '../registry.js';
import { checkShape, graphShape, type WeightSpec } from '../weights.js';
import { checkOutputDirectory, writeDirectoryAtomically } from './output-dir.js';

/** Files copied from the checkpoint when present. */
const PASSTHROUGH_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'generation_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'preprocessor_config.json',
];

export interface ConvertProgress {
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Checkpoint bytes read so far / in all. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** The tensor just converted. */
  readonly tensor: string;
}

export interface ConvertOptions {
  /** Weight format: fp32 (default), fp16 (float16 weights and activations), or int8 / int4 MatMulNBits for every linear layer. */
  dtype?: WeightDtype;
  /** MatMulNBits block size (int8/int4), default 32. */
  blockSize?: number;
  /** Symmetric quantisation (default) or asymmetric with zero points. */
  symmetric?: boolean;
  /**
   * MatMulNBits `accuracy_level` of int8/int4 graphs: 4 (default, int8 compute: fastest on CPU), 1
   * (fp32 compute), 2 (fp16), 3 (bf16), 0 (unset).
   */
  accuracyLevel?: MatMulAccuracyLevel;
  /** Replace a non-empty output directory. */
  overwrite?: boolean;
  /** Called after each tensor is read and written. */
  onProgress?: (progress: ConvertProgress) => void;
  /** Default-domain opset of the graphs (default 21). */
  opset?: number;
  /**
   * Decoder attention: `fused` (default; com.microsoft RotaryEmbedding + GroupQueryAttention,
   * faster, unpadded or right-padded rows) or `plain` (standard ops, any padding).
   */
  attention?: 'plain' | 'fused';
}

/** What `nvlm.json` holds: everything the runtime needs besides config.json. */
export interface NvlmJson {
  readonly format: 'nvlm-ts';
  readonly format_version: 1;
  readonly arch: NvlmArchId;
  readonly model_type: string;
  readonly dtype: WeightDtype;
  /** Type of image features, input embeddings and the KV cache (pixel_values and logits are always float32). */
  readonly float_type: 'float32' | 'float16';
  readonly quantization?: {
    readonly bits: 4 | 8;
    readonly block_size: number;
    readonly symmetric: boolean;
    /** MatMulNBits accuracy_level (0 = unset). */
    readonly accuracy_level: MatMulAccuracyLevel;
  };
  readonly opset: number;
  /** Decoder attention implementation; `fused` needs unpadded (or right-padded) batches. */
  readonly attention: 'plain' | 'fused';
  readonly files: Readonly<Record<string, string>>;
  /** External weight files of each ONNX file (for loaders that fetch them, e.g. onnxruntime-web). */
  readonly external_data: Readonly<Record<string, readonly string[]>>;
  readonly image_token: string;
  readonly image_token_id: number | null;
  readonly image_tokens_per_tile: number;
  readonly tile_size: number;
  readonly min_tiles: number;
  readonly max_tiles: number;
  readonly use_thumbnail: boolean;
  readonly text: {
    readonly hidden_size: number;
    readonly num_layers: number;
    readonly num_kv_heads: number;
    readonly head_dim: number;
    readonly vocab_size: number;
    readonly max_position_embeddings: number;
  };
  readonly cross_attention_layers: readonly number[];
}

export interface ConvertResult {
  readonly dir: string;
  readonly nvlm: NvlmJson;
  readonly tensors: number;
  /** Bytes of every file written. */
  readonly bytesWritten: number;
}

const IMAGE_TOKEN = '<|vision_pad|>';

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ArchError('INVALID_CONFIG', `cannot read ${what} at ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArchError('INVALID_CONFIG', `${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Checks every tensor the architecture needs is present with an accepted shape. */
function checkCheckpoint(checkpoint: Checkpoint, specs: readonly WeightSpec[]): void {
  const missing = specs.filter((s) => !checkpoint.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((n) => `'${n}'`)
      .join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new ArchError('MISSING_TENSOR', `checkpoint lacks tensor ${shown}${more}`);
  }
  for (const spec of specs) {
    const info = checkpoint.info(spec.name);
    if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) {
      throw new ArchError(
        'BAD_TENSOR',
        `tensor '${spec.name}' has dtype ${info.dtype}, expected a float type`,
      );
    }
    const unpadded = graphShape(spec);
    const accepted = info.shape.length === unpadded.length && info.shape.every((d, i) => d === unpadded[i]);
    if (!accepted) checkShape(spec.name, info.shape, spec.shape);
  }
}

/** The ArchError / SafetensorsError inside wrapper errors (the ONNX writer wraps lazy-source failures). */
function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5 && e instanceof Error; i++) {
    if (e instanceof ArchError || e.name === 'SafetensorsError') return e;
    e = e.cause;
  }
  return error;
}

function tokenId(tokenizer: unknown, content: string): number | null {
  const added = (tokenizer as { added_tokens?: { id: number; content: string }[] })?.added_tokens ?? [];
  return added.find((t) => t.content === content)?.id ?? null;
}

function describeModel(
  arch: NvlmArchId,
  modelType: string,
  config: NvlmConfig,
  options: ConvertOptions,
  imageTokenId: number | null,
  opset: number,
  graphNames: readonly string[],
): NvlmJson {
  const dtype = options.dtype ?? 'fp32';
  const t = config.text;
  return {
    format: 'nvlm-ts',
    format_version: 1,
    arch,
    model_type: modelType,
    dtype,
    float_type: dtype === 'fp16' ? 'float16' : 'float32',
    ...(dtype !== 'fp32' && {
      quantization: {
        bits: dtype === 'int8' ? 8 : 4,
        block_size: options.blockSize ?? 32,
        symmetric: options.symmetric ?? true,
        accuracy_level: options.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL,
      },
    }),
    opset,
    attention: options.attention ?? 'fused',
    // Roles -> files: `decoder` is decoder_model_merged, every other graph keeps its own name.
    files: Object.fromEntries(
      graphNames.map((name) => [name === 'decoder_model_merged' ? 'decoder' : name, `${name}.onnx`]),
    ),
    external_data: {},
    image_token: IMAGE_TOKEN,
    image_token_id: imageTokenId,
    image_tokens_per_tile: config.imageTokensPerTile,
    tile_size: config.tileSize,
    min_tiles: config.minTiles,
    max_tiles: config.maxTiles,
    use_thumbnail: config.useThumbnail,
    text: {
      hidden_size: t.hiddenSize,
      num_layers: t.numLayers,
      num_kv_heads: t.numKvHeads,
      head_dim: t.headDim,
      vocab_size: t.vocabSize,
      max_position_embeddings: t.maxPositionEmbeddings,
    },
    cross_attention_layers: config.crossAttentionLayers,
  };
}

/** Converts the checkpoint directory `checkpointDir` into an nvlm-ts model directory at `out`. */
export async function convert(
  checkpointDir: string,
  out: string,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  const dtype = options.dtype ?? 'fp32';
  if (!['fp32', 'fp16', 'int8', 'int4'].includes(dtype)) {
    throw new RangeError(`'dtype' must be one of fp32, fp16, int8, int4, got '${dtype}'`);
  }
  const opset = options.opset ?? 21;
  const accuracyLevel = options.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL;
  if (![0, 1, 2, 3, 4].includes(accuracyLevel)) {
    throw new RangeError(`'accuracyLevel' must be 0, 1, 2, 3 or 4, got ${String(accuracyLevel)}`);
  }
  await checkOutputDirectory(out, options.overwrite ?? false);
  const rawConfig = await readJson(join(checkpointDir, 'config.json'), 'config.json');
  const { architecture, config } = loadConfig(rawConfig);
  const specs = architecture.weightSpecs(config);
  const checkpoint = await openCheckpoint(checkpointDir).catch((error: unknown) => {
    throw new ArchError(
      'MISSING_TENSOR',
      `cannot open the checkpoint in ${checkpointDir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  });
  try {
    checkCheckpoint(checkpoint, specs);
    const bytesTotal = specs.reduce((sum, s) => sum + checkpoint.info(s.name).byteLength, 0);
    let tensorsDone = 0;
    let bytesDone = 0;
    const seen = new Set<string>();
    const load = async (name: string) => {
      const info = checkpoint.info(name);
      const data = await checkpoint.readFloat32(name);
      if (!seen.has(name)) {
        seen.add(name);
        tensorsDone++;
        bytesDone += info.byteLength;
      }
      options.onProgress?.({ tensorsDone, tensorsTotal: specs.length, bytesDone, bytesTotal, tensor: name });
      return { data, shape: info.shape };
    };
    const format = {
      dtype,
      blockSize: options.blockSize ?? 32,
      symmetric: options.symmetric ?? true,
      accuracyLevel,
    };
    const attention = options.attention ?? 'fused';
    if (attention !== 'plain' && attention !== 'fused') {
      throw new RangeError(`'attention' must be 'plain' or 'fused', got '${String(attention)}'`);
    }
    const graphs = architecture.buildGraphs(config, () => new CheckpointWeights(specs, load, format), {
      opset,
      attention,
    });
    const tokenizerJson = await readFile(join(checkpointDir, 'tokenizer.json'), 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => undefined,
    );
    const nvlm = describeModel(
      architecture.id,
      (rawConfig as { model_type: string }).model_type,
      config,
      options,
      tokenId(tokenizerJson, IMAGE_TOKEN),
      opset,
      Object.keys(graphs),
    );
    let bytesWritten = 0;
    const externalData: Record<string, string[]> = {};
    await writeDirectoryAtomically(out, options.overwrite ?? false, async (dir) => {
      for (const [name, graph] of Object.entries(graphs)) {
        try {
          const result = await saveModel(graph, join(dir, `${name}.onnx`), {
            producerName: 'nvlm-ts',
            metadata: { arch: architecture.id, dtype },
          });
          bytesWritten +=
            result.model.byteLength + result.externalFiles.reduce((s, f) => s + f.byteLength, 0);
          externalData[`${name}.onnx`] = result.externalFiles.map((f) => f.location);
        } catch (error) {
          const cause = rootCause(error);
          if (cause !== error) throw cause;
          throw new ArchError(
            'CONVERSION_FAILED',
            `writing ${name}.onnx failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      await copyFile(join(checkpointDir, 'config.json'), join(dir, 'config.json'));
      for (const file of PASSTHROUGH_FILES) {
        const from = join(checkpointDir, file);
        if (
          await stat(from).then(
            () => true,
            () => false,
          )
        )
          await copyFile(from, join(dir, file));
      }
      await writeFile(
        join(dir, 'nvlm.json'),
        `${JSON.stringify({ ...nvlm, external_data: externalData }, null, 2)}\n`,
      );
    });
    return { dir: out, nvlm: { ...nvlm, external_data: externalData }, tensors: specs.length, bytesWritten };
  } finally {
    await checkpoint.close();
  }
}
