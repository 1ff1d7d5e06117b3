/**
 * VQAv2, TextVQA, DocVQA, ChartQA: prompts compared with the strings EVAL.md §2-5 quotes, scores
 * worked out by hand from the rules of EVAL.md §1-5.
 */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { scoredResult } from './test-support.js';
import type { PromptStyle, SampleContext } from './types.js';
import { chartqa, docvqa, textvqa, vqav2 } from './vqa-family.js';

const PNG = new Uint8Array([137, 80, 78, 71]);
const context = (promptStyle: PromptStyle = 'nvlm', line = 3, format?: 'jsonl' | 'tsv'): SampleContext => ({
  line,
  promptStyle,
  format,
  loadImage: async (ref) => {
    if (ref === 'missing.png') throw new Error('ENOENT: no such file');
    return PNG;
  },
});
const NVLM_SYSTEM = "Follow the user's instruction and answer questions.";
const result = scoredResult;

describe('prompts', () => {
  const record = { id: 'q1', image: 'a.png', question: 'what does the SIGN say?', answers: ['stop'] };

  it('VQAv2 per style', async () => {
    const nvlm = await vqav2.toSample(record, context('nvlm'));
    expect(nvlm.system).toBe(NVLM_SYSTEM);
    expect(nvlm.prompt).toBe(
      '<image>\nwhat does the SIGN say?\nAnswer the question using a single word or phrase.',
    );
    expect(nvlm.images).toEqual([PNG]);
    expect(nvlm.id).toBe('q1');
    const vlm = await vqav2.toSample(record, context('vlmevalkit'));
    expect(vlm.system).toBeUndefined();
    expect(vlm.prompt).toBe(
      '<image>\nwhat does the SIGN say?\nAnswer the question using a single word or phrase.',
    );
  });

  it('TextVQA: NVLM adds "or number", lmms capitalises the question', async () => {
    expect((await textvqa.toSample(record, context('nvlm'))).prompt).toBe(
      '<image>\nwhat does the SIGN say?\nAnswer the question using a single word, phrase, or number.',
    );
    expect((await textvqa.toSample(record, context('lmms'))).prompt).toBe(
      '<image>\nWhat does the sign say?\nAnswer the question using a single word or phrase.',
    );
  });

  it('DocVQA and ChartQA', async () => {
    expect((await docvqa.toSample(record, context('nvlm'))).prompt).toBe(
      '<image>\nwhat does the SIGN say?\nAnswer the question using a single word, phrase, or number.',
    );
    expect((await docvqa.toSample(record, context('lmms'))).prompt).toBe(
      '<image>\nwhat does the SIGN say?\nAnswer the question using a single word or phrase.',
    );
    const chart = { image: 'c.png', question: 'Max value?', answer: '42', split: 'human' };
    const sample = await chartqa.toSample(chart, context('lmms', 9));
    expect(sample.prompt).toBe('<image>\nMax value?\nAnswer the question with a single word.');
    expect(sample.id).toBe('9'); // no id: the line number
    expect(sample.category).toBe('human');
    expect(sample.gold).toEqual({ answers: ['42'] });
  });
});

describe('VLMEvalKit TSV rows', () => {
  it('decodes the base64 image and the Python-literal answer list', async () => {
    const row = { index: '7', image: 'AQID', question: 'Q?', answer: `['yes', 'yes', "it's"]` };
    const sample = await vqav2.toSample(row, context('nvlm', 2));
    expect(sample.id).toBe('7');
    expect(sample.images).toEqual([new Uint8Array([1, 2, 3])]);
    expect(sample.gold).toEqual({ answers: ['yes', 'yes', "it's"] });
  });

  it('reports bad cells with the line and the field', async () => {
    const bad = async (row: Record<string, string>, field: string) => {
      const error = await vqav2.toSample(row, context('nvlm', 5)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EvaluationError);
      expect(error).toMatchObject({ code: 'BAD_SAMPLE', line: 5, field });
      expect((error as Error).message).toContain('line 5');
    };
    await bad({ index: '1', image: 'AQID', question: 'Q', answer: "['yes', 'no'" }, 'answer');
    await bad({ index: '1', question: 'Q', answer: 'yes', image_path: 'x.jpg' }, 'image');
    await bad({ index: '1', image: '12', question: 'Q', answer: 'yes' }, 'image');
    await bad({ index: '1', image: 'AQID', answer: 'yes' }, 'question');
  });
});

describe('bad JSONL records', () => {
  it('names the line and the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ image: 'a.png', answers: ['x'] }, 'question'],
      [{ image: 'a.png', question: 'Q', answers: 3 }, 'answers'],
      [{ image: 'a.png', question: 'Q', answers: [] }, 'answers'],
      [{ question: 'Q', answers: ['x'] }, 'image'],
      [{ images: [], question: 'Q', answers: ['x'] }, 'images'],
      [{ image: 'missing.png', question: 'Q', answers: ['x'] }, 'image'],
      [{ id: { a: 1 }, image: 'a.png', question: 'Q', answers: ['x'] }, 'id'],
    ];
    for (const [record, field] of cases) {
      await expect(vqav2.toSample(record, context('nvlm', 12, 'jsonl'))).rejects.toMatchObject({
        code: 'BAD_SAMPLE',
        line: 12,
        field,
      });
    }
  });
});

describe('scoring', () => {
  const sample = async (answers: string[]) =>
    vqav2.toSample({ image: 'a.png', question: 'Q', answers }, context());

  it('VQAv2 official vs nvlm', async () => {
    const allYes = await sample(Array(10).fill('yes'));
    // All ten answers identical: the official evaluator does not normalise, so 'Yes' misses.
    expect(vqav2.score(allYes, 'Yes', 'official').score).toBe(0);
    expect(vqav2.score(allYes, 'yes', 'official').score).toBe(1);
    expect(vqav2.score(allYes, ' Yes ', 'nvlm')).toMatchObject({ score: 1, extracted: 'yes' });
    // 2 x yes, 8 x no: leave-one-out (2 x 1/3 + 8 x 2/3) / 10 = 0.6; Megatron min(1, 2/3).
    const mixed = await sample([...Array(2).fill('yes'), ...Array(8).fill('no')]);
    expect(vqav2.score(mixed, 'yes', 'official').score).toBeCloseTo(0.6, 12);
    expect(vqav2.score(mixed, 'yes', 'nvlm').score).toBeCloseTo(2 / 3, 12);
  });

  it('DocVQA ANLS and ChartQA relaxed accuracy', async () => {
    const doc = await docvqa.toSample({ image: 'a.png', question: 'Q', answers: ['hello'] }, context());
    // lev('helo', 'hello') = 1, L = 5: 1 - 0.2.
    expect(docvqa.score(doc, 'helo', 'official').score).toBeCloseTo(0.8, 12);
    const chart = await chartqa.toSample({ image: 'a.png', question: 'Q', answer: '10' }, context());
    expect(chartqa.score(chart, '10.4', 'vlmevalkit').score).toBe(1); // 4% off
    expect(chartqa.score(chart, '10.6', 'vlmevalkit').score).toBe(0); // 6% off
    expect(chartqa.score(chart, ' 10 ', 'pix2struct').score).toBe(1); // float() strips
  });

  it('rejects unknown variants and bad gold', async () => {
    const s = await sample(['a']);
    expect(() => vqav2.score(s, 'a', 'anls')).toThrow(/unknown vqav2 variant 'anls'/);
    expect(() => vqav2.score({ ...s, gold: {} }, 'a', 'official')).toThrow(EvaluationError);
  });
});

describe('summaries', () => {
  it('mean x100 with failed samples as 0', () => {
    const summary = vqav2.summarize([result(1), result(0.6), result(null)], 'official', 'nvlm');
    expect(summary.score).toBeCloseTo((1.6 / 3) * 100, 10);
    expect(summary).toMatchObject({ benchmark: 'vqav2', unit: 'percent', samples: 3, failed: 1 });
    expect(summary.breakdown).toBeUndefined();
  });

  it('ChartQA breaks down by split', () => {
    const summary = chartqa.summarize(
      [result(1, 'human'), result(0, 'human'), result(1, 'augmented')],
      'vlmevalkit',
      'nvlm',
    );
    expect(summary.score).toBeCloseTo(200 / 3, 10);
    expect(summary.breakdown).toEqual({ human: 50, augmented: 100 });
  });

  it('an empty run scores 0', () => {
    expect(vqav2.summarize([], 'official', 'nvlm')).toMatchObject({ score: 0, samples: 0, failed: 0 });
  });
});

describe('layout detection', () => {
  it('reads an all-string row with a long inline image as TSV, a path as JSONL', async () => {
    const base64 = 'AQID'.repeat(1100); // 4400 characters, longer than any path
    const row = { image: base64, question: 'Q', answer: "['a']" };
    const tsv = await vqav2.toSample(row, context('nvlm', 4));
    expect(tsv.images[0]).toHaveLength(3300);
    expect(tsv.gold).toEqual({ answers: ['a'] });
    const jsonl = await vqav2.toSample(
      { image: 'a.png', question: 'Q', answer: "['a']" },
      context('nvlm', 4),
    );
    expect(jsonl.images).toEqual([PNG]);
    expect(jsonl.gold).toEqual({ answers: ["['a']"] }); // JSONL strings are taken as they are
  });
});
