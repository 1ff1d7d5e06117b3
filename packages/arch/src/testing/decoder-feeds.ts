/**
 * Decoder feeds for tests and benchmarks: embeddings, mask, positions and the KV cache of the
 * previous step (or an empty one), in the layout `decoderGraph` declares.
 */
import type { NvlmConfig } from '../config/nvlm.js';

type TensorConstructor<T> = new (
  type: 'float32' | 'float16' | 'int64',
  data: unknown,
  dims: readonly number[],
) => T;

export interface DecoderFeedsOptions {
  /** [batch, length, hidden] in the graph's float type. */
  readonly embeds: Float32Array | Uint16Array;
  readonly batch: number;
  readonly length: number;
  /** Cached positions per row (default 0). */
  readonly past?: number;
  /** attention_mask [batch, past + length] (default all ones). */
  readonly mask?: readonly number[];
  /** position_ids [batch, length] (default past + i on every row). */
  readonly positions?: readonly number[];
  /** The previous step's outputs: their `present.*` become this step's pasts. */
  readonly cache?: Readonly<Record<string, unknown>>;
  readonly floatType?: 'float32' | 'float16';
}

export function decoderFeeds<T>(
  Tensor: TensorConstructor<T>,
  config: NvlmConfig,
  o: DecoderFeedsOptions,
): Record<string, T> {
  const t = config.text;
  const past = o.past ?? 0;
  const total = past + o.length;
  const float = o.floatType ?? 'float32';
  const int64 = (values: readonly number[], dims: number[]) =>
    new Tensor(
      'int64',
      BigInt64Array.from(values, (v) => BigInt(v)),
      dims,
    );
  const feeds: Record<string, T> = {
    inputs_embeds: new Tensor(float, o.embeds, [o.batch, o.length, t.hiddenSize]),
    attention_mask: int64(o.mask ?? Array(o.batch * total).fill(1), [o.batch, total]),
    position_ids: int64(
      o.positions ?? Array.from({ length: o.batch * o.length }, (_, i) => past + (i % o.length)),
      [o.batch, o.length],
    ),
  };
  for (let l = 0; l < t.numLayers; l++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kind}`] =
        (o.cache?.[`present.${l}.${kind}`] as T | undefined) ??
        new Tensor(float, float === 'float16' ? new Uint16Array(0) : new Float32Array(0), [
          o.batch,
          t.numKvHeads,
          0,
          t.headDim,
        ]);
    }
  }
  return feeds;
}
