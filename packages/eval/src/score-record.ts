/**
 * One entry point over every scorer for untrusted JSON records (what `nvlm score` reads per JSONL
 * line): validates the fields each metric needs (EVAL.md §13), applies a per-record `variant` /
 * `fallback` over the defaults, and returns `{ score, ...what the scorer extracted }`.
 */
import { EvaluationError } from './errors.js';
import type { PyRandom } from './python/random.js';
import { ANLS_VARIANTS, scoreAnls } from './scorers/anls.js';
import { MATHVISTA_VARIANTS, scoreMathVista } from './scorers/mathvista.js';
import { MMMU_VARIANTS, type MmmuFallback, scoreMmmu } from './scorers/mmmu.js';
import { OCRBENCH_VARIANTS, scoreOcrBench } from './scorers/ocrbench.js';
import { RELAXED_VARIANTS, scoreRelaxed } from './scorers/relaxed.js';
import { scoreVqa, VQA_VARIANTS } from './scorers/vqa.js';

/** Every metric and its variants, default first (EVAL.md §13 spellings). */
export const METRIC_VARIANTS = {
  vqa: VQA_VARIANTS,
  anls: ANLS_VARIANTS,
  relaxed: RELAXED_VARIANTS,
  ocrbench: OCRBENCH_VARIANTS,
  mmmu: MMMU_VARIANTS,
  mathvista: MATHVISTA_VARIANTS,
} as const;

/** A metric name accepted by {@link scoreRecord}. */
export type Metric = keyof typeof METRIC_VARIANTS;
/** The metric names, in `--help` order. */
export const METRICS = Object.keys(METRIC_VARIANTS) as Metric[];

/** Options of {@link scoreRecord}; a record's own `variant`/`fallback` fields win over these. */
export interface ScoreRecordOptions {
  /** Variant name; defaults to the metric's first (official) variant. */
  readonly variant?: string | undefined;
  /** MMMU fallback: `'first'` (default) or `'random'`. */
  readonly fallback?: MmmuFallback | undefined;
  /** Generator for MMMU `fallback: 'random'`, shared across records in input order. */
  readonly rng?: PyRandom | undefined;
  /** MathVista: also try the official `The answer is "(.*)"\.` quick extraction. */
  readonly quickExtract?: boolean | undefined;
}

/** A scored record: `score` plus the extracted fields the scorer reports. */
export type ScoredRecord = { readonly score: number } & Readonly<Record<string, unknown>>;

type Json = Record<string, unknown>;

function bad(field: string, message: string): EvaluationError {
  return new EvaluationError('BAD_INPUT', `'${field}' ${message}`, { field });
}

function str(record: Json, field: string): string {
  const v = record[field];
  if (typeof v !== 'string') throw bad(field, `must be a string, got ${describe(v)}`);
  return v;
}

function optStr(record: Json, field: string, fallback: string): string {
  return record[field] === undefined || record[field] === null ? fallback : str(record, field);
}

function strList(record: Json, field: string): string[] {
  const v = record[field];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw bad(field, `must be an array of strings, got ${describe(v)}`);
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array with a non-string' : typeof v;
}

/** The gold answers from `answers` (preferred) or `answer`, as a string or an array of strings. */
function golds(record: Json): string | string[] {
  const field = record.answers !== undefined ? 'answers' : 'answer';
  const v = record[field];
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return strList(record, field);
  throw new EvaluationError(
    'BAD_INPUT',
    `'answers' (or 'answer') must be a string or an array of strings, got ${describe(v)}`,
    {
      field,
    },
  );
}

const asList = (g: string | string[]) => (typeof g === 'string' ? [g] : g);

function pickVariant<M extends Metric>(metric: M, record: Json, options: ScoreRecordOptions) {
  const allowed: readonly string[] = METRIC_VARIANTS[metric];
  const name = optStr(record, 'variant', options.variant ?? (allowed[0] as string));
  if (!allowed.includes(name)) {
    throw new EvaluationError(
      'UNKNOWN_VARIANT',
      `unknown ${metric} variant '${name}' (known: ${allowed.join(', ')})`,
      {
        field: 'variant',
      },
    );
  }
  return name as (typeof METRIC_VARIANTS)[M][number];
}

/**
 * Scores one JSON record with `metric`.
 * Fields: `prediction`; `answers` or `answer`; OCRBench `dataset_name`; MMMU `question_type`,
 * `all_choices`, `index2ans`; MathVista `question_type`, `answer_type`, `choices`, `precision`,
 * `extraction`; optional `variant` and (MMMU) `fallback`.
 * @throws {EvaluationError} `BAD_INPUT` for a missing or mistyped field, `UNKNOWN_VARIANT` for a bad name.
 */
export function scoreRecord(metric: Metric, record: unknown, options: ScoreRecordOptions = {}): ScoredRecord {
  if (!(metric in METRIC_VARIANTS)) {
    throw new EvaluationError(
      'UNKNOWN_VARIANT',
      `unknown metric '${String(metric)}' (known: ${METRICS.join(', ')})`,
    );
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new EvaluationError('BAD_INPUT', `a record must be a JSON object, got ${describe(record)}`);
  }
  const r = record as Json;
  const prediction = str(r, 'prediction');
  switch (metric) {
    case 'vqa':
      return { ...scoreVqa(prediction, asList(golds(r)), pickVariant('vqa', r, options)) };
    case 'anls':
      return { ...scoreAnls(prediction, asList(golds(r)), pickVariant('anls', r, options)) };
    case 'relaxed':
      return { ...scoreRelaxed(prediction, asList(golds(r)), pickVariant('relaxed', r, options)) };
    case 'ocrbench':
      return {
        ...scoreOcrBench(
          prediction,
          golds(r),
          optStr(r, 'dataset_name', ''),
          pickVariant('ocrbench', r, options),
        ),
      };
    case 'mmmu': {
      const variant = pickVariant('mmmu', r, options);
      const fallback = optStr(r, 'fallback', options.fallback ?? 'first');
      if (fallback !== 'first' && fallback !== 'random')
        throw bad('fallback', `must be 'first' or 'random', got '${fallback}'`);
      const questionType = str(r, 'question_type');
      let index2ans: Record<string, string> | undefined;
      if (r.index2ans !== undefined) {
        const v = r.index2ans;
        if (
          typeof v !== 'object' ||
          v === null ||
          Array.isArray(v) ||
          !Object.values(v).every((x) => typeof x === 'string')
        ) {
          throw bad('index2ans', `must be an object of strings, got ${describe(v)}`);
        }
        index2ans = v as Record<string, string>;
      }
      const item = {
        prediction,
        answer: golds(r),
        question_type: questionType,
        ...(r.all_choices !== undefined ? { all_choices: strList(r, 'all_choices') } : {}),
        ...(index2ans !== undefined ? { index2ans } : {}),
      };
      return { ...scoreMmmu(item, { variant, fallback, rng: options.rng }) };
    }
    case 'mathvista': {
      const variant = pickVariant('mathvista', r, options);
      const precision = r.precision;
      if (
        precision !== undefined &&
        precision !== null &&
        typeof precision !== 'number' &&
        typeof precision !== 'string'
      ) {
        throw bad('precision', `must be a number, a string or null, got ${describe(precision)}`);
      }
      const choices = r.choices === undefined || r.choices === null ? null : strList(r, 'choices');
      const item = {
        prediction,
        answer: str(r, 'answer'),
        question_type: str(r, 'question_type'),
        answer_type: str(r, 'answer_type'),
        choices,
        precision: precision as number | string | null | undefined,
        ...(r.extraction !== undefined && r.extraction !== null ? { extraction: str(r, 'extraction') } : {}),
      };
      return { ...scoreMathVista(item, variant, { quickExtract: options.quickExtract ?? false }) };
    }
  }
}
