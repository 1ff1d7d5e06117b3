/**
 * OCRBench (v1), EVAL.md §8: 1,000 questions in 10 types, scored by the `OCRBench/example.py`
 * substring rule (`../scorers/ocrbench.ts`) and reported in points out of 1000.
 */
import { pyStrip } from '../python/strings.js';
import { OCRBENCH_VARIANTS, type OcrBenchVariant, scoreOcrBench } from '../scorers/ocrbench.js';
import {
  checkVariant,
  goldField,
  greedy,
  isString,
  isStringArray,
  loadImages,
  NVLM_SYSTEM,
  optionalString,
  type RawRecord,
  recordFormat,
  requireString,
  sampleId,
  stringList,
  withImages,
} from './common.js';
import { PAPER } from './paper.js';
import type {
  Benchmark,
  BenchmarkSummary,
  EvalSample,
  SampleContext,
  SampleResult,
  SampleScore,
} from './types.js';

const HMER = 'Handwritten Mathematical Expression Recognition';

/** OCRBench's five reported categories and the question types each sums (EVAL.md §8). */
export const OCRBENCH_CATEGORIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'Text Recognition': [
    'Regular Text Recognition',
    'Irregular Text Recognition',
    'Artistic Text Recognition',
    'Handwriting Recognition',
    'Digit String Recognition',
    'Non-Semantic Text Recognition',
  ],
  'Scene Text-centric VQA': ['Scene Text-centric VQA'],
  'Doc-oriented VQA': ['Doc-oriented VQA'],
  'Key Information Extraction': ['Key Information Extraction'],
  [HMER]: [HMER],
});

const categoryOf = (type: string) =>
  Object.keys(OCRBENCH_CATEGORIES).find((c) => OCRBENCH_CATEGORIES[c]?.includes(type));

/**
 * OCRBench. Fields: JSONL `question`, `answers` (string or array), `dataset_name` (`HME100k` switches
 * to the case-sensitive, space-free rule), `type`; TSV `question`, `answer` (a string or a Python list
 * literal), `category` (the type) and optional `dataset_name`. Without `dataset_name`, the HME rule
 * applies to type `Handwritten Mathematical Expression Recognition` (as VLMEvalKit decides it).
 *
 * 128 new tokens: the Megatron script's 16 cut off long answers (HME100k LaTeX such as
 * `x _ { 1 } + \frac { 1 } { 2 }`, key-information fields), and a cut answer cannot contain the gold
 * substring.
 */
export const ocrbench: Benchmark = Object.freeze<Benchmark>({
  name: 'ocrbench',
  title: 'OCRBench',
  unit: 'points',
  variants: OCRBENCH_VARIANTS,
  paper: PAPER.ocrbench,
  generation: greedy(128),
  async toSample(record: RawRecord, context: SampleContext): Promise<EvalSample> {
    const format = recordFormat(record, context);
    const line = context.line;
    const id = sampleId(record, line);
    const question = requireString(record, 'question', line);
    const answers = stringList(record, record.answers !== undefined ? 'answers' : 'answer', line, format);
    const type = optionalString(record, 'type', line) ?? optionalString(record, 'category', line);
    const datasetName =
      optionalString(record, 'dataset_name', line) ??
      (type !== undefined && pyStrip(type) === HMER ? 'HME100k' : '');
    const images = await loadImages(record, context, format);
    return {
      id,
      line,
      system: context.promptStyle === 'nvlm' ? NVLM_SYSTEM : undefined,
      prompt: withImages(images.length, question),
      images,
      gold: { answers, dataset_name: datasetName },
      category: type,
    };
  },
  score(sample: EvalSample, output: string, variant: string): SampleScore {
    checkVariant(ocrbench, variant);
    const answers = goldField(sample, 'answers', isStringArray, 'a non-empty array of strings');
    const datasetName = goldField(sample, 'dataset_name', isString, 'a string');
    // Megatron `.strip()`s the generation; the substring rule strips anyway, so this only matters
    // for characters Python does not count as whitespace.
    const text = variant === 'megatron' ? pyStrip(output) : output;
    const result = scoreOcrBench(text, answers, datasetName, variant as OcrBenchVariant);
    return { extracted: result.pred_norm, score: result.score, details: { pred_norm: result.pred_norm } };
  },
  /**
   * `score` = 1000 x (sum of per-sample scores) / samples, so a partial run is on the paper's 0-1000
   * scale (a full run of 1,000 questions gives exactly the official count). `breakdown` holds RAW sums,
   * as OCRBench's own report does: `correct` (the total), each question type, and the five categories
   * (e.g. `Text Recognition` out of 300 in a full run).
   */
  summarize(results: readonly SampleResult[], variant: string, promptStyle): BenchmarkSummary {
    checkVariant(ocrbench, variant);
    let correct = 0;
    let failed = 0;
    const breakdown: Record<string, number> = {};
    for (const category of Object.keys(OCRBENCH_CATEGORIES)) breakdown[category] = 0;
    for (const r of results) {
      if (r.score === null) failed++;
      const s = r.score ?? 0;
      correct += s;
      if (r.category !== undefined) {
        const type = pyStrip(r.category);
        breakdown[type] = (breakdown[type] ?? 0) + s;
        const category = categoryOf(type);
        if (category !== undefined && category !== type) breakdown[category] = (breakdown[category] ?? 0) + s;
      }
    }
    breakdown.correct = correct;
    return {
      benchmark: 'ocrbench',
      title: 'OCRBench',
      unit: 'points',
      variant,
      promptStyle,
      score: results.length === 0 ? 0 : (1000 * correct) / results.length,
      samples: results.length,
      failed,
      breakdown,
    };
  },
});
