/**
 * Shared pieces of the benchmark definitions: record field access with BAD_SAMPLE errors that name
 * the line and the field, the two record layouts (nvlm-ts JSONL and VLMEvalKit TSV, see the eval
 * README), image loading, prompt assembly, variant checks and the summaries in the paper's units
 * (NVLM.md 14.1).
 */
import { decodeBase64 } from '../datasets/tsv.js';
import { EvaluationError } from '../errors.js';
import { pyStrip } from '../python/strings.js';
import { PythonLiteralError, parsePythonList } from './python-literal.js';
import type {
  Benchmark,
  BenchmarkSummary,
  EvalSample,
  GenerationSettings,
  PromptStyle,
  SampleContext,
  SampleResult,
} from './types.js';

/**
 * The image placeholder of the prompts: the same string as `IMAGE_PLACEHOLDER` of @nvlm-ts/tiler
 * (this package does not depend on the tiler, so it is spelled once here).
 */
export const IMAGE_TOKEN = '<image>';

/** NVLM/Megatron's system message for every benchmark but MMMU and MathVista (EVAL.md §2-8). */
export const NVLM_SYSTEM = "Follow the user's instruction and answer questions.";

/** Megatron's sampling seed (EVAL.md §0.2); with temperature 0 it only matters to sampling servers. */
export const EVAL_SEED = 1234;

/** Greedy generation settings with the NVLM seed. */
export function greedy(maxNewTokens: number): GenerationSettings {
  return Object.freeze({ maxNewTokens, temperature: 0, seed: EVAL_SEED });
}

/** A dataset record as `toSample` receives it. */
export type RawRecord = Readonly<Record<string, unknown>>;

/** Longest image reference a JSONL record plausibly holds as a path; longer strings are base64. */
const MAX_PATH_LENGTH = 4096;

/**
 * Which layout a record has: `context.format` when given, else a TSV row is recognised as all-string
 * cells with an `index` column or an inline image (an `image` longer than any path and not a `data:`
 * URL).
 */
export function recordFormat(record: RawRecord, context: SampleContext): 'jsonl' | 'tsv' {
  if (context.format !== undefined) return context.format;
  if (!Object.values(record).every((v) => typeof v === 'string')) return 'jsonl';
  const image = record.image;
  const inline = typeof image === 'string' && image.length > MAX_PATH_LENGTH && !image.startsWith('data:');
  return 'index' in record || inline ? 'tsv' : 'jsonl';
}

/** `EvaluationError('BAD_SAMPLE')` for `field` of the record on `line`. */
export function badSample(line: number, field: string, message: string, cause?: unknown): EvaluationError {
  return new EvaluationError('BAD_SAMPLE', `line ${line}: '${field}' ${message}`, { line, field, cause });
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'` : typeof v;
}

/** A required non-empty string field. */
export function requireString(record: RawRecord, field: string, line: number): string {
  const v = record[field];
  if (typeof v !== 'string' || v === '')
    throw badSample(line, field, `must be a non-empty string, got ${describe(v)}`);
  return v;
}

/** An optional string field (undefined when absent, null or empty). */
export function optionalString(record: RawRecord, field: string, line: number): string | undefined {
  const v = record[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw badSample(line, field, `must be a string, got ${describe(v)}`);
  return v;
}

/** The sample id: `id`, `question_id` or `index` (string or finite number), else the line number. */
export function sampleId(record: RawRecord, line: number): string {
  for (const field of ['id', 'question_id', 'index']) {
    const v = record[field];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw badSample(line, field, `must be a string or a number, got ${describe(v)}`);
  }
  return String(line);
}

/** A TSV cell that may hold a Python list literal; `strict` makes a malformed `[...]` an error. */
export function tsvList(cell: string, field: string, line: number, strict: boolean): string[] | null {
  try {
    return parsePythonList(cell);
  } catch (cause) {
    if (!strict) return null;
    const reason = cause instanceof PythonLiteralError ? cause.message : String(cause);
    throw badSample(line, field, `is not a valid Python list literal (${reason})`, cause);
  }
}

/**
 * A field holding one or more strings: JSONL a string or an array of strings; TSV a plain string or
 * a Python list literal (malformed literals are errors).
 */
export function stringList(
  record: RawRecord,
  field: string,
  line: number,
  format: 'jsonl' | 'tsv',
): string[] {
  const v = record[field];
  if (typeof v === 'string') {
    if (format === 'tsv') return tsvList(v, field, line, true) ?? [v];
    return [v];
  }
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw badSample(line, field, `must be a string or a non-empty array of strings, got ${describe(v)}`);
}

/** Letters of the options in order: `A`, `B`, ... */
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Multiple-choice options: JSONL `field` (array of strings), TSV columns `A`..`Z` that are present. */
export function optionList(
  record: RawRecord,
  field: string,
  line: number,
  format: 'jsonl' | 'tsv',
): string[] | undefined {
  if (format === 'tsv') {
    const options: string[] = [];
    for (const letter of LETTERS) {
      const v = record[letter];
      if (typeof v !== 'string') break;
      options.push(v);
    }
    return options.length > 0 ? options : undefined;
  }
  const v = record[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const parsed = tsvList(v, field, line, true);
    if (parsed !== null) return parsed;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw badSample(line, field, `must be an array of strings, got ${describe(v)}`);
  }
  if (v.length > LETTERS.length)
    throw badSample(line, field, `has ${v.length} options, at most 26 are supported`);
  return v.length > 0 ? (v as string[]) : undefined;
}

/** `{ A: text, B: text, ... }` for options in order. */
export function choiceMap(options: readonly string[]): Record<string, string> {
  return Object.fromEntries(options.map((text, i) => [LETTERS[i] as string, text]));
}

/** Checks a gold letter against the number of options. */
export function requireLetter(answer: string, count: number, line: number, field = 'answer'): string {
  const letter = pyStrip(answer);
  if (letter.length !== 1 || !LETTERS.slice(0, count).includes(letter)) {
    throw badSample(
      line,
      field,
      `must be one of the option letters ${LETTERS.slice(0, count)}, got '${answer}'`,
    );
  }
  return letter;
}

/** Wraps a failure of `context.loadImage` (EvaluationErrors pass through unchanged). */
async function load(context: SampleContext, reference: string, field: string): Promise<Uint8Array> {
  try {
    return await context.loadImage(reference);
  } catch (cause) {
    if (cause instanceof EvaluationError) throw cause;
    throw badSample(
      context.line,
      field,
      `could not be loaded (${(cause as Error)?.message ?? cause})`,
      cause,
    );
  }
}

function decodeCell(cell: string, line: number): Uint8Array {
  if (/^\d{1,12}$/.test(cell.trim())) {
    throw badSample(
      line,
      'image',
      `refers to the image of row ${cell.trim()}; VLMEvalKit image references are not supported, inline the base64`,
    );
  }
  try {
    return decodeBase64(cell);
  } catch (cause) {
    throw badSample(line, 'image', 'is not valid base64', cause);
  }
}

/**
 * The record's images in order. JSONL: `image` (one reference) or `images` (array of references),
 * each through `context.loadImage`. TSV: `image` is base64, or a Python list of base64 strings
 * (VLMEvalKit's multi-image rows); `image_path` without `image` is not supported.
 */
export async function loadImages(
  record: RawRecord,
  context: SampleContext,
  format: 'jsonl' | 'tsv',
): Promise<Uint8Array[]> {
  const line = context.line;
  if (format === 'tsv') {
    const cell = record.image;
    if (typeof cell !== 'string' || cell === '') {
      const hint =
        record.image_path !== undefined ? ' (image_path without an inline image is not supported)' : '';
      throw badSample(line, 'image', `must hold the base64 image, got ${describe(cell)}${hint}`);
    }
    const list = tsvList(cell, 'image', line, true);
    return (list ?? [cell]).map((c) => decodeCell(c, line));
  }
  if (record.images !== undefined && record.images !== null) {
    const refs = record.images;
    if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === 'string' && r !== '')) {
      throw badSample(line, 'images', `must be a non-empty array of image references, got ${describe(refs)}`);
    }
    const out: Uint8Array[] = [];
    for (const [i, ref] of (refs as string[]).entries()) out.push(await load(context, ref, `images[${i}]`));
    return out;
  }
  const ref = record.image;
  if (typeof ref !== 'string' || ref === '') {
    throw badSample(line, 'image', `must be an image reference (path or data: URL), got ${describe(ref)}`);
  }
  return [await load(context, ref, 'image')];
}

/** `<image>\n` once per image, then the text (every style puts the images before the text). */
export function withImages(imageCount: number, text: string): string {
  return `${IMAGE_TOKEN}\n`.repeat(imageCount) + text;
}

/** Throws UNKNOWN_VARIANT unless `variant` is one of the benchmark's. */
export function checkVariant(benchmark: Pick<Benchmark, 'name' | 'variants'>, variant: string): void {
  if (!benchmark.variants.includes(variant)) {
    throw new EvaluationError(
      'UNKNOWN_VARIANT',
      `unknown ${benchmark.name} variant '${variant}' (known: ${benchmark.variants.join(', ')})`,
      { field: 'variant' },
    );
  }
}

/** A gold field of a sample, checked (gold is built by `toSample`, but samples can be hand-made). */
export function goldField<T>(
  sample: EvalSample,
  field: string,
  check: (v: unknown) => v is T,
  what: string,
): T {
  const v = sample.gold[field];
  if (!check(v)) {
    throw new EvaluationError('BAD_INPUT', `sample ${sample.id}: gold '${field}' must be ${what}`, {
      field,
      line: sample.line,
    });
  }
  return v;
}

/** Type guard: a string. */
export const isString = (v: unknown): v is string => typeof v === 'string';
/** Type guard: a non-empty array of strings. */
export const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
/** Type guard: absent or an array of strings. */
export const isOptionalStringArray = (v: unknown): v is string[] | undefined =>
  v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * Mean score x100 over every result (failed samples count 0), with per-category means when
 * `byCategory` (categories from `SampleResult.category`).
 */
export function summarizePercent(
  benchmark: Pick<Benchmark, 'name' | 'title' | 'variants'>,
  results: readonly SampleResult[],
  variant: string,
  promptStyle: PromptStyle,
  byCategory: boolean,
): BenchmarkSummary {
  checkVariant(benchmark, variant);
  const sums = new Map<string, { sum: number; count: number }>();
  let sum = 0;
  let failed = 0;
  for (const r of results) {
    if (r.score === null) failed++;
    const s = r.score ?? 0;
    sum += s;
    if (byCategory && r.category !== undefined) {
      const entry = sums.get(r.category) ?? { sum: 0, count: 0 };
      entry.sum += s;
      entry.count++;
      sums.set(r.category, entry);
    }
  }
  const breakdown = byCategory
    ? Object.fromEntries([...sums].map(([k, v]) => [k, (100 * v.sum) / v.count]))
    : undefined;
  return {
    benchmark: benchmark.name,
    title: benchmark.title,
    unit: 'percent',
    variant,
    promptStyle,
    score: results.length === 0 ? 0 : (100 * sum) / results.length,
    samples: results.length,
    failed,
    ...(breakdown !== undefined && Object.keys(breakdown).length > 0 ? { breakdown } : {}),
  };
}
