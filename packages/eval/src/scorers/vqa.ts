/**
 * VQA accuracy (VQAv2, TextVQA) and the VQA answer normalisation that NVLM's Megatron scorers reuse
 * for ChartQA, DocVQA, AI2D, RealWorldQA and MathVista. Follows EVAL.md §1-3: the official
 * GT-Vision-Lab/VQA `vqaEval.py` (`processPunctuation`, `processDigitArticle`, conditional
 * normalisation, leave-one-out accuracy), and the lmms-eval EvalAI and Megatron variants.
 */
import { EvaluationError } from '../errors.js';
import { pyMean } from '../python/numbers.js';
import { pySplit, pyStrip } from '../python/strings.js';
import { VQA_CONTRACTIONS } from './vqa-contractions.js';

/** `--variant` values of the `vqa` metric (EVAL.md §13), default first. */
export const VQA_VARIANTS = ['official', 'always', 'evalai', 'lmms_vqav2', 'nvlm'] as const;
/** A `vqa` metric variant; see {@link VQA_VARIANTS}. */
export type VqaVariant = (typeof VQA_VARIANTS)[number];

/** The 21 symbols of `VQAEval.punct` (not `'` `:` `%` `$` `#` `&` `*` `^` `~` `|` `.`). */
const PUNCT = [
  ';',
  '/',
  '[',
  ']',
  '"',
  '{',
  '}',
  '(',
  ')',
  '=',
  '+',
  '\\',
  '_',
  '-',
  '>',
  '<',
  '@',
  '`',
  ',',
  '?',
  '!',
];
/** Official `commaStrip` `(\d)(\,)(\d)`, with Python's Unicode `\d`. */
const COMMA_OFFICIAL = /\p{Nd},\p{Nd}/u;
/** lmms-eval/mmf EvalAI `COMMA_STRIP` `(?<=\d)(\,)+(?=\d)` (also matches `1,,000`). */
const COMMA_EVALAI = /(?<=\p{Nd}),+(?=\p{Nd})/u;
/** `re.UNICODE` (32) lands in `sub`'s `count` argument: at most 32 periods are removed. */
const PERIOD_SUB_COUNT = 32;
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['none', '0'],
  ['zero', '0'],
  ['one', '1'],
  ['two', '2'],
  ['three', '3'],
  ['four', '4'],
  ['five', '5'],
  ['six', '6'],
  ['seven', '7'],
  ['eight', '8'],
  ['nine', '9'],
  ['ten', '10'],
]);
const ARTICLES = new Set(['a', 'an', 'the']);

/** Which comma regex and period regex {@link processPunctuation} uses. */
export interface PunctuationOptions {
  /** `'official'` `(\d)(\,)(\d)` (default) or `'evalai'` `(?<=\d)(\,)+(?=\d)`. */
  readonly comma?: 'official' | 'evalai';
  /**
   * `'official'` `(?!<=\d)(\.)(?!\d)` (default; the buggy lookahead deletes every `.` not followed by
   * a digit, so `2.` → `2`) or `'vlmevalkit'` `(?<!\d)\.(?!\d)` (VLMEvalKit since 2025-05-13: a `.`
   * right after a digit is kept). Both remove at most 32 periods.
   */
  readonly period?: 'official' | 'vlmevalkit';
}

/**
 * `VQAEval.processPunctuation`: each of the 21 symbols is deleted when it touches a space in the
 * *input* or the input has a digit-comma-digit anywhere, else replaced by a space; then up to 32
 * periods not followed by a digit are deleted.
 */
export function processPunctuation(s: string, options: PunctuationOptions = {}): string {
  const digitComma = (options.comma === 'evalai' ? COMMA_EVALAI : COMMA_OFFICIAL).test(s);
  let out = s;
  for (const p of PUNCT) {
    const remove = s.includes(`${p} `) || s.includes(` ${p}`) || digitComma;
    out = out.replaceAll(p, remove ? '' : ' ');
  }
  const period = options.period === 'vlmevalkit' ? /(?<!\p{Nd})\.(?!\p{Nd})/gu : /\.(?!\p{Nd})/gu;
  let removed = 0;
  return out.replace(period, (dot) => (removed++ < PERIOD_SUB_COUNT ? '' : dot));
}

/**
 * `VQAEval.processDigitArticle`: lower-case, split on Python whitespace, map number words
 * (`none`/`zero`…`ten`, exact tokens), drop articles, expand contractions, join with one space.
 */
export function processDigitArticle(s: string): string {
  const words: string[] = [];
  for (const token of pySplit(s.toLowerCase())) {
    const word = NUMBER_WORDS.get(token) ?? token;
    if (!ARTICLES.has(word)) words.push(word);
  }
  return words.map((w) => VQA_CONTRACTIONS.get(w) ?? w).join(' ');
}

/** Step 0 of the official evaluator: newlines and tabs to spaces, then Python `strip()`. */
export function vqaCleanWhitespace(s: string): string {
  return pyStrip(s.replaceAll('\n', ' ').replaceAll('\t', ' '));
}

/**
 * The full normalisation steps 1-2 as NVLM/Megatron applies them (no step 0):
 * `processDigitArticle(processPunctuation(s))`.
 */
export function vqaNormalize(s: string, options: PunctuationOptions = {}): string {
  return processDigitArticle(processPunctuation(s, options));
}

/** lmms-eval EvalAI `word_tokenize`: lower, delete `,` and `?`, `'s` → ` 's`, strip. */
function evalAiWordTokenize(s: string): string {
  return pyStrip(s.toLowerCase().replaceAll(',', '').replaceAll('?', '').replaceAll("'s", " 's"));
}

/** lmms-eval `EvalAIAnswerProcessor.__call__` (TextVQA): word_tokenize, step 0, steps 1-2. */
export function evalAiProcess(s: string): string {
  return vqaNormalize(vqaCleanWhitespace(evalAiWordTokenize(s)), { comma: 'evalai' });
}

/** Result of {@link scoreVqa}. */
export interface VqaResult {
  /** Accuracy in [0, 1] for this question. */
  readonly score: number;
  /** The prediction after the variant's normalisation. */
  readonly pred_norm: string;
}

/** `min(1, k/3)` for each leave-one-out subset (the answer at index `i` left out). */
function leaveOneOutAccuracies(pred: string, gts: readonly string[]): number[] {
  return gts.map((_, i) => Math.min(1, gts.filter((g, j) => j !== i && g === pred).length / 3));
}

/** Official `float(sum(gtAcc)) / len(gtAcc)`: summed in order, then divided. */
function leaveOneOut(pred: string, gts: readonly string[]): number {
  const accs = leaveOneOutAccuracies(pred, gts);
  return accs.reduce((a, b) => a + b, 0) / accs.length;
}

/** lmms-eval `statistics.mean(gtAcc)`: the exact mean, rounded once (may differ in the last bit). */
function leaveOneOutMean(pred: string, gts: readonly string[]): number {
  return pyMean(leaveOneOutAccuracies(pred, gts));
}

/**
 * VQA accuracy of one prediction against its human answers (usually 10).
 * - `official`: step 0 on everything; steps 1-2 only when the answers are not all identical
 *   (after step 0); leave-one-out `min(1, #matches/3)` mean.
 * - `always`: as official but steps 1-2 always run (VLMEvalKit `process_answer` before 2025-05).
 * - `evalai`: lmms-eval TextVQA (`textvqa_process_results`), EvalAI `__call__` on prediction and
 *   answers, leave-one-out averaged with `statistics.mean`.
 * - `lmms_vqav2`: lmms-eval `vqav2_process_results`: EvalAI `__call__` on the prediction, step 0 on the
 *   answers; then, only when the answers differ, EvalAI punctuation/digit-article on the answers and
 *   a second time on the prediction; leave-one-out averaged with `statistics.mean`.
 * - `nvlm`: Megatron, steps 1-2 always, no step 0, `min(1, #matches/3)` over all answers.
 * @throws {EvaluationError} `BAD_INPUT` when `answers` is empty.
 */
export function scoreVqa(
  prediction: string,
  answers: readonly string[],
  variant: VqaVariant = 'official',
): VqaResult {
  if (answers.length === 0) {
    throw new EvaluationError('BAD_INPUT', "'answers' must hold at least one answer, got []", {
      field: 'answers',
    });
  }
  switch (variant) {
    case 'official':
    case 'always': {
      let pred = vqaCleanWhitespace(prediction);
      let gts = answers.map(vqaCleanWhitespace);
      if (variant === 'always' || new Set(gts).size > 1) {
        pred = vqaNormalize(pred);
        gts = gts.map((g) => vqaNormalize(g));
      }
      return { score: leaveOneOut(pred, gts), pred_norm: pred };
    }
    case 'evalai': {
      const pred = evalAiProcess(prediction);
      return { score: leaveOneOutMean(pred, answers.map(evalAiProcess)), pred_norm: pred };
    }
    case 'lmms_vqav2': {
      // Checked against lmms-eval `lmms_eval/tasks/vqav2/utils.py` `vqav2_process_results`: the
      // prediction always goes through the full EvalAI `__call__` (lower, `,`/`?` deleted, `'s` split),
      // the answers only through step 0 unless they differ.
      let pred = evalAiProcess(prediction);
      let gts = answers.map(vqaCleanWhitespace);
      if (new Set(gts).size > 1) {
        gts = gts.map((g) => vqaNormalize(g, { comma: 'evalai' }));
        pred = vqaNormalize(pred, { comma: 'evalai' });
      }
      return { score: leaveOneOutMean(pred, gts), pred_norm: pred };
    }
    case 'nvlm': {
      const pred = vqaNormalize(prediction);
      const matches = answers.filter((a) => vqaNormalize(a) === pred).length;
      return { score: Math.min(1, matches / 3), pred_norm: pred };
    }
  }
}
