/**
 * AI2D and RealWorldQA scoring, EVAL.md §6-7: NVLM/Megatron's exact match after VQA normalisation
 * (`evaluate_vqav2.compute_vqa_accuracy`, tasks `AI2D`/`RealworldQA`), lmms-eval's AI2D letter filter
 * with `exact_match(ignore_case, ignore_punctuation)`, and lmms-eval's RealWorldQA open-answer rule.
 */
import { isPySpace, pyRstrip, pyStrip } from '../python/strings.js';
import { vqaNormalize } from './vqa.js';

/** Result of the multiple-choice scorers. */
export interface MultipleChoiceResult {
  /** 1 if correct, else 0. */
  readonly score: number;
  /** The prediction as compared. */
  readonly pred_norm: string;
}

/**
 * NVLM/Megatron AI2D and RealWorldQA: `vqa_norm(pred) == vqa_norm(gt)` (§1 steps 1-2, no step 0).
 * With a letter as ground truth, `'B.'` and `'(B)'` match `'B'`; `'B. cat'` (→ `'b cat'`) does not.
 */
export function scoreNvlmExactMatch(prediction: string, answer: string): MultipleChoiceResult {
  const pred = vqaNormalize(prediction);
  return { score: pred === vqaNormalize(answer) ? 1 : 0, pred_norm: pred };
}

/** Python `string.punctuation`. */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
/** `^\s*([A-Z])\.` with Python's `\s` (its whitespace set, which excludes U+FEFF): the letter or null. */
function letterBeforePeriod(s: string): string | null {
  let i = 0;
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  const m = /^([A-Z])\./.exec(s.slice(i));
  return m ? (m[1] as string) : null;
}

/**
 * lmms-eval AI2D: the letter of `^\s*([A-Z])\.` (else the raw response), then `exact_match` with
 * `ignore_case` and `ignore_punctuation` (ASCII `string.punctuation` deleted, no whitespace strip)
 * against the gold letter.
 */
export function scoreLmmsAi2d(prediction: string, letter: string): MultipleChoiceResult {
  const filtered = letterBeforePeriod(prediction) ?? prediction;
  const clean = (s: string) => s.toLowerCase().replace(ASCII_PUNCTUATION, '');
  const pred = clean(filtered);
  return { score: pred === clean(letter) ? 1 : 0, pred_norm: pred };
}

/**
 * lmms-eval RealWorldQA open questions (`realworldqa_process_results`):
 * `pred.lower().strip().rstrip('.') == gt.lower().strip()` (the gold is stripped too).
 */
export function scoreLmmsRealWorldQaOpen(prediction: string, answer: string): MultipleChoiceResult {
  const pred = pyRstrip(pyStrip(prediction.toLowerCase()), '.');
  return { score: pred === pyStrip(answer.toLowerCase()) ? 1 : 0, pred_norm: pred };
}
