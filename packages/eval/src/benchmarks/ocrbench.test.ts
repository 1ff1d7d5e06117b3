/**
 * OCRBench: prompt (EVAL.md §8), the substring rules per variant, and the points summary with raw
 * per-type and per-category sums; expected values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { ocrbench } from './ocrbench.js';
import { scoredResult } from './test-support.js';
import type { PromptStyle, SampleContext } from './types.js';

const context = (promptStyle: PromptStyle = 'nvlm', line = 1): SampleContext => ({
  line,
  promptStyle,
  loadImage: async () => new Uint8Array([9]),
});
const result = scoredResult;

describe('toSample', () => {
  it('sends the question as given; NVLM adds its system message', async () => {
    const record = {
      image: 'o.png',
      question: 'what is written in the image?',
      answers: 'Hello World',
      dataset_name: 'IIIT5K',
      type: 'Regular Text Recognition',
    };
    const nvlm = await ocrbench.toSample(record, context('nvlm'));
    expect(nvlm.prompt).toBe('<image>\nwhat is written in the image?');
    expect(nvlm.system).toBe("Follow the user's instruction and answer questions.");
    expect(nvlm.category).toBe('Regular Text Recognition');
    expect(nvlm.gold).toEqual({ answers: ['Hello World'], dataset_name: 'IIIT5K' });
    expect((await ocrbench.toSample(record, context('lmms'))).system).toBeUndefined();
  });

  it('TSV: category is the type, HME100k inferred from it', async () => {
    const row = {
      index: '3',
      image: 'AQID',
      question: 'Write the expression',
      answer: "['x _ { 1 }', 'x_1']",
      category: 'Handwritten Mathematical Expression Recognition',
    };
    const s = await ocrbench.toSample(row, context());
    expect(s.gold).toEqual({ answers: ['x _ { 1 }', 'x_1'], dataset_name: 'HME100k' });
  });
});

describe('score', () => {
  it('lower-cased substring for text, space-free case-sensitive for HME100k', async () => {
    const text = await ocrbench.toSample(
      { image: 'o.png', question: 'Q', answers: ['Hello World'], dataset_name: 'IIIT5K' },
      context(),
    );
    expect(ocrbench.score(text, 'It says HELLO WORLD.', 'official').score).toBe(1);
    expect(ocrbench.score(text, 'helloworld', 'official').score).toBe(0);
    const hme = await ocrbench.toSample(
      { image: 'o.png', question: 'Q', answers: ['x _ { 1 }\n'], dataset_name: 'HME100k' },
      context(),
    );
    expect(ocrbench.score(hme, 'x_{1}', 'official').score).toBe(1);
    expect(ocrbench.score(hme, 'X_{1}', 'official').score).toBe(0);
  });

  it('megatron counts every answer variant that hits', async () => {
    const s = await ocrbench.toSample(
      { image: 'o.png', question: 'Q', answers: ['NEWS AGENCY', 'NEWSAGENCY'], dataset_name: 'x' },
      context(),
    );
    expect(ocrbench.score(s, 'news agency / newsagency', 'megatron').score).toBe(2);
    expect(ocrbench.score(s, 'news agency / newsagency', 'official').score).toBe(1);
  });
});

describe('summarize', () => {
  it('scales to 1000 and keeps raw sums per type, category and in total', () => {
    const summary = ocrbench.summarize(
      [
        result(1, 'Regular Text Recognition'),
        result(0, 'Digit String Recognition'),
        result(1, 'Key Information Extraction'),
        result(null, 'Handwritten Mathematical Expression Recognition'),
      ],
      'official',
      'nvlm',
    );
    expect(summary).toMatchObject({ unit: 'points', score: 500, samples: 4, failed: 1 });
    expect(summary.breakdown).toEqual({
      'Text Recognition': 1,
      'Regular Text Recognition': 1,
      'Digit String Recognition': 0,
      'Scene Text-centric VQA': 0,
      'Doc-oriented VQA': 0,
      'Key Information Extraction': 1,
      'Handwritten Mathematical Expression Recognition': 0,
      correct: 2,
    });
  });

  it('a full run of 1000 gives the plain count', () => {
    const results = Array.from({ length: 1000 }, (_, i) => result(i < 853 ? 1 : 0, 'Doc-oriented VQA'));
    const summary = ocrbench.summarize(results, 'official', 'nvlm');
    expect(summary.score).toBe(853);
    expect(summary.breakdown?.correct).toBe(853);
  });
});
