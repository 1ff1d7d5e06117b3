/** Small graph pieces shared by the blocks: RMSNorm, SwiGLU MLP, head split/merge. */

import type { GraphBuilder, Value } from '@nvlm-ts/onnx';
import { f32ToF16 } from '@nvlm-ts/safetensors';
import type { FloatType, GraphWeights } from '../graph-weights.js';

/** A float constant (scalar for a number, 1-D for an array) of the graph's float type. */
export function floatConst(
  g: GraphBuilder,
  type: FloatType,
  values: number | readonly number[],
  name: string,
): Value {
  if (type === 'float32') return g.float32(values, name);
  const list = typeof values === 'number' ? [values] : values;
  return g.constant(
    {
      dtype: 'float16',
      dims: typeof values === 'number' ? [] : [list.length],
      data: f32ToF16(Float32Array.from(list)),
    },
    name,
  );
}

/** Casts `x` to `type` unless it already is (by its dtype hint). */
export function castTo(g: GraphBuilder, x: Value, type: FloatType, name: string): Value {
  return x.dtype === type ? x : g.cast(x, type, name);
}

/** RMSNorm over the last axis: `x / sqrt(mean(x^2) + eps) * weight`. */
export function rmsNorm(
  g: GraphBuilder,
  w: GraphWeights,
  x: Value,
  weight: string,
  eps: number,
  name: string,
): Value {
  return g.simplifiedLayerNormalization(x, w.tensor(g, weight), { axis: -1, epsilon: eps }, name);
}

/** SwiGLU: `down(silu(gate(x)) * up(x))`, no biases (Qwen2 MLP). `prefix` is the checkpoint prefix. */
export function swiglu(g: GraphBuilder, w: GraphWeights, x: Value, prefix: string): Value {
  const m = g.scope('mlp');
  const gate = w.linear(m, x, `${prefix}.gate_proj.weight`, undefined, 'gate_proj');
  const up = w.linear(m, x, `${prefix}.up_proj.weight`, undefined, 'up_proj');
  const act = m.mul(gate, m.sigmoid(gate, 'silu_sigmoid'), 'silu');
  return w.linear(m, m.mul(act, up, 'gate_up'), `${prefix}.down_proj.weight`, undefined, 'down_proj');
}

/** [B, L, heads*d] -> [B, heads, L, d] */
export function splitHeads(g: GraphBuilder, x: Value, heads: number, d: number, name: string): Value {
  const r = g.reshape(x, [0, 0, heads, d], `${name}_reshape`); // [B, L, heads, d]
  return g.transpose(r, [0, 2, 1, 3], `${name}_heads`); // [B, heads, L, d]
}

/** [B, heads, L, d] -> [B, L, heads*d] */
export function mergeHeads(g: GraphBuilder, x: Value, heads: number, d: number, name: string): Value {
  const t = g.transpose(x, [0, 2, 1, 3], `${name}_transpose`); // [B, L, heads, d]
  return g.reshape(t, [0, 0, heads * d], name); // [B, L, heads*d]
}
