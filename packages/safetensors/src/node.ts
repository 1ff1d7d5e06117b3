/**
 * Node entry of @nvlm-ts/safetensors: everything of the platform-free index, plus files and sharded
 * checkpoint directories on disk. Tensors are read with positioned `FileHandle.read` calls (files of
 * any size, above 2 GiB included; never the whole file in memory), and files are written through a
 * temporary name and renamed into place, so a failed write leaves nothing half-written behind.
 */

import { type FileHandle, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Checkpoint, INDEX_FILE, MAX_INDEX_BYTES, parseShardIndex, SINGLE_FILE } from './checkpoint.js';
import { SafetensorsError, toIoError } from './errors.js';
import { type ByteSource, SafetensorsReader } from './reader.js';
import { type ByteSink, type TensorToWrite, type WriteOptions, writeSafetensors } from './writer.js';

export * from './index.js';

/** Largest single `read`/`write` call, in bytes (Node caps one call below 2 GiB). */
const IO_CHUNK = 1 << 30; // 1 GiB

/** A {@link ByteSource} over an open file: positioned reads, chunked below Node's 2 GiB per-call cap. */
export async function fileSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    throw toIoError(error, path, 'opening');
  }
  return {
    name: path,
    size,
    async read(offset, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, Math.min(IO_CHUNK, length - done), offset + done);
        if (bytesRead === 0) return out.subarray(0, done); // EOF: the reader reports TRUNCATED
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

/** Opens one safetensors file and validates its header; call `close()` when done. */
export async function openSafetensors(path: string): Promise<SafetensorsReader> {
  const source = await fileSource(path);
  try {
    return await SafetensorsReader.open(source);
  } catch (error) {
    await source.close?.();
    throw error;
  }
}

/**
 * Opens a checkpoint: a directory holding `model.safetensors.index.json` (sharded) or
 * `model.safetensors`, an index file, or a single `.safetensors` file. Every shard's header is
 * validated; a shard named by the index but absent is `MISSING_SHARD`. Call `close()` when done.
 */
export async function openCheckpoint(path: string): Promise<Checkpoint> {
  let kind: 'dir' | 'file';
  try {
    kind = (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (error) {
    throw toIoError(error, path, 'stat');
  }
  let indexPath: string | undefined;
  if (kind === 'file') {
    if (!path.endsWith('.json')) return new Checkpoint([await openSafetensors(path)]);
    indexPath = path;
  } else if (await exists(join(path, INDEX_FILE))) {
    indexPath = join(path, INDEX_FILE);
  } else if (await exists(join(path, SINGLE_FILE))) {
    return new Checkpoint([await openSafetensors(join(path, SINGLE_FILE))]);
  } else {
    throw new SafetensorsError('MISSING_SHARD', `directory has neither ${INDEX_FILE} nor ${SINGLE_FILE}`, {
      file: path,
    });
  }
  const size = (await stat(indexPath)).size;
  if (size > MAX_INDEX_BYTES) {
    throw new SafetensorsError('BAD_INDEX', `index is ${size} bytes, above the ${MAX_INDEX_BYTES}-byte cap`, {
      file: indexPath,
    });
  }
  const index = parseShardIndex(await readFile(indexPath, 'utf8'), indexPath);
  const dir = dirname(indexPath);
  const readers: SafetensorsReader[] = [];
  try {
    for (const shard of index.shards) {
      const shardPath = join(dir, shard);
      if (!(await exists(shardPath))) {
        throw new SafetensorsError(
          'MISSING_SHARD',
          `shard '${shard}' named by ${basename(indexPath)} does not exist`,
          {
            file: shardPath,
          },
        );
      }
      readers.push(await openSafetensors(shardPath));
    }
    return new Checkpoint(readers, index);
  } catch (error) {
    await Promise.all(readers.map((r) => r.close()));
    throw error;
  }
}

/** A {@link ByteSink} appending to an open file handle. */
export function fileSink(handle: FileHandle): ByteSink {
  return {
    async write(chunk) {
      let done = 0;
      while (done < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, done, Math.min(IO_CHUNK, chunk.byteLength - done));
        done += bytesWritten;
      }
    },
  };
}

/**
 * Writes a safetensors file of any size, streaming one tensor at a time (see `writeSafetensors`).
 * Writes to `path + '.partial'` and renames on success; on failure removes the partial file and
 * rethrows. Returns the number of bytes written.
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: readonly TensorToWrite[],
  options: WriteOptions = {},
): Promise<number> {
  const partial = `${path}.partial`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(partial, 'w');
    const written = await writeSafetensors(fileSink(handle), tensors, { ...options, file: path });
    await handle.close();
    handle = undefined;
    await rename(partial, path);
    return written;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
    if (error instanceof TypeError || error instanceof RangeError) throw error; // bad arguments stay as they are
    throw toIoError(error, path, 'writing');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
