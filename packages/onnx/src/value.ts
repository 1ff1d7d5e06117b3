/**
 * Value handles: the opaque tensors a graph builder hands out. A handle carries the ONNX value name
 * and, where known, dtype and shape hints (shapes are hints only; onnxruntime infers the real ones).
 */

import type { TensorDtype } from './dtypes.js';

/** One dimension: a fixed size, a symbolic name (`'batch'`, becomes `dim_param`), or unknown. */
export type Dim = number | string | undefined;

/** A tensor in a graph under construction. Only its builder creates it; pass it back to that builder. */
export class Value {
  /** The ONNX value name (unique in the graph). */
  readonly name: string;
  /** Element type, when known. */
  readonly dtype: TensorDtype | undefined;
  /** Shape hint, when known. */
  readonly shape: readonly Dim[] | undefined;
  /** The builder state that made this value (identity only). */
  readonly owner: object;

  /** Made by `GraphBuilder`; not for direct use. */
  constructor(owner: object, name: string, dtype?: TensorDtype, shape?: readonly Dim[]) {
    this.owner = owner;
    this.name = name;
    this.dtype = dtype;
    this.shape = shape === undefined ? undefined : Object.freeze([...shape]);
    Object.freeze(this);
  }

  /** The value name, so a value prints readably. */
  toString(): string {
    return this.name;
  }
}
