/**
 * Serialising a built graph to ModelProto bytes, with an external-data writer for weights of any total
 * size. Initializers at or above a byte threshold are streamed to one or more external data files
 * (each tensor aligned, `location`/`offset`/`length` recorded in its TensorProto, as in onnx
 * `external_data_helper.py`); the rest are stored inline as `raw_data`. A ModelProto is capped at
 * 2 GiB by protobuf, so large weights must go external; the writer checks the cap before encoding.
 *
 * Determinism: the same graph and options give byte-identical model and data files (initializers in
 * insertion order, zero padding, no timestamps).
 */

import { ONNX_DATA_TYPES, type TensorDtype } from './dtypes.js';
import { OnnxError } from './errors.js';
import type { GraphBuilder } from './graph-builder.js';
import { type ExternalDataRef, type InitializerData, type InitializerEntry, stateOf } from './graph-core.js';
import { DataLocation, encodeModelProto, type ModelProto, type TensorProto } from './onnx-proto.js';

/** protobuf's hard cap on one message, in bytes. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1; // 2 GiB - 1
/** Default: initializers of at least this many bytes go to external data. */
export const DEFAULT_EXTERNAL_THRESHOLD = 1024; // 1 KiB
/** Default alignment of each tensor in an external data file (the Linux page size, so ORT can mmap). */
export const DEFAULT_ALIGNMENT = 4096;

/** Model-level fields of the ModelProto. */
export interface ModelOptions {
  /** `producer_name` (default `'@nvlm-ts/onnx'`). */
  readonly producerName?: string;
  /** `producer_version`. */
  readonly producerVersion?: string;
  /** `ir_version`; default 10 for opset <= 22, 11 above. */
  readonly irVersion?: number;
  /** Model doc_string. */
  readonly docString?: string;
  /** `metadata_props` (written in key order given). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Where external data bytes go: an append-only sink per file. */
export interface ExternalDataSink {
  /** Appends `chunk`. */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** External-data settings of {@link serializeModel}. */
export interface ExternalDataOptions {
  /** File name of the first data file, relative to the model (e.g. `'decoder.onnx.data'`). Parts 2.. get `.1`, `.2`, ... */
  readonly location: string;
  /** Opens a sink for a data file; called lazily, only for files that receive bytes. */
  readonly open: (location: string) => ExternalDataSink | Promise<ExternalDataSink>;
  /** Initializers of at least this many bytes go external (default 1024). */
  readonly threshold?: number;
  /** Byte alignment of each tensor in a data file (default 4096; a power of 2). */
  readonly alignment?: number;
  /** Start a new data file when the next tensor would grow the current one past this (default: no limit). */
  readonly maxFileBytes?: number;
}

/** Progress of {@link serializeModel}, reported after every chunk and every initializer. */
export interface WriteProgress {
  /** The initializer being written. */
  readonly tensor: string;
  /** Initializers finished so far. */
  readonly tensorsDone: number;
  /** Initializers in the graph. */
  readonly tensorCount: number;
  /** Initializer bytes consumed so far (inline and external). */
  readonly bytesDone: number;
  /** Initializer bytes in the graph (external refs excluded). */
  readonly bytesTotal: number;
}

/** Options of {@link serializeModel}. */
export interface SerializeOptions extends ModelOptions {
  /** Stream large initializers to external data files; without it every initializer is inline. */
  readonly externalData?: ExternalDataOptions;
  /** Called as initializer bytes are consumed (drive a progress bar: count, bytes, ETA). */
  readonly onProgress?: (progress: WriteProgress) => void;
  /** Aborts the write between chunks; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One external data file written. */
export interface ExternalFile {
  /** File name relative to the model. */
  readonly location: string;
  /** Size in bytes. */
  readonly byteLength: number;
  /** Initializers stored in it, in file order. */
  readonly tensors: readonly string[];
}

/** Result of {@link serializeModel}. */
export interface SerializedModel {
  /** The ModelProto bytes. */
  readonly model: Uint8Array;
  /** The external data files written (empty when none). */
  readonly externalFiles: readonly ExternalFile[];
}

/** IR version written for an opset when not given. */
export function defaultIrVersion(opset: number): number {
  return opset <= 22 ? 10 : 11;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array> {
  return x !== null && typeof x === 'object' && Symbol.asyncIterator in x;
}

function asBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Streams one initializer's bytes, checking the total length. */
async function* chunksOf(
  entry: InitializerEntry,
  tap?: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of rawChunksOf(entry)) {
    tap?.(chunk);
    yield chunk;
  }
}

async function* rawChunksOf(entry: InitializerEntry): AsyncGenerator<Uint8Array> {
  const data = entry.data as Exclude<InitializerData, { external: ExternalDataRef }>;
  let total = 0;
  try {
    if (isAsyncIterable(data)) {
      for await (const chunk of data) {
        if (!(chunk instanceof Uint8Array))
          throw new TypeError('async iterable data must yield Uint8Array chunks');
        total += chunk.byteLength;
        if (total > entry.byteLength) break;
        yield chunk;
      }
    } else {
      const view = typeof data === 'function' ? await data() : data;
      if (!ArrayBuffer.isView(view)) throw new TypeError('lazy data must produce a typed array or DataView');
      total = view.byteLength;
      if (total === entry.byteLength) yield asBytes(view);
    }
  } catch (cause) {
    if (cause instanceof OnnxError) throw cause;
    throw new OnnxError(
      'BAD_INITIALIZER',
      `producing the data failed: ${(cause as Error)?.message ?? cause}`,
      {
        name: entry.name,
        cause,
      },
    );
  }
  if (total !== entry.byteLength) {
    throw new OnnxError(
      'BAD_INITIALIZER',
      `data has ${total > entry.byteLength ? 'more than ' : ''}${total} bytes but ${entry.dtype}[${entry.dims.join(', ')}] needs ${entry.byteLength}`,
      { name: entry.name },
    );
  }
}

async function collect(entry: InitializerEntry, tap?: (chunk: Uint8Array) => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunksOf(entry, tap)) parts.push(c);
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(entry.byteLength);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function tensorHeader(entry: InitializerEntry): TensorProto {
  return { name: entry.name, dims: [...entry.dims], dataType: ONNX_DATA_TYPES[entry.dtype as TensorDtype] };
}

function externalFields(location: string, offset: number, length: number): Partial<TensorProto> {
  return {
    dataLocation: DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** Writes aligned tensors into a sequence of data files. */
class DataFileWriter {
  readonly files: { location: string; byteLength: number; tensors: string[] }[] = [];
  #sink: ExternalDataSink | undefined;
  readonly #zeros: Uint8Array;

  constructor(private readonly options: ExternalDataOptions) {
    this.#zeros = new Uint8Array(options.alignment ?? DEFAULT_ALIGNMENT);
  }

  /** Appends one tensor, returning where it went. */
  async add(
    entry: InitializerEntry,
    tap?: (chunk: Uint8Array) => void,
  ): Promise<{ location: string; offset: number }> {
    const alignment = this.#zeros.byteLength;
    const max = this.options.maxFileBytes ?? Number.POSITIVE_INFINITY;
    let file = this.files[this.files.length - 1];
    const alignedEnd = (f: { byteLength: number }) => Math.ceil(f.byteLength / alignment) * alignment;
    if (file === undefined || (file.tensors.length > 0 && alignedEnd(file) + entry.byteLength > max)) {
      await this.#sink?.close();
      const index = this.files.length;
      file = {
        location: index === 0 ? this.options.location : `${this.options.location}.${index}`,
        byteLength: 0,
        tensors: [],
      };
      this.files.push(file);
      this.#sink = await this.options.open(file.location);
    }
    const sink = this.#sink!;
    const pad = alignedEnd(file) - file.byteLength;
    if (pad > 0) await sink.write(this.#zeros.subarray(0, pad));
    const offset = file.byteLength + pad;
    file.byteLength = offset;
    for await (const chunk of chunksOf(entry, tap)) {
      await sink.write(chunk);
      file.byteLength += chunk.byteLength;
    }
    file.tensors.push(entry.name);
    return { location: file.location, offset };
  }

  async close(): Promise<void> {
    await this.#sink?.close();
    this.#sink = undefined;
  }
}

/**
 * Serialises `graph` to ModelProto bytes, streaming initializers at or above the threshold to external
 * data files when `options.externalData` is given. Lazy initializer sources are consumed here, once,
 * in insertion order. Throws `OnnxError('MODEL_TOO_LARGE')` when the inline part exceeds 2 GiB.
 */
export async function serializeModel(
  graph: GraphBuilder,
  options: SerializeOptions = {},
): Promise<SerializedModel> {
  const state = stateOf(graph);
  const ext = options.externalData;
  if (ext !== undefined) {
    if (typeof ext.location !== 'string' || ext.location === '' || typeof ext.open !== 'function') {
      throw new TypeError("'externalData' needs a non-empty 'location' and an 'open' function");
    }
    const a = ext.alignment ?? DEFAULT_ALIGNMENT;
    if (!Number.isSafeInteger(a) || a < 1 || (a & (a - 1)) !== 0) {
      throw new RangeError(`'externalData.alignment' must be a power of 2, got ${a}`);
    }
    const t = ext.threshold ?? DEFAULT_EXTERNAL_THRESHOLD;
    if (!Number.isSafeInteger(t) || t < 0)
      throw new RangeError(`'externalData.threshold' must be an integer >= 0, got ${t}`);
  }
  const threshold = ext?.threshold ?? DEFAULT_EXTERNAL_THRESHOLD;
  const goesExternal = (e: InitializerEntry) =>
    ext !== undefined && e.byteLength >= threshold && e.byteLength > 0;
  let inlineBytes = 0;
  for (const e of state.initializers)
    if (!goesExternal(e) && !('external' in e.data)) inlineBytes += e.byteLength;
  if (inlineBytes > PROTOBUF_LIMIT) {
    throw new OnnxError(
      'MODEL_TOO_LARGE',
      `${inlineBytes} bytes of inline initializers exceed protobuf's 2 GiB cap; pass 'externalData'`,
      { name: state.name },
    );
  }
  const writer = ext === undefined ? undefined : new DataFileWriter(ext);
  const initializer: TensorProto[] = [];
  const { onProgress, signal } = options;
  const tensorCount = state.initializers.length;
  let bytesTotal = 0;
  for (const e of state.initializers) if (!('external' in e.data)) bytesTotal += e.byteLength;
  let bytesDone = 0;
  let tensorsDone = 0;
  let current = '';
  const report = () => onProgress?.({ tensor: current, tensorsDone, tensorCount, bytesDone, bytesTotal });
  const tap = (chunk: Uint8Array) => {
    signal?.throwIfAborted();
    bytesDone += chunk.byteLength;
    report();
  };
  try {
    for (const entry of state.initializers) {
      signal?.throwIfAborted();
      current = entry.name;
      const proto = tensorHeader(entry);
      if ('external' in entry.data && typeof entry.data !== 'function' && !ArrayBuffer.isView(entry.data)) {
        const ref = (entry.data as { external: ExternalDataRef }).external;
        Object.assign(proto, externalFields(ref.location, ref.offset, ref.length));
      } else if (writer !== undefined && goesExternal(entry)) {
        const { location, offset } = await writer.add(entry, tap);
        Object.assign(proto, externalFields(location, offset, entry.byteLength));
      } else {
        proto.rawData = await collect(entry, tap);
      }
      initializer.push(proto);
      tensorsDone += 1;
      report();
    }
  } finally {
    await writer?.close();
  }
  const opsetImport = [{ domain: '', version: state.opset }];
  for (const [domain, version] of state.domains) opsetImport.push({ domain, version });
  const model: ModelProto = {
    irVersion: options.irVersion ?? defaultIrVersion(state.opset),
    opsetImport,
    producerName: options.producerName ?? '@nvlm-ts/onnx',
    graph: {
      name: state.name,
      node: state.nodes,
      initializer,
      input: state.inputs,
      output: state.outputs,
    },
  };
  if (options.producerVersion !== undefined) model.producerVersion = options.producerVersion;
  if (options.docString !== undefined) model.docString = options.docString;
  if (state.docString !== undefined) model.graph!.docString = state.docString;
  if (options.metadata !== undefined) {
    model.metadataProps = Object.entries(options.metadata).map(([key, value]) => ({ key, value }));
  }
  const bytes = encodeModelProto(model);
  if (bytes.byteLength > PROTOBUF_LIMIT) {
    throw new OnnxError(
      'MODEL_TOO_LARGE',
      `ModelProto is ${bytes.byteLength} bytes, above protobuf's 2 GiB cap`,
      {
        name: state.name,
      },
    );
  }
  const externalFiles = (writer?.files ?? []).map((f) =>
    Object.freeze({ ...f, tensors: Object.freeze([...f.tensors]) }),
  );
  return { model: bytes, externalFiles };
}
