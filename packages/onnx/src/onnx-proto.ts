/**
 * The subset of `onnx.proto` (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2) that
 * nvlm-ts writes and reads, as protobufjs reflection JSON with the upstream field numbers, plus plain
 * TypeScript shapes of the messages (camelCase field names, as protobufjs presents them). Fields not
 * listed here (training info, functions, sparse tensors, sequence/map types) are skipped by the
 * decoder, which protobuf allows.
 */

import protobuf from 'protobufjs/light.js';

//#region Enums

/** `TensorProto.DataType` (upstream numbers). */
export const DataType = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
  UINT4: 21,
  INT4: 22,
} as const);

/** `AttributeProto.AttributeType` (upstream numbers). */
export const AttributeType = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
} as const);

/** `TensorProto.DataLocation`. */
export const DataLocation = Object.freeze({ DEFAULT: 0, EXTERNAL: 1 } as const);

//#endregion

//#region Message shapes

/** `StringStringEntryProto`. */
export interface StringStringEntryProto {
  key: string;
  value: string;
}

/** `OperatorSetIdProto`. */
export interface OperatorSetIdProto {
  domain: string;
  version: number;
}

/** `TensorProto` (dense tensors only). */
export interface TensorProto {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  externalData?: StringStringEntryProto[];
  dataLocation?: number;
  docString?: string;
}

/** `AttributeProto` (no graph, sparse or type-proto attributes). */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  docString?: string;
}

/** `NodeProto`. */
export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

/** `TensorShapeProto.Dimension`: a fixed size or a symbolic name. */
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}

/** `TypeProto` (tensor types only). */
export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: DimensionProto[] } };
}

/** `ValueInfoProto`. */
export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
  docString?: string;
}

/** `GraphProto`. */
export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

/** `ModelProto`. */
export interface ModelProto {
  irVersion?: number;
  opsetImport?: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: StringStringEntryProto[];
}

//#endregion

//#region Reflection

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
const field = (type: string, id: number) => ({ type, id });

/** protobufjs reflection of the onnx.proto subset; field numbers are upstream's. */
const ONNX_JSON = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            dataType: field('int32', 2),
            floatData: { ...repeated('float', 4), options: { packed: true } },
            int32Data: { ...repeated('int32', 5), options: { packed: true } },
            int64Data: { ...repeated('int64', 7), options: { packed: true } },
            name: field('string', 8),
            rawData: field('bytes', 9),
            doubleData: { ...repeated('double', 10), options: { packed: true } },
            docString: field('string', 12),
            externalData: repeated('StringStringEntryProto', 13),
            dataLocation: field('int32', 14),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            t: field('TensorProto', 5),
            floats: repeated('float', 7),
            ints: repeated('int64', 8),
            strings: repeated('bytes', 9),
            docString: field('string', 13),
            type: field('int32', 20),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: repeated('AttributeProto', 5),
            docString: field('string', 6),
            domain: field('string', 7),
          },
        },
        Dimension: { fields: { dimValue: field('int64', 1), dimParam: field('string', 2) } },
        TensorShapeProto: { fields: { dim: repeated('Dimension', 1) } },
        TensorTypeProto: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
        TypeProto: { fields: { tensorType: field('TensorTypeProto', 1) } },
        ValueInfoProto: {
          fields: { name: field('string', 1), type: field('TypeProto', 2), docString: field('string', 3) },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: field('string', 2),
            initializer: repeated('TensorProto', 5),
            docString: field('string', 10),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            valueInfo: repeated('ValueInfoProto', 13),
          },
        },
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            domain: field('string', 4),
            modelVersion: field('int64', 5),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            opsetImport: repeated('OperatorSetIdProto', 8),
            metadataProps: repeated('StringStringEntryProto', 14),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_JSON);
const ModelType = root.lookupType('onnx.ModelProto');

/** Encodes a ModelProto to bytes (deterministic: fields in number order, repeated fields in order). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

/** Decodes ModelProto bytes into plain objects (int64 as numbers, bytes as Uint8Array). */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const message = ModelType.decode(bytes);
  return ModelType.toObject(message, {
    longs: Number,
    bytes: Uint8Array as unknown as typeof String,
    arrays: false,
  }) as ModelProto;
}

//#endregion
