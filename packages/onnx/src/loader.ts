/**
 * Loading ModelProto bytes back into plain objects, for inspection and tests (node names, attribute
 * values, initializer locations). Not a runtime loader: onnxruntime loads models for inference.
 */

import { dtypeFromOnnx, type TensorDtype } from './dtypes.js';
import { OnnxError } from './errors.js';
import {
  type AttributeProto,
  AttributeType,
  decodeModelProto,
  type ModelProto,
  type TensorProto,
} from './onnx-proto.js';

/** Largest model accepted by {@link loadModel}, in bytes (protobuf's cap). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Decodes ModelProto bytes; throws `OnnxError('DECODE')` for bytes that are not a ModelProto. */
export function loadModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("'bytes' must be a Uint8Array");
  if (bytes.byteLength > MAX_MODEL_BYTES) {
    throw new OnnxError('DECODE', `model is ${bytes.byteLength} bytes, above the 2 GiB protobuf cap`);
  }
  try {
    return decodeModelProto(bytes);
  } catch (cause) {
    throw new OnnxError('DECODE', `not a valid ModelProto: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** An attribute's value as a plain JS value (number, string, number[], string[] or TensorProto). */
export function attributeValue(attribute: AttributeProto): unknown {
  const decoder = new TextDecoder();
  switch (attribute.type) {
    case AttributeType.INT:
      return attribute.i ?? 0;
    case AttributeType.FLOAT:
      return attribute.f ?? 0;
    case AttributeType.STRING:
      return decoder.decode(attribute.s ?? new Uint8Array());
    case AttributeType.INTS:
      return attribute.ints ?? [];
    case AttributeType.FLOATS:
      return attribute.floats ?? [];
    case AttributeType.STRINGS:
      return (attribute.strings ?? []).map((s) => decoder.decode(s));
    case AttributeType.TENSOR:
      return attribute.t;
    default:
      return undefined;
  }
}

/** Where an initializer's bytes are: inline, or external with location/offset/length. */
export function tensorLocation(tensor: TensorProto):
  | { readonly kind: 'inline'; readonly byteLength: number }
  | {
      readonly kind: 'external';
      readonly location: string;
      readonly offset: number;
      readonly length: number;
    } {
  if (tensor.dataLocation === 1) {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key, e.value]));
    return {
      kind: 'external',
      location: entries.get('location') ?? '',
      offset: Number(entries.get('offset') ?? 0),
      length: Number(entries.get('length') ?? Number.NaN),
    };
  }
  return { kind: 'inline', byteLength: tensor.rawData?.byteLength ?? 0 };
}

/** The builder dtype of a TensorProto's data_type, or undefined when unknown. */
export function tensorDtype(tensor: TensorProto): TensorDtype | undefined {
  return dtypeFromOnnx(tensor.dataType ?? 0);
}
