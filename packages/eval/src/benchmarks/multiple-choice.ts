/**
 * The multiple-choice benchmarks without an official scorer: AI2D (EVAL.md §6) and RealWorldQA (§7).
 * Three variants, each the rule of one harness: `nvlm` (Megatron: exact match after VQA normalisation,
 * the paper's own), `lmms` (lmms-eval's filters) and `vlmevalkit` (`can_infer`, then the LLM judge's
 * answer when the run has one, else `Z` = wrong, as VLMEvalKit's exact-matching mode does).
 */
import { pyStrip } from '../python/strings.js';
import { canInfer } from '../scorers/can-infer.js';
import { scoreLmmsAi2d, scoreLmmsRealWorldQaOpen, scoreNvlmExactMatch } from '../scorers/multiple-choice.js';
import {
  badSample,
  checkVariant,
  choiceMap,
  goldField,
  greedy,
  isOptionalStringArray,
  isString,
  LETTERS,
  loadImages,
  NVLM_SYSTEM,
  optionalString,
  optionList,
  type RawRecord,
  recordFormat,
  requireLetter,
  requireString,
  sampleId,
  summarizePercent,
  withImages,
} from './common.js';
import { PAPER } from './paper.js';
import type {
  Benchmark,
  BenchmarkName,
  EvalSample,
  PromptStyle,
  SampleContext,
  SampleScore,
} from './types.js';

/** Variants of AI2D and RealWorldQA, default first. */
export const MULTIPLE_CHOICE_VARIANTS = ['nvlm', 'lmms', 'vlmevalkit'] as const;

const LETTER_INSTRUCTION = "Answer with the option's letter from the given choices directly.";
const SINGLE_WORD = 'Answer the question using a single word or phrase.';

/** `A. c1\nB. c2\n` (each line ends with a newline). */
const letterLines = (choices: readonly string[]) =>
  choices.map((c, i) => `${LETTERS[i] as string}. ${c}\n`).join('');

/** Megatron/lmms MC text: `{question}\nA. c1\nB. c2\n…\nAnswer with the option's letter …`. */
export const letterPrompt = (question: string, choices: readonly string[]) =>
  `${question}\n${letterLines(choices)}${LETTER_INSTRUCTION}`;

/** VLMEvalKit `ImageMCQDataset.build_prompt`: optional hint, question, options, instruction. */
export function vlmEvalKitMcqPrompt(question: string, choices: readonly string[], hint?: string): string {
  let prompt = hint !== undefined ? `Hint: ${hint}\n` : '';
  prompt += `Question: ${question}\n`;
  if (choices.length > 0) {
    prompt += `Options:\n${letterLines(choices)}Please select the correct answer from the options above. \n`;
  }
  return prompt;
}

/**
 * VLMEvalKit's answer for an MCQ output: `can_infer` on the output, else `can_infer` on the judge's
 * reply (VLMEvalKit parses the judge's text the same way), else `Z`.
 */
export function vlmEvalKitLetter(
  output: string,
  choices: readonly string[],
  llmExtraction?: string,
): { letter: string; matched: 'rule' | 'judge' | 'none' } {
  const map = choiceMap(choices);
  const rule = canInfer(output, map);
  if (rule !== null) return { letter: rule, matched: 'rule' };
  const judged = llmExtraction === undefined ? null : canInfer(llmExtraction, map);
  return judged !== null ? { letter: judged, matched: 'judge' } : { letter: 'Z', matched: 'none' };
}

/** The gold letter: a letter string, or a 0-based number index. */
function goldLetter(record: RawRecord, count: number, line: number): string {
  const v = record.answer;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < count) return LETTERS[v] as string;
  if (typeof v !== 'string') throw badSample(line, 'answer', `must be the option letter, got ${typeof v}`);
  return requireLetter(v, count, line);
}

interface McqSpec {
  readonly name: BenchmarkName;
  readonly title: string;
  readonly maxNewTokens: number;
  /** AI2D needs options; RealWorldQA also has open questions. */
  readonly optionsRequired: boolean;
  /** The prompt text (before the image placeholders) per style. */
  readonly prompt: (
    style: PromptStyle,
    question: string,
    choices: readonly string[] | undefined,
    hint?: string,
  ) => string;
  /** The lmms-eval rule. */
  readonly lmms: (output: string, answer: string) => { score: number; pred_norm: string };
}

function defineMultipleChoice(spec: McqSpec): Benchmark {
  const benchmark: Benchmark = {
    name: spec.name,
    title: spec.title,
    unit: 'percent',
    variants: MULTIPLE_CHOICE_VARIANTS,
    paper: PAPER[spec.name],
    generation: greedy(spec.maxNewTokens),
    async toSample(record: RawRecord, context: SampleContext): Promise<EvalSample> {
      const format = recordFormat(record, context);
      const line = context.line;
      const id = sampleId(record, line);
      const question = requireString(record, 'question', line);
      const choices = optionList(record, 'choices', line, format);
      if (choices === undefined && spec.optionsRequired) {
        throw badSample(line, format === 'tsv' ? 'A' : 'choices', 'must hold the options (none found)');
      }
      const answer =
        choices !== undefined
          ? goldLetter(record, choices.length, line)
          : typeof record.answer === 'number' && Number.isFinite(record.answer)
            ? String(record.answer) // open answers such as 3
            : requireString(record, 'answer', line);
      const hint = optionalString(record, 'hint', line);
      const images = await loadImages(record, context, format);
      const style = context.promptStyle;
      return {
        id,
        line,
        system: style === 'nvlm' ? NVLM_SYSTEM : undefined,
        prompt: withImages(images.length, spec.prompt(style, question, choices, hint)),
        images,
        // The question goes to an LLM judge (VLMEvalKit's matching prompt shows it), not to the scorers.
        gold: choices === undefined ? { answer, question } : { answer, choices, question },
      };
    },
    score(sample: EvalSample, output: string, variant: string, llmExtraction?: string): SampleScore {
      checkVariant(benchmark, variant);
      const answer = goldField(sample, 'answer', isString, 'a string');
      const choices = goldField(sample, 'choices', isOptionalStringArray, 'an array of strings or absent');
      if (variant === 'vlmevalkit' && choices !== undefined && choices.length > 0) {
        const { letter, matched } = vlmEvalKitLetter(output, choices, llmExtraction);
        return { extracted: letter, score: letter === answer ? 1 : 0, details: { parsed: letter, matched } };
      }
      // `nvlm` (and VLMEvalKit open questions, which it has no rule for): Megatron strips the
      // generation, then exact match after VQA normalisation.
      const result =
        variant === 'lmms' ? spec.lmms(output, answer) : scoreNvlmExactMatch(pyStrip(output), answer);
      return { extracted: result.pred_norm, score: result.score, details: { pred_norm: result.pred_norm } };
    },
    needsJudge(sample: EvalSample, output: string, variant: string): boolean {
      checkVariant(benchmark, variant);
      const choices = goldField(sample, 'choices', isOptionalStringArray, 'an array of strings or absent');
      return (
        variant === 'vlmevalkit' &&
        choices !== undefined &&
        choices.length > 0 &&
        canInfer(output, choiceMap(choices)) === null
      );
    },
    summarize(results, variant, promptStyle) {
      return summarizePercent(benchmark, results, variant, promptStyle, false);
    },
  };
  return Object.freeze(benchmark);
}

/**
 * AI2D test (3,088 four-option diagram questions). Fields: JSONL `question`, `choices`, `answer` (the
 * letter, or a 0-based index); TSV `question`, `A`..`D`, `answer`, optional `hint`.
 * NVLM style: Megatron reads an unpublished pre-formatted question, so this uses Megatron's own MC
 * layout of RealWorldQA/MathVista (`{question}\nA. …\nAnswer with the option's letter …`), which is
 * also lmms-eval's AI2D prompt. 16 new tokens: the answer is a letter.
 */
export const ai2d = defineMultipleChoice({
  name: 'ai2d',
  title: 'AI2D',
  maxNewTokens: 16,
  optionsRequired: true,
  prompt: (style, question, choices = [], hint) =>
    style === 'vlmevalkit' ? vlmEvalKitMcqPrompt(question, choices, hint) : letterPrompt(question, choices),
  lmms: scoreLmmsAi2d,
});

/**
 * RealWorldQA (765 questions, mostly A-D, some open). Fields: `question`, optional `choices` (TSV:
 * `A`..`D`), `answer` (the letter when there are options, else the open answer).
 * Prompts: NVLM MC `{question}\nA. …\nAnswer with the option's letter …`, open
 * `{question}\nAnswer the question using a single word or phrase.`; lmms-eval sends the stored
 * question (stripped) unchanged, as the HF dataset's questions carry their options and instruction;
 * VLMEvalKit its MCQ template. lmms scoring is `realworldqa_process_results`:
 * `pred.lower().strip().rstrip('.') == answer.lower()`. 16 new tokens: a letter or a short answer.
 */
export const realworldqa = defineMultipleChoice({
  name: 'realworldqa',
  title: 'RealWorldQA',
  maxNewTokens: 16,
  optionsRequired: false,
  prompt: (style, question, choices, hint) => {
    if (style === 'lmms') return pyStrip(question);
    if (style === 'vlmevalkit') return vlmEvalKitMcqPrompt(question, choices ?? [], hint);
    return choices === undefined ? `${question}\n${SINGLE_WORD}` : letterPrompt(question, choices);
  },
  lmms: scoreLmmsRealWorldQaOpen,
});
