/**
 * Node dataset files to benchmark samples: picks the reader by extension (`.jsonl`/`.ndjson` = the
 * nvlm-ts JSONL layout, `.tsv` = a VLMEvalKit TSV), streams the records (never loads the file whole),
 * resolves JSONL image references (a path relative to the data file, an absolute path, a `file:` URL or
 * a `data:` URL) and hands each record to the benchmark's `toSample`. Bad lines and records are
 * reported with their line number and skipped or fail the read; duplicate ids are rejected because
 * ids key the runner's resume.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, EvalSample, PromptStyle } from '../benchmarks/types.js';
import { EvaluationError } from '../errors.js';
import { type DatasetRecord, readJsonl } from './jsonl.js';
import { DEFAULT_MAX_LINE_LENGTH } from './lines.js';
import { readVlmEvalKitTsv } from './tsv.js';

/** The dataset layouts {@link readSamples} reads, chosen by file extension. */
export type DatasetFormat = 'jsonl' | 'tsv';

/** Options of {@link readSamples}. */
export interface ReadSamplesOptions {
  /** Whose prompts the samples use (default `nvlm`). */
  readonly promptStyle?: PromptStyle;
  /** `'fail'` (default) stops at the first bad line or record; `'skip'` reports it and goes on. */
  readonly onBadLine?: 'fail' | 'skip';
  /** Called with each skipped line's error when `onBadLine` is `'skip'`. */
  readonly onSkip?: (error: EvaluationError) => void;
  /** Longest accepted line or row in characters (default 256 Mi). */
  readonly maxLineLength?: number;
}

/**
 * The format of a dataset file from its extension.
 * @throws {EvaluationError} `BAD_RUN` for an extension that is neither `.jsonl`/`.ndjson` nor `.tsv`.
 */
export function datasetFormat(file: string): DatasetFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv') return 'tsv';
  throw new EvaluationError(
    'BAD_RUN',
    `cannot tell the format of '${file}': expected a .jsonl (nvlm-ts layout) or .tsv (VLMEvalKit) file`,
  );
}

/**
 * Yields the samples of a dataset file in file order.
 * @throws {EvaluationError} `BAD_LINE` (malformed line) or `BAD_SAMPLE` (a record the benchmark
 *   rejects, an unreadable image, a duplicate id), with `line`, unless `onBadLine` is `'skip'`.
 */
export async function* readSamples(
  file: string,
  benchmark: Benchmark,
  options: ReadSamplesOptions = {},
): AsyncGenerator<EvalSample> {
  const format = datasetFormat(file);
  const promptStyle = options.promptStyle ?? 'nvlm';
  const skip = options.onBadLine === 'skip';
  const readerOptions = {
    onBadLine: skip ? ('skip' as const) : ('throw' as const),
    ...(options.onSkip && { onSkip: options.onSkip }),
    maxLineLength: options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
  };
  const stream = createReadStream(file);
  // An unreadable file surfaces as the stream's first error; make it a typed one.
  const opened = new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (cause) =>
      fail(new EvaluationError('BAD_RUN', `cannot read dataset '${file}': ${cause.message}`, { cause })),
    );
  });
  await opened;
  const records: AsyncGenerator<DatasetRecord<Readonly<Record<string, unknown>>>> =
    format === 'jsonl' ? readJsonl(stream, readerOptions) : readVlmEvalKitTsv(stream, readerOptions);
  const seen = new Map<string, number>();
  try {
    for await (const { line, record } of records) {
      let sample: EvalSample;
      try {
        sample = await benchmark.toSample(record, {
          line,
          format,
          promptStyle,
          loadImage: (reference) => loadImage(reference, file, line),
        });
        const first = seen.get(sample.id);
        if (first !== undefined) {
          throw new EvaluationError(
            'BAD_SAMPLE',
            `line ${line}: duplicate id '${sample.id}' (first on line ${first}); ids must be unique to resume a run`,
            { line, field: 'id' },
          );
        }
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        const bad = atLine(error, line);
        if (!skip) throw bad;
        options.onSkip?.(bad);
        continue;
      }
      seen.set(sample.id, line);
      yield sample;
    }
  } catch (error) {
    // Read errors of the file itself (EISDIR, EIO) as typed ones; bad content is already typed.
    if (error instanceof EvaluationError || typeof (error as NodeJS.ErrnoException)?.code !== 'string')
      throw error;
    throw new EvaluationError('BAD_RUN', `cannot read dataset '${file}': ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    stream.destroy();
  }
}

/** A BAD_SAMPLE error naming `line` (the benchmark's own error kept as the cause). */
function atLine(error: EvaluationError, line: number): EvaluationError {
  if (error.code === 'BAD_SAMPLE' && error.line === line) return error;
  const message = /^line \d+:/.test(error.message) ? error.message : `line ${line}: ${error.message}`;
  return new EvaluationError('BAD_SAMPLE', message, { line, field: error.field, cause: error });
}

/**
 * The bytes of an image reference of a JSONL record: a `data:` URL, a `file:` URL, an absolute path or
 * a path relative to the dataset file's directory.
 * @throws {EvaluationError} `BAD_SAMPLE` naming the line and the path when the image cannot be read.
 */
export async function loadImage(reference: string, datasetFile: string, line: number): Promise<Uint8Array> {
  if (typeof reference !== 'string' || reference === '') {
    throw new EvaluationError('BAD_SAMPLE', `line ${line}: an image reference must be a non-empty string`, {
      line,
      field: 'image',
    });
  }
  if (reference.startsWith('data:')) return decodeDataUrl(reference, line);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference) && !reference.startsWith('file:')) {
    throw new EvaluationError(
      'BAD_SAMPLE',
      `line ${line}: image '${reference.slice(0, 80)}' is a remote URL; download the images and refer to files`,
      { line, field: 'image' },
    );
  }
  const path = reference.startsWith('file:')
    ? fileURLToPath(reference)
    : isAbsolute(reference)
      ? reference
      : resolve(dirname(datasetFile), reference);
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new EvaluationError('BAD_SAMPLE', `line ${line}: cannot read image '${path}' (${why})`, {
      line,
      field: 'image',
      cause,
    });
  }
}

/** Decodes `data:[<mime>][;base64],<data>` (RFC 2397). */
function decodeDataUrl(url: string, line: number): Uint8Array {
  const comma = url.indexOf(',');
  const bad = (why: string) =>
    new EvaluationError('BAD_SAMPLE', `line ${line}: image data URL ${why}`, { line, field: 'image' });
  if (comma < 0) throw bad('has no comma');
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  if (meta.split(';').includes('base64')) {
    const compact = data.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw bad('is not valid base64');
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  try {
    return new Uint8Array(Buffer.from(decodeURIComponent(data), 'latin1'));
  } catch {
    throw bad('has a bad percent escape');
  }
}

/**
 * Counts the samples of a dataset file cheaply, for a progress total: one byte scan, no parsing.
 * JSONL: non-blank lines. TSV: non-blank rows (newlines inside quoted fields do not end a row) less
 * the header. Lines that later prove malformed are counted too.
 */
export async function countSamples(file: string): Promise<number> {
  const tsv = datasetFormat(file) === 'tsv';
  let rows = 0;
  let content = false;
  let quoted = false;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a) {
        if (!quoted) {
          if (content) rows++;
          content = false;
        }
      } else if (tsv && b === 0x22) {
        // A doubled quote inside a quoted field toggles twice, so the state stays right.
        quoted = !quoted;
        content = true;
      } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) content = true;
    }
  }
  if (content) rows++;
  return tsv ? Math.max(0, rows - 1) : rows;
}
