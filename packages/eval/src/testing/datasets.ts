/**
 * Per-benchmark generators of small sample datasets (EVAL-RUNNER.md "Dataset record layouts"): each
 * sample is an image drawn here (rendered words, coloured squares, a small document, bar charts) and a
 * question whose gold answer follows from the image, with the fields of the nvlm-ts JSONL layout and
 * of VLMEvalKit's TSV columns. Deterministic: everything random comes from one seeded {@link PyRandom}.
 */
import type { BenchmarkName } from '../benchmarks/types.js';
import { pyFloatRepr } from '../python/numbers.js';
import { PyRandom } from '../python/random.js';
import { renderBarChart } from './charts.js';
import { drawText, measureText } from './font.js';
import { COLORS, type Rgb, RgbImage } from './raster.js';

/** One generated sample before it is written in a file format. */
export interface GeneratedSample {
  readonly image: RgbImage;
  /** JSONL fields other than `id` and `image`, in output order. */
  readonly jsonl: Readonly<Record<string, unknown>>;
  /** TSV columns other than `index` and `image` (values already as cell text; '' = empty cell). */
  readonly tsv: Readonly<Record<string, string>>;
}

/** A seeded source of the generators' choices. */
export class SampleRng {
  readonly #random: PyRandom;
  constructor(seed: number) {
    this.#random = new PyRandom(seed);
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#random.random() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return this.#random.choice(items);
  }
  /** `k` distinct items in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    for (let i = 0; i < k; i++) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    return out;
  }
}

// biome-ignore format: word table
const WORDS = [
  'CAT', 'DOG', 'TREE', 'HOUSE', 'RIVER', 'APPLE', 'STONE', 'CLOUD', 'LIGHT', 'MUSIC',
  'PAPER', 'GREEN', 'TRAIN', 'PLANE', 'HORSE', 'BREAD', 'CHAIR', 'WATER', 'SMILE', 'NORTH',
] as const;
const LETTERS = ['A', 'B', 'C', 'D'] as const;
const SQUARE_COLORS = ['red', 'green', 'blue', 'yellow'] as const;

/** A Python `repr()` of a str (single quotes unless the text has `'` and no `"`). */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) {
    if (c === '\\' || c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else out += c;
  }
  return out + quote;
}

/** A Python `repr()` of a list of str, as VLMEvalKit TSVs store multi-answer cells. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStrRepr).join(', ')}]`;
}

/** A word (font characters) drawn black on white with a margin. */
function textImage(lines: readonly string[], scale: number, margin = 12): RgbImage {
  const lineHeight = measureText('0', scale).height + 2 * scale;
  const width = Math.max(...lines.map((l) => measureText(l, scale).width)) + 2 * margin;
  const image = new RgbImage(width, lines.length * lineHeight - 2 * scale + 2 * margin);
  lines.forEach((line, i) => {
    drawText(image, line, margin, margin + i * lineHeight, scale, COLORS.black);
  });
  return image;
}

/** `n` squares of the given colours on distinct cells of a 3×3 grid (48 px cells). */
function squaresImage(rng: SampleRng, colors: readonly Rgb[]): RgbImage {
  const image = new RgbImage(160, 160);
  const cells = rng.sample([0, 1, 2, 3, 4, 5, 6, 7, 8], colors.length);
  cells.forEach((cell, i) => {
    image.fillRect(8 + (cell % 3) * 48, 8 + Math.floor(cell / 3) * 48, 40, 40, colors[i] as Rgb);
  });
  return image;
}

/** Four options holding `correct` at a random place, and its letter. */
function options<T>(rng: SampleRng, correct: T, pool: readonly T[]): { choices: T[]; letter: string } {
  const choices = rng.sample(
    pool.filter((x) => x !== correct),
    3,
  );
  const at = rng.int(0, 3);
  choices.splice(at, 0, correct);
  return { choices, letter: LETTERS[at] as string };
}

/** TSV option columns `A`..`D` of a multiple-choice sample, or empty cells. */
function optionColumns(choices: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(LETTERS.map((l, i) => [l, choices?.[i] ?? '']));
}

const lower = (s: string) => s.toLowerCase();

/** Bars labelled `labels` with distinct values in [5, 95]. */
function bars(rng: SampleRng, labels: readonly string[]) {
  const values = rng.sample(
    Array.from({ length: 91 }, (_, i) => i + 5),
    labels.length,
  );
  return labels.map((label, i) => ({ label, value: values[i] as number }));
}

type Generator = (rng: SampleRng, i: number) => GeneratedSample;

const vqav2: Generator = (rng) => {
  const color = rng.pick(SQUARE_COLORS);
  const image = new RgbImage(160, 160);
  image.fillRect(30, 30, 100, 100, COLORS[color]);
  const answers = [
    ...Array<string>(8).fill(color),
    color[0]?.toUpperCase() + color.slice(1),
    `${color} square`,
  ];
  const question = 'What color is the square?';
  return { image, jsonl: { question, answers }, tsv: { question, answer: pyListRepr(answers) } };
};

const textvqa: Generator = (rng) => {
  const word = rng.pick(WORDS);
  const answers = [...Array<string>(7).fill(lower(word)), word, word, `${lower(word)}.`];
  const question = 'What word is written in the image?';
  return {
    image: textImage([word], rng.int(3, 4)),
    jsonl: { question, answers },
    tsv: { question, answer: pyListRepr(answers) },
  };
};

const docvqa: Generator = (rng, i) => {
  const number = String(rng.int(1000, 9999));
  const date = `${String(rng.int(1, 28)).padStart(2, '0')}/${String(rng.int(1, 12)).padStart(2, '0')}/20${rng.int(10, 29)}`;
  const total = `${rng.int(10, 99)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
  const image = textImage([`INVOICE NO: ${number}`, `DATE: ${date}`, `TOTAL: ${total}`], 2, 16);
  const [question, answer] = (
    [
      ['What is the invoice number?', number],
      ['What is the date on the invoice?', date],
      ['What is the total amount?', total],
    ] as const
  )[i % 3] as readonly [string, string];
  return { image, jsonl: { question, answers: [answer] }, tsv: { question, answer: pyListRepr([answer]) } };
};

const chartqa: Generator = (rng, i) => {
  const chart = bars(rng, ['A', 'B', 'C', 'D', 'E'].slice(0, rng.int(3, 5)));
  const target = rng.pick(chart);
  const question = `What is the value of bar ${target.label}?`;
  const split = i % 2 === 0 ? 'human' : 'augmented';
  const answer = String(target.value);
  return {
    image: renderBarChart(chart),
    jsonl: { question, answer, split },
    tsv: { question, answer, split },
  };
};

const ocrbench: Generator = (rng, i) => {
  let image: RgbImage;
  let question: string;
  let answers: string[];
  let datasetName: string;
  let type: string;
  if (i % 3 === 0) {
    const word = rng.pick(WORDS);
    image = textImage([word], rng.int(3, 4));
    question = 'what is written in the image?';
    answers = [word];
    datasetName = 'IIIT5K';
    type = 'Regular Text Recognition';
  } else if (i % 3 === 1) {
    const a = rng.int(1, 9);
    const b = rng.int(1, 9);
    image = textImage([`${a}+${b}=${a + b}`], 4);
    question = 'Please write out the expression of the formula in the image using LaTeX format.';
    answers = [`${a} + ${b} = ${a + b}`, `${a}+${b}=${a + b}`];
    datasetName = 'HME100k';
    type = 'Handwritten Mathematical Expression Recognition';
  } else {
    const total = `${rng.int(10, 99)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
    image = textImage(['RECEIPT', `TOTAL: ${total}`], 2, 16);
    question =
      'what is the total amount in the receipt? Answer this question using the text in the image directly.';
    answers = [total];
    datasetName = 'SROIE';
    type = 'Key Information Extraction';
  }
  return {
    image,
    jsonl: {
      question,
      answers: answers.length === 1 ? answers[0] : answers,
      dataset_name: datasetName,
      type,
    },
    tsv: { question, answer: pyListRepr(answers), category: type },
  };
};

const ai2d: Generator = (rng) => {
  const word = rng.pick(WORDS);
  const { choices, letter } = options(rng, lower(word), WORDS.map(lower));
  const question = 'Which word is written in the diagram?';
  return {
    image: textImage([word], 4, 24),
    jsonl: { question, choices, answer: letter },
    tsv: { question, ...optionColumns(choices), answer: letter },
  };
};

const realworldqa: Generator = (rng, i) => {
  const n = rng.int(1, 6);
  const image = squaresImage(
    rng,
    Array.from({ length: n }, () => COLORS[rng.pick(SQUARE_COLORS)]),
  );
  if (i % 2 === 0) {
    const { choices, letter } = options(rng, String(n), ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const question = 'How many squares are in the image?';
    return {
      image,
      jsonl: { question, choices, answer: letter },
      tsv: { question, ...optionColumns(choices), answer: letter },
    };
  }
  const question = 'How many squares are in the image? Answer with a number.';
  return {
    image,
    jsonl: { question, answer: String(n) },
    tsv: { question, ...optionColumns(undefined), answer: String(n) },
  };
};

const mmmu: Generator = (rng, i) => {
  const word = rng.pick(WORDS);
  const image = textImage([word], rng.int(3, 4));
  if (i % 2 === 0) {
    const { choices, letter } = options(rng, lower(word), WORDS.map(lower));
    const question = 'Which word is shown in the image?';
    return {
      image,
      jsonl: {
        question,
        question_type: 'multiple-choice',
        options: choices,
        answer: letter,
        subject: 'Design',
      },
      tsv: { question, ...optionColumns(choices), answer: letter, category: 'Design', split: 'validation' },
    };
  }
  const question = 'How many letters does the word in the image have?';
  const answer = String(word.length);
  return {
    image,
    jsonl: { question, question_type: 'open', options: [], answer, subject: 'Math' },
    tsv: { question, ...optionColumns(undefined), answer, category: 'Math', split: 'validation' },
  };
};

/** MathVista's own hint texts (the dataset's `query` field starts with one of these). */
const MATHVISTA_HINTS = {
  multi_choice:
    'Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.',
  integer:
    'Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.',
  float:
    'Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.',
} as const;

const mathvista: Generator = (rng, i) => {
  const chart = bars(rng, rng.sample(['RED', 'BLUE', 'GOLD', 'PINK', 'MINT', 'GRAY'], 4));
  const image = renderBarChart(chart);
  let question: string;
  let answer: string;
  let choices: string[] | null = null;
  let precision: number | null = null;
  let kind: keyof typeof MATHVISTA_HINTS;
  if (i % 3 === 0) {
    kind = 'multi_choice';
    question = 'Which bar has the largest value?';
    choices = chart.map((b) => b.label);
    answer = chart.reduce((a, b) => (b.value > a.value ? b : a)).label;
  } else if (i % 3 === 1) {
    kind = 'integer';
    const target = rng.pick(chart);
    question = `What is the value of the bar labelled ${target.label}?`;
    answer = String(target.value);
  } else {
    kind = 'float';
    const [a, b] = rng.sample(chart, 2) as [(typeof chart)[0], (typeof chart)[0]];
    question = `What is the average of the values of ${a.label} and ${b.label}?`;
    answer = pyFloatRepr((a.value + b.value) / 2); // x.0 or x.5: exact at one decimal
    precision = 1;
  }
  const choiceText = choices ? `\nChoices:\n${choices.map((c, k) => `(${LETTERS[k]}) ${c}`).join('\n')}` : '';
  const query = `Hint: ${MATHVISTA_HINTS[kind]}\nQuestion: ${question}${choiceText}`;
  const questionType = kind === 'multi_choice' ? 'multi_choice' : 'free_form';
  const answerType = kind === 'multi_choice' ? 'text' : kind;
  return {
    image,
    jsonl: {
      query,
      question,
      question_type: questionType,
      answer_type: answerType,
      choices,
      precision,
      answer,
    },
    tsv: {
      question: query,
      answer,
      question_type: questionType,
      answer_type: answerType,
      precision: precision === null ? '' : pyFloatRepr(precision),
      choices: choices ? pyListRepr(choices) : '',
    },
  };
};

/** The generator of each benchmark. */
export const GENERATORS: Readonly<Record<BenchmarkName, Generator>> = {
  mmmu,
  mathvista,
  ocrbench,
  ai2d,
  chartqa,
  docvqa,
  textvqa,
  vqav2,
  realworldqa,
};

/** TSV columns after `index` and `image`, per benchmark (VLMEvalKit's names). */
export const TSV_COLUMNS: Readonly<Record<BenchmarkName, readonly string[]>> = {
  mmmu: ['question', 'A', 'B', 'C', 'D', 'answer', 'category', 'split'],
  mathvista: ['question', 'answer', 'question_type', 'answer_type', 'precision', 'choices'],
  ocrbench: ['question', 'answer', 'category'],
  ai2d: ['question', 'A', 'B', 'C', 'D', 'answer'],
  chartqa: ['question', 'answer', 'split'],
  docvqa: ['question', 'answer'],
  textvqa: ['question', 'answer'],
  vqav2: ['question', 'answer'],
  realworldqa: ['question', 'A', 'B', 'C', 'D', 'answer'],
};
