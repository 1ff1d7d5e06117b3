/**
 * A model directory as the runtime reads it (DESIGN.md "Model directory"): nvlm.json, config.json,
 * tokenizer files and the ONNX graphs. `ModelFiles` hides where the files live: paths in Node
 * (onnxruntime loads them itself, memory-mapping external data), URLs in the browser.
 */
import { RuntimeError } from './errors.js';

export interface ModelFiles {
  /** A human-readable location (directory path or base URL), for messages. */
  readonly location: string;
  /** Text of a small file; rejects with `BAD_MODEL` naming the file when it is absent. */
  readText(name: string): Promise<string>;
  /** Whether a file exists. */
  has(name: string): Promise<boolean>;
  /**
   * What to hand to `InferenceSession.create` for an ONNX file: a path or URL, or with `bytes` the
   * file's bytes, plus its external data files.
   */
  session(
    name: string,
    options?: { bytes?: boolean },
  ): Promise<{ model: string | Uint8Array; externalData?: { path: string; data: string | Uint8Array }[] }>;
}

/** nvlm.json, validated. */
export interface NvlmModelInfo {
  readonly arch: 'nvlm-d' | 'nvlm-x' | 'nvlm-h';
  readonly dtype: string;
  readonly floatType: 'float32' | 'float16';
  readonly files: {
    readonly vision_encoder?: string;
    readonly embed_tokens?: string;
    readonly decoder: string;
    /** NVLM-X / NVLM-H: the graph computing cross-attention keys and values from the memory. */
    readonly cross_attention_kv?: string;
  };
  /** What the decoder consumes: embeddings (NVLM layout, images spliced in) or token ids (text-only layout). */
  readonly decoderInput: 'inputs_embeds' | 'input_ids';
  /** Decoder attention: `fused` (GroupQueryAttention; the cache can be updated in place) or `plain`. */
  readonly attention: 'plain' | 'fused';
  /** External data files per ONNX file. */
  readonly externalData: Readonly<Record<string, readonly string[]>>;
  readonly imageToken: string;
  readonly imageTokenId: number | null;
  readonly imageTokensPerTile: number;
  readonly tileSize: number;
  readonly minTiles: number;
  readonly maxTiles: number;
  readonly useThumbnail: boolean;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
}

function fail(file: string, message: string): never {
  throw new RuntimeError('BAD_MODEL', `${file}: ${message}`);
}

function field<T>(
  obj: Record<string, unknown>,
  key: string,
  kind: 'string' | 'number' | 'boolean' | 'object',
  file: string,
): T {
  const value = obj[key];
  if (typeof value !== kind || value === null)
    fail(file, `field '${key}' must be a ${kind}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** Parses and checks nvlm.json (written by `nvlm convert`). */
export function parseNvlmJson(text: string, file = 'nvlm.json'): NvlmModelInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.format !== 'nvlm-ts') fail(file, `format must be "nvlm-ts", got ${JSON.stringify(o.format)}`);
  if (o.format_version !== 1)
    fail(file, `format_version ${JSON.stringify(o.format_version)} is not supported (expected 1)`);
  const arch = field<string>(o, 'arch', 'string', file);
  if (!['nvlm-d', 'nvlm-x', 'nvlm-h'].includes(arch)) fail(file, `arch '${arch}' is not supported`);
  const files = field<Record<string, unknown>>(o, 'files', 'object', file);
  const text_ = field<Record<string, unknown>>(o, 'text', 'object', file);
  const floatType = (o.float_type ?? 'float32') as string;
  if (floatType !== 'float32' && floatType !== 'float16')
    fail(file, `float_type '${floatType}' is not supported`);
  const imageTokenId = o.image_token_id;
  if (imageTokenId !== null && typeof imageTokenId !== 'number')
    fail(file, `image_token_id must be a number or null`);
  return Object.freeze({
    arch: arch as NvlmModelInfo['arch'],
    dtype: field<string>(o, 'dtype', 'string', file),
    floatType,
    files: Object.freeze({
      ...(typeof files.vision_encoder === 'string' && { vision_encoder: files.vision_encoder }),
      ...(typeof files.cross_attention_kv === 'string' && { cross_attention_kv: files.cross_attention_kv }),
      embed_tokens: field<string>(files, 'embed_tokens', 'string', `${file} files`),
      decoder: field<string>(files, 'decoder', 'string', `${file} files`),
    }),
    decoderInput: 'inputs_embeds',
    attention: o.attention === 'fused' ? 'fused' : 'plain',
    externalData: Object.freeze({ ...((o.external_data as Record<string, string[]> | undefined) ?? {}) }),
    imageToken: field<string>(o, 'image_token', 'string', file),
    imageTokenId: imageTokenId as number | null,
    imageTokensPerTile: field<number>(o, 'image_tokens_per_tile', 'number', file),
    tileSize: field<number>(o, 'tile_size', 'number', file),
    minTiles: field<number>(o, 'min_tiles', 'number', file),
    maxTiles: field<number>(o, 'max_tiles', 'number', file),
    useThumbnail: field<boolean>(o, 'use_thumbnail', 'boolean', file),
    hiddenSize: field<number>(text_, 'hidden_size', 'number', `${file} text`),
    numLayers: field<number>(text_, 'num_layers', 'number', `${file} text`),
    numKvHeads: field<number>(text_, 'num_kv_heads', 'number', `${file} text`),
    headDim: field<number>(text_, 'head_dim', 'number', `${file} text`),
    vocabSize: field<number>(text_, 'vocab_size', 'number', `${file} text`),
    maxPositionEmbeddings: field<number>(text_, 'max_position_embeddings', 'number', `${file} text`),
  } as NvlmModelInfo);
}

/**
 * A text-only decoder in the transformers.js / optimum layout (config.json with a Qwen2-style
 * `model_type`, `onnx/model.onnx` taking `input_ids`), described like an nvlm.json.
 */
export function textModelInfo(configText: string, decoderFile: string, file = 'config.json'): NvlmModelInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(configText);
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object') fail(file, 'must be a JSON object');
  const c = raw as Record<string, unknown>;
  const heads = field<number>(c, 'num_attention_heads', 'number', file);
  const hidden = field<number>(c, 'hidden_size', 'number', file);
  return Object.freeze({
    arch: 'nvlm-d',
    dtype: 'fp32',
    floatType: 'float32',
    files: Object.freeze({ decoder: decoderFile }),
    decoderInput: 'input_ids',
    attention: 'plain',
    externalData: Object.freeze({}),
    imageToken: '<|vision_pad|>',
    imageTokenId: null,
    imageTokensPerTile: 256,
    tileSize: 448,
    minTiles: 1,
    maxTiles: 6,
    useThumbnail: true,
    hiddenSize: hidden,
    numLayers: field<number>(c, 'num_hidden_layers', 'number', file),
    numKvHeads: typeof c.num_key_value_heads === 'number' ? c.num_key_value_heads : heads,
    headDim: typeof c.head_dim === 'number' ? c.head_dim : hidden / heads,
    vocabSize: field<number>(c, 'vocab_size', 'number', file),
    maxPositionEmbeddings: typeof c.max_position_embeddings === 'number' ? c.max_position_embeddings : 32768,
  } as NvlmModelInfo);
}
