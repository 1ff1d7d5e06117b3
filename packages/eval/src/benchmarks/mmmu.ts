/**
 * MMMU (validation 900 questions; test via the server), EVAL.md §9. NVLM prompts follow Megatron's
 * `evaluation_datasets.MMMUDataset` in `single_image` mode: the MMMU repo's `construct_prompt` with
 * `llava1.5.yaml`, then `process_image_tag` on the whole prompt, system `Answer the questions.`, and
 * only `image_1`. Scoring calls `../scorers/mmmu.ts`.
 */
import { pyStrip } from '../python/strings.js';
import { MMMU_VARIANTS, type MmmuVariant, scoreMmmu } from '../scorers/mmmu.js';
import {
  badSample,
  checkVariant,
  choiceMap,
  goldField,
  greedy,
  isString,
  isStringArray,
  LETTERS,
  loadImages,
  optionalString,
  optionList,
  type RawRecord,
  recordFormat,
  requireString,
  sampleId,
  summarizePercent,
  tsvList,
  withImages,
} from './common.js';
import { vlmEvalKitMcqPrompt } from './multiple-choice.js';
import { PAPER } from './paper.js';
import type { Benchmark, EvalSample, PromptStyle, SampleContext, SampleScore } from './types.js';

/** Megatron's MMMU system message. */
export const MMMU_SYSTEM = 'Answer the questions.';
const LETTER_INSTRUCTION = "Answer with the option's letter from the given choices directly.";
const SINGLE_WORD = 'Answer the question using a single word or phrase.';
const TAG = '<image 1>';

/**
 * Megatron `MMMUDataset.process_image_tag`: strip, then the first matching heuristic rewrites
 * `<image 1>` into words; then `<image 2>`..`<image 7>` are deleted (`range(2, 8)`: `<image 8>` stays).
 */
export function processImageTag(input: string): string {
  let q = pyStrip(input);
  if (q === TAG) q = 'Answer the question in the image.';
  else if (q.includes(`:${TAG}`)) q = pyStrip(q.replaceAll(`:${TAG}`, ' in the image. '));
  else if (q.includes(`: ${TAG}`)) q = pyStrip(q.replaceAll(`: ${TAG}`, ' in the image. '));
  else if (q.includes(`.${TAG}`) || q.includes(`. ${TAG}`)) {
    q = q
      .split(TAG)
      .map((part) => pyStrip(part))
      .filter((part) => part !== '')
      .join(' ');
  } else if (q.startsWith(`${TAG} `)) {
    // Python `q[10].isupper()`: the character after '<image 1> '.
    const next = Array.from(q)[10] ?? '';
    const upper = next !== next.toLowerCase() && next === next.toUpperCase();
    q = pyStrip(q.replaceAll(TAG, upper ? '' : 'The image'));
  } else if (q.startsWith(TAG)) q = q.replaceAll(TAG, '');
  else if (q.endsWith(`${TAG}?`)) q = q.replaceAll(TAG, 'the image');
  else if (q.endsWith(`?${TAG}`) || q.endsWith(`? ${TAG}`) || q.endsWith(`\n${TAG}`)) {
    q = pyStrip(q.replaceAll(TAG, ''));
  } else if (q.includes(` ${TAG} `) || q.includes(` ${TAG}`)) q = q.replaceAll(TAG, 'the image');
  else if (q.includes(`()${TAG}`)) q = q.replaceAll(`()${TAG}`, '');
  else if (q.includes(`(${TAG})`)) q = q.replaceAll(`(${TAG})`, '');
  else if (q.includes(`${TAG}.`)) q = q.replaceAll(`${TAG}.`, '. ');
  else q = pyStrip(q.replaceAll(TAG, '. '));
  for (let i = 2; i < 8; i++) q = q.replaceAll(`<image ${i}>`, '');
  return q;
}

/** MMMU `construct_prompt` with `llava1.5.yaml` (before the image-tag rewrite). */
export function mmmuNvlmText(question: string, options: readonly string[] | undefined): string {
  if (options === undefined) return `${question}\n${SINGLE_WORD}`;
  const lines = options.map((o, i) => `(${LETTERS[i] as string}) ${o}\n`).join('');
  return `${question}\n${lines}\n${LETTER_INSTRUCTION}`;
}

/** lmms-eval `mmmu` text: `A. o` lines, then a blank line and the instruction. */
function mmmuLmmsText(question: string, options: readonly string[] | undefined): string {
  if (options === undefined) return `${question}\n\n${SINGLE_WORD}`;
  const lines = options.map((o, i) => `${LETTERS[i] as string}. ${o}`).join('\n');
  return `${question}\n${lines}\n\n${LETTER_INSTRUCTION}`;
}

function promptText(
  style: PromptStyle,
  question: string,
  options: readonly string[] | undefined,
  hint?: string,
) {
  if (style === 'nvlm') return processImageTag(mmmuNvlmText(question, options));
  if (style === 'lmms') return mmmuLmmsText(question, options);
  return vlmEvalKitMcqPrompt(question, options ?? [], hint);
}

/**
 * The gold answer: a string or a list. A string holding a Python list literal (the HF dataset stores
 * some open answers as `"['0.2', '0.20']"`, VLMEvalKit TSVs likewise) is read as the list, as MMMU's
 * `answer_dict_val.json` has it; a string that does not parse as one stays a string.
 */
function goldAnswer(record: RawRecord, line: number): string | string[] {
  const v = record.answer;
  if (typeof v === 'string' && v !== '') return tsvList(v, 'answer', line, false) ?? v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw badSample(line, 'answer', 'must be a string, a number or a non-empty array of strings');
}

const MMMU_GENERATION = greedy(64);

/**
 * MMMU. Fields: JSONL `question`, `question_type` (`multiple-choice` | `open`), `options` (array, or
 * the HF dataset's Python-literal string), `answer` (letter, text or list), optional `subject`;
 * TSV `question`, `A`.., `answer`, `category` (the subject), optional `question_type` (else
 * multiple-choice when option columns exist), `image` (base64 or a Python list of base64).
 *
 * Images: NVLM style sends only the first image (`image_1`, Megatron `single_image`; where MMMU's
 * `process_single_sample` would have no image because the options hold several, image_1 is still
 * sent) and rewrites the tags as Megatron does. The other styles send every image, placeholders first,
 * and keep the `<image k>` tags in the text (VLMEvalKit and lmms-eval interleave the images at the
 * tags instead; with one image the prompts differ only in where the image sits).
 *
 * 64 new tokens: the prompts ask for a letter or a phrase, but MMMU's parsers are built for a
 * sentence ("The answer is (B) because ...") and open answers; 64 lets one finish.
 */
export const mmmu: Benchmark = Object.freeze<Benchmark>({
  name: 'mmmu',
  title: 'MMMU',
  unit: 'percent',
  variants: MMMU_VARIANTS,
  paper: PAPER.mmmu,
  generation: MMMU_GENERATION,
  async toSample(record: RawRecord, context: SampleContext): Promise<EvalSample> {
    const format = recordFormat(record, context);
    const line = context.line;
    const id = sampleId(record, line);
    const question = requireString(record, 'question', line);
    const options = optionList(record, 'options', line, format);
    const declared = optionalString(record, 'question_type', line);
    const questionType = declared ?? (options !== undefined ? 'multiple-choice' : 'open');
    if (questionType !== 'multiple-choice' && questionType !== 'open') {
      throw badSample(line, 'question_type', `must be 'multiple-choice' or 'open', got '${questionType}'`);
    }
    if (questionType === 'multiple-choice' && options === undefined) {
      throw badSample(
        line,
        format === 'tsv' ? 'A' : 'options',
        'must hold the options of a multiple-choice question',
      );
    }
    const answer = goldAnswer(record, line);
    const allChoices =
      questionType === 'multiple-choice'
        ? Array.from((options ?? []).keys(), (i) => LETTERS[i] as string)
        : [];
    if (questionType === 'multiple-choice') {
      for (const letter of typeof answer === 'string' ? [answer] : answer) {
        if (!allChoices.includes(letter)) {
          throw badSample(
            line,
            'answer',
            `must be an option letter (${allChoices.join(', ')}), got '${letter}'`,
          );
        }
      }
    }
    const subject = optionalString(record, 'subject', line) ?? optionalString(record, 'category', line);
    const hint = optionalString(record, 'hint', line);
    const style = context.promptStyle;
    const all = await loadImages(record, context, format);
    const images = style === 'nvlm' ? all.slice(0, 1) : all;
    const mcOptions = questionType === 'multiple-choice' ? options : undefined;
    return {
      id,
      line,
      system: style === 'nvlm' ? MMMU_SYSTEM : undefined,
      prompt: withImages(images.length, promptText(style, question, mcOptions, hint)),
      images,
      gold: {
        question_type: questionType,
        question, // for an LLM judge; the scorers do not read it
        answer,
        all_choices: allChoices,
        index2ans: mcOptions === undefined ? {} : choiceMap(mcOptions),
      },
      category: subject,
    };
  },
  score(sample: EvalSample, output: string, variant: string): SampleScore {
    checkVariant(mmmu, variant);
    const questionType = goldField(sample, 'question_type', isString, 'a string');
    const answer = goldField(
      sample,
      'answer',
      (v): v is string | string[] => isString(v) || isStringArray(v),
      'a string or an array of strings',
    );
    const allChoices = goldField(sample, 'all_choices', (v): v is string[] => Array.isArray(v), 'an array');
    const index2ans = goldField(
      sample,
      'index2ans',
      (v): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v),
      'an object',
    );
    const prediction = variant === 'megatron' ? pyStrip(output) : output;
    const result = scoreMmmu(
      { prediction, answer, question_type: questionType, all_choices: allChoices, index2ans },
      { variant: variant as MmmuVariant, fallback: 'first' },
    );
    const extracted = typeof result.parsed === 'string' ? result.parsed : JSON.stringify(result.parsed);
    return {
      extracted,
      score: result.score,
      details: {
        parsed: result.parsed,
        ...(result.fallback_used !== undefined ? { fallback_used: result.fallback_used } : {}),
      },
    };
  },
  summarize(results, variant, promptStyle) {
    return summarizePercent(mmmu, results, variant, promptStyle, true);
  },
});
