/**
 * Tensor element types of the builder, spelled as onnxruntime-common's `Tensor.Type` spells them
 * (`float32`, `int64`, ...), with their ONNX `TensorProto.DataType` numbers and storage sizes.
 */

import { DataType } from './onnx-proto.js';

/** Element types the builder knows (onnxruntime-js spelling). `int4`/`uint4` pack two per byte. */
export type TensorDtype =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint64'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'bool'
  | 'int4'
  | 'uint4';

/** ONNX `TensorProto.DataType` number of each dtype. */
export const ONNX_DATA_TYPES: Readonly<Record<TensorDtype, number>> = Object.freeze({
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  bfloat16: DataType.BFLOAT16,
  float64: DataType.DOUBLE,
  int64: DataType.INT64,
  int32: DataType.INT32,
  int16: DataType.INT16,
  int8: DataType.INT8,
  uint64: DataType.UINT64,
  uint32: DataType.UINT32,
  uint16: DataType.UINT16,
  uint8: DataType.UINT8,
  bool: DataType.BOOL,
  int4: DataType.INT4,
  uint4: DataType.UINT4,
});

/** Storage bits per element. */
const BITS: Readonly<Record<TensorDtype, number>> = {
  float32: 32,
  float16: 16,
  bfloat16: 16,
  float64: 64,
  int64: 64,
  int32: 32,
  int16: 16,
  int8: 8,
  uint64: 64,
  uint32: 32,
  uint16: 16,
  uint8: 8,
  bool: 8,
  int4: 4,
  uint4: 4,
};

/** True when `value` is a {@link TensorDtype}. */
export function isTensorDtype(value: unknown): value is TensorDtype {
  return typeof value === 'string' && Object.hasOwn(BITS, value);
}

/** The dtype of an ONNX `DataType` number, or undefined for types the builder does not know. */
export function dtypeFromOnnx(dataType: number): TensorDtype | undefined {
  return (Object.keys(ONNX_DATA_TYPES) as TensorDtype[]).find((k) => ONNX_DATA_TYPES[k] === dataType);
}

/** Raw-data byte length of a tensor of `dtype` and `dims` (4-bit types round up to whole bytes). */
export function byteLengthOf(dtype: TensorDtype, dims: readonly number[]): number {
  let numel = 1;
  for (const d of dims) numel *= d;
  return Math.ceil((numel * BITS[dtype]) / 8);
}

/** Throws `TypeError` unless `dtype` is a known {@link TensorDtype}. */
export function checkDtype(dtype: unknown, what: string): asserts dtype is TensorDtype {
  if (!isTensorDtype(dtype)) {
    throw new TypeError(
      `'${what}' must be one of ${Object.keys(BITS).join(', ')}, got ${JSON.stringify(dtype)}`,
    );
  }
}

/** Throws `RangeError` unless `dims` are integers >= 0. */
export function checkDims(dims: readonly number[], what: string): void {
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`'${what}' must be an array of integers >= 0, got ${JSON.stringify(dims)}`);
  }
}
