/**
 * Safetensors dtypes: names as the format spells them, element sizes, and the typed array that views
 * each one. Follows the dtype list of huggingface/safetensors `safetensors/src/tensor.rs` (`Dtype`).
 */

/** Dtype strings this library reads and writes (the safetensors spelling). */
export type Dtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** Bytes per element of each dtype. */
export const DTYPE_SIZES: Readonly<Record<Dtype, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
});

/** Every known dtype, in a stable order. */
export const DTYPES: readonly Dtype[] = Object.freeze(Object.keys(DTYPE_SIZES) as Dtype[]);

/** The typed array that views a dtype's elements (F16 and BF16 are raw `Uint16Array` bit patterns). */
export interface DtypeArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  /** float8 bit patterns (read and written as bytes; no conversion provided). */
  F8_E4M3: Uint8Array;
  /** float8 bit patterns (read and written as bytes; no conversion provided). */
  F8_E5M2: Uint8Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U64: BigUint64Array;
  U32: Uint32Array;
  U16: Uint16Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

/** Any of the typed arrays of {@link DtypeArrays}. */
export type TypedArray = DtypeArrays[Dtype];

interface TypedArrayConstructor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
}

const CONSTRUCTORS: Record<Dtype, TypedArrayConstructor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  F8_E4M3: Uint8Array,
  F8_E5M2: Uint8Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U64: BigUint64Array,
  U32: Uint32Array,
  U16: Uint16Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** True when `value` is one of the dtype strings of {@link Dtype}. */
export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZES, value);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Views little-endian `bytes` as the typed array of `dtype`, without copying when `bytes` is aligned
 * to the element size and copying otherwise. Throws `RangeError` when the length is not a multiple of
 * the element size.
 */
export function viewAs<D extends Dtype>(bytes: Uint8Array, dtype: D): DtypeArrays[D] {
  const size = DTYPE_SIZES[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`'bytes' length ${bytes.byteLength} is not a multiple of the ${dtype} size ${size}`);
  }
  if (!LITTLE_ENDIAN && size > 1) throw new Error('safetensors typed views need a little-endian host');
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new CONSTRUCTORS[dtype](
    aligned.buffer,
    aligned.byteOffset,
    aligned.byteLength / size,
  ) as DtypeArrays[D];
}

/** The bytes of any typed array or DataView, as a `Uint8Array` view (no copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
