/**
 * What NVLM-X and NVLM-H share: the gated cross-attention blocks in the decoder and the graph that
 * computes their keys and values once per request. Each architecture file composes this with its
 * own projector and prompt form.
 */
import { GraphBuilder } from '@nvlm-ts/onnx';
import type { GraphSet, GraphSetOptions } from '../architecture.js';
import {
  crossAttentionInputs,
  crossAttentionKvGraph,
  gatedCrossAttention,
} from '../blocks/cross-attention.js';
import { crossAttentionWeights, decoderGraph, decoderWeights, embeddingGraph } from '../blocks/decoder.js';
import { projectorWeights } from '../blocks/projector.js';
import { visionEncoderWeights } from '../blocks/vision-encoder.js';
import type { NvlmConfig } from '../config/nvlm.js';
import type { GraphWeights } from '../graph-weights.js';
import type { WeightSpec } from '../weights.js';
import { visionGraph } from './nvlm-d.js';

export function crossAttentionFamilyWeights(config: NvlmConfig): WeightSpec[] {
  return [
    ...visionEncoderWeights(config.vision),
    ...projectorWeights(config.projector),
    ...decoderWeights(config.text),
    ...config.crossAttentionLayers.flatMap((_, n) => crossAttentionWeights(config.text, n)),
  ];
}

/** The four graphs of an X or H model directory. */
export function crossAttentionFamilyGraphs(
  config: NvlmConfig,
  weights: () => GraphWeights,
  options: GraphSetOptions = {},
): GraphSet {
  const opset = options.opset ?? 21;
  const t = config.text;
  const embed = new GraphBuilder({ name: 'embed_tokens', opset });
  embeddingGraph(embed, t, weights());
  const kv = new GraphBuilder({ name: 'cross_attention_kv', opset });
  crossAttentionKvGraph(kv, t, weights(), config.crossAttentionLayers.length);
  const decoder = new GraphBuilder({ name: 'decoder_model_merged', opset });
  const w = weights();
  const inputs = crossAttentionInputs(decoder, w.floatType, t);
  const blockBefore = new Map(config.crossAttentionLayers.map((layer, n) => [layer, n]));
  decoderGraph(decoder, t, w, {
    allLogits: options.allLogits ?? false,
    attention: options.attention ?? 'plain',
    beforeLayer: (layer, x) => {
      const n = blockBefore.get(layer);
      return n === undefined ? x : gatedCrossAttention(decoder, t, w, n, x, inputs);
    },
  });
  return {
    vision_encoder: visionGraph(config, weights(), opset, options.attention ?? 'plain'),
    embed_tokens: embed,
    cross_attention_kv: kv,
    decoder_model_merged: decoder,
  };
}
