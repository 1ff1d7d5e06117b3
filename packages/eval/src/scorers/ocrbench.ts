/**
 * OCRBench (v1) scoring, EVAL.md §8: the official `OCRBench/example.py` loop (same in VLMEvalKit),
 * NVLM/Megatron's count-every-hit quirk, and newer lmms-eval's full-width folding.
 */
import { pyStrip } from '../python/strings.js';

/** `--variant` values of the `ocrbench` metric (EVAL.md §13), default first. */
export const OCRBENCH_VARIANTS = ['official', 'megatron', 'lmms_fullwidth'] as const;
/** An `ocrbench` metric variant; see {@link OCRBENCH_VARIANTS}. */
export type OcrBenchVariant = (typeof OCRBENCH_VARIANTS)[number];

/** Result of {@link scoreOcrBench}. */
export interface OcrBenchResult {
  /** 1 on a hit (0/1), or for `megatron` the number of answers that hit. */
  readonly score: number;
  /** The prediction as compared. */
  readonly pred_norm: string;
}

/** HME100k: strip, `\n` → space, delete U+0020 only (case-sensitive; tabs and NBSP stay). */
const hmeNorm = (s: string) => pyStrip(s).replaceAll('\n', ' ').replaceAll(' ', '');
/** Other types: lower, strip, `\n` → space (internal spacing must match; `\t` kept). */
const textNorm = (s: string) => pyStrip(s.toLowerCase()).replaceAll('\n', ' ');
/**
 * Full-width ASCII U+FF01-U+FF5E → ASCII and U+3000 → space.
 *
 * Source check (lmms-eval `lmms_eval/tasks/ocrbench/utils.py`): the library used to write this holds
 * EvolvingLMMs-Lab/lmms-eval versions 46a88d8b, cf94793b and a later one (with
 * `OCRBENCH_CATEGORY_TOTALS`); none of them folds full-width characters, so the folding version EVAL.md
 * cites (@ 75571cfe) could not be read and this keeps EVAL.md's description: fold, non-HME items only.
 * The order of folding against `lower()`/`strip()`/`replace('\n', ' ')` cannot change a result: the
 * folded range has no characters that `lower()` maps outside it (`Ａ` → `ａ`, both fold to ASCII), and
 * U+3000 is Python whitespace, so `strip()` removes it at either end whether folded first or not.
 */
const foldFullWidth = (s: string) =>
  s.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode((c.charCodeAt(0) as number) - 0xfee0),
  );

/**
 * OCRBench score of one prediction: correct iff a normalised answer is a substring of the
 * normalised prediction (HME100k: spaces removed, case-sensitive; others: lower-cased).
 * - `official`: 0/1.
 * - `megatron`: +1 for every answer variant that hits (a prediction holding two variants scores 2).
 * - `lmms_fullwidth`: official, after folding full-width ASCII and U+3000 in non-HME items.
 * @param datasetName the item's `dataset_name` (`'HME100k'` switches the rule).
 */
export function scoreOcrBench(
  prediction: string,
  answers: string | readonly string[],
  datasetName: string,
  variant: OcrBenchVariant = 'official',
): OcrBenchResult {
  const list = typeof answers === 'string' ? [answers] : answers;
  const hme = datasetName === 'HME100k';
  const fold = variant === 'lmms_fullwidth' && !hme ? foldFullWidth : (s: string) => s;
  const norm = hme ? hmeNorm : (s: string) => textNorm(fold(s));
  const pred = norm(prediction);
  const hits = list.filter((a) => pred.includes(norm(a))).length;
  return { score: variant === 'megatron' ? hits : hits > 0 ? 1 : 0, pred_norm: pred };
}
