/**
 * Reference forward pass of NVLM in float64 TypeScript loops: the independent oracle the ONNX
 * graphs are tested against. Slow by design (test-only; tiny configs). Written straight from
 * NVLM.md 5-9 and DESIGN.md, sharing no code with the graph builders.
 *
 * Weight names are the checkpoint's after sanitising (vision dummy heads sliced off), e.g.
 * `vision_model.encoder.layers.0.attn.qkv.weight` [3*H, H].
 */
import type { NvlmConfig } from '../config/nvlm.js';
import {
  addInPlace,
  applyRope,
  attention,
  gelu,
  layerNorm,
  linear,
  rmsNorm,
  silu,
  type Vec,
} from './math.js';

/** Where the reference reads weights from. */
export interface ReferenceWeights {
  get(name: string): { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
}

function weight(w: ReferenceWeights, name: string): ArrayLike<number> {
  return w.get(name).data;
}

//#region vision

/** InternViT on one tile's pixels [3, S, S] -> hidden states without CLS [N, Hv], N = (S/P)^2. */
function internVitTile(cfg: NvlmConfig, w: ReferenceWeights, pixels: ArrayLike<number>, offset: number): Vec {
  const v = cfg.vision;
  const { patchSize: p, gridSize: g, hiddenSize: h, numChannels: ch } = v;
  const s = v.imageSize;
  const tokens = g * g + 1;
  const x = new Float64Array(tokens * h);
  // Patch embedding: Conv2d(ch -> h, kernel p, stride p) with bias; token 1 + r*g + c.
  const pw = weight(w, 'vision_model.embeddings.patch_embedding.weight');
  const pb = weight(w, 'vision_model.embeddings.patch_embedding.bias');
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const t = 1 + r * g + c;
      for (let o = 0; o < h; o++) {
        let acc = pb[o]!;
        for (let k = 0; k < ch; k++) {
          for (let ky = 0; ky < p; ky++) {
            for (let kx = 0; kx < p; kx++) {
              const pixel = pixels[offset + (k * s + r * p + ky) * s + c * p + kx]!;
              acc += pw[((o * ch + k) * p + ky) * p + kx]! * pixel;
            }
          }
        }
        x[t * h + o] = acc;
      }
    }
  }
  const cls = weight(w, 'vision_model.embeddings.class_embedding');
  for (let o = 0; o < h; o++) x[o] = cls[o]!;
  addInPlace(x, weight(w, 'vision_model.embeddings.position_embedding'));

  for (let l = 0; l < v.numLayers; l++) {
    const pre = `vision_model.encoder.layers.${l}`;
    const n1 = rmsNorm(x, tokens, h, weight(w, `${pre}.norm1.weight`), v.normEps);
    const qkvBias = v.qkvBias ? weight(w, `${pre}.attn.qkv.bias`) : undefined;
    const qkv = linear(n1, tokens, h, weight(w, `${pre}.attn.qkv.weight`), 3 * h, qkvBias);
    let q: Vec = new Float64Array(tokens * h);
    let k: Vec = new Float64Array(tokens * h);
    const val = new Float64Array(tokens * h);
    for (let t = 0; t < tokens; t++) {
      q.set(qkv.subarray(t * 3 * h, t * 3 * h + h), t * h);
      k.set(qkv.subarray(t * 3 * h + h, t * 3 * h + 2 * h), t * h);
      val.set(qkv.subarray(t * 3 * h + 2 * h, t * 3 * h + 3 * h), t * h);
    }
    if (v.qkNorm) {
      // One RMSNorm over all heads jointly (NVLM.md 5.1), not per head.
      q = rmsNorm(q, tokens, h, weight(w, `${pre}.attn.q_norm.weight`), v.normEps);
      k = rmsNorm(k, tokens, h, weight(w, `${pre}.attn.k_norm.weight`), v.normEps);
    }
    const a = attention(q, k, val, tokens, tokens, v.numHeads, v.numHeads, v.headDim, () => true);
    const proj = linear(
      a,
      tokens,
      h,
      weight(w, `${pre}.attn.proj.weight`),
      h,
      weight(w, `${pre}.attn.proj.bias`),
    );
    const ls1 = weight(w, `${pre}.ls1`);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + ls1[i % h]! * proj[i]!;

    const n2 = rmsNorm(x, tokens, h, weight(w, `${pre}.norm2.weight`), v.normEps);
    const f1 = linear(
      n2,
      tokens,
      h,
      weight(w, `${pre}.mlp.fc1.weight`),
      v.intermediateSize,
      weight(w, `${pre}.mlp.fc1.bias`),
    );
    for (let i = 0; i < f1.length; i++) f1[i] = gelu(f1[i]!);
    const f2 = linear(
      f1,
      tokens,
      v.intermediateSize,
      weight(w, `${pre}.mlp.fc2.weight`),
      h,
      weight(w, `${pre}.mlp.fc2.bias`),
    );
    const ls2 = weight(w, `${pre}.ls2`);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + ls2[i % h]! * f2[i]!;
  }
  return x.slice(h); // drop CLS
}

/**
 * Pixel shuffle v2 with ratio 0.5 (NVLM.md 6): [g, g, h] -> [(g/2)^2, 4h] with
 * out[i, j] = concat(x[2i, 2j], x[2i, 2j+1], x[2i+1, 2j], x[2i+1, 2j+1]).
 */
export function referencePixelShuffle(x: ArrayLike<number>, g: number, h: number): Vec {
  const half = g / 2;
  const out = new Float64Array(half * half * 4 * h);
  for (let i = 0; i < half; i++) {
    for (let j = 0; j < half; j++) {
      const sources = [
        [2 * i, 2 * j],
        [2 * i, 2 * j + 1],
        [2 * i + 1, 2 * j],
        [2 * i + 1, 2 * j + 1],
      ] as const;
      sources.forEach(([r, c], part) => {
        for (let o = 0; o < h; o++) out[(i * half + j) * 4 * h + part * h + o] = x[(r * g + c) * h + o]!;
      });
    }
  }
  return out;
}

/** The projector `mlp1`: LayerNorm, then Linear-GELU-Linear (D, H) or one Linear (X). */
function projector(cfg: NvlmConfig, w: ReferenceWeights, x: Vec, rows: number): Vec {
  const pc = cfg.projector;
  const ln = layerNorm(
    x,
    rows,
    pc.inputSize,
    weight(w, 'mlp1.0.weight'),
    weight(w, 'mlp1.0.bias'),
    pc.layerNormEps,
  );
  if (pc.kind === 'linear') return linear(ln, rows, pc.inputSize, weight(w, 'mlp1.1.weight'), pc.outputSize);
  const hidden = linear(ln, rows, pc.inputSize, weight(w, 'mlp1.1.weight'), pc.hiddenSize);
  for (let i = 0; i < hidden.length; i++) hidden[i] = gelu(hidden[i]!);
  return linear(hidden, rows, pc.hiddenSize, weight(w, 'mlp1.3.weight'), pc.outputSize);
}

/**
 * Vision encoder + pixel shuffle + projector: `pixels` [T, 3, S, S] -> image features
 * [T, tokensPerTile, textHidden], flattened.
 */
export function referenceVision(
  cfg: NvlmConfig,
  w: ReferenceWeights,
  pixels: ArrayLike<number>,
  tiles: number,
): Vec {
  const v = cfg.vision;
  const perTile = cfg.imageTokensPerTile;
  const out = new Float64Array(tiles * perTile * cfg.text.hiddenSize);
  const tileSize = v.numChannels * v.imageSize * v.imageSize;
  for (let t = 0; t < tiles; t++) {
    const hidden = internVitTile(cfg, w, pixels, t * tileSize);
    const shuffled = referencePixelShuffle(hidden, v.gridSize, v.hiddenSize);
    out.set(projector(cfg, w, shuffled, perTile), t * perTile * cfg.text.hiddenSize);
  }
  return out;
}

//#endregion

//#region text

/** Token embeddings [L, H] for `ids`. */
export function referenceEmbed(cfg: NvlmConfig, w: ReferenceWeights, ids: readonly number[]): Vec {
  const h = cfg.text.hiddenSize;
  const table = weight(w, 'language_model.model.embed_tokens.weight');
  const out = new Float64Array(ids.length * h);
  ids.forEach((id, i) => {
    for (let o = 0; o < h; o++) out[i * h + o] = table[id * h + o]!;
  });
  return out;
}

/** SwiGLU MLP: down(silu(gate(x)) * up(x)). */
function swiglu(w: ReferenceWeights, prefix: string, x: Vec, rows: number, h: number, inter: number): Vec {
  const gate = linear(x, rows, h, weight(w, `${prefix}.gate_proj.weight`), inter);
  const up = linear(x, rows, h, weight(w, `${prefix}.up_proj.weight`), inter);
  for (let i = 0; i < gate.length; i++) gate[i] = silu(gate[i]!) * up[i]!;
  return linear(gate, rows, inter, weight(w, `${prefix}.down_proj.weight`), h);
}

/** Cross-attention inputs for NVLM-X / NVLM-H: the keys' source and who may see what. */
export interface ReferenceCrossAttention {
  /** Cross-attention memory [M, H] (image features, and for H interleaved tag embeddings). */
  memory: Vec;
  length: number;
  /** allowed(i, j): decoder token i may read memory entry j. */
  allowed(i: number, j: number): boolean;
}

export interface ReferenceDecoderOptions {
  /** Position ids, default 0..L-1. */
  positions?: readonly number[];
  /** X / H only. */
  crossAttention?: ReferenceCrossAttention;
  /** Compute logits only for the positions from this one on (the lm_head dominates the cost). */
  logitsFrom?: number;
  /** Called with the hidden states [L, H] after each cross-attention block (test probes). */
  afterCrossAttention?: (block: number, hidden: Float64Array) => void;
}

export interface ReferenceDecoderOutput {
  /** [L - logitsFrom, vocab] */
  logits: Vec;
  /** Final hidden states after the last norm, [L, H]. */
  hidden: Vec;
}

/** One gated cross-attention block (DESIGN.md, NVLM-X/H), in place on x [L, H]. */
function gatedCrossAttention(
  cfg: NvlmConfig,
  w: ReferenceWeights,
  n: number,
  x: Vec,
  rows: number,
  xa: ReferenceCrossAttention,
): void {
  const t = cfg.text;
  const h = t.hiddenSize;
  const pre = `language_model.model.xattn_layers.${n}`;
  const normed = rmsNorm(x, rows, h, weight(w, `${pre}.input_layernorm.weight`), t.rmsNormEps);
  const q = linear(normed, rows, h, weight(w, `${pre}.cross_attn.q_proj.weight`), t.numHeads * t.headDim);
  const k = linear(
    xa.memory,
    xa.length,
    h,
    weight(w, `${pre}.cross_attn.k_proj.weight`),
    t.numKvHeads * t.headDim,
  );
  const v = linear(
    xa.memory,
    xa.length,
    h,
    weight(w, `${pre}.cross_attn.v_proj.weight`),
    t.numKvHeads * t.headDim,
  );
  const a = attention(q, k, v, rows, xa.length, t.numHeads, t.numKvHeads, t.headDim, xa.allowed);
  const o = linear(a, rows, t.numHeads * t.headDim, weight(w, `${pre}.cross_attn.o_proj.weight`), h);
  const attnGate = Math.tanh(weight(w, `${pre}.attn_gate`)[0]!);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + attnGate * o[i]!;
  const normed2 = rmsNorm(x, rows, h, weight(w, `${pre}.post_attention_layernorm.weight`), t.rmsNormEps);
  const m = swiglu(w, `${pre}.mlp`, normed2, rows, h, t.intermediateSize);
  const mlpGate = Math.tanh(weight(w, `${pre}.mlp_gate`)[0]!);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + mlpGate * m[i]!;
}

/**
 * Qwen2 decoder over one full sequence of input embeddings [L, H] with a causal mask (no KV
 * cache: a decode step is checked against the same positions of a longer full forward).
 */
export function referenceDecoder(
  cfg: NvlmConfig,
  w: ReferenceWeights,
  embeds: ArrayLike<number>,
  length: number,
  options: ReferenceDecoderOptions = {},
): ReferenceDecoderOutput {
  const t = cfg.text;
  const h = t.hiddenSize;
  const qDim = t.numHeads * t.headDim;
  const kvDim = t.numKvHeads * t.headDim;
  const positions = options.positions ?? Array.from({ length }, (_, i) => i);
  const x = Float64Array.from(embeds);
  const crossLayers = new Set(cfg.crossAttentionLayers);
  for (let l = 0; l < t.numLayers; l++) {
    if (crossLayers.has(l)) {
      if (!options.crossAttention) throw new Error(`layer ${l} needs cross-attention inputs`);
      gatedCrossAttention(cfg, w, l / t.crossAttentionEvery!, x, length, options.crossAttention);
      options.afterCrossAttention?.(l / t.crossAttentionEvery!, Float64Array.from(x));
    }
    const pre = `language_model.model.layers.${l}`;
    const normed = rmsNorm(x, length, h, weight(w, `${pre}.input_layernorm.weight`), t.rmsNormEps);
    const bias = (name: string) => (t.attentionBias ? weight(w, `${pre}.self_attn.${name}.bias`) : undefined);
    const q = linear(normed, length, h, weight(w, `${pre}.self_attn.q_proj.weight`), qDim, bias('q_proj'));
    const k = linear(normed, length, h, weight(w, `${pre}.self_attn.k_proj.weight`), kvDim, bias('k_proj'));
    const v = linear(normed, length, h, weight(w, `${pre}.self_attn.v_proj.weight`), kvDim, bias('v_proj'));
    applyRope(q, positions, t.numHeads, t.headDim, t.ropeTheta);
    applyRope(k, positions, t.numKvHeads, t.headDim, t.ropeTheta);
    const a = attention(q, k, v, length, length, t.numHeads, t.numKvHeads, t.headDim, (i, j) => j <= i);
    addInPlace(x, linear(a, length, qDim, weight(w, `${pre}.self_attn.o_proj.weight`), h));
    const normed2 = rmsNorm(x, length, h, weight(w, `${pre}.post_attention_layernorm.weight`), t.rmsNormEps);
    addInPlace(x, swiglu(w, `${pre}.mlp`, normed2, length, h, t.intermediateSize));
  }
  const hidden = rmsNorm(x, length, h, weight(w, 'language_model.model.norm.weight'), t.rmsNormEps);
  const head = t.tieWordEmbeddings
    ? weight(w, 'language_model.model.embed_tokens.weight')
    : weight(w, 'language_model.lm_head.weight');
  const from = options.logitsFrom ?? 0;
  return { logits: linear(hidden.subarray(from * h), length - from, h, head, t.vocabSize), hidden };
}

/**
 * NVLM-D end to end: embed `ids`, overwrite the rows whose id is `imageTokenId` with the image
 * features in order (NVLM.md 8.5), run the decoder.
 */
export function referenceNvlmD(
  cfg: NvlmConfig,
  w: ReferenceWeights,
  ids: readonly number[],
  imageFeatures: ArrayLike<number> | undefined,
  imageTokenId: number,
  options: ReferenceDecoderOptions = {},
): ReferenceDecoderOutput {
  const h = cfg.text.hiddenSize;
  const embeds = referenceEmbed(cfg, w, ids);
  let next = 0;
  ids.forEach((id, i) => {
    if (id !== imageTokenId) return;
    if (!imageFeatures || (next + 1) * h > imageFeatures.length)
      throw new Error('more image tokens than features');
    for (let o = 0; o < h; o++) embeds[i * h + o] = imageFeatures[next * h + o]!;
    next++;
  });
  if (imageFeatures && next * h !== imageFeatures.length) throw new Error('fewer image tokens than features');
  return referenceDecoder(cfg, w, embeds, ids.length, options);
}

//#endregion
