/** The decoder's KV cache between steps: copies, presents -> pasts, device buffers. */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Backend } from './backend.js';
import type { FeatureArray } from './image-cache.js';
import type { NvlmModelInfo } from './model-files.js';

export type Feeds = Record<string, Tensor>;
/** The last position's logits: a copy when the sampler will change them in place, else a view. */
export function lastLogits(logits: Tensor, vocab: number, copy: boolean): Float32Array {
  const data = logits.data as Float32Array;
  return copy ? data.slice(data.length - vocab) : data.subarray(data.length - vocab);
}

/** The next step's pasts; on the device the previous step's GPU buffers are released. */
export function nextPast(
  past: Feeds,
  out: InferenceSession.OnnxValueMapType,
  info: NvlmModelInfo,
  onDevice: boolean,
): Feeds {
  if (onDevice)
    for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return presents(out, info);
}

/** The decoder's presents as the next step's pasts. */
export function presents(out: InferenceSession.OnnxValueMapType, info: NvlmModelInfo): Feeds {
  const feeds: Feeds = {};
  for (let l = 0; l < info.numLayers; l++) {
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = out[`present.${l}.${kind}`] as Tensor;
  }
  return feeds;
}

/**
 * A cache [1, nkv, capacity, hd] per layer holding the first `length` positions of `source` (or
 * nothing). capacity == length reuses the source's own tensors when they already have that size.
 */
export function copyCache(
  backend: Backend,
  source: Feeds | undefined,
  length: number,
  capacity: number,
  info: NvlmModelInfo,
): Feeds {
  const feeds: Feeds = {};
  const { numKvHeads: heads, headDim: d } = info;
  for (let l = 0; l < info.numLayers; l++) {
    for (const kind of ['key', 'value']) {
      const name = `past_key_values.${l}.${kind}`;
      const tensor = source?.[name];
      if (tensor && tensor.dims[2] === capacity && capacity === length) {
        feeds[name] = tensor;
        continue;
      }
      const out =
        info.floatType === 'float16'
          ? new Uint16Array(heads * capacity * d)
          : new Float32Array(heads * capacity * d);
      if (tensor && length > 0) {
        const total = tensor.dims[2]!;
        const src = tensor.data as FeatureArray;
        for (let h = 0; h < heads; h++)
          out.set(src.subarray(h * total * d, (h * total + length) * d), h * capacity * d);
      }
      feeds[name] = new backend.ort.Tensor(info.floatType, out, [1, heads, capacity, d]);
    }
  }
  return feeds;
}
