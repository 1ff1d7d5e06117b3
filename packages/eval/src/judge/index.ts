/**
 * The optional LLM judge (EVAL.md 9.3 and 10 (b)): any {@link ModelClient} (an OpenAI-compatible
 * endpoint or the in-process model) asked, with deterministic settings, to
 * - extract the final answer from a MathVista free-form response (the official pipeline's GPT step,
 *   lupantech/MathVista `evaluation/extract_answer.py` + `prompts/ext_ans.py`), and
 * - map a multiple-choice response to an option letter or `Z` (VLMEvalKit's MCQ judge) for AI2D,
 *   RealWorldQA, MMMU multiple-choice and MathVista multi_choice.
 */
import type { BenchmarkName, EvalSample } from '../benchmarks/types.js';
import { EvaluationError } from '../errors.js';
import type { AnswerJudge, CompletionRequest, ModelClient } from '../runner/types.js';
import { parseExtraction, parseOptionLetter } from './parse.js';
import { extractionPrompt, type JudgeOption, matchingPrompt } from './prompts.js';

export { parseExtraction, parseOptionLetter } from './parse.js';
export { extractionPrompt, type JudgeOption, matchingPrompt } from './prompts.js';

/** Options of {@link createJudge}. */
export interface JudgeOptions {
  /** The judge model. */
  readonly client: ModelClient;
  /**
   * Extra attempts after a failed request (a retryable MODEL_ERROR) or an unparsable reply, an integer
   * in [0, 10] (default 2).
   */
  readonly retries?: number;
}

/** Judge requests are deterministic: greedy, fixed seed (NVLM's 1234), short replies. */
export const JUDGE_SETTINGS = {
  temperature: 0,
  seed: 1234,
  extractionTokens: 64,
  matchingTokens: 8,
} as const;

/** `<image>` placeholders (and the newline after one) removed from a prompt. */
const withoutImages = (prompt: string) => prompt.replace(/<image>\n?/g, '').trim();

/**
 * The options of a multiple-choice sample from its gold fields, in this order of preference:
 * `choices` or `options` (string arrays, letters A, B, ... in order; what the benchmarks store), or
 * `index2ans` (letter → text, ordered by `all_choices` when present, else by letter).
 */
export function sampleOptions(gold: Readonly<Record<string, unknown>>): JudgeOption[] | undefined {
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  for (const key of ['choices', 'options']) {
    const list = gold[key];
    if (isStrings(list) && list.length > 0) {
      return list.map((text, i) => ({ letter: String.fromCharCode(65 + i), text }));
    }
  }
  const index2ans = gold.index2ans;
  if (typeof index2ans === 'object' && index2ans !== null && !Array.isArray(index2ans)) {
    const map = index2ans as Record<string, unknown>;
    const order = isStrings(gold.all_choices) ? gold.all_choices : Object.keys(map).sort();
    const options = order.flatMap((letter) => {
      const text = map[letter];
      return typeof text === 'string' ? [{ letter, text }] : [];
    });
    if (options.length > 0) return options;
  }
  return undefined;
}

/** What the judge should do with a sample, or undefined when it has nothing to judge. */
function judgeTask(
  benchmark: BenchmarkName,
  sample: EvalSample,
):
  | { kind: 'extract'; query: string }
  | { kind: 'match'; question: string; options: JudgeOption[] }
  | undefined {
  const gold = sample.gold;
  const text = (key: string) => (typeof gold[key] === 'string' ? (gold[key] as string) : undefined);
  const question = text('question') ?? withoutImages(sample.prompt);
  const options = sampleOptions(gold);
  switch (benchmark) {
    case 'mathvista':
      if (gold.question_type === 'multi_choice' && options) return { kind: 'match', question, options };
      return { kind: 'extract', query: text('query') ?? question };
    case 'ai2d':
    case 'realworldqa':
      return options ? { kind: 'match', question, options } : undefined;
    case 'mmmu':
      return gold.question_type !== 'open' && options ? { kind: 'match', question, options } : undefined;
    default:
      return undefined;
  }
}

/**
 * Creates the LLM judge. Each `extract` call sends one chat request (no images; temperature 0, seed
 * 1234, at most 64 new tokens for extraction and 8 for matching) and retries after a retryable model
 * error or a reply it cannot read, `retries` times; then it answers undefined. A non-retryable model
 * error (a bad request, a wrong URL) is thrown, so a misconfigured judge fails loudly. Aborting
 * `signal` rejects with the signal's reason.
 * - MathVista free_form: the extracted answer text (first line of the reply, trimmed).
 * - Multiple choice (AI2D, RealWorldQA with options, MMMU multiple-choice, MathVista multi_choice): one
 *   option letter, or `Z` when the answer matches no option.
 * - Anything else (open questions, other benchmarks): undefined without a request.
 * @throws {RangeError} when `retries` is not an integer in [0, 10].
 */
export function createJudge(options: JudgeOptions): AnswerJudge {
  const { client, retries = 2 } = options;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new RangeError(`'retries' must be an integer in [0, 10], got ${retries}`);
  }
  return {
    async extract(benchmark, sample, output, signal) {
      const task = judgeTask(benchmark, sample);
      if (task === undefined) return undefined;
      const request: CompletionRequest = {
        prompt:
          task.kind === 'extract'
            ? extractionPrompt(task.query, output)
            : matchingPrompt(task.question, task.options, output),
        images: [],
        maxNewTokens:
          task.kind === 'extract' ? JUDGE_SETTINGS.extractionTokens : JUDGE_SETTINGS.matchingTokens,
        temperature: JUDGE_SETTINGS.temperature,
        seed: JUDGE_SETTINGS.seed,
        signal,
      };
      const letters = task.kind === 'match' ? task.options.map((o) => o.letter) : [];
      for (let attempt = 0; attempt <= retries; attempt++) {
        signal.throwIfAborted();
        let reply: string;
        try {
          reply = (await client.complete(request)).text;
        } catch (error) {
          signal.throwIfAborted();
          if (error instanceof EvaluationError && error.code === 'MODEL_ERROR' && error.retryable) continue;
          throw error;
        }
        const answer = task.kind === 'extract' ? parseExtraction(reply) : parseOptionLetter(reply, letters);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
  };
}
