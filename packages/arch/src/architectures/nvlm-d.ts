/**
 * NVLM-D (decoder-only, the released NVLM-D-72B): InternViT + pixel shuffle + 2-layer MLP
 * projector; each tile's 256 features replace `<|vision_pad|>` tokens in the Qwen2 decoder's input.
 * NVLM.md 2, 5-9. Three graphs (DESIGN.md "Model directory"): vision encoder, token embedding,
 * decoder with KV cache.
 */
import { GraphBuilder } from '@nvlm-ts/onnx';
import { defineArchitecture, type GraphSet, type GraphSetOptions } from '../architecture.js';
import { decoderGraph, decoderWeights, embeddingGraph } from '../blocks/decoder.js';
import { pixelShuffleGraph, projectorGraph, projectorWeights } from '../blocks/projector.js';
import { visionEncoderGraph, visionEncoderWeights } from '../blocks/vision-encoder.js';
import { MODEL_TYPES, type NvlmConfig, parseNvlmConfig } from '../config/nvlm.js';
import type { GraphWeights } from '../graph-weights.js';

/** `vision_encoder.onnx`: `pixel_values` float32 [T, 3, S, S] -> `image_features` [T, 256, H] (graph float type). */
export function visionGraph(
  config: NvlmConfig,
  w: GraphWeights,
  opset: number,
  attention: 'plain' | 'fused' = 'plain',
): GraphBuilder {
  const v = config.vision;
  const g = new GraphBuilder({ name: 'vision_encoder', opset });
  const pixels = g.input('pixel_values', 'float32', ['tiles', v.numChannels, v.imageSize, v.imageSize]);
  const hidden = visionEncoderGraph(g, v, w, pixels, { attention }); // [T, N, Hv]
  const shuffled = pixelShuffleGraph(g, hidden, v.gridSize, v.hiddenSize); // [T, 256, 4Hv]
  const features = projectorGraph(g, config.projector, w, shuffled); // [T, 256, H]
  g.output(features, 'image_features', w.floatType, [
    'tiles',
    config.imageTokensPerTile,
    config.text.hiddenSize,
  ]);
  return g;
}

export const nvlmD = defineArchitecture({
  id: 'nvlm-d',
  modelTypes: [MODEL_TYPES['nvlm-d']],
  parseConfig: (raw: unknown) => parseNvlmConfig(raw, 'nvlm-d'),
  weightSpecs: (config: NvlmConfig) => [
    ...visionEncoderWeights(config.vision),
    ...projectorWeights(config.projector),
    ...decoderWeights(config.text),
  ],
  buildGraphs(config: NvlmConfig, weights: () => GraphWeights, options: GraphSetOptions = {}): GraphSet {
    const opset = options.opset ?? 21;
    const embed = new GraphBuilder({ name: 'embed_tokens', opset });
    embeddingGraph(embed, config.text, weights());
    const decoder = new GraphBuilder({ name: 'decoder_model_merged', opset });
    decoderGraph(decoder, config.text, weights(), {
      allLogits: options.allLogits ?? false,
      attention: options.attention ?? 'plain',
    });
    return {
      vision_encoder: visionGraph(config, weights(), opset, options.attention ?? 'plain'),
      embed_tokens: embed,
      decoder_model_merged: decoder,
    };
  },
});
