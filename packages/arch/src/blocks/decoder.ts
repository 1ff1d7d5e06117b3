/**
 * The Qwen2 decoder (NVLM.md 9.1): token embeddings, pre-norm layers with GQA self-attention
 * (q/k/v bias, rotary, no o_proj bias) and a SwiGLU MLP, final RMSNorm, untied lm_head; plus the
 * gated cross-attention blocks of NVLM-X / NVLM-H (DESIGN.md).
 */
import type { GraphBuilder, Value } from '@nvlm-ts/onnx';
import { f32ToF16 } from '@nvlm-ts/safetensors';
import type { TextConfig } from '../config/text.js';
import type { FloatType, GraphWeights } from '../graph-weights.js';
import type { WeightSpec } from '../weights.js';
import { castTo, floatConst, mergeHeads, rmsNorm, splitHeads, swiglu } from './common.js';

const LM = 'language_model';

export function decoderWeights(t: TextConfig): WeightSpec[] {
  const h = t.hiddenSize;
  const qDim = t.numHeads * t.headDim;
  const kvDim = t.numKvHeads * t.headDim;
  const specs: WeightSpec[] = [
    { name: `${LM}.model.embed_tokens.weight`, shape: [t.vocabSize, h], init: 'normal' },
  ];
  for (let l = 0; l < t.numLayers; l++) {
    const pre = `${LM}.model.layers.${l}`;
    specs.push(
      { name: `${pre}.input_layernorm.weight`, shape: [h], init: 'norm' },
      { name: `${pre}.self_attn.q_proj.weight`, shape: [qDim, h], init: 'normal' },
      { name: `${pre}.self_attn.k_proj.weight`, shape: [kvDim, h], init: 'normal' },
      { name: `${pre}.self_attn.v_proj.weight`, shape: [kvDim, h], init: 'normal' },
    );
    if (t.attentionBias) {
      specs.push(
        { name: `${pre}.self_attn.q_proj.bias`, shape: [qDim], init: 'bias' },
        { name: `${pre}.self_attn.k_proj.bias`, shape: [kvDim], init: 'bias' },
        { name: `${pre}.self_attn.v_proj.bias`, shape: [kvDim], init: 'bias' },
      );
    }
    specs.push(
      { name: `${pre}.self_attn.o_proj.weight`, shape: [h, qDim], init: 'normal' },
      { name: `${pre}.post_attention_layernorm.weight`, shape: [h], init: 'norm' },
      { name: `${pre}.mlp.gate_proj.weight`, shape: [t.intermediateSize, h], init: 'normal' },
      { name: `${pre}.mlp.up_proj.weight`, shape: [t.intermediateSize, h], init: 'normal' },
      { name: `${pre}.mlp.down_proj.weight`, shape: [h, t.intermediateSize], init: 'normal' },
    );
  }
  specs.push({ name: `${LM}.model.norm.weight`, shape: [h], init: 'norm' });
  if (!t.tieWordEmbeddings)
    specs.push({ name: `${LM}.lm_head.weight`, shape: [t.vocabSize, h], init: 'normal' });
  return specs;
}

/** Tensors of gated cross-attention block `n` (DESIGN.md "NVLM-X and NVLM-H"). */
export function crossAttentionWeights(t: TextConfig, n: number): WeightSpec[] {
  const h = t.hiddenSize;
  const qDim = t.numHeads * t.headDim;
  const kvDim = t.numKvHeads * t.headDim;
  const pre = `${LM}.model.xattn_layers.${n}`;
  return [
    { name: `${pre}.input_layernorm.weight`, shape: [h], init: 'norm' },
    { name: `${pre}.cross_attn.q_proj.weight`, shape: [qDim, h], init: 'normal' },
    { name: `${pre}.cross_attn.k_proj.weight`, shape: [kvDim, h], init: 'normal' },
    { name: `${pre}.cross_attn.v_proj.weight`, shape: [kvDim, h], init: 'normal' },
    { name: `${pre}.cross_attn.o_proj.weight`, shape: [h, qDim], init: 'normal' },
    { name: `${pre}.attn_gate`, shape: [1], init: 'scale' },
    { name: `${pre}.post_attention_layernorm.weight`, shape: [h], init: 'norm' },
    { name: `${pre}.mlp.gate_proj.weight`, shape: [t.intermediateSize, h], init: 'normal' },
    { name: `${pre}.mlp.up_proj.weight`, shape: [t.intermediateSize, h], init: 'normal' },
    { name: `${pre}.mlp.down_proj.weight`, shape: [h, t.intermediateSize], init: 'normal' },
    { name: `${pre}.mlp_gate`, shape: [1], init: 'scale' },
  ];
}

/** Options of {@link decoderGraph}. */
export interface DecoderGraphOptions {
  /** Logits for every position (parity tests) or only the last one (generation; default). */
  readonly allLogits?: boolean;
  /**
   * `plain` (default): attention from standard ops with a full mask, so rows may be left-padded.
   * `fused`: com.microsoft RotaryEmbedding + GroupQueryAttention; rows must be unpadded or
   * right-padded.
   */
  readonly attention?: 'plain' | 'fused';
  /**
   * Graph input: `inputs_embeds` (default; NVLM splices image features in) or `input_ids` with the
   * embedding gathered inside, the text-only layout transformers.js and optimum use (`onnx/model.onnx`).
   */
  readonly input?: 'inputs_embeds' | 'input_ids';
  /** Runs before decoder layer `layer` (NVLM-X / NVLM-H cross-attention blocks); returns the new residual. */
  readonly beforeLayer?: (layer: number, x: Value) => Value;
}

/** Masked scores: the most negative finite value, so a fully masked row gives no NaN. */
const MASKED = { float32: -3.4028234663852886e38, float16: -65504 } as const;

/**
 * The Qwen2 decoder with a KV cache, in the transformers.js layout:
 * inputs `inputs_embeds` [B, L, H], `attention_mask` int64 [B, P+L], `position_ids` int64 [B, L],
 * `past_key_values.{i}.key|value` [B, nkv, P, hd]; outputs `logits` float32 [B, L or 1, V] and
 * `present.{i}.key|value` [B, nkv, P+L, hd]. Embeddings and the cache use the graph's float type
 * (float16 halves the cache). With `plain` attention, left padding is expressed by the mask.
 */
export function decoderGraph(
  g: GraphBuilder,
  t: TextConfig,
  w: GraphWeights,
  options: DecoderGraphOptions = {},
): void {
  const { numKvHeads: nkv, headDim: hd, hiddenSize: h } = t;
  const ft = w.floatType;
  const embeds =
    options.input === 'input_ids'
      ? g.gather(
          w.tensor(g, `${LM}.model.embed_tokens.weight`),
          g.input('input_ids', 'int64', ['batch', 'sequence']),
          0,
          'embed_tokens',
        )
      : g.input('inputs_embeds', ft, ['batch', 'sequence', h]);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'total_sequence']);
  const positionIds = g.input('position_ids', 'int64', ['batch', 'sequence']);
  const attend =
    options.attention === 'fused'
      ? fusedAttention(g, t, ft, attentionMask, positionIds)
      : plainAttention(g, t, ft, embeds, attentionMask, positionIds);

  let x = embeds;
  for (let l = 0; l < t.numLayers; l++) {
    if (options.beforeLayer) x = options.beforeLayer(l, x);
    const lg = g.layer(l);
    const pre = `language_model.model.layers.${l}`;
    const a = lg.scope('attn');
    const normed = rmsNorm(lg, w, x, `${pre}.input_layernorm.weight`, t.rmsNormEps, 'attn_norm');
    const bias = (p: string) => (t.attentionBias ? `${pre}.self_attn.${p}.bias` : undefined);
    const q = w.linear(a, normed, `${pre}.self_attn.q_proj.weight`, bias('q_proj'), 'q_proj'); // [B, L, nh*hd]
    const k = w.linear(a, normed, `${pre}.self_attn.k_proj.weight`, bias('k_proj'), 'k_proj'); // [B, L, nkv*hd]
    const v = w.linear(a, normed, `${pre}.self_attn.v_proj.weight`, bias('v_proj'), 'v_proj');
    const pastK = g.input(`past_key_values.${l}.key`, ft, ['batch', nkv, 'past_sequence', hd]);
    const pastV = g.input(`past_key_values.${l}.value`, ft, ['batch', nkv, 'past_sequence', hd]);
    const { context, presentK, presentV } = attend(a, q, k, v, pastK, pastV);
    g.output(presentK, `present.${l}.key`, ft, ['batch', nkv, 'total_sequence', hd]);
    g.output(presentV, `present.${l}.value`, ft, ['batch', nkv, 'total_sequence', hd]);
    const o = w.linear(a, context, `${pre}.self_attn.o_proj.weight`, undefined, 'o_proj');
    x = lg.add(x, o, 'attn_residual');
    const normed2 = rmsNorm(lg, w, x, `${pre}.post_attention_layernorm.weight`, t.rmsNormEps, 'ffn_norm');
    x = lg.add(x, swiglu(lg, w, normed2, `${pre}.mlp`), 'ffn_residual');
  }
  const o = g.scope('output');
  let hidden = rmsNorm(o, w, x, `${LM}.model.norm.weight`, t.rmsNormEps, 'norm');
  if (!options.allLogits) hidden = o.slice(hidden, [-1], [Number.MAX_SAFE_INTEGER], [1], undefined, 'last'); // [B, L, H] -> [B, 1, H]
  const head = t.tieWordEmbeddings ? `${LM}.model.embed_tokens.weight` : `${LM}.lm_head.weight`;
  const logits = castTo(o, w.linear(o, hidden, head, undefined, 'lm_head'), 'float32', 'logits_f32');
  g.output(logits, 'logits', 'float32', ['batch', options.allLogits ? 'sequence' : 1, t.vocabSize]);
}

/** One layer's attention from projected q [B, L, nh*hd], k and v [B, L, nkv*hd] and its cache. */
type Attend = (
  a: GraphBuilder,
  q: Value,
  k: Value,
  v: Value,
  pastK: Value,
  pastV: Value,
) => { context: Value; presentK: Value; presentV: Value };

/**
 * Attention from standard ops: a causal + padding mask (so rows may be left-padded), rotate-half
 * RoPE computed in float32 as HF does, and grouped heads read without copying the cache.
 */
function plainAttention(
  g: GraphBuilder,
  t: TextConfig,
  ft: FloatType,
  embeds: Value,
  attentionMask: Value,
  positionIds: Value,
): Attend {
  const { numHeads: nh, numKvHeads: nkv, headDim: hd } = t;
  const group = nh / nkv;
  // Visibility [B, 1, 1, L, T]: key j visible to query i iff mask[b, j] == 1 and j <= P + i.
  const m = g.scope('mask');
  const total = m.squeeze(m.shape(attentionMask, { start: 1, end: 2 }, 'total'), [0], 'total_scalar');
  const length = m.squeeze(m.shape(embeds, { start: 1, end: 2 }, 'length'), [0], 'length_scalar');
  const one = m.int64(1, 'one');
  const keyPos = m.range(m.int64(0, 'zero'), total, one, 'key_positions'); // [T]
  const past = m.sub(total, length, 'past');
  const queryPos = m.unsqueeze(m.range(past, total, one, 'query_positions'), [1], 'query_column'); // [L, 1]
  const causal = m.not(m.greater(keyPos, queryPos, 'future'), 'causal'); // [L, T]
  const padding = m.unsqueeze(m.cast(attentionMask, 'bool', 'keep'), [1, 2, 3], 'keep_5d'); // [B, 1, 1, 1, T]
  const allowed = m.and(causal, padding, 'allowed'); // [B, 1, 1, L, T]
  const masked = floatConst(m, ft, MASKED[ft], 'masked');

  // Rotary tables [B, 1, L, hd]: angle = position * theta^(-2k/hd), k < hd/2, in float32.
  const r = g.scope('rope');
  const invFreq = Array.from({ length: hd / 2 }, (_, k) => t.ropeTheta ** (-(2 * k) / hd));
  const positions = r.unsqueeze(r.cast(positionIds, 'float32', 'positions'), [2], 'positions_column'); // [B, L, 1]
  const freqs = r.mul(positions, r.float32(invFreq, 'inv_freq'), 'freqs'); // [B, L, hd/2]
  const angles = r.unsqueeze(r.concat([freqs, freqs], -1, 'angles'), [1], 'angles_heads'); // [B, 1, L, hd]
  const cos = castTo(r, r.cos(angles, 'cos_f32'), ft, 'cos');
  const sin = castTo(r, r.sin(angles, 'sin_f32'), ft, 'sin');
  const rope = (s: GraphBuilder, x: Value, name: string): Value => {
    const x1 = s.slice(x, [0], [hd / 2], [-1], undefined, `${name}_x1`);
    const x2 = s.slice(x, [hd / 2], [hd], [-1], undefined, `${name}_x2`);
    const rotated = s.concat([s.neg(x2, `${name}_neg`), x1], -1, `${name}_rotated`); // rotate_half(x)
    return s.add(s.mul(x, cos, `${name}_cos`), s.mul(rotated, sin, `${name}_sin`), `${name}_rope`);
  };
  const scale = floatConst(g, ft, 1 / Math.sqrt(hd), 'attn_scale');

  return (a, q, k, v, pastK, pastV) => {
    const qh = rope(a, splitHeads(a, q, nh, hd, 'q'), 'q'); // [B, nh, L, hd]
    const kh = rope(a, splitHeads(a, k, nkv, hd, 'k'), 'k'); // [B, nkv, L, hd]
    const vh = splitHeads(a, v, nkv, hd, 'v');
    const presentK = a.concat([pastK, kh], 2, 'present_key'); // [B, nkv, T, hd]
    const presentV = a.concat([pastV, vh], 2, 'present_value');
    // Grouped heads without copying the cache: query head h = kv head h / group.
    const q5 = a.reshape(a.mul(qh, scale, 'q_scaled'), [0, nkv, group, -1, hd], 'q_groups'); // [B, nh, L, hd] -> [B, nkv, g, L, hd]
    const k5 = a.unsqueeze(a.transpose(presentK, [0, 1, 3, 2], 'k_t'), [2], 'k_groups'); // -> [B, nkv, 1, hd, T]
    const v5 = a.unsqueeze(presentV, [2], 'v_groups'); // [B, nkv, 1, T, hd]
    const scores = a.where(allowed, a.matMul(q5, k5, 'scores'), masked, 'masked_scores'); // [B, nkv, g, L, T]
    const ctx5 = a.matMul(a.softmax(scores, { axis: -1 }, 'probs'), v5, 'context'); // [B, nkv, g, L, hd]
    const ctx = a.reshape(ctx5, [0, nh, -1, hd], 'context_heads'); // -> [B, nh, L, hd]
    return { context: mergeHeads(a, ctx, nh, hd, 'merge'), presentK, presentV };
  };
}

/**
 * Fused attention: com.microsoft RotaryEmbedding on q and k (cos/sin tables for every position,
 * computed in float64) and GroupQueryAttention over the KV cache. Rows must be unpadded or
 * right-padded: GroupQueryAttention takes each row's length from the attention mask.
 */
function fusedAttention(
  g: GraphBuilder,
  t: TextConfig,
  ft: FloatType,
  attentionMask: Value,
  positionIds: Value,
): Attend {
  const { numHeads: nh, numKvHeads: nkv, headDim: hd } = t;
  const m = g.scope('mask');
  const lengths = m.reduceSum(attentionMask, [1], { keepdims: false }, 'lengths'); // [B]
  const seqlensK = m.cast(m.sub(lengths, m.int64(1, 'one'), 'last_index'), 'int32', 'seqlens_k'); // [B]: length - 1
  const width = m.squeeze(m.shape(attentionMask, { start: 1, end: 2 }, 'total'), [0], 'total_scalar');
  const total = m.cast(width, 'int32', 'total_sequence_length');
  const half = hd / 2;
  const positions = t.maxPositionEmbeddings;
  const cosTable = new Float32Array(positions * half);
  const sinTable = new Float32Array(positions * half);
  for (let k = 0; k < half; k++) {
    const inv = t.ropeTheta ** (-(2 * k) / hd);
    for (let p = 0; p < positions; p++) {
      cosTable[p * half + k] = Math.cos(p * inv);
      sinTable[p * half + k] = Math.sin(p * inv);
    }
  }
  const table = (name: string, data: Float32Array) =>
    g.initializer(name, ft, [positions, half], ft === 'float16' ? f32ToF16(data) : data);
  const cos = table('rope.cos_cache', cosTable);
  const sin = table('rope.sin_cache', sinTable);
  return (a, q, k, v, pastK, pastV) => {
    const qr = a.rotaryEmbedding(q, positionIds, cos, sin, { numHeads: nh }, 'q_rope'); // [B, L, nh*hd]
    const kr = a.rotaryEmbedding(k, positionIds, cos, sin, { numHeads: nkv }, 'k_rope'); // [B, L, nkv*hd]
    const out = a.groupQueryAttention(
      {
        query: qr,
        key: kr,
        value: v,
        pastKey: pastK,
        pastValue: pastV,
        seqlensK,
        totalSequenceLength: total,
      },
      { numHeads: nh, kvNumHeads: nkv, scale: 1 / Math.sqrt(hd) },
      'gqa',
    );
    return { context: out.output, presentK: out.presentKey, presentV: out.presentValue };
  };
}

/** `embed_tokens.onnx`: `input_ids` int64 [B, L] -> `inputs_embeds` [B, L, H]. */
export function embeddingGraph(g: GraphBuilder, t: TextConfig, w: GraphWeights): void {
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const table = w.tensor(g, `${LM}.model.embed_tokens.weight`);
  g.output(g.gather(table, ids, 0, 'embed_tokens'), 'inputs_embeds', w.floatType, [
    'batch',
    'sequence',
    t.hiddenSize,
  ]);
}
