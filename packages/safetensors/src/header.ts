/**
 * Safetensors header parsing and validation, and header building for the writers.
 *
 * Format (https://huggingface.co/docs/safetensors, reference `safetensors/src/tensor.rs`): an 8-byte
 * little-endian u64 N, then N bytes of UTF-8 JSON (an object mapping tensor names to
 * `{dtype, shape, data_offsets: [begin, end]}`, plus an optional `__metadata__` string map), padded
 * with spaces, then the data section. Offsets are relative to the data section; the tensors must tile
 * it exactly (sorted by offset, each begins where the previous ends, the last ends at the file end),
 * as the reference `Metadata::validate` requires. Every field is checked before it is trusted.
 */

import { DTYPE_SIZES, type Dtype, isDtype } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** Largest header accepted, in bytes (the reference implementation's cap). */
export const MAX_HEADER_BYTES = 100_000_000; // 100 MB
/** Most dimensions a tensor shape may have. */
export const MAX_RANK = 64;
/** Key of the free-form string map in the header. */
export const METADATA_KEY = '__metadata__';

/** Where one tensor lives in a safetensors file. */
export interface TensorInfo {
  /** Tensor name as stored (the checkpoint key). */
  readonly name: string;
  /** Element type. */
  readonly dtype: Dtype;
  /** Dimensions (empty for a scalar). */
  readonly shape: readonly number[];
  /** Number of elements (product of `shape`; 1 for a scalar). */
  readonly numel: number;
  /** Absolute byte offset of the first byte in the file. */
  readonly byteOffset: number;
  /** Byte length (numel × dtype size). */
  readonly byteLength: number;
}

/** A parsed and validated header. */
export interface SafetensorsHeader {
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors in file-offset order. */
  readonly tensors: readonly TensorInfo[];
  /** Absolute offset of the data section (8 + header length). */
  readonly dataOffset: number;
}

/** Reads the 8-byte length prefix; `fileSize` bounds it. */
export function parseHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (prefix.byteLength < 8 || fileSize < 8) {
    throw new SafetensorsError(
      'TRUNCATED',
      `file is ${fileSize} bytes, shorter than the 8-byte header length`,
      {
        file,
      },
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError('BAD_HEADER', `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte cap`, {
      file,
    });
  }
  const length = Number(n);
  if (8 + length > fileSize) {
    throw new SafetensorsError(
      'TRUNCATED',
      `header length ${length} runs past the end of the ${fileSize}-byte file`,
      {
        file,
      },
    );
  }
  return length;
}

/**
 * Parses and validates the header JSON bytes (without the length prefix) of a file of `fileSize`
 * bytes. Throws `SafetensorsError` naming the file and tensor on any inconsistency.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  const dataOffset = 8 + headerBytes.byteLength;
  const dataSize = fileSize - dataOffset;
  if (dataSize < 0) throw new SafetensorsError('TRUNCATED', 'header runs past the end of the file', { file });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch (cause) {
    throw new SafetensorsError('BAD_HEADER', 'header is not valid UTF-8', { file, cause });
  }
  if (!text.startsWith('{')) throw new SafetensorsError('BAD_HEADER', "header must start with '{'", { file });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('BAD_HEADER', `header is not valid JSON: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SafetensorsError('BAD_HEADER', 'header must be a JSON object', { file });
  }
  let metadata: Record<string, string> = {};
  const entries: { info: Omit<TensorInfo, 'byteOffset'>; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, file);
      continue;
    }
    entries.push(parseEntry(name, value, dataSize, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  const tensors: TensorInfo[] = [];
  let previous: string | undefined;
  for (const { info, begin, end } of entries) {
    if (begin < cursor) {
      throw new SafetensorsError(
        'OVERLAP',
        `bytes [${begin}, ${end}) overlap tensor '${previous}' ending at ${cursor}`,
        {
          file,
          tensor: info.name,
        },
      );
    }
    if (begin > cursor) {
      throw new SafetensorsError(
        'BAD_OFFSETS',
        `gap in the data section: bytes [${cursor}, ${begin}) belong to no tensor`,
        {
          file,
          tensor: info.name,
        },
      );
    }
    tensors.push(Object.freeze({ ...info, byteOffset: dataOffset + begin }));
    cursor = end;
    previous = info.name;
  }
  if (cursor !== dataSize) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `tensors cover ${cursor} bytes but the data section holds ${dataSize} (trailing or missing bytes)`,
      { file },
    );
  }
  return Object.freeze({ metadata: Object.freeze(metadata), tensors: Object.freeze(tensors), dataOffset });
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError('BAD_HEADER', `'${METADATA_KEY}' must be an object of strings`, { file });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('BAD_HEADER', `'${METADATA_KEY}.${k}' must be a string, got ${typeof v}`, {
        file,
      });
    }
    out[k] = v;
  }
  return out;
}

function parseEntry(
  name: string,
  value: unknown,
  dataSize: number,
  file: string,
): { info: Omit<TensorInfo, 'byteOffset'>; begin: number; end: number } {
  const tensor = name;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError('BAD_HEADER', 'tensor entry must be an object', { file, tensor });
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isDtype(dtype)) {
    throw new SafetensorsError('UNKNOWN_DTYPE', `unknown dtype ${JSON.stringify(dtype)}`, { file, tensor });
  }
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    throw new SafetensorsError('SHAPE_MISMATCH', `shape must be an array of at most ${MAX_RANK} dimensions`, {
      file,
      tensor,
    });
  }
  let numel = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError('SHAPE_MISMATCH', `shape ${JSON.stringify(shape)} has a bad dimension`, {
        file,
        tensor,
      });
    }
    numel *= d;
    if (!Number.isSafeInteger(numel)) {
      throw new SafetensorsError('SHAPE_MISMATCH', `shape ${JSON.stringify(shape)} has too many elements`, {
        file,
        tensor,
      });
    }
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `data_offsets ${JSON.stringify(offsets)} must be [begin, end] integers`,
      {
        file,
        tensor,
      },
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataSize) {
    throw new SafetensorsError(
      'TRUNCATED',
      `data_offsets [${begin}, ${end}) run past the end of the ${dataSize}-byte data section`,
      { file, tensor },
    );
  }
  const byteLength = numel * DTYPE_SIZES[dtype];
  if (end - begin !== byteLength) {
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `${end - begin} bytes stored but ${dtype}${JSON.stringify(shape)} needs ${byteLength}`,
      { file, tensor },
    );
  }
  return {
    info: { name, dtype, shape: Object.freeze([...(shape as number[])]), numel, byteLength },
    begin,
    end,
  };
}

/** A tensor description for the writers (data is supplied separately). */
export interface TensorLayout {
  /** Tensor name (must not be `__metadata__`). */
  readonly name: string;
  /** Element type. */
  readonly dtype: Dtype;
  /** Dimensions. */
  readonly shape: readonly number[];
}

/**
 * Builds the header bytes (length prefix + JSON + space padding to a multiple of 8, so the data
 * section is 8-byte aligned) for tensors laid out back to back in the given order. Header keys keep
 * that order, with `__metadata__` first when given. Returns each tensor's byte length too.
 */
export function buildHeader(
  tensors: readonly TensorLayout[],
  metadata: Readonly<Record<string, string>> | undefined,
): { bytes: Uint8Array; byteLengths: number[] } {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`'metadata.${k}' must be a string, got ${typeof v}`);
    }
    header[METADATA_KEY] = { ...metadata };
  }
  const byteLengths: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    if (typeof t.name !== 'string' || t.name === '' || t.name === METADATA_KEY) {
      throw new TypeError(
        `tensor name must be a non-empty string other than '${METADATA_KEY}', got '${t.name}'`,
      );
    }
    if (Object.hasOwn(header, t.name)) throw new TypeError(`duplicate tensor name '${t.name}'`);
    if (!isDtype(t.dtype)) throw new TypeError(`tensor '${t.name}': unknown dtype '${String(t.dtype)}'`);
    let numel = 1;
    for (const d of t.shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new RangeError(
          `tensor '${t.name}': 'shape' entries must be integers >= 0, got ${JSON.stringify(t.shape)}`,
        );
      }
      numel *= d;
    }
    const length = numel * DTYPE_SIZES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + length] };
    byteLengths.push(length);
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  return { bytes, byteLengths };
}
