/**
 * The open-answer VQA benchmarks: VQAv2 and TextVQA (VQA accuracy, EVAL.md §2-3), DocVQA (ANLS, §4)
 * and ChartQA (relaxed accuracy, §5). Prompts per style are the ones EVAL.md quotes for NVLM/Megatron
 * (`examples/multimodal/run_text_generation.py`), VLMEvalKit (`image_vqa.py`) and lmms-eval (task
 * yamls); scoring calls the scorers of `../scorers`.
 */
import { pyStrip } from '../python/strings.js';
import { ANLS_VARIANTS, type AnlsVariant, scoreAnls } from '../scorers/anls.js';
import { RELAXED_VARIANTS, type RelaxedVariant, scoreRelaxed } from '../scorers/relaxed.js';
import { scoreVqa, VQA_VARIANTS, type VqaVariant } from '../scorers/vqa.js';
import {
  checkVariant,
  goldField,
  greedy,
  isStringArray,
  loadImages,
  NVLM_SYSTEM,
  optionalString,
  type RawRecord,
  recordFormat,
  requireString,
  sampleId,
  stringList,
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

/** The answer instruction each style appends to the question. */
const SINGLE_WORD = 'Answer the question using a single word or phrase.';
const SINGLE_WORD_OR_NUMBER = 'Answer the question using a single word, phrase, or number.';
const ONE_WORD = 'Answer the question with a single word.';

/** Variants of the Megatron pipeline, which `.strip()`s the generation before scoring (EVAL.md §0.2). */
const MEGATRON_VARIANTS = new Set(['nvlm', 'megatron', 'megatron_nopct']);
const asScored = (variant: string, output: string) =>
  MEGATRON_VARIANTS.has(variant) ? pyStrip(output) : output;

/** Python `str.capitalize()`: first character upper-cased, the rest lower-cased (lmms TextVQA). */
function capitalize(s: string): string {
  const [first = '', ...rest] = Array.from(s);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

interface VqaLikeSpec {
  readonly name: BenchmarkName;
  readonly title: string;
  readonly variants: readonly string[];
  readonly maxNewTokens: number;
  /** Instruction per style, appended after `\n`. */
  readonly instruction: Readonly<Record<PromptStyle, string>>;
  /** lmms-eval TextVQA capitalises the question. */
  readonly capitalizeLmms?: boolean;
  /** ChartQA: the `split` field (human/augmented) becomes the category. */
  readonly splitCategory?: boolean;
  readonly score: (
    output: string,
    answers: readonly string[],
    variant: string,
  ) => { score: number; pred_norm: string };
}

function defineVqaLike(spec: VqaLikeSpec): Benchmark {
  const benchmark: Benchmark = {
    name: spec.name,
    title: spec.title,
    unit: 'percent',
    variants: spec.variants,
    paper: PAPER[spec.name],
    generation: greedy(spec.maxNewTokens),
    async toSample(record: RawRecord, context: SampleContext): Promise<EvalSample> {
      const format = recordFormat(record, context);
      const line = context.line;
      const id = sampleId(record, line);
      const question = requireString(record, 'question', line);
      const answerField = record.answers !== undefined ? 'answers' : 'answer';
      const answers = stringList(record, answerField, line, format);
      const split = spec.splitCategory ? optionalString(record, 'split', line) : undefined;
      const images = await loadImages(record, context, format);
      const style = context.promptStyle;
      const text = style === 'lmms' && spec.capitalizeLmms ? capitalize(question) : question;
      return {
        id,
        line,
        system: style === 'nvlm' ? NVLM_SYSTEM : undefined,
        prompt: withImages(images.length, `${text}\n${spec.instruction[style]}`),
        images,
        gold: { answers },
        category: split,
      };
    },
    score(sample: EvalSample, output: string, variant: string): SampleScore {
      checkVariant(benchmark, variant);
      const answers = goldField(sample, 'answers', isStringArray, 'a non-empty array of strings');
      const result = spec.score(asScored(variant, output), answers, variant);
      return { extracted: result.pred_norm, score: result.score, details: { pred_norm: result.pred_norm } };
    },
    summarize(results, variant, promptStyle) {
      return summarizePercent(benchmark, results, variant, promptStyle, spec.splitCategory === true);
    },
  };
  return Object.freeze(benchmark);
}

/**
 * VQAv2 (test-dev on the EvalAI server; val2014 locally). 16 new tokens: answers are one to three
 * words (the 72B Megatron script's `--out-seq-length 16`).
 */
export const vqav2 = defineVqaLike({
  name: 'vqav2',
  title: 'VQAv2',
  variants: VQA_VARIANTS,
  maxNewTokens: 16,
  instruction: { nvlm: SINGLE_WORD, vlmevalkit: SINGLE_WORD, lmms: SINGLE_WORD },
  score: (output, answers, variant) => scoreVqa(output, answers, variant as VqaVariant),
});

/** TextVQA val. 16 new tokens: scene-text answers are short words or numbers. */
export const textvqa = defineVqaLike({
  name: 'textvqa',
  title: 'TextVQA',
  variants: VQA_VARIANTS,
  maxNewTokens: 16,
  instruction: { nvlm: SINGLE_WORD_OR_NUMBER, vlmevalkit: SINGLE_WORD, lmms: SINGLE_WORD },
  capitalizeLmms: true,
  score: (output, answers, variant) => scoreVqa(output, answers, variant as VqaVariant),
});

/**
 * DocVQA (test on the RRC server; val locally). 32 new tokens: document answers include names,
 * addresses and dates that run past 16 tokens, and a cut answer loses ANLS.
 */
export const docvqa = defineVqaLike({
  name: 'docvqa',
  title: 'DocVQA',
  variants: ANLS_VARIANTS,
  maxNewTokens: 32,
  instruction: { nvlm: SINGLE_WORD_OR_NUMBER, vlmevalkit: SINGLE_WORD, lmms: SINGLE_WORD },
  score: (output, answers, variant) => scoreAnls(output, answers, variant as AnlsVariant),
});

/**
 * ChartQA test (human + augmented; the `split` field gives the breakdown). 16 new tokens: answers
 * are a number or a label.
 */
export const chartqa = defineVqaLike({
  name: 'chartqa',
  title: 'ChartQA',
  variants: RELAXED_VARIANTS,
  maxNewTokens: 16,
  instruction: { nvlm: SINGLE_WORD, vlmevalkit: SINGLE_WORD, lmms: ONE_WORD },
  splitCategory: true,
  score: (output, answers, variant) => scoreRelaxed(output, answers, variant as RelaxedVariant),
});
