/**
 * The contract every architecture module exports (STYLE.md rule 6, after llama.cpp's
 * load_arch_hparams / load_arch_tensors / build_arch_graph): parse the config, list the weights,
 * build the graphs.
 */
import type { GraphBuilder } from '@nvlm-ts/onnx';
import type { NvlmArchId, NvlmConfig } from './config/nvlm.js';
import type { GraphWeights } from './graph-weights.js';
import type { WeightSpec } from './weights.js';

/** The graphs of a model directory, keyed by file stem (`decoder_model_merged` -> `.onnx`). */
export type GraphSet = Readonly<Record<string, GraphBuilder>>;

export interface GraphSetOptions {
  /** Default-domain opset (default 21). */
  readonly opset?: number;
  /** Decoder logits for every position instead of the last only (parity tests). */
  readonly allLogits?: boolean;
  /** Decoder attention: standard ops (default) or onnxruntime's fused contrib ops (see `decoderGraph`). */
  readonly attention?: 'plain' | 'fused';
}

export interface Architecture {
  /** The id written to nvlm.json; a file-format contract. */
  readonly id: NvlmArchId;
  /** `model_type` values of config.json this architecture loads. */
  readonly modelTypes: readonly string[];
  /** Validates config.json once and returns it frozen. Throws `ArchError('INVALID_CONFIG')`. */
  parseConfig(raw: unknown): NvlmConfig;
  /** Every checkpoint tensor, in checkpoint layout, with conversion-time fix-ups. */
  weightSpecs(config: NvlmConfig): readonly WeightSpec[];
  /** Builds every graph; `weights()` gives a fresh weight provider per graph. */
  buildGraphs(config: NvlmConfig, weights: () => GraphWeights, options?: GraphSetOptions): GraphSet;
}

export function defineArchitecture<const A extends Architecture>(architecture: A): A {
  return Object.freeze(architecture);
}
