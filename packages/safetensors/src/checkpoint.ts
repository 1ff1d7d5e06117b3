/**
 * Sharded checkpoints: several safetensors files tied together by `model.safetensors.index.json`
 * (`{ "metadata": {...}, "weight_map": { tensorName: shardFileName } }`), the Hugging Face
 * `transformers` layout (`modeling_utils.load_sharded_checkpoint`). A single-file checkpoint is the
 * one-shard case. Platform-free: `node.ts` opens the files.
 */

import type { Dtype, DtypeArrays } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import type { TensorInfo } from './header.js';
import type { SafetensorsReader } from './reader.js';

/** File name of the shard index in a Hugging Face checkpoint directory. */
export const INDEX_FILE = 'model.safetensors.index.json';
/** File name of a single-file Hugging Face checkpoint. */
export const SINGLE_FILE = 'model.safetensors';
/** Largest index file accepted, in bytes. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024; // 64 MiB

/** The parsed `model.safetensors.index.json`. */
export interface ShardIndex {
  /** The index's `metadata` (often `{ total_size }`); values kept as parsed. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name -> shard file name (relative to the index's directory). */
  readonly weightMap: Readonly<Record<string, string>>;
  /** Distinct shard file names, in first-appearance order. */
  readonly shards: readonly string[];
}

/** Parses and validates index JSON text; `file` names it in errors. */
export function parseShardIndex(text: string, file: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('BAD_INDEX', `index is not valid JSON: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(json) || !isObject(json.weight_map)) {
    throw new SafetensorsError('BAD_INDEX', "index must be an object with a 'weight_map' object", { file });
  }
  const weightMap: Record<string, string> = {};
  const shards: string[] = [];
  for (const [name, shard] of Object.entries(json.weight_map)) {
    if (
      typeof shard !== 'string' ||
      shard === '' ||
      shard.includes('/') ||
      shard.includes('\\') ||
      shard === '..'
    ) {
      throw new SafetensorsError(
        'BAD_INDEX',
        `weight_map entry must be a plain file name, got ${JSON.stringify(shard)}`,
        {
          file,
          tensor: name,
        },
      );
    }
    weightMap[name] = shard;
    if (!shards.includes(shard)) shards.push(shard);
  }
  const metadata = isObject(json.metadata) ? json.metadata : {};
  return Object.freeze({ metadata: Object.freeze(metadata), weightMap: Object.freeze(weightMap), shards });
}

/** A tensor of a checkpoint: its info plus the shard that holds it. */
export interface CheckpointTensor extends TensorInfo {
  /** Name of the shard file (the reader's name). */
  readonly shard: string;
}

/**
 * Random access to the tensors of a checkpoint of one or more safetensors shards. Tensor order is
 * shard order, then file-offset order inside each shard (the streaming-read order).
 */
export class Checkpoint {
  /** The open shards, in index order. */
  readonly shards: readonly SafetensorsReader[];
  /** The shard index, when the checkpoint has one. */
  readonly index: ShardIndex | undefined;
  readonly #where = new Map<string, { reader: SafetensorsReader; info: CheckpointTensor }>();
  readonly #tensors: CheckpointTensor[] = [];

  /**
   * Ties open shard readers together. With an `index`, every weight_map entry must be in the shard it
   * names (`MISSING_TENSOR` otherwise); a tensor in two shards is `BAD_INDEX`.
   */
  constructor(shards: readonly SafetensorsReader[], index?: ShardIndex) {
    this.shards = Object.freeze([...shards]);
    this.index = index;
    for (const reader of shards) {
      for (const t of reader.tensors) {
        const info: CheckpointTensor = Object.freeze({ ...t, shard: reader.name });
        const seen = this.#where.get(t.name);
        if (seen !== undefined) {
          throw new SafetensorsError(
            'BAD_INDEX',
            `tensor is stored in both '${seen.info.shard}' and '${reader.name}'`,
            {
              file: reader.name,
              tensor: t.name,
            },
          );
        }
        this.#where.set(t.name, { reader, info });
        this.#tensors.push(info);
      }
    }
    if (index !== undefined) {
      for (const [name, shard] of Object.entries(index.weightMap)) {
        const found = this.#where.get(name);
        if (found === undefined || !endsWithFile(found.info.shard, shard)) {
          throw new SafetensorsError(
            'MISSING_TENSOR',
            `the index places this tensor in '${shard}', which lacks it`,
            {
              file: shard,
              tensor: name,
            },
          );
        }
      }
    }
  }

  /** Metadata of the first shard (`__metadata__`). */
  get metadata(): Readonly<Record<string, string>> {
    return this.shards[0]?.metadata ?? {};
  }

  /** Every tensor, in shard order then file-offset order. */
  get tensors(): readonly CheckpointTensor[] {
    return this.#tensors;
  }

  /** Tensor names, in shard order then file-offset order. */
  names(): string[] {
    return this.#tensors.map((t) => t.name);
  }

  /** True when some shard holds `name`. */
  has(name: string): boolean {
    return this.#where.has(name);
  }

  /** A tensor's dtype, shape, shard and offset; throws `MISSING_TENSOR` when absent. */
  info(name: string): CheckpointTensor {
    return this.#locate(name).info;
  }

  /** A tensor's raw little-endian bytes (one ranged read). */
  readBytes(name: string): Promise<Uint8Array> {
    return this.#locate(name).reader.readBytes(name);
  }

  /** Raw bytes of rows `[start, end)` along the first dimension (see `SafetensorsReader.readRows`). */
  readRows(name: string, start: number, end: number): Promise<Uint8Array> {
    return this.#locate(name).reader.readRows(name, start, end);
  }

  /** A tensor as the typed array of its dtype (F16/BF16 as `Uint16Array` bits). */
  readTyped<D extends Dtype = Dtype>(name: string): Promise<DtypeArrays[D]> {
    return this.#locate(name).reader.readTyped<D>(name);
  }

  /** A float tensor as float32. */
  readFloat32(name: string): Promise<Float32Array> {
    return this.#locate(name).reader.readFloat32(name);
  }

  /** Yields every tensor with its bytes, shard by shard in file-offset order (one tensor in memory). */
  async *entries(): AsyncGenerator<{ info: CheckpointTensor; bytes: Uint8Array }> {
    for (const info of this.#tensors) yield { info, bytes: await this.readBytes(info.name) };
  }

  /** Closes every shard. */
  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }

  #locate(name: string): { reader: SafetensorsReader; info: CheckpointTensor } {
    const found = this.#where.get(name);
    if (found === undefined) {
      throw new SafetensorsError('MISSING_TENSOR', `no shard of the checkpoint holds this tensor`, {
        tensor: name,
      });
    }
    return found;
  }
}

function endsWithFile(path: string, file: string): boolean {
  return path === file || path.endsWith(`/${file}`) || path.endsWith(`\\${file}`);
}
