/**
 * MathVista testmini (1,000 questions), EVAL.md §10. NVLM prompts follow Megatron's
 * `evaluation_datasets.MathVistaDataset` (MC: question + `A. choice` lines + the letter instruction;
 * free-form: the dataset `query` with every `Hint: ` removed); the other styles send the dataset
 * `query` as the official pipeline does. Scoring calls `../scorers/mathvista.ts`; the official variant
 * takes the LLM judge's extraction when the run has one.
 */
import { pyFloat } from '../python/numbers.js';
import { pyStrip } from '../python/strings.js';
import {
  extractMathVistaAnswer,
  MATHVISTA_VARIANTS,
  type MathVistaItem,
  type MathVistaVariant,
  scoreMathVista,
} from '../scorers/mathvista.js';
import {
  badSample,
  checkVariant,
  goldField,
  greedy,
  isString,
  LETTERS,
  loadImages,
  optionalString,
  type RawRecord,
  recordFormat,
  requireString,
  sampleId,
  summarizePercent,
  tsvList,
  withImages,
} from './common.js';
import { letterPrompt } from './multiple-choice.js';
import { PAPER } from './paper.js';
import type { Benchmark, EvalSample, SampleContext, SampleScore } from './types.js';

/** Megatron's MathVista system message. */
export const MATHVISTA_SYSTEM = 'You are math expert. Use your math knowledge to calculate the answer.';

function readChoices(record: RawRecord, line: number, format: 'jsonl' | 'tsv'): string[] | null {
  const v = record.choices;
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') {
    const list = tsvList(v, 'choices', line, true);
    if (list === null) throw badSample(line, 'choices', `must be a list of choices, got '${v.slice(0, 40)}'`);
    return list;
  }
  if (format === 'jsonl' && Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw badSample(line, 'choices', 'must be an array of strings or null');
}

function readPrecision(record: RawRecord, line: number): number | null {
  const v = record.precision;
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? pyFloat(v) : null;
  if (n === null || !Number.isFinite(n)) throw badSample(line, 'precision', 'must be a number or null');
  return n;
}

/** The gold fields of a sample as the scorer's item (without the prediction). */
function goldItem(sample: EvalSample): Omit<MathVistaItem, 'prediction'> {
  const choices = sample.gold.choices;
  const precision = sample.gold.precision;
  return {
    answer: goldField(sample, 'answer', isString, 'a string'),
    question_type: goldField(sample, 'question_type', isString, 'a string'),
    answer_type: goldField(sample, 'answer_type', isString, 'a string'),
    choices: Array.isArray(choices) ? (choices as string[]) : null,
    precision: typeof precision === 'number' ? precision : null,
  };
}

/**
 * MathVista. Fields: JSONL `query`, `question`, `question_type` (`multi_choice` | `free_form`),
 * `answer_type` (`integer` | `float` | `text` | `list`), `choices` (array or null), `precision`,
 * `answer` (the choice text for multi_choice; a letter is turned into its choice), optional `pid`;
 * TSV the same columns with `choices` as a Python list literal (`query` defaults to `question`). A
 * dataset `extraction` field is ignored: an extraction belongs to one model's output.
 *
 * 512 new tokens: the official query asks for the final value "at the end", which invites working
 * first, and the rule-based extraction needs that final value; greedy decoding stops at `<|im_end|>`
 * so short answers cost nothing extra.
 */
export const mathvista: Benchmark = Object.freeze<Benchmark>({
  name: 'mathvista',
  title: 'MathVista',
  unit: 'percent',
  variants: MATHVISTA_VARIANTS,
  paper: PAPER.mathvista,
  generation: greedy(512),
  async toSample(record: RawRecord, context: SampleContext): Promise<EvalSample> {
    const format = recordFormat(record, context);
    const line = context.line;
    const id = optionalString(record, 'pid', line) ?? sampleId(record, line);
    const question = requireString(record, 'question', line);
    const query = optionalString(record, 'query', line) ?? question;
    const questionType = requireString(record, 'question_type', line);
    if (questionType !== 'multi_choice' && questionType !== 'free_form') {
      throw badSample(line, 'question_type', `must be 'multi_choice' or 'free_form', got '${questionType}'`);
    }
    const answerType = requireString(record, 'answer_type', line);
    const allowed =
      questionType === 'multi_choice' ? ['text', 'integer', 'float', 'list'] : ['integer', 'float', 'list'];
    if (!allowed.includes(answerType)) {
      throw badSample(
        line,
        'answer_type',
        `must be one of ${allowed.join(', ')} for ${questionType}, got '${answerType}'`,
      );
    }
    const choices = readChoices(record, line, format);
    const precision = readPrecision(record, line);
    if (answerType === 'float' && precision === null && questionType === 'free_form') {
      throw badSample(line, 'precision', 'is required for float answers');
    }
    let answer =
      typeof record.answer === 'number' ? String(record.answer) : requireString(record, 'answer', line);
    if (questionType === 'multi_choice') {
      if (choices === null || choices.length === 0)
        throw badSample(line, 'choices', 'must hold the choices of a multi_choice question');
      if (!choices.includes(answer)) {
        const index = answer.length === 1 ? LETTERS.indexOf(answer) : -1;
        if (index < 0 || index >= choices.length) {
          throw badSample(line, 'answer', `must be one of the choices (or its letter), got '${answer}'`);
        }
        answer = choices[index] as string;
      }
    }
    const images = await loadImages(record, context, format);
    const nvlm = context.promptStyle === 'nvlm';
    let text = query;
    if (nvlm)
      text =
        questionType === 'multi_choice'
          ? letterPrompt(question, choices ?? [])
          : query.replaceAll('Hint: ', '');
    return {
      id,
      line,
      system: nvlm ? MATHVISTA_SYSTEM : undefined,
      prompt: withImages(images.length, text),
      images,
      // question and query: what an LLM judge shows its model (MathVista's extraction prompt uses the query).
      gold: {
        question_type: questionType,
        answer_type: answerType,
        choices,
        precision,
        answer,
        question,
        query,
      },
      category: questionType,
    };
  },
  score(sample: EvalSample, output: string, variant: string, llmExtraction?: string): SampleScore {
    checkVariant(mathvista, variant);
    const gold = goldItem(sample);
    if (variant === 'megatron') {
      const result = scoreMathVista({ ...gold, prediction: pyStrip(output) }, 'megatron');
      return {
        extracted: result.normalized,
        score: result.score,
        details: { normalized: result.normalized },
      };
    }
    const item: MathVistaItem = {
      ...gold,
      prediction: output,
      ...(llmExtraction !== undefined ? { extraction: llmExtraction } : {}),
    };
    const result = scoreMathVista(item, variant as MathVistaVariant);
    return {
      extracted: result.normalized,
      score: result.score,
      details: {
        extraction: result.extraction,
        normalized: result.normalized,
        ...(llmExtraction !== undefined ? { llm_extraction: true } : {}),
        ...(result.llm_needed ? { llm_needed: true } : {}),
      },
    };
  },
  /** Official variant: the rule-based steps of `extract_answer` found nothing (GPT would run now). */
  needsJudge(sample: EvalSample, output: string, variant: string): boolean {
    checkVariant(mathvista, variant);
    return (
      variant === 'official' && extractMathVistaAnswer({ ...goldItem(sample), prediction: output }) === null
    );
  },
  summarize(results, variant, promptStyle) {
    return summarizePercent(mathvista, results, variant, promptStyle, true);
  },
});
