/**
 * @nvlm-ts/onnx: a typed ONNX graph builder (opset 21+ and onnxruntime com.microsoft ops), ModelProto
 * serialisation with an external-data writer for weights of any size, MatMulNBits quantisation, and a
 * loader for inspection. Platform-free; `@nvlm-ts/onnx/node` adds `saveModel` (files on disk).
 * Format reference: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.
 */

export { attr, type TensorValue } from './attributes.js';
export { byteLengthOf, isTensorDtype, ONNX_DATA_TYPES, type TensorDtype } from './dtypes.js';
export { OnnxError, type OnnxErrorCode, type OnnxErrorDetails } from './errors.js';
export { GraphBuilder } from './graph-builder.js';
export {
  type ExternalDataRef,
  type GraphBuilderOptions,
  type InitializerData,
  type Int64Input,
  MAX_OPSET,
  MIN_OPSET,
  MS_DOMAIN,
  type OpOptions,
} from './graph-core.js';
export { attributeValue, loadModel, MAX_MODEL_BYTES, tensorDtype, tensorLocation } from './loader.js';
export {
  DEFAULT_ALIGNMENT,
  DEFAULT_EXTERNAL_THRESHOLD,
  defaultIrVersion,
  type ExternalDataOptions,
  type ExternalDataSink,
  type ExternalFile,
  type ModelOptions,
  PROTOBUF_LIMIT,
  type SerializedModel,
  type SerializeOptions,
  serializeModel,
  type WriteProgress,
} from './model-writer.js';
export type {
  AttributeProto,
  DimensionProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorProto,
  TypeProto,
  ValueInfoProto,
} from './onnx-proto.js';
export { AttributeType, DataType } from './onnx-proto.js';
export type {
  GroupQueryAttentionAttributes,
  GroupQueryAttentionInputs,
  GroupQueryAttentionOutputs,
  MatMulNBitsAttributes,
  MultiHeadAttentionInputs,
  RotaryEmbeddingAttributes,
} from './ops-contrib.js';
export type { ConvAttributes, GemmAttributes, NormAttributes } from './ops-standard.js';
export {
  dequantizeMatMulNBits,
  type QuantizedWeight,
  type QuantizeOptions,
  quantizeMatMulNBits,
} from './quantize.js';
export { type Dim, Value } from './value.js';
