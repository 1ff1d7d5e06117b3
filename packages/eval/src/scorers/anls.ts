/**
 * ANLS (Average Normalized Levenshtein Similarity) for DocVQA, EVAL.md §4: the official RRC script
 * (rrc.cvc.uab.es ch.17, copied verbatim in Qwen-VL `eval_mm/infographicsvqa_eval.py`; lmms-eval and
 * VLMEvalKit are identical), NVLM/Megatron `evaluate_vqav2.anls_score`, and pix2struct `anls_metric`.
 */
import { EvaluationError } from '../errors.js';
import { pyCollapseSpaces, pyLen, pyStrip } from '../python/strings.js';
import { levenshtein } from './levenshtein.js';
import { vqaNormalize } from './vqa.js';

/** `--variant` values of the `anls` metric (EVAL.md §13), default first. */
export const ANLS_VARIANTS = ['official', 'megatron', 'pix2struct'] as const;
/** An `anls` metric variant; see {@link ANLS_VARIANTS}. */
export type AnlsVariant = (typeof ANLS_VARIANTS)[number];

/** Result of {@link scoreAnls}. */
export interface AnlsResult {
  /** Similarity in [0, 1] (0 below the 0.5 threshold). */
  readonly score: number;
  /** The prediction as compared (collapsed and lower-cased, or VQA-normalised for Megatron). */
  readonly pred_norm: string;
}

/** Python `' '.join(s.strip().lower().split())`. */
const collapseLower = (s: string) => pyCollapseSpaces(pyStrip(s).toLowerCase());

/**
 * ANLS of one prediction against its ground-truth answers.
 * - `official`: `NL = lev(norm(g), norm(p)) / max(len(g.upper()), len(p.upper()))` with the lengths of
 *   the RAW strings (trailing spaces enlarge it, `ß` counts 2); `q = 1 - min NL`, `0` if `q < 0.5`
 *   (so NL exactly 0.5 keeps 0.5).
 * - `megatron`: VQA-normalise both first, lengths of the normalised strings, `1 - NL` only if
 *   `NL < 0.5` (strict), max over answers.
 * - `pix2struct`: lower-case only, lengths of the lower-cased strings, `1 - NL` if `NL <= 0.5` (NL
 *   exactly 0.5 keeps 0.5, as in the official script), an empty answer scores `prediction == ''`; max
 *   over answers.
 * @throws {EvaluationError} `BAD_INPUT` when `answers` is empty.
 */
export function scoreAnls(
  prediction: string,
  answers: readonly string[],
  variant: AnlsVariant = 'official',
): AnlsResult {
  if (answers.length === 0) {
    throw new EvaluationError('BAD_INPUT', "'answers' must hold at least one answer, got []", {
      field: 'answers',
    });
  }
  switch (variant) {
    case 'official': {
      const pred = collapseLower(prediction);
      let minNl = Infinity;
      for (const gt of answers) {
        const length = Math.max(pyLen(gt.toUpperCase()), pyLen(prediction.toUpperCase()));
        const nl = length === 0 ? 0 : levenshtein(collapseLower(gt), pred) / length;
        minNl = Math.min(minNl, nl);
      }
      const q = 1 - minNl;
      return { score: q < 0.5 ? 0 : q, pred_norm: pred };
    }
    case 'megatron': {
      const pred = collapseLower(vqaNormalize(prediction));
      let best = -Infinity;
      for (const answer of answers) {
        const gt = collapseLower(vqaNormalize(answer));
        const length = Math.max(pyLen(pred.toUpperCase()), pyLen(gt.toUpperCase()));
        const nl = length === 0 ? 0 : levenshtein(pred, gt) / length;
        best = Math.max(best, nl < 0.5 ? 1 - nl : 0);
      }
      return { score: best, pred_norm: pred };
    }
    case 'pix2struct': {
      // Checked against google-research/pix2struct `pix2struct/metrics.py` @ 5b086ef5: `anls_metric`
      // returns `1 - normalized_ld if normalized_ld <= theta else 0` (theta 0.5, inclusive), with
      // `normalized_ld = editdistance.eval(t, p) / max(len(t), len(p))` on the strings as given;
      // `pix2struct_metrics` passes them through `normalize_fn=lambda v: v.lower()` and takes the max
      // over targets (`aggregate_metrics`). No strip, no space collapsing. Both strings empty divides
      // by zero in Python (ZeroDivisionError); here that pair scores 1, like RRC's `L == 0` case.
      const pred = prediction.toLowerCase();
      let best = -Infinity;
      for (const answer of answers) {
        const gt = answer.toLowerCase();
        let s: number;
        if (gt === '') s = pred === '' ? 1 : 0;
        else {
          const nl = levenshtein(gt, pred) / Math.max(pyLen(gt), pyLen(pred));
          s = nl <= 0.5 ? 1 - nl : 0;
        }
        best = Math.max(best, s);
      }
      return { score: best, pred_norm: pred };
    }
  }
}
