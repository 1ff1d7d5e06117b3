/**
 * @nvlm-ts/safetensors: a bounds-checked, streaming safetensors reader and writer with bf16/fp16
 * conversion. This entry is platform-free (browser and Node: buffers, Blobs, Responses); the `node`
 * export condition adds files and sharded checkpoint directories (`node.ts`).
 * Format: https://huggingface.co/docs/safetensors (reference: huggingface/safetensors `tensor.rs`).
 */

export {
  Checkpoint,
  type CheckpointTensor,
  INDEX_FILE,
  parseShardIndex,
  type ShardIndex,
  SINGLE_FILE,
} from './checkpoint.js';
export {
  DTYPE_SIZES,
  DTYPES,
  type Dtype,
  type DtypeArrays,
  isDtype,
  type TypedArray,
  viewAs,
} from './dtypes.js';
export { SafetensorsError, type SafetensorsErrorCode, type SafetensorsErrorDetails } from './errors.js';
export {
  bf16ToF32,
  bf16ToNumber,
  f16ToF32,
  f16ToNumber,
  f32BitsToBf16,
  f32BitsToF16,
  f32ToBf16,
  f32ToF16,
  numberToBf16,
  numberToF16,
} from './float-convert.js';
export {
  MAX_HEADER_BYTES,
  parseHeader,
  parseHeaderLength,
  type SafetensorsHeader,
  type TensorInfo,
  type TensorLayout,
} from './header.js';
export {
  type ByteSource,
  blobSource,
  bufferSource,
  type FloatDtype,
  openSafetensorsBlob,
  openSafetensorsBuffer,
  openSafetensorsResponse,
  SafetensorsReader,
  toFloat32,
} from './reader.js';
export {
  type ByteSink,
  serialize,
  type TensorData,
  type TensorToWrite,
  type WriteOptions,
  writeSafetensors,
} from './writer.js';
