/**
 * MathVista: Megatron's MC and free-form prompts (EVAL.md §10), the official pipeline with and without
 * an LLM extraction, Megatron's rules; expected values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { mathvista } from './mathvista.js';
import { scoredResult } from './test-support.js';
import type { PromptStyle, SampleContext } from './types.js';

const context = (promptStyle: PromptStyle = 'nvlm', line = 3): SampleContext => ({
  line,
  promptStyle,
  loadImage: async () => new Uint8Array([7]),
});
const SYSTEM = 'You are math expert. Use your math knowledge to calculate the answer.';
const QUERY =
  'Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nQuestion: How many dots?';
const FREE = {
  pid: '17',
  image: 'm.png',
  query: QUERY,
  question: 'How many dots?',
  question_type: 'free_form',
  answer_type: 'integer',
  choices: null,
  precision: null,
  answer: '3',
};
const MC = {
  pid: '18',
  image: 'm.png',
  query: 'Question: What is the shape?\nChoices:\n(A) circle\n(B) square',
  question: 'What is the shape?',
  question_type: 'multi_choice',
  answer_type: 'text',
  choices: ['circle', 'square'],
  precision: null,
  answer: 'square',
};

describe('prompts', () => {
  it('NVLM free-form: the query without "Hint: "', async () => {
    const s = await mathvista.toSample(FREE, context('nvlm'));
    expect(s.system).toBe(SYSTEM);
    expect(s.id).toBe('17');
    expect(s.prompt).toBe(
      '<image>\nPlease answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nQuestion: How many dots?',
    );
    expect(s.category).toBe('free_form');
  });

  it('NVLM multi-choice: letter lines and instruction', async () => {
    expect((await mathvista.toSample(MC, context('nvlm'))).prompt).toBe(
      "<image>\nWhat is the shape?\nA. circle\nB. square\nAnswer with the option's letter from the given choices directly.",
    );
  });

  it('other styles send the query', async () => {
    const s = await mathvista.toSample(FREE, context('vlmevalkit'));
    expect(s.prompt).toBe(`<image>\n${QUERY}`);
    expect(s.system).toBeUndefined();
  });

  it('validates the record', async () => {
    const bad = (record: Record<string, unknown>, field: string) =>
      expect(mathvista.toSample(record, context('nvlm', 11))).rejects.toMatchObject({
        code: 'BAD_SAMPLE',
        line: 11,
        field,
      });
    await bad({ ...MC, answer: 'triangle' }, 'answer');
    await bad({ ...FREE, question_type: 'essay' }, 'question_type');
    await bad({ ...FREE, answer_type: 'text' }, 'answer_type');
    await bad({ ...FREE, answer_type: 'float', precision: null }, 'precision');
    await bad({ ...MC, choices: null }, 'choices');
    // A letter as the MC answer becomes the choice text.
    expect((await mathvista.toSample({ ...MC, answer: 'B' }, context())).gold.answer).toBe('square');
  });

  it('reads TSV rows with a Python-literal choices cell', async () => {
    const row = {
      index: '5',
      image: 'AQID',
      question: 'What is the shape?',
      question_type: 'multi_choice',
      answer_type: 'text',
      choices: "['circle', 'square']",
      answer: 'circle',
    };
    const s = await mathvista.toSample(row, context('nvlm'));
    expect(s.gold).toMatchObject({ choices: ['circle', 'square'], answer: 'circle', precision: null });
  });
});

describe('scoring', () => {
  it('official: rule-based extraction, else the LLM extraction', async () => {
    const s = await mathvista.toSample(FREE, context());
    expect(mathvista.score(s, '3', 'official').score).toBe(1); // str(int('3'))
    const verbose = 'There are 3 dots';
    expect(mathvista.needsJudge?.(s, verbose, 'official')).toBe(true);
    expect(mathvista.needsJudge?.(s, '3', 'official')).toBe(false);
    expect(mathvista.needsJudge?.(s, verbose, 'megatron')).toBe(false);
    expect(mathvista.score(s, verbose, 'official')).toMatchObject({
      score: 0,
      details: { llm_needed: true },
    });
    expect(mathvista.score(s, verbose, 'official', '3')).toMatchObject({ score: 1, extracted: '3' });
  });

  it('official multi-choice: choice text or the judge letter', async () => {
    const s = await mathvista.toSample(MC, context());
    expect(mathvista.score(s, 'square', 'official').score).toBe(1);
    expect(mathvista.needsJudge?.(s, '(B)', 'official')).toBe(true);
    expect(mathvista.score(s, '(B)', 'official', 'B')).toMatchObject({ score: 1, extracted: 'square' });
    expect(mathvista.score(s, '(B)', 'official', 'A').score).toBe(0);
  });

  it('megatron: MMMU parser for letters, VQA-normalised numbers', async () => {
    const mc = await mathvista.toSample(MC, context());
    expect(mathvista.score(mc, 'B', 'megatron').score).toBe(1);
    const free = await mathvista.toSample(FREE, context());
    // vqa_norm -> 'answer is 3' ('the' dropped, '.' removed) -> 'answer is 3' -> '3'.
    expect(mathvista.score(free, 'The answer is 3.', 'megatron')).toMatchObject({ score: 1, extracted: '3' });
  });

  it('summarizes per question type', () => {
    const r = scoredResult;
    const summary = mathvista.summarize(
      [r(1, 'multi_choice'), r(1, 'free_form'), r(0, 'free_form'), r(null, 'free_form')],
      'official',
      'nvlm',
    );
    expect(summary.score).toBe(50);
    expect(summary.breakdown?.multi_choice).toBe(100);
    expect(summary.breakdown?.free_form).toBeCloseTo(100 / 3, 10);
  });
});
