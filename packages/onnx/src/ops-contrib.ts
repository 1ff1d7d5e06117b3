/**
 * Typed methods for the onnxruntime `com.microsoft` contrib operators nvlm-ts uses, as specified in
 * onnxruntime `docs/ContribOperators.md` (GroupQueryAttention, MultiHeadAttention, RotaryEmbedding,
 * SkipSimplifiedLayerNormalization, MatMulNBits). Using one adds the `com.microsoft` opset 1 import.
 */

import { attr } from './attributes.js';
import { MS_DOMAIN } from './graph-core.js';
import { StandardOps } from './ops-standard.js';
import type { Value } from './value.js';

/** Inputs of {@link ContribOps.groupQueryAttention}. */
export interface GroupQueryAttentionInputs {
  /** [B, S, numHeads * headSize] (or packed QKV when `key`/`value` are omitted). */
  readonly query: Value;
  /** [B, S, kvNumHeads * headSize]. */
  readonly key?: Value;
  /** [B, S, kvNumHeads * headSize]. */
  readonly value?: Value;
  /** [B, kvNumHeads, pastLen, headSize]; omit (or give an empty-length tensor) for the prompt. */
  readonly pastKey?: Value;
  /** [B, kvNumHeads, pastLen, headSize]. */
  readonly pastValue?: Value;
  /** int32 [B]: total valid sequence length minus 1, per batch row. */
  readonly seqlensK: Value;
  /** int32 scalar: total sequence length (past + new). */
  readonly totalSequenceLength: Value;
  /** [maxSeq, rotaryDim / 2], with `doRotary`. */
  readonly cosCache?: Value;
  /** [maxSeq, rotaryDim / 2], with `doRotary`. */
  readonly sinCache?: Value;
}

/** Attributes of {@link ContribOps.groupQueryAttention}. */
export interface GroupQueryAttentionAttributes {
  readonly numHeads: number;
  readonly kvNumHeads: number;
  /** Default 1 / sqrt(headSize). */
  readonly scale?: number;
  /** Apply rotate-half (or interleaved) RoPE to q and k inside the op, at positions past..past+S-1 (needs the caches; onnxruntime CPU requires headSize % 16 == 0). */
  readonly doRotary?: boolean;
  readonly rotaryInterleaved?: boolean;
  /** Sliding-window size (-1 = none). */
  readonly localWindowSize?: number;
  /** Logit soft-capping (0 = none). */
  readonly softcap?: number;
}

/** Outputs of {@link ContribOps.groupQueryAttention}. */
export interface GroupQueryAttentionOutputs {
  /** [B, S, numHeads * headSize]. */
  readonly output: Value;
  /** [B, kvNumHeads, totalLen, headSize]. */
  readonly presentKey: Value;
  /** [B, kvNumHeads, totalLen, headSize]. */
  readonly presentValue: Value;
}

/** Inputs of {@link ContribOps.multiHeadAttention}. */
export interface MultiHeadAttentionInputs {
  /** [B, S, numHeads * headSize]. */
  readonly query: Value;
  /** [B, L, numHeads * headSize] (L may differ from S: cross-attention). */
  readonly key: Value;
  /** [B, L, numHeads * vHeadSize]. */
  readonly value: Value;
  /** Added to q, k and v: [3 * hidden]. */
  readonly bias?: Value;
  /** int32 [B, L] (1 = attend, 0 = masked) or [B] valid lengths. */
  readonly keyPaddingMask?: Value;
  /** Added to the scaled scores: [B or 1, numHeads or 1, S, L] (use -inf / large negative to mask). */
  readonly attentionBias?: Value;
}

/** Attributes of {@link ContribOps.rotaryEmbedding}. */
export interface RotaryEmbeddingAttributes {
  /** Pairs are (x[2i], x[2i+1]) when true, (x[i], x[i + d/2]) (rotate-half, Llama/Qwen) when false. */
  readonly interleaved?: boolean;
  /** Needed when the input is 3-D [B, S, hidden]. */
  readonly numHeads?: number;
  /** Rotated dims per head (default: the whole head). */
  readonly rotaryEmbeddingDim?: number;
  readonly scale?: number;
}

/** Attributes of {@link ContribOps.matMulNBits}. */
export interface MatMulNBitsAttributes {
  /** Input features (columns of the original weight [N, K]). */
  readonly K: number;
  /** Output features. */
  readonly N: number;
  /** 4 or 8. */
  readonly bits: number;
  /** Elements per quantisation block along K: a power of 2, >= 16. */
  readonly blockSize: number;
  /** 0 = default, 1 = fp32, 2 = fp16, 3 = bf16, 4 = int8 compute for A. */
  readonly accuracyLevel?: number;
}

const flag = (name: string, value: boolean | undefined) =>
  value === undefined ? undefined : attr.int(name, value ? 1 : 0);
const optInt = (name: string, value: number | undefined) =>
  value === undefined ? undefined : attr.int(name, value);
const optFloat = (name: string, value: number | undefined) =>
  value === undefined ? undefined : attr.float(name, value);

/** com.microsoft contrib operators (onnxruntime only). */
export class ContribOps extends StandardOps {
  /**
   * Grouped-query attention with KV cache, causal (com.microsoft GroupQueryAttention). Outputs are
   * named `<node>.output`, `<node>.present_key`, `<node>.present_value`.
   */
  groupQueryAttention(
    inputs: GroupQueryAttentionInputs,
    attributes: GroupQueryAttentionAttributes,
    name?: string,
  ): GroupQueryAttentionOutputs {
    const { numHeads, kvNumHeads } = attributes;
    if (
      !Number.isSafeInteger(numHeads) ||
      !Number.isSafeInteger(kvNumHeads) ||
      kvNumHeads < 1 ||
      numHeads % kvNumHeads !== 0
    ) {
      throw new RangeError(
        `'numHeads' must be a positive multiple of 'kvNumHeads', got ${numHeads} and ${kvNumHeads}`,
      );
    }
    const list = [
      attr.int('num_heads', numHeads),
      attr.int('kv_num_heads', kvNumHeads),
      optFloat('scale', attributes.scale),
      flag('do_rotary', attributes.doRotary),
      flag('rotary_interleaved', attributes.rotaryInterleaved),
      optInt('local_window_size', attributes.localWindowSize),
      optFloat('softcap', attributes.softcap),
    ];
    const i = inputs;
    const dtype = i.query.dtype;
    const [output, presentKey, presentValue] = this.op(
      'GroupQueryAttention',
      [
        i.query,
        i.key,
        i.value,
        i.pastKey,
        i.pastValue,
        i.seqlensK,
        i.totalSequenceLength,
        i.cosCache,
        i.sinCache,
      ],
      {
        domain: MS_DOMAIN,
        attributes: list,
        outputs: ['output', 'present_key', 'present_value'],
        dtypes: [dtype, dtype, dtype],
      },
      name,
    );
    return { output: output!, presentKey: presentKey!, presentValue: presentValue! };
  }

  /**
   * Multi-head attention without a KV cache (com.microsoft MultiHeadAttention): bidirectional unless
   * `unidirectional`, for encoders (InternViT) and cross-attention. Output [B, S, numHeads * vHeadSize].
   */
  multiHeadAttention(
    inputs: MultiHeadAttentionInputs,
    attributes: { readonly numHeads: number; readonly scale?: number; readonly unidirectional?: boolean },
    name?: string,
  ): Value {
    if (!Number.isSafeInteger(attributes.numHeads) || attributes.numHeads < 1) {
      throw new RangeError(`'numHeads' must be an integer >= 1, got ${attributes.numHeads}`);
    }
    const list = [
      attr.int('num_heads', attributes.numHeads),
      optFloat('scale', attributes.scale),
      flag('unidirectional', attributes.unidirectional),
    ];
    const i = inputs;
    return this.op(
      'MultiHeadAttention',
      [i.query, i.key, i.value, i.bias, i.keyPaddingMask, i.attentionBias],
      { domain: MS_DOMAIN, attributes: list, dtypes: [i.query.dtype] },
      name,
    )[0]!;
  }

  /**
   * Rotary position embedding (com.microsoft RotaryEmbedding) on [B, S, hidden] (with `numHeads`) or
   * [B, heads, S, headSize]; `positionIds` int64 [B, S]; caches [maxPos, rotaryDim / 2].
   */
  rotaryEmbedding(
    input: Value,
    positionIds: Value,
    cosCache: Value,
    sinCache: Value,
    attributes: RotaryEmbeddingAttributes = {},
    name?: string,
  ): Value {
    const list = [
      flag('interleaved', attributes.interleaved),
      optInt('num_heads', attributes.numHeads),
      optInt('rotary_embedding_dim', attributes.rotaryEmbeddingDim),
      optFloat('scale', attributes.scale),
    ];
    return this.op(
      'RotaryEmbedding',
      [input, positionIds, cosCache, sinCache],
      { domain: MS_DOMAIN, attributes: list, dtypes: [input.dtype] },
      name,
    )[0]!;
  }

  /**
   * Residual add + RMSNorm in one op (com.microsoft SkipSimplifiedLayerNormalization):
   * `sum = input + skip (+ bias)`, `output = rmsnorm(sum) * gamma`. Returns both (`<node>.output`,
   * `<node>.input_skip_bias_sum`), the sum being the next residual.
   */
  skipSimplifiedLayerNormalization(
    input: Value,
    skip: Value,
    gamma: Value,
    bias: Value | undefined,
    attributes: { readonly epsilon?: number } = {},
    name?: string,
  ): { readonly output: Value; readonly sum: Value } {
    const [output, sum] = this.op(
      'SkipSimplifiedLayerNormalization',
      [input, skip, gamma, bias],
      {
        domain: MS_DOMAIN,
        attributes: [optFloat('epsilon', attributes.epsilon)],
        outputs: ['output', null, null, 'input_skip_bias_sum'],
        dtypes: [input.dtype, undefined, undefined, input.dtype],
      },
      name,
    );
    return { output: output!, sum: sum! };
  }

  /**
   * `a @ dequant(B)ᵀ (+ bias)` with B block-quantised to 4 or 8 bits (com.microsoft MatMulNBits).
   * Make `b`, `scales`, `zeroPoints` with `quantizeMatMulNBits`.
   */
  matMulNBits(
    a: Value,
    b: Value,
    scales: Value,
    zeroPoints: Value | undefined,
    bias: Value | undefined,
    attributes: MatMulNBitsAttributes,
    name?: string,
  ): Value {
    const { K, N, bits, blockSize } = attributes;
    if (bits !== 4 && bits !== 8) throw new RangeError(`'bits' must be 4 or 8, got ${bits}`);
    if (!Number.isSafeInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
      throw new RangeError(`'blockSize' must be a power of 2 >= 16, got ${blockSize}`);
    }
    const list = [
      attr.int('K', K),
      attr.int('N', N),
      attr.int('bits', bits),
      attr.int('block_size', blockSize),
      optInt('accuracy_level', attributes.accuracyLevel),
    ];
    return this.op(
      'MatMulNBits',
      [a, b, scales, zeroPoints, undefined, bias],
      { domain: MS_DOMAIN, attributes: list, dtypes: [a.dtype] },
      name,
    )[0]!;
  }
}
