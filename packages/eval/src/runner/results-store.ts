/**
 * The runner's files under `<outDir>/<benchmark>/`: `samples.jsonl` (one result per line, appended and
 * fsync'd per sample through one file handle, so a crash loses at most the line being written),
 * `run.json` (the settings the results belong to) and atomically replaced JSON files. Reading back
 * repairs a torn last line (a crash mid-write) and keeps the latest line per sample id.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SampleResult } from '../benchmarks/types.js';
import { readLines } from '../datasets/lines.js';
import { EvaluationError } from '../errors.js';

/** One line of `samples.jsonl`: a {@link SampleResult} plus token counts when the model reported them. */
export interface RecordedResult extends SampleResult {
  readonly promptTokens?: number | undefined;
  readonly completionTokens?: number | undefined;
}

/**
 * Cuts a torn last line (no final `\n`, left by a crash mid-write) off a results file.
 * Resolves to the number of bytes removed (0 when the file ends cleanly or does not exist).
 */
export async function repairTornTail(file: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  if (size === 0) return 0;
  const handle = await open(file, 'r');
  try {
    const block = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - start, start);
      const nl = block.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep === size) return 0;
        await truncate(file, keep);
        return size - keep;
      }
      end = start;
    }
    await truncate(file, 0);
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * Streams a results file, calling `visit` with each parsed line.
 * @throws {EvaluationError} `BAD_RUN` naming the line when a complete line is not a result object.
 */
export async function forEachResult(
  file: string,
  visit: (result: RecordedResult, line: number) => void,
): Promise<void> {
  let stream: AsyncIterable<Buffer>;
  try {
    await stat(file);
    stream = createReadStream(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const { line, text } of readLines(stream)) {
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new EvaluationError(
        'BAD_RUN',
        `${file} line ${line}: not a JSON result line; the file is damaged`,
        {
          line,
          cause,
        },
      );
    }
    const result = value as RecordedResult;
    if (typeof result !== 'object' || result === null || typeof result.id !== 'string') {
      throw new EvaluationError('BAD_RUN', `${file} line ${line}: a result line needs a string 'id'`, {
        line,
      });
    }
    visit(result, line);
  }
}

/** The latest result per id (a later line supersedes an earlier one: a retried failure). */
export async function readLatestResults(file: string): Promise<Map<string, RecordedResult>> {
  const latest = new Map<string, RecordedResult>();
  await forEachResult(file, (result) => {
    latest.delete(result.id); // keep insertion order = order of the latest lines
    latest.set(result.id, result);
  });
  return latest;
}

/** Appends results to `samples.jsonl`: writes serialised on one handle, `datasync` after each line. */
export class ResultsWriter {
  readonly #handle: FileHandle;
  #tail: Promise<void> = Promise.resolve();
  #error: unknown;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  /** Opens `file` for appending (creating it and its directory). */
  static async open(file: string): Promise<ResultsWriter> {
    await mkdir(dirname(file), { recursive: true });
    return new ResultsWriter(await open(file, 'a'));
  }

  /** Appends one line and resolves once it is on disk; after a failed write every append rejects. */
  append(result: RecordedResult): Promise<void> {
    const line = `${JSON.stringify(result)}\n`;
    const next = this.#tail.then(async () => {
      if (this.#error !== undefined) throw this.#error;
      try {
        await this.#handle.write(line);
        await this.#handle.datasync();
      } catch (error) {
        this.#error = error;
        throw error;
      }
    });
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#handle.close();
  }
}

/** Writes `text` to `file` through a temporary file, fsync and rename: readers see old or new, never half. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = join(
    dirname(file),
    `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
  );
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** Parses a JSON file, or undefined when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new EvaluationError('BAD_RUN', `${file} is not valid JSON`, { cause });
  }
}
