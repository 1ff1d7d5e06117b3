/**
 * Typed constructors for ONNX `AttributeProto`s. ONNX attributes carry their type, so an integer
 * attribute and a float attribute of the same number encode differently; every op method of the
 * builder picks the right constructor, and `g.op()` users pick one here.
 */

import { byteLengthOf, checkDims, checkDtype, ONNX_DATA_TYPES, type TensorDtype } from './dtypes.js';
import { type AttributeProto, AttributeType, type TensorProto } from './onnx-proto.js';

const encoder = new TextEncoder();

function checkInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`attribute '${name}' must be an integer, got ${value}`);
  return value;
}

/** An in-memory tensor value for a `tensor` attribute or a `Constant` node. */
export interface TensorValue {
  /** Element type. */
  readonly dtype: TensorDtype;
  /** Dimensions ([] for a scalar). */
  readonly dims: readonly number[];
  /** Little-endian bytes (a typed array of the dtype, or raw bytes). */
  readonly data: ArrayBufferView;
}

/** A dense TensorProto with raw data from a {@link TensorValue}; checks the byte length. */
export function tensorProto(name: string, value: TensorValue): TensorProto {
  checkDtype(value.dtype, `${name}.dtype`);
  checkDims(value.dims, `${name}.dims`);
  const expected = byteLengthOf(value.dtype, value.dims);
  if (value.data.byteLength !== expected) {
    throw new RangeError(
      `'${name}' data has ${value.data.byteLength} bytes but ${value.dtype}[${value.dims.join(', ')}] needs ${expected}`,
    );
  }
  const raw = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
  return { name, dims: [...value.dims], dataType: ONNX_DATA_TYPES[value.dtype], rawData: raw };
}

/** Attribute constructors, one per attribute kind the builder uses. */
export const attr = Object.freeze({
  /** An `int` attribute (int64). */
  int: (name: string, value: number): AttributeProto => ({
    name,
    type: AttributeType.INT,
    i: checkInt(name, value),
  }),
  /** A `float` attribute (float32). */
  float: (name: string, value: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f: value }),
  /** A `string` attribute (UTF-8). */
  string: (name: string, value: string): AttributeProto => ({
    name,
    type: AttributeType.STRING,
    s: encoder.encode(value),
  }),
  /** An `ints` attribute (int64 list). */
  ints: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: values.map((v) => checkInt(name, v)),
  }),
  /** A `floats` attribute (float32 list). */
  floats: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: AttributeType.FLOATS,
    floats: [...values],
  }),
  /** A `strings` attribute. */
  strings: (name: string, values: readonly string[]): AttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: values.map((v) => encoder.encode(v)),
  }),
  /** A `tensor` attribute. */
  tensor: (name: string, value: TensorValue): AttributeProto => ({
    name,
    type: AttributeType.TENSOR,
    t: tensorProto('', value),
  }),
});
