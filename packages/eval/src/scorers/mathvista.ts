/**
 * MathVista scoring, EVAL.md §10: the official lupantech/MathVista pipeline's rule-based part
 * (`evaluation/extract_answer.py` before the GPT call, `calculate_score.py`
 * `normalize_extracted_answer` + `safe_equal`) and NVLM/Megatron's rule-only
 * `evaluate_mathvista.py` (`extra_processing`, `extract_answer`, MMMU parser for multi-choice).
 */
import { EvaluationError } from '../errors.js';
import { pyFloat, pyFloatRepr, pyInt, pyIntOfFloat, pyRound } from '../python/numbers.js';
import { pyStrip, unicodeDigitValue } from '../python/strings.js';
import { levenshtein } from './levenshtein.js';
import { parseMultiChoice } from './mmmu.js';
import { vqaNormalize } from './vqa.js';

/** `--variant` values of the `mathvista` metric (EVAL.md §13), default first. */
export const MATHVISTA_VARIANTS = ['official', 'megatron'] as const;
/** A `mathvista` metric variant; see {@link MATHVISTA_VARIANTS}. */
export type MathVistaVariant = (typeof MATHVISTA_VARIANTS)[number];

/** One MathVista item as `nvlm score --metric mathvista` reads it (testmini field names). */
export interface MathVistaItem {
  /** The model's raw response. */
  readonly prediction: string;
  /** Gold answer: the choice text for multi_choice (official), or the number/list as a string. */
  readonly answer: string;
  /** `'multi_choice'` or `'free_form'`. */
  readonly question_type: string;
  /** `'text'`, `'integer'`, `'float'` or `'list'`. */
  readonly answer_type: string;
  /** Choice texts (multi_choice), else null/absent. */
  readonly choices?: readonly string[] | null;
  /** Decimal places for float answers (testmini stores e.g. 1.0 or 2.0). */
  readonly precision?: number | string | null;
  /**
   * An answer already extracted (e.g. by the official GPT extraction prompt). When absent, only the
   * rule-based steps run; see {@link MathVistaResult.llm_needed}.
   */
  readonly extraction?: string;
}

/** Result of {@link scoreMathVista}. */
export interface MathVistaResult {
  /** 1 if correct, else 0. */
  readonly score: number;
  /** Official: the extracted answer ('' when only the LLM step could have found one). */
  readonly extraction?: string;
  /** Official: the normalised answer compared with `answer` (null where Python's conversion fails). */
  readonly normalized: string | null;
  /**
   * Official, no `extraction` given: the rule-based steps found nothing and the official pipeline
   * would now ask GPT; this result used `''` (what it returns when that call fails).
   */
  readonly llm_needed?: boolean;
}

/**
 * The rule-based steps of the official `extract_answer` (no LLM): `''` → `''`; a multi_choice
 * response equal to a choice → it; integer → `str(int(response))`; float → `str(float(response))`;
 * with `quickExtract`, `The answer is "(.*)"\.`. Returns null where the LLM step would run.
 */
export function extractMathVistaAnswer(
  item: Pick<MathVistaItem, 'prediction' | 'question_type' | 'answer_type' | 'choices'>,
  quickExtract = false,
): string | null {
  const response = item.prediction;
  if (response === '') return '';
  if (item.question_type === 'multi_choice' && (item.choices ?? []).includes(response)) return response;
  if (item.answer_type === 'integer') {
    const n = pyInt(response);
    if (n !== null) return n.toString();
  }
  if (item.answer_type === 'float') {
    const f = pyFloat(response);
    if (f !== null) return pyFloatRepr(f);
  }
  if (quickExtract) {
    const m = /The answer is "([^\n]*)"\./.exec(response);
    if (m) return m[1] as string;
  }
  return null;
}

/** `get_most_similar`: the choice with the smallest Levenshtein distance (first on ties). */
function mostSimilar(prediction: string, choices: readonly string[]): string {
  let best = 0;
  let bestDistance = Infinity;
  choices.forEach((choice, i) => {
    const d = levenshtein(prediction, choice);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return choices[best] as string;
}

/** Python `int(precision)` for a JSON number or string, or null where it raises. */
function precisionDigits(precision: number | string | null | undefined): number | null {
  if (typeof precision === 'number') return Number.isFinite(precision) ? Math.trunc(precision) : null;
  if (typeof precision === 'string') {
    const n = pyInt(precision);
    return n === null ? null : Number(n);
  }
  return null;
}

/**
 * `normalize_extracted_answer` (EVAL.md §10 c): multi_choice → strip, the first `(x)` letter
 * upper-cased, a letter within `A..` → that choice's text, else the most similar choice; integer →
 * `str(int(float(x)))`; float → `str(round(float(x), int(precision)))`; list → `x`; failures → null.
 * @throws {EvaluationError} `BAD_INPUT` for a free-form `text` answer type (the Python raises there).
 */
export function normalizeMathVistaExtraction(
  extraction: string,
  item: Pick<MathVistaItem, 'question_type' | 'answer_type' | 'choices' | 'precision'>,
): string | null {
  if (item.question_type === 'multi_choice') {
    const choices = item.choices ?? [];
    if (choices.length === 0) {
      throw new EvaluationError('BAD_INPUT', "multi_choice items need non-empty 'choices'", {
        field: 'choices',
      });
    }
    let x = pyStrip(extraction);
    const letter = /\(([a-zA-Z])\)/.exec(x);
    if (letter) x = (letter[1] as string).toUpperCase();
    const index = x.length === 1 ? x.charCodeAt(0) - 65 : -1;
    return index >= 0 && index < choices.length ? (choices[index] as string) : mostSimilar(x, choices);
  }
  switch (item.answer_type) {
    case 'integer': {
      const f = pyFloat(extraction);
      const n = f === null ? null : pyIntOfFloat(f);
      return n === null ? null : n.toString();
    }
    case 'float': {
      const f = pyFloat(extraction);
      const digits = precisionDigits(item.precision);
      if (f === null || digits === null) return null;
      try {
        return pyFloatRepr(pyRound(f, digits));
      } catch {
        return null; // OverflowError
      }
    }
    case 'list':
      return extraction;
    default:
      throw new EvaluationError(
        'BAD_INPUT',
        `free_form items need answer_type integer|float|list, got '${item.answer_type}'`,
        {
          field: 'answer_type',
        },
      );
  }
}

/**
 * Megatron `extra_processing`: a whole-string `\d+\.\d+` drops all-zero decimals or truncates to 2
 * decimals; every `%` is deleted; one trailing `.` is dropped (the original raises IndexError on an
 * empty string; here `''` stays `''`).
 */
export function megatronExtraProcessing(input: string): string {
  let text = input;
  // Python's `$` also matches before one final '\n', which `decimal[0]` then leaves out.
  const decimal = /^(\p{Nd}+\.\p{Nd}+)\n?$/u.exec(text);
  if (decimal) {
    const chars = Array.from(decimal[1] as string);
    const intLength = chars.indexOf('.');
    const decimals = chars.slice(intLength + 1);
    const allZero = decimals.every((d) => unicodeDigitValue(d) === 0);
    text = chars.slice(0, allZero ? intLength : intLength + 3).join('');
  }
  text = text.replaceAll('%', '');
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

/**
 * Megatron `extract_answer`: only when the text has an ASCII letter and no `e+`, take the first
 * `answer is -*\d+\.*\d*` and then its first `-*\d+\.*\d*`.
 */
export function megatronExtractNumber(text: string): string {
  if (!/[a-zA-Z]/.test(text) || text.includes('e+')) return text;
  const template = /answer is -*\p{Nd}+\.*\p{Nd}*/u.exec(text);
  if (!template) return text;
  const number = /-*\p{Nd}+\.*\p{Nd}*/u.exec(template[0]);
  return number ? number[0] : template[0];
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Scores one MathVista item.
 * - `official`: `extraction` (or the rule-based steps of `extract_answer`), then
 *   `normalize_extracted_answer`, then `normalized == answer` (string equality).
 * - `megatron`: multi_choice → MMMU parser (Megatron flavour) on letters `A..` over `choices`, compared
 *   with the gold letter (`answer` may be the letter or the choice text); free_form →
 *   `extract(extra(vqa_norm(pred))) == extra(vqa_norm(answer))`.
 */
export function scoreMathVista(
  item: MathVistaItem,
  variant: MathVistaVariant = 'official',
  options: { quickExtract?: boolean } = {},
): MathVistaResult {
  if (variant === 'megatron') {
    if (item.question_type === 'multi_choice') {
      const choices = item.choices ?? [];
      const allChoices = choices.map((_, i) => LETTERS[i] as string);
      const index2ans = Object.fromEntries(choices.map((c, i) => [LETTERS[i] as string, c]));
      const { parsed } = parseMultiChoice(item.prediction, allChoices, index2ans, { variant: 'megatron' });
      const goldIndex = choices.indexOf(item.answer);
      const gold = allChoices.includes(item.answer) ? item.answer : (allChoices[goldIndex] ?? item.answer);
      return { score: parsed === gold ? 1 : 0, normalized: parsed };
    }
    const pred = megatronExtractNumber(megatronExtraProcessing(vqaNormalize(item.prediction)));
    const gold = megatronExtraProcessing(vqaNormalize(item.answer));
    return { score: pred === gold ? 1 : 0, normalized: pred };
  }
  const rule = item.extraction ?? extractMathVistaAnswer(item, options.quickExtract);
  const extraction = rule ?? '';
  const normalized = normalizeMathVistaExtraction(extraction, item);
  return {
    score: normalized !== null && normalized === item.answer ? 1 : 0,
    extraction,
    normalized,
    ...(rule === null ? { llm_needed: true } : {}),
  };
}
