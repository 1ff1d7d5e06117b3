/**
 * AI2D and RealWorldQA: prompts compared with EVAL.md §6-7 (and VLMEvalKit's MCQ template), scores
 * worked out by hand for each variant.
 */
import { describe, expect, it } from 'vitest';
import { ai2d, realworldqa } from './multiple-choice.js';
import { scoredResult } from './test-support.js';
import type { PromptStyle, SampleContext } from './types.js';

const context = (promptStyle: PromptStyle = 'nvlm', line = 4): SampleContext => ({
  line,
  promptStyle,
  loadImage: async () => new Uint8Array([1]),
});
const AI2D = {
  id: 3,
  image: 'd.png',
  question: 'Which label is the sun?',
  choices: ['moon', 'sun', 'star', 'cloud'],
  answer: 'B',
};

describe('AI2D prompts', () => {
  it('NVLM and lmms: letter lines and the letter instruction', async () => {
    const text =
      "<image>\nWhich label is the sun?\nA. moon\nB. sun\nC. star\nD. cloud\nAnswer with the option's letter from the given choices directly.";
    const nvlm = await ai2d.toSample(AI2D, context('nvlm'));
    expect(nvlm.prompt).toBe(text);
    expect(nvlm.system).toBe("Follow the user's instruction and answer questions.");
    expect(nvlm.id).toBe('3');
    expect(nvlm.gold).toEqual({
      answer: 'B',
      choices: ['moon', 'sun', 'star', 'cloud'],
      question: 'Which label is the sun?',
    });
    const lmms = await ai2d.toSample(AI2D, context('lmms'));
    expect(lmms.prompt).toBe(text);
    expect(lmms.system).toBeUndefined();
  });

  it('VLMEvalKit: hint, question, options and the trailing space-newline', async () => {
    const row = {
      index: '5',
      image: 'AQID',
      question: 'Which?',
      A: 'x',
      B: 'y',
      answer: 'A',
      hint: 'look up',
    };
    const sample = await ai2d.toSample(row, context('vlmevalkit'));
    expect(sample.prompt).toBe(
      '<image>\nHint: look up\nQuestion: Which?\nOptions:\nA. x\nB. y\nPlease select the correct answer from the options above. \n',
    );
    expect(sample.gold).toEqual({ answer: 'A', choices: ['x', 'y'], question: 'Which?' });
  });

  it('rejects a gold letter outside the options and missing options', async () => {
    await expect(ai2d.toSample({ ...AI2D, answer: 'E' }, context('nvlm', 8))).rejects.toMatchObject({
      code: 'BAD_SAMPLE',
      line: 8,
      field: 'answer',
    });
    await expect(ai2d.toSample({ ...AI2D, choices: undefined }, context('nvlm', 8))).rejects.toMatchObject({
      field: 'choices',
    });
    // A 0-based index is read as the letter.
    expect((await ai2d.toSample({ ...AI2D, answer: 2 }, context())).gold.answer).toBe('C');
  });
});

describe('AI2D scoring', () => {
  it('nvlm: exact match after VQA normalisation', async () => {
    const s = await ai2d.toSample(AI2D, context());
    expect(ai2d.score(s, 'B.', 'nvlm').score).toBe(1);
    expect(ai2d.score(s, ' (B) ', 'nvlm').score).toBe(1);
    expect(ai2d.score(s, 'B. sun', 'nvlm')).toMatchObject({ score: 0, extracted: 'b sun' });
  });

  it('lmms: letter before a period, else the response, case and punctuation ignored', async () => {
    const s = await ai2d.toSample(AI2D, context());
    expect(ai2d.score(s, 'B. because', 'lmms').score).toBe(1);
    expect(ai2d.score(s, 'b', 'lmms').score).toBe(1);
    expect(ai2d.score(s, 'The answer is B', 'lmms').score).toBe(0);
  });

  it('vlmevalkit: can_infer, then the judge, else Z', async () => {
    const s = await ai2d.toSample(AI2D, context());
    expect(ai2d.score(s, 'The answer is B', 'vlmevalkit')).toMatchObject({
      score: 1,
      extracted: 'B',
      details: { parsed: 'B', matched: 'rule' },
    });
    expect(ai2d.score(s, 'sun', 'vlmevalkit').extracted).toBe('B'); // option text
    const vague = 'I think it is the sun or the moon';
    expect(ai2d.needsJudge?.(s, vague, 'vlmevalkit')).toBe(true);
    expect(ai2d.needsJudge?.(s, vague, 'nvlm')).toBe(false);
    expect(ai2d.needsJudge?.(s, 'B', 'vlmevalkit')).toBe(false);
    expect(ai2d.score(s, vague, 'vlmevalkit')).toMatchObject({
      score: 0,
      extracted: 'Z',
      details: { matched: 'none' },
    });
    expect(ai2d.score(s, vague, 'vlmevalkit', 'B')).toMatchObject({
      score: 1,
      details: { matched: 'judge' },
    });
    expect(ai2d.score(s, vague, 'vlmevalkit', 'Z')).toMatchObject({ score: 0, extracted: 'Z' });
  });
});

describe('RealWorldQA', () => {
  const open = { image: 'r.png', question: ' How many cars? ', answer: '3' };

  it('open questions: NVLM instruction, lmms sends the stored question stripped', async () => {
    expect((await realworldqa.toSample(open, context('nvlm'))).prompt).toBe(
      '<image>\n How many cars? \nAnswer the question using a single word or phrase.',
    );
    expect((await realworldqa.toSample(open, context('lmms'))).prompt).toBe('<image>\nHow many cars?');
  });

  it('MC questions use the letter layout in NVLM style', async () => {
    const mc = { image: 'r.png', question: 'Is it safe?', choices: ['yes', 'no'], answer: 'A' };
    expect((await realworldqa.toSample(mc, context('nvlm'))).prompt).toBe(
      "<image>\nIs it safe?\nA. yes\nB. no\nAnswer with the option's letter from the given choices directly.",
    );
  });

  it('scores open answers per variant', async () => {
    const s = await realworldqa.toSample(open, context());
    expect(realworldqa.score(s, 'three', 'nvlm').score).toBe(1); // 'three' -> '3'
    expect(realworldqa.score(s, 'Three.', 'lmms').score).toBe(0); // 'three' != '3'
    expect(realworldqa.score(s, '3.', 'lmms').score).toBe(1);
    expect(realworldqa.needsJudge?.(s, 'three', 'vlmevalkit')).toBe(false); // no options: no judge
    const numeric = await realworldqa.toSample({ ...open, answer: 3 }, context());
    expect(numeric.gold).toEqual({ answer: '3', question: open.question });
  });

  it('summarizes accuracy x100', () => {
    const r = scoredResult;
    expect(realworldqa.summarize([r(1), r(1), r(0), r(null)], 'nvlm', 'nvlm')).toMatchObject({
      score: 50,
      failed: 1,
      samples: 4,
    });
  });
});
