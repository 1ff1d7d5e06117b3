/**
 * ChartQA relaxed accuracy, EVAL.md §5: pix2struct `relaxed_correctness` (copied in lmms-eval and
 * VLMEvalKit), VLMEvalKit's stripped and pre-2025-09 argument-swapped calls, and NVLM/Megatron's
 * `compute_vqa_accuracy(task="ChartQA")` with and without its `%` strip.
 */
import { EvaluationError } from '../errors.js';
import { pyFloat } from '../python/numbers.js';
import { pyRstrip, pyStrip } from '../python/strings.js';
import { vqaNormalize } from './vqa.js';

/** `--variant` values of the `relaxed` metric (EVAL.md §13), default first. */
export const RELAXED_VARIANTS = [
  'vlmevalkit',
  'pix2struct',
  'vlmevalkit_legacy',
  'megatron',
  'megatron_nopct',
] as const;
/** A `relaxed` metric variant; see {@link RELAXED_VARIANTS}. */
export type RelaxedVariant = (typeof RELAXED_VARIANTS)[number];

/** Result of {@link scoreRelaxed}. */
export interface RelaxedResult {
  /** 1 when the prediction is correct for any target, else 0. */
  readonly score: number;
  /** The prediction as compared. */
  readonly pred_norm: string;
}

/** pix2struct `_to_float`: `'35%'` → 0.35 (all trailing `%` stripped), else `float()`, or null. */
function toFloat(text: string): number | null {
  if (text.endsWith('%')) {
    const f = pyFloat(pyRstrip(text, '%'));
    return f === null ? null : f / 100;
  }
  return pyFloat(text);
}

/**
 * pix2struct `relaxed_correctness(target, prediction)`: when the prediction parses and the target
 * parses to a truthy float (non-zero; NaN is truthy), `|p - t| / |t| <= 0.05`; otherwise
 * case-insensitive string equality.
 */
export function relaxedCorrectness(target: string, prediction: string, maxRelativeChange = 0.05): boolean {
  const p = toFloat(prediction);
  const t = toFloat(target);
  if (p !== null && t !== null && t !== 0) return Math.abs(p - t) / Math.abs(t) <= maxRelativeChange;
  return prediction.toLowerCase() === target.toLowerCase();
}

/** Megatron ChartQA rule on one (prediction, answer) pair. */
function megatronCorrect(pred: string, gt: string): boolean {
  const p = pyFloat(pred);
  const g = pyFloat(gt);
  if (p !== null && g !== null) return p >= g * 0.95 && p <= g * 1.05;
  return pred === gt;
}

/**
 * Relaxed accuracy of one prediction: 1 if correct against any target.
 * - `vlmevalkit` (default): `relaxed_correctness(target, prediction.strip())`.
 * - `pix2struct`: `relaxed_correctness(target, prediction)`, no strip.
 * - `vlmevalkit_legacy`: `relaxed_correctness(prediction.strip(), target)`, arguments swapped so the
 *   tolerance is relative to the prediction (VLMEvalKit before 677e30a5, 2025-09-01).
 * - `megatron`: VQA-normalise both (signs and digit commas are lost), `rstrip('%')`, then
 *   `gt*0.95 <= pred <= gt*1.05` when both parse, else string equality.
 * - `megatron_nopct`: the same without the `%` strip (older `evaluate_vqav2.py`).
 * @throws {EvaluationError} `BAD_INPUT` when `answers` is empty.
 */
export function scoreRelaxed(
  prediction: string,
  answers: readonly string[],
  variant: RelaxedVariant = 'vlmevalkit',
): RelaxedResult {
  if (answers.length === 0) {
    throw new EvaluationError('BAD_INPUT', "'answers' must hold at least one answer, got []", {
      field: 'answers',
    });
  }
  let pred: string;
  let correct: (answer: string) => boolean;
  switch (variant) {
    case 'vlmevalkit':
      pred = pyStrip(prediction);
      correct = (answer) => relaxedCorrectness(answer, pred);
      break;
    case 'pix2struct':
      pred = prediction;
      correct = (answer) => relaxedCorrectness(answer, pred);
      break;
    case 'vlmevalkit_legacy':
      pred = pyStrip(prediction);
      correct = (answer) => relaxedCorrectness(pred, answer);
      break;
    case 'megatron':
    case 'megatron_nopct': {
      const strip = variant === 'megatron' ? (s: string) => pyRstrip(s, '%') : (s: string) => s;
      pred = strip(vqaNormalize(prediction));
      correct = (answer) => megatronCorrect(pred, strip(vqaNormalize(answer)));
      break;
    }
  }
  return { score: answers.some(correct) ? 1 : 0, pred_norm: pred };
}
