/**
 * Node entry of @nvlm-ts/onnx (`@nvlm-ts/onnx/node`): `saveModel` writes a model and its external
 * data files to disk. Every file is written under a `.partial` name and renamed into place only when
 * all of them are complete, so a failure leaves no half-written model behind.
 */

import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OnnxError } from './errors.js';
import type { GraphBuilder } from './graph-builder.js';
import {
  type ExternalDataOptions,
  type ExternalDataSink,
  type SerializedModel,
  type SerializeOptions,
  serializeModel,
} from './model-writer.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions extends Omit<SerializeOptions, 'externalData'> {
  /**
   * External data: `true` (default) puts initializers >= `threshold` bytes in `<model file>.data`
   * next to the model; an object picks the file name and layout; `false` stores everything inline.
   */
  readonly externalData?: boolean | Partial<Omit<ExternalDataOptions, 'open'>>;
}

const IO_CHUNK = 1 << 30; // Node caps one write call below 2 GiB

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, done, Math.min(IO_CHUNK, chunk.byteLength - done));
    done += bytesWritten;
  }
}

/**
 * Serialises `graph` to `path` (and its external data files beside it); returns what was written.
 * Lazy initializer sources are consumed once, streamed to disk one tensor at a time.
 */
export async function saveModel(
  graph: GraphBuilder,
  path: string,
  options: SaveModelOptions = {},
): Promise<SerializedModel> {
  const dir = dirname(path);
  const partials: string[] = [];
  const handles: FileHandle[] = [];
  const partialOf = (file: string) => `${file}.partial`;
  const openSink = async (location: string): Promise<ExternalDataSink> => {
    if (location.includes('/') || location.includes('\\')) {
      throw new TypeError(`external data location must be a plain file name, got '${location}'`);
    }
    const file = partialOf(join(dir, location));
    partials.push(file);
    const handle = await open(file, 'w');
    handles.push(handle);
    return { write: (chunk) => writeAll(handle, chunk), close: () => handle.close() };
  };
  const ext = options.externalData ?? true;
  const externalData: ExternalDataOptions | undefined =
    ext === false
      ? undefined
      : { location: `${basename(path)}.data`, ...(ext === true ? {} : ext), open: openSink };
  try {
    const result = await serializeModel(graph, { ...options, externalData });
    const modelPartial = partialOf(path);
    partials.push(modelPartial);
    const handle = await open(modelPartial, 'w');
    handles.push(handle);
    await writeAll(handle, result.model);
    await handle.close();
    for (const f of result.externalFiles)
      await rename(partialOf(join(dir, f.location)), join(dir, f.location));
    await rename(modelPartial, path);
    return result;
  } catch (error) {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    await Promise.all(partials.map((p) => rm(p, { force: true })));
    if (
      options.signal?.aborted ||
      error instanceof OnnxError ||
      error instanceof TypeError ||
      error instanceof RangeError
    ) {
      throw error;
    }
    throw new OnnxError('IO', `writing the model failed: ${(error as Error)?.message ?? error}`, {
      name: path,
      cause: error,
    });
  }
}
