/**
 * MMMU scoring, EVAL.md §9: the official MMMU-Benchmark `mmmu/utils/eval_utils.py`
 * (`parse_multi_choice_response`, `parse_open_response`, `normalize_str`, `extract_numbers`,
 * `eval_multi_choice`, `eval_open`) and NVLM/Megatron's variant (`evaluate_mmmu.extract_answer`
 * pre-parse, `X)` accepted, first-choice fallback; `evaluation/mmmu_utils.py`).
 */
import { EvaluationError } from '../errors.js';
import { pyFloat, pyRound } from '../python/numbers.js';
import type { PyRandom } from '../python/random.js';
import { pyLen, pySplit, pyStrip } from '../python/strings.js';

/** `--variant` values of the `mmmu` metric (EVAL.md §13), default first. */
export const MMMU_VARIANTS = ['official', 'megatron'] as const;
/** An `mmmu` metric variant; see {@link MMMU_VARIANTS}. */
export type MmmuVariant = (typeof MMMU_VARIANTS)[number];
/** What the official parser does when no choice is found: first choice, or `random.choice` (seed 42). */
export type MmmuFallback = 'first' | 'random';

/** Options of {@link parseMultiChoice} and {@link scoreMmmu}. */
export interface MmmuOptions {
  /** Parser flavour; default `'official'`. */
  readonly variant?: MmmuVariant;
  /**
   * Official parser only: `'first'` (default, deterministic) or `'random'`, which draws from `rng`
   * like `random.choice(all_choices)` after `random.seed(42)`; the result depends on how many
   * fallbacks came before, so pass one shared {@link PyRandom} for a whole run, in order.
   */
  readonly fallback?: MmmuFallback;
  /** The generator for `fallback: 'random'` (e.g. `new PyRandom(42)`). */
  readonly rng?: PyRandom;
}

/** Result of {@link parseMultiChoice}. */
export interface MultiChoiceParse {
  /** The chosen letter (an element of `all_choices`). */
  readonly parsed: string;
  /** True when nothing matched and the fallback picked the letter. */
  readonly fallback_used: boolean;
}

/** Index of the first maximum (`np.argmax`). */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * `parse_multi_choice_response(response, all_choices, index2ans)` (EVAL.md §9.1): strip
 * `, . ! ? ; : '` one after another, pad with spaces, then `(X)` (Megatron also `X)`), then ` X `,
 * then (only when the padded response has more than 5 words) option texts, case-insensitively; the
 * last-occurring candidate wins, ties to the first; none → fallback.
 * @throws {EvaluationError} `BAD_INPUT` when `allChoices` is empty.
 */
export function parseMultiChoice(
  response: string,
  allChoices: readonly string[],
  index2ans: Readonly<Record<string, string>>,
  options: MmmuOptions = {},
): MultiChoiceParse {
  if (allChoices.length === 0) {
    throw new EvaluationError('BAD_INPUT', "'all_choices' must not be empty", { field: 'all_choices' });
  }
  const megatron = options.variant === 'megatron';
  let r = response;
  for (const c of [',', '.', '!', '?', ';', ':', "'"]) r = pyStrip(r, c);
  r = ` ${r} `;

  let indexAns = true;
  let withBrackets = false;
  let candidates: string[] = [];
  for (const choice of allChoices) {
    if (r.includes(`(${choice})`) || (megatron && r.includes(`${choice})`))) {
      candidates.push(choice);
      withBrackets = true;
    }
  }
  if (candidates.length === 0) candidates = allChoices.filter((choice) => r.includes(` ${choice} `));
  if (candidates.length === 0 && pySplit(r).length > 5) {
    const lower = r.toLowerCase();
    for (const [index, ans] of Object.entries(index2ans)) {
      if (lower.includes(ans.toLowerCase())) {
        candidates.push(index);
        indexAns = false;
      }
    }
  }

  if (candidates.length === 0) {
    const useRandom = !megatron && options.fallback === 'random';
    if (useRandom && options.rng === undefined) {
      throw new TypeError("'rng' is required when 'fallback' is 'random'");
    }
    const parsed = useRandom ? (options.rng as PyRandom).choice(allChoices) : (allChoices[0] as string);
    return { parsed, fallback_used: true };
  }
  if (candidates.length === 1) return { parsed: candidates[0] as string, fallback_used: false };
  // Only the order of rfind results matters, and UTF-16 offsets order like code-point offsets.
  const lower = r.toLowerCase();
  const starts = candidates.map((can) => {
    if (!indexAns) return lower.lastIndexOf((index2ans[can] ?? '').toLowerCase());
    return withBrackets ? r.lastIndexOf(`(${can})`) : r.lastIndexOf(` ${can} `);
  });
  return { parsed: candidates[argmax(starts)] as string, fallback_used: false };
}

/**
 * Megatron `evaluate_mmmu.extract_answer`: the content of the first `\answer{…}`, else of the first
 * `\boxed{…}` (non-greedy, not across newlines), else the text with `Answer:` → `Answer: `.
 */
export function megatronExtractAnswer(text: string): string {
  const answer = /\\answer\{([^\n]*?)\}/.exec(text);
  if (answer) return answer[1] as string;
  const boxed = /\\boxed\{([^\n]*?)\}/.exec(text);
  if (boxed) return boxed[1] as string;
  return text.replaceAll('Answer:', 'Answer: ');
}

/** A normalised open answer: a string, or a float rounded to 2 decimals. */
export type OpenAnswer = string | number;

/**
 * `normalize_str`: strip; if `float(s.replace(',', ''))` parses → `[round(x, 2)]`; else lower-case,
 * and a 1-character string becomes `[' x', 'x ']` to avoid trivial substring matches.
 */
export function normalizeOpenAnswer(s: string): OpenAnswer[] {
  const stripped = pyStrip(s);
  const f = pyFloat(stripped.replaceAll(',', ''));
  if (f !== null) return [pyRound(f, 2)];
  const lower = stripped.toLowerCase();
  return pyLen(lower) === 1 ? [` ${lower}`, `${lower} `] : [lower];
}

// Python 3 `\b` and `\d` are Unicode-aware: \w = letters, numbers and '_'; \d = Nd.
const B = String.raw`(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))`;
const D = String.raw`\p{Nd}`;
const NUMBER_PATTERNS = [
  new RegExp(`-?${B}${D}{1,3}(?:,${D}{3})+${B}`, 'gu'),
  new RegExp(String.raw`-?${D}+(?:\.${D}+)?[eE][+-]?${D}+`, 'gu'),
  new RegExp(String.raw`-?(?:${D}+\.${D}+|\.${D}+|${D}+${B})(?![eE][+-]?${D}+)(?![,${D}])`, 'gu'),
];

/** `extract_numbers`: numbers with thousands commas, then scientific, then simple (in that order). */
export function extractNumbers(s: string): string[] {
  return NUMBER_PATTERNS.flatMap((re) => Array.from(s.matchAll(re), (m) => m[0]));
}

const KEY_INDICATORS = ['could be ', 'so ', 'is ', 'thus ', 'therefore ', 'final ', 'answer ', 'result '];
const TRIVIAL = new Set([':', ',', '.', '!', '?', ';', "'"]);

/**
 * `parse_open_response` (EVAL.md §9.2): key sub-responses (the shortest tail after an indicator per
 * line; `=` also on the last line), plus the numbers in them, each normalised; duplicates removed.
 */
export function parseOpenResponse(response: string): OpenAnswer[] {
  const resp = pyStrip(pyStrip(response), '.').toLowerCase();
  // re.split(r'\.\s(?=[A-Z])|\n') after lower(): the [A-Z] branch can never match.
  const parts = resp.split('\n');
  const keys: string[] = [];
  parts.forEach((part, index) => {
    const indicators = index === parts.length - 1 ? [...KEY_INDICATORS, '='] : KEY_INDICATORS;
    let shortest: string | null = null;
    for (const indicator of indicators) {
      if (!part.includes(indicator)) continue;
      const tail = pyStrip(part.slice(part.lastIndexOf(indicator) + indicator.length));
      if (!shortest || pyLen(tail) < pyLen(shortest)) shortest = tail;
    }
    if (shortest && !TRIVIAL.has(pyStrip(shortest))) keys.push(shortest);
  });
  const keyResponses = keys.length === 0 ? [resp] : keys;
  const all = [...keyResponses, ...keyResponses.flatMap(extractNumbers)];
  const out: OpenAnswer[] = [];
  for (const value of all.flatMap(normalizeOpenAnswer)) {
    if (!out.some((v) => Object.is(v, value) || v === value)) out.push(value);
  }
  return out;
}

/** `eval_open`: any string pred contains any string gold, or any float pred equals a float gold. */
export function evalOpen(gold: string | readonly string[], preds: readonly OpenAnswer[]): boolean {
  const golds = (typeof gold === 'string' ? [gold] : gold).flatMap(normalizeOpenAnswer);
  return preds.some((pred) =>
    typeof pred === 'string'
      ? golds.some((g) => typeof g === 'string' && pred.includes(g))
      : golds.some((g) => g === pred),
  );
}

/** One MMMU item as `nvlm score --metric mmmu` reads it. */
export interface MmmuItem {
  /** The model's raw response. */
  readonly prediction: string;
  /** Gold: the letter (or letters) for multiple-choice, the answer text(s) for open questions. */
  readonly answer: string | readonly string[];
  /** `'multiple-choice'`; anything else is scored as an open question. */
  readonly question_type: string;
  /** Choice letters, e.g. `['A', 'B', 'C', 'D']` (multiple-choice only). */
  readonly all_choices?: readonly string[];
  /** Letter → option text (multiple-choice only). */
  readonly index2ans?: Readonly<Record<string, string>>;
}

/** Result of {@link scoreMmmu}. */
export interface MmmuResult {
  /** 1 if correct, else 0. */
  readonly score: number;
  /** The parsed letter (multiple-choice) or the normalised candidate answers (open). */
  readonly parsed: string | OpenAnswer[];
  /** Multiple-choice only: the fallback chose the letter. */
  readonly fallback_used?: boolean;
}

/**
 * Scores one MMMU item. Multiple-choice: parse the letter (Megatron first applies
 * {@link megatronExtractAnswer}) and compare it to the gold letter or list. Open: both variants use
 * the official `parse_open_response` + `eval_open`.
 * @throws {EvaluationError} `BAD_INPUT` when a multiple-choice item lacks `all_choices`/`index2ans`.
 */
export function scoreMmmu(item: MmmuItem, options: MmmuOptions = {}): MmmuResult {
  if (item.question_type === 'multiple-choice') {
    if (item.all_choices === undefined) {
      throw new EvaluationError('BAD_INPUT', "multiple-choice items need 'all_choices'", {
        field: 'all_choices',
      });
    }
    if (item.index2ans === undefined) {
      throw new EvaluationError('BAD_INPUT', "multiple-choice items need 'index2ans'", {
        field: 'index2ans',
      });
    }
    const response =
      options.variant === 'megatron' ? megatronExtractAnswer(item.prediction) : item.prediction;
    const { parsed, fallback_used } = parseMultiChoice(response, item.all_choices, item.index2ans, options);
    const golds = typeof item.answer === 'string' ? [item.answer] : item.answer;
    return { score: golds.includes(parsed) ? 1 : 0, parsed, fallback_used };
  }
  const parsed = parseOpenResponse(item.prediction);
  return { score: evalOpen(item.answer, parsed) ? 1 : 0, parsed };
}
