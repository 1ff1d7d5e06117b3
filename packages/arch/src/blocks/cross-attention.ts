/**
 * Gated cross-attention of NVLM-X and NVLM-H (DESIGN.md "NVLM-X and NVLM-H"), before every k-th
 * decoder layer:
 *   h = h + tanh(attn_gate) * o_proj(XAttn(norm(h), memory))
 *   h = h + tanh(mlp_gate) * mlp(norm(h))
 * The keys and values of each block are computed once per request from the memory (image
 * features, and for H the interleaved tag embeddings) by `cross_attention_kv.onnx`; the decoder
 * reads them as inputs. No rotary embedding on either side. Which memory entries a token sees is
 * the `cross_attention_mask` input; a token that sees nothing gets a zero attention output.
 */
import type { GraphBuilder, Value } from '@nvlm-ts/onnx';
import type { TextConfig } from '../config/text.js';
import type { FloatType, GraphWeights } from '../graph-weights.js';
import { floatConst, mergeHeads, rmsNorm, splitHeads, swiglu } from './common.js';

const xattn = (n: number) => `language_model.model.xattn_layers.${n}`;
const MASKED = { float32: -3.4028234663852886e38, float16: -65504 } as const;

/**
 * `cross_attention_kv.onnx`: `cross_attention_states` [B, M, H] -> for each block n,
 * `cross_attention.{n}.key|value` [B, nkv, M, hd].
 */
export function crossAttentionKvGraph(g: GraphBuilder, t: TextConfig, w: GraphWeights, blocks: number): void {
  const memory = g.input('cross_attention_states', w.floatType, ['batch', 'memory', t.hiddenSize]);
  for (let n = 0; n < blocks; n++) {
    const s = g.layer(n, 'xattn_layers');
    const k = w.linear(s, memory, `${xattn(n)}.cross_attn.k_proj.weight`, undefined, 'k_proj'); // [B, M, nkv*hd]
    const v = w.linear(s, memory, `${xattn(n)}.cross_attn.v_proj.weight`, undefined, 'v_proj');
    const shape = ['batch', t.numKvHeads, 'memory', t.headDim];
    g.output(
      splitHeads(s, k, t.numKvHeads, t.headDim, 'key'),
      `cross_attention.${n}.key`,
      w.floatType,
      shape,
    ); // [B, nkv, M, hd]
    g.output(
      splitHeads(s, v, t.numKvHeads, t.headDim, 'value'),
      `cross_attention.${n}.value`,
      w.floatType,
      shape,
    );
  }
}

/** Decoder inputs of the cross-attention blocks, declared once per graph. */
export interface CrossAttentionInputs {
  /** bool [B, 1, 1, L, M]: token i may read memory entry j. */
  readonly visible: Value;
  /** [B, 1, L, 1] in the float type: 1 where a token sees some entry, else 0. */
  readonly seesAny: Value;
  readonly masked: Value;
  readonly scale: Value;
}

/** Declares `cross_attention_mask` int64 [B, L, M] and derives the masks the blocks share. */
export function crossAttentionInputs(g: GraphBuilder, ft: FloatType, t: TextConfig): CrossAttentionInputs {
  const m = g.scope('cross_mask');
  const mask = g.input('cross_attention_mask', 'int64', ['batch', 'sequence', 'memory']);
  const bool = m.cast(mask, 'bool', 'visible_2d'); // [B, L, M]
  const visible = m.unsqueeze(bool, [1, 2], 'visible'); // [B, 1, 1, L, M]
  const any = m.reduceSum(mask, [2], { keepdims: true }, 'count'); // [B, L, 1]
  const seesAny = m.unsqueeze(
    m.cast(m.greater(any, m.int64(0, 'zero'), 'any'), ft, 'any_float'),
    [1],
    'sees_any',
  ); // [B, 1, L, 1]
  return {
    visible,
    seesAny,
    masked: floatConst(m, ft, MASKED[ft], 'masked'),
    scale: floatConst(m, ft, 1 / Math.sqrt(t.headDim), 'scale'),
  };
}

/** Gated cross-attention block `n` on the residual `x` [B, L, H]; returns the new residual. */
export function gatedCrossAttention(
  g: GraphBuilder,
  t: TextConfig,
  w: GraphWeights,
  n: number,
  x: Value,
  inputs: CrossAttentionInputs,
): Value {
  const { numHeads: nh, numKvHeads: nkv, headDim: hd } = t;
  const ft = w.floatType;
  const pre = xattn(n);
  const s = g.layer(n, 'xattn_layers');
  const keys = g.input(`cross_attention.${n}.key`, ft, ['batch', nkv, 'memory', hd]);
  const values = g.input(`cross_attention.${n}.value`, ft, ['batch', nkv, 'memory', hd]);
  const a = s.scope('attn');
  const normed = rmsNorm(s, w, x, `${pre}.input_layernorm.weight`, t.rmsNormEps, 'attn_norm');
  const q = splitHeads(
    a,
    w.linear(a, normed, `${pre}.cross_attn.q_proj.weight`, undefined, 'q_proj'),
    nh,
    hd,
    'q',
  ); // [B, nh, L, hd]
  const q5 = a.reshape(a.mul(q, inputs.scale, 'q_scaled'), [0, nkv, nh / nkv, -1, hd], 'q_groups'); // [B, nh, L, hd] -> [B, nkv, g, L, hd]
  const k5 = a.unsqueeze(a.transpose(keys, [0, 1, 3, 2], 'k_t'), [2], 'k_groups'); // [B, nkv, M, hd] -> [B, nkv, 1, hd, M]
  const v5 = a.unsqueeze(values, [2], 'v_groups'); // [B, nkv, 1, M, hd]
  const scores = a.where(inputs.visible, a.matMul(q5, k5, 'scores'), inputs.masked, 'masked_scores'); // [B, nkv, g, L, M]
  const ctx5 = a.matMul(a.softmax(scores, { axis: -1 }, 'probs'), v5, 'context'); // [B, nkv, g, L, hd]
  const ctx = a.mul(a.reshape(ctx5, [0, nh, -1, hd], 'context_heads'), inputs.seesAny, 'context_seen'); // [B, nh, L, hd], 0 where nothing is visible
  const o = w.linear(
    a,
    mergeHeads(a, ctx, nh, hd, 'merge'),
    `${pre}.cross_attn.o_proj.weight`,
    undefined,
    'o_proj',
  );
  const attnGate = s.tanh(w.tensor(s, `${pre}.attn_gate`), 'attn_gate');
  let h = s.add(x, s.mul(o, attnGate, 'gated_attn'), 'attn_residual');
  const normed2 = rmsNorm(s, w, h, `${pre}.post_attention_layernorm.weight`, t.rmsNormEps, 'ffn_norm');
  const mlpGate = s.tanh(w.tensor(s, `${pre}.mlp_gate`), 'mlp_gate');
  h = s.add(h, s.mul(swiglu(s, w, normed2, `${pre}.mlp`), mlpGate, 'gated_mlp'), 'ffn_residual');
  return h;
}
