/**
 * Writing safetensors: `serialize` for small in-memory files, `writeSafetensors` for files of any
 * size streamed to a sink. The header is computed up front from the declared dtypes and shapes, then
 * tensors are appended in the given order, each produced only when it is written (so a converter holds
 * one tensor at a time).
 *
 * Determinism: the output depends only on the input. Header keys and data follow the order the tensors
 * are given in (insertion order, not sorted), with `__metadata__` first; the header is padded with
 * spaces to a multiple of 8 bytes so the data section is 8-byte aligned, as the format recommends.
 */

import { bytesOf } from './dtypes.js';
import { SafetensorsError, toIoError } from './errors.js';
import { buildHeader, type TensorLayout } from './header.js';

/** Tensor bytes: a typed array / DataView, or a function producing one when it is written. */
export type TensorData = ArrayBufferView | (() => ArrayBufferView | Promise<ArrayBufferView>);

/** One tensor to write: layout plus little-endian data of exactly numel × dtype-size bytes. */
export interface TensorToWrite extends TensorLayout {
  /** The bytes, or a (possibly async) function producing them when the writer reaches this tensor. */
  readonly data: TensorData;
}

/** Where a streaming writer puts bytes, in order. */
export interface ByteSink {
  /** Appends `chunk`; resolve when the sink may take the next one. */
  write(chunk: Uint8Array): Promise<void>;
}

/** Options of the writers. */
export interface WriteOptions {
  /** The `__metadata__` string map (for example `{ format: 'pt' }`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Serializes small tensors into one in-memory safetensors file (lazy `data` functions must be sync). */
export function serialize(tensors: readonly TensorToWrite[], options: WriteOptions = {}): Uint8Array {
  const { bytes: header, byteLengths } = buildHeader(tensors, options.metadata);
  const total = header.byteLength + byteLengths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let offset = header.byteLength;
  tensors.forEach((t, i) => {
    const data = typeof t.data === 'function' ? t.data() : t.data;
    if (data instanceof Promise)
      throw new TypeError(`tensor '${t.name}': serialize() needs synchronous data`);
    const bytes = checkLength(t, data, byteLengths[i]!);
    out.set(bytes, offset);
    offset += bytes.byteLength;
  });
  return out;
}

/**
 * Streams a safetensors file to `sink`: the header first, then each tensor's bytes in order, pulling
 * lazy data one tensor at a time. Returns the total number of bytes written.
 */
export async function writeSafetensors(
  sink: ByteSink,
  tensors: readonly TensorToWrite[],
  options: WriteOptions & { readonly file?: string } = {},
): Promise<number> {
  const file = options.file ?? '<sink>';
  const { bytes: header, byteLengths } = buildHeader(tensors, options.metadata);
  let written = 0;
  const put = async (chunk: Uint8Array) => {
    try {
      await sink.write(chunk);
    } catch (error) {
      throw toIoError(error, file, `writing ${chunk.byteLength} bytes at offset ${written}`);
    }
    written += chunk.byteLength;
  };
  await put(header);
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i]!;
    const data = typeof t.data === 'function' ? await t.data() : t.data;
    await put(checkLength(t, data, byteLengths[i]!, file));
  }
  return written;
}

function checkLength(t: TensorToWrite, data: ArrayBufferView, expected: number, file?: string): Uint8Array {
  if (!ArrayBuffer.isView(data)) {
    throw new TypeError(`tensor '${t.name}': 'data' must be a typed array or DataView`);
  }
  if (data.byteLength !== expected) {
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `${data.byteLength} bytes given but ${t.dtype}${JSON.stringify(t.shape)} needs ${expected}`,
      { file, tensor: t.name },
    );
  }
  return bytesOf(data);
}
