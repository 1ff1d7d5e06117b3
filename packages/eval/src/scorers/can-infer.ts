/**
 * VLMEvalKit's rule-based multiple-choice matching, EVAL.md §9.3: `can_infer_option`,
 * `can_infer_text` and `can_infer` of `vlmeval/utils/matching_util.py`, which VLMEvalKit runs on
 * every MCQ prediction (AI2D, RealWorldQA, MMMU, ...) before it asks an LLM judge.
 *
 * What the source says (read for this port, nothing copied):
 * - open-compass/VLMEvalKit @ 18fc37a5 `vlmeval/utils/matching_util.py`: the pre-2025-08 rule. One
 *   choice letter among the tokens → that letter (no position rule); no letter and a `Z` token → `Z`;
 *   `can_infer_text` without a length limit.
 * - open-compass/VLMEvalKit @ 134b4ea6, same file: the length limit
 *   `len(answer) > 2 * sum(len(str(v)) for v in choices.values())` → no match, and a position test
 *   written `splits.index(ch) < len(splits) - 5` (inverted: a bare `B` is rejected). Later code has
 *   `splits.index(ch) > (len(splits) - 5)`.
 * - The current rule, as carried by a file adapted from VLMEvalKit @ d21c5e96 (same path, plus
 *   `vlmeval/vlm/qwen3_vl/prompt.py`): `splits.index(ch) > (len(splits) - 5)`, i.e. the FIRST
 *   occurrence of the letter must be among the last 4 tokens, and, when the token rules find nothing,
 *   `(?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**` → the upper-cased letter if it is a choice.
 * So EVAL.md's "`index > len-5`" is right for the current code; this module implements that, with the
 * two older behaviours selectable. The `'A' in splits and len(splits) > 3` quantifier guard only runs
 * when the `VERBOSE` environment variable is set, so it is off here as it is by default there.
 */
import { pyLen, pySplit } from '../python/strings.js';

/**
 * Which VLMEvalKit behaviour to reproduce:
 * - `'current'` (default): last-4-tokens rule, `can_infer_text` length limit, `answer is X` regex;
 * - `'pre-2026-06'`: as current without the `answer is X` regex (a67ace50, 2026-06-17);
 * - `'pre-2025-08'`: no position rule and no length limit either (before c3371551, 2025-08-04).
 */
export type CanInferVersion = 'current' | 'pre-2026-06' | 'pre-2025-08';

/** The versions of {@link CanInferVersion}, newest first. */
export const CAN_INFER_VERSIONS: readonly CanInferVersion[] = ['current', 'pre-2026-06', 'pre-2025-08'];

/** Options of the `can_infer` functions. */
export interface CanInferOptions {
  /** Default `'current'`. */
  readonly version?: CanInferVersion | undefined;
}

/** Choice letter → option text, in option order (VLMEvalKit's `choices` dict). */
export type ChoiceMap = Readonly<Record<string, string>>;

/** Characters `can_infer_option` turns into spaces before splitting. */
const SEPARATORS = /[.()[\],:;!*#{}]/g;
/** Messages after which VLMEvalKit records the answer as `Z` (the model refused). */
const REFUSALS = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  'Cannot determine the answer',
];
/** VLMEvalKit's marker of a failed API call: never a letter. */
const API_FAILURE = 'Failed to obtain answer via API';
/** Python `\s` (Unicode whitespace of `str.isspace`). */
const S = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** `(?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**`, case-insensitive with Unicode folding like `re`. */
const ANSWER_IS = new RegExp(`(?:correct${S}+)?answer${S}+is${S}+\\**([ABCD])\\**`, 'iu');

/**
 * `can_infer_option(answer, choices)`: the letter the answer names as a token, `'Z'` for a refusal or
 * a lone `Z` token, or null (Python `False`).
 */
export function canInferOption(
  answer: string,
  choices: ChoiceMap,
  options: CanInferOptions = {},
): string | null {
  const version = options.version ?? 'current';
  if (answer.includes(API_FAILURE)) return null;
  if (REFUSALS.some((refusal) => answer.includes(refusal))) return 'Z';
  const splits = pySplit(answer.replace(SEPARATORS, ' '));
  const letters = Object.keys(choices);
  const present = letters.filter((letter) => splits.includes(letter));
  if (present.length === 1) {
    const letter = present[0] as string;
    if (version === 'pre-2025-08' || splits.indexOf(letter) > splits.length - 5) return letter;
  } else if (present.length === 0 && splits.includes('Z')) {
    // `count_choice(splits, {'Z', ''}) == 1`: '' is never a token, so this is "a Z token".
    return 'Z';
  }
  if (version === 'current') {
    const m = ANSWER_IS.exec(answer);
    const letter = m ? (m[1] as string).toUpperCase() : undefined;
    if (letter !== undefined && letters.includes(letter)) return letter;
  }
  return null;
}

/**
 * `can_infer_text(answer, choices)`: the one choice whose lower-cased text occurs in the lower-cased
 * answer, or null when none or several do (and, since 2025-08, when the answer is longer than twice
 * the options' total length in code points).
 */
export function canInferText(
  answer: string,
  choices: ChoiceMap,
  options: CanInferOptions = {},
): string | null {
  const lower = answer.toLowerCase();
  if ((options.version ?? 'current') !== 'pre-2025-08') {
    const total = Object.values(choices).reduce((sum, text) => sum + pyLen(text), 0);
    if (pyLen(lower) > 2 * total) return null;
  }
  const hits = Object.keys(choices).filter((letter) =>
    lower.includes((choices[letter] as string).toLowerCase()),
  );
  return hits.length === 1 ? (hits[0] as string) : null;
}

/** `can_infer(answer, choices)`: {@link canInferOption}, else {@link canInferText}; null when neither. */
export function canInfer(answer: string, choices: ChoiceMap, options: CanInferOptions = {}): string | null {
  return canInferOption(answer, choices, options) ?? canInferText(answer, choices, options);
}
