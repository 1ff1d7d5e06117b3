/**
 * Reading safetensors from any random-access byte source: an in-memory buffer, a `Blob`/`File`, a
 * fetched `Response`, or (in `node.ts`) a file handle. Only the header is read eagerly; each tensor is
 * read on demand with one ranged read, so memory stays bounded by the largest tensor, not the file.
 * Modelled on huggingface.js `parse-safetensors-metadata.ts` (ranged header reads) and the reference
 * `safe_open` API.
 */

import { type Dtype, type DtypeArrays, viewAs } from './dtypes.js';
import { SafetensorsError, toIoError } from './errors.js';
import { bf16ToF32, f16ToF32 } from './float-convert.js';
import { parseHeader, parseHeaderLength, type SafetensorsHeader, type TensorInfo } from './header.js';

/** Random-access bytes: what a reader reads from. Offsets and lengths are in bytes. */
export interface ByteSource {
  /** A name for error messages (file path, URL, `'<buffer>'`). */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset` (the reader never asks past `size`). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the source (file handle); optional. */
  close?(): Promise<void>;
}

/** A {@link ByteSource} over bytes already in memory (no copies: reads are subarray views). */
export function bufferSource(bytes: ArrayBuffer | Uint8Array, name = '<buffer>'): ByteSource {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    name,
    size: data.byteLength,
    read: async (offset, length) => data.subarray(offset, offset + length),
  };
}

/** A {@link ByteSource} over a `Blob` or `File` (browser or Node), reading slices on demand. */
export function blobSource(blob: Blob, name = blob instanceof File ? blob.name : '<blob>'): ByteSource {
  return {
    name,
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** Float dtypes that {@link SafetensorsReader.readFloat32} converts. */
export type FloatDtype = 'F64' | 'F32' | 'F16' | 'BF16';

/** Random access to the tensors of one safetensors file. Create with {@link SafetensorsReader.open}. */
export class SafetensorsReader {
  /** The validated header: metadata, tensors in offset order, data offset. */
  readonly header: SafetensorsHeader;
  /** The source's name (file path). */
  readonly name: string;
  readonly #source: ByteSource;
  readonly #byName: Map<string, TensorInfo>;

  private constructor(source: ByteSource, header: SafetensorsHeader) {
    this.#source = source;
    this.name = source.name;
    this.header = header;
    this.#byName = new Map(header.tensors.map((t) => [t.name, t]));
  }

  /** Reads and validates the header of `source` (two small reads); tensors are read later. */
  static async open(source: ByteSource): Promise<SafetensorsReader> {
    const prefix = await readChecked(source, 0, Math.min(8, source.size));
    const length = parseHeaderLength(prefix, source.size, source.name);
    const headerBytes = await readChecked(source, 8, length);
    return new SafetensorsReader(source, parseHeader(headerBytes, source.size, source.name));
  }

  /** The `__metadata__` string map. */
  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  /** Tensors in file-offset order (the order streaming reads are fastest in). */
  get tensors(): readonly TensorInfo[] {
    return this.header.tensors;
  }

  /** Tensor names in file-offset order. */
  names(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  /** True when the file holds a tensor called `name`. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** A tensor's dtype, shape and location; throws `MISSING_TENSOR` when absent. */
  info(name: string): TensorInfo {
    const info = this.#byName.get(name);
    if (info === undefined) {
      throw new SafetensorsError('MISSING_TENSOR', 'no such tensor', { file: this.name, tensor: name });
    }
    return info;
  }

  /** A tensor's raw little-endian bytes (one ranged read; a fresh buffer except for in-memory sources). */
  async readBytes(name: string): Promise<Uint8Array> {
    const info = this.info(name);
    return readChecked(this.#source, info.byteOffset, info.byteLength, name);
  }

  /**
   * The raw bytes of rows `[start, end)` along the first dimension, one ranged read: for tensors too
   * large to hold at once (a 152064 × 8192 fp32 lm_head is 5 GB) or for slicing (dummy heads).
   * Throws `RangeError` for rows outside `[0, shape[0]]` and `TypeError` for a scalar.
   */
  async readRows(name: string, start: number, end: number): Promise<Uint8Array> {
    const info = this.info(name);
    const rows = info.shape[0];
    if (rows === undefined)
      throw new TypeError(`tensor '${name}' is a scalar; readRows needs a first dimension`);
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < 0 ||
      start > end ||
      end > rows
    ) {
      throw new RangeError(
        `'start'/'end' must be integers with 0 <= start <= end <= ${rows}, got ${start} and ${end}`,
      );
    }
    const rowBytes = rows === 0 ? 0 : info.byteLength / rows;
    return readChecked(this.#source, info.byteOffset + start * rowBytes, (end - start) * rowBytes, name);
  }

  /** A tensor as the typed array of its dtype (F16/BF16 as raw `Uint16Array` bits), copied if unaligned. */
  async readTyped<D extends Dtype = Dtype>(name: string): Promise<DtypeArrays[D]> {
    const info = this.info(name);
    return viewAs(await this.readBytes(name), info.dtype as D);
  }

  /** A float tensor widened (or narrowed, for F64) to float32; throws `TypeError` for integer dtypes. */
  async readFloat32(name: string): Promise<Float32Array> {
    const info = this.info(name);
    return toFloat32(await this.readBytes(name), info.dtype, name);
  }

  /** Yields every tensor with its bytes in file-offset order, one read at a time (streaming). */
  async *entries(): AsyncGenerator<{ info: TensorInfo; bytes: Uint8Array }> {
    for (const info of this.header.tensors) {
      yield { info, bytes: await readChecked(this.#source, info.byteOffset, info.byteLength, info.name) };
    }
  }

  /** Closes the underlying source (file handle), if it has one. */
  async close(): Promise<void> {
    await this.#source.close?.();
  }
}

/** Converts the raw bytes of a float tensor of `dtype` to a new or viewed `Float32Array`. */
export function toFloat32(bytes: Uint8Array, dtype: Dtype, name = '<tensor>'): Float32Array {
  switch (dtype) {
    case 'F32':
      return viewAs(bytes, 'F32');
    case 'F16':
      return f16ToF32(viewAs(bytes, 'F16'));
    case 'BF16':
      return bf16ToF32(viewAs(bytes, 'BF16'));
    case 'F64':
      return Float32Array.from(viewAs(bytes, 'F64'));
    default:
      throw new TypeError(`tensor '${name}' has dtype ${dtype}; readFloat32 needs F64, F32, F16 or BF16`);
  }
}

async function readChecked(
  source: ByteSource,
  offset: number,
  length: number,
  tensor?: string,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await source.read(offset, length);
  } catch (error) {
    throw toIoError(error, source.name, `reading ${length} bytes at offset ${offset}`);
  }
  if (bytes.byteLength !== length) {
    throw new SafetensorsError(
      'TRUNCATED',
      `read ${bytes.byteLength} of ${length} bytes at offset ${offset}`,
      {
        file: source.name,
        tensor,
      },
    );
  }
  return bytes;
}

/** Parses a whole in-memory safetensors file; tensors are views into `bytes` (no copy). */
export async function openSafetensorsBuffer(
  bytes: ArrayBuffer | Uint8Array,
  name?: string,
): Promise<SafetensorsReader> {
  return SafetensorsReader.open(bufferSource(bytes, name));
}

/** Opens a safetensors `Blob`/`File` for ranged reads (the browser's file picker, or `fs.openAsBlob`). */
export async function openSafetensorsBlob(blob: Blob, name?: string): Promise<SafetensorsReader> {
  return SafetensorsReader.open(blobSource(blob, name));
}

/** Reads a fetched `Response` body into memory and opens it (use a `Blob` for ranged reads instead). */
export async function openSafetensorsResponse(response: Response): Promise<SafetensorsReader> {
  if (!response.ok) {
    throw new SafetensorsError('IO', `HTTP ${response.status} ${response.statusText}`, {
      file: response.url,
    });
  }
  const name = response.url === '' ? '<response>' : response.url;
  let bytes: ArrayBuffer;
  try {
    bytes = await response.arrayBuffer();
  } catch (error) {
    throw toIoError(error, name, 'reading the response body');
  }
  return SafetensorsReader.open(bufferSource(bytes, name));
}
