/**
 * How graph builders get their weights. Builders name checkpoint tensors; a `GraphWeights`
 * decides how each becomes initializers: sanitised (dummy heads off), transposed for MatMul, cast
 * or block-quantised for MatMulNBits, and read lazily (at write time) so a converter streams the
 * checkpoint instead of holding it in memory.
 */
import type { GraphBuilder, Value } from '@nvlm-ts/onnx';

/** Float type of a graph's activations and float weights. */
export type FloatType = 'float32' | 'float16';

export interface GraphWeights {
  /** Activations and float weights use this type; graph inputs/outputs follow it (see builders). */
  readonly floatType: FloatType;
  /** Checkpoint tensor `name` as an initializer in graph layout (float, padding removed). */
  tensor(g: GraphBuilder, name: string): Value;
  /**
   * `x W^T (+ b)` for the linear layer whose checkpoint weight is `weightName` ([out, in]): a MatMul
   * on the transposed weight, or MatMulNBits when the weights are quantised. `nodeName` names the op
   * inside `g`'s scope (`q_proj` -> `layers.3.attn.q_proj`).
   */
  linear(
    g: GraphBuilder,
    x: Value,
    weightName: string,
    biasName: string | undefined,
    nodeName: string,
  ): Value;
}
