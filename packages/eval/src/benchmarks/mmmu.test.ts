/**
 * MMMU: Megatron's `process_image_tag` heuristics and the `llava1.5.yaml` prompts (EVAL.md §9), the
 * two variants on hand-worked outputs, per-subject summaries.
 */
import { describe, expect, it } from 'vitest';
import { mmmu, processImageTag } from './mmmu.js';
import { scoredResult } from './test-support.js';
import type { PromptStyle, SampleContext } from './types.js';

const IMAGES: Record<string, Uint8Array> = { '1.png': new Uint8Array([1]), '2.png': new Uint8Array([2]) };
const context = (promptStyle: PromptStyle = 'nvlm', line = 2): SampleContext => ({
  line,
  promptStyle,
  loadImage: async (ref) => IMAGES[ref] as Uint8Array,
});
const MC = {
  id: 'validation_Art_1',
  images: ['1.png', '2.png'],
  question: 'Which of these is shown in <image 1>?',
  question_type: 'multiple-choice',
  options: ['a cat', 'a dog'],
  answer: 'B',
  subject: 'Art',
};

describe('processImageTag (Megatron)', () => {
  it('rewrites <image 1> by the first matching heuristic', () => {
    expect(processImageTag('<image 1>')).toBe('Answer the question in the image.');
    expect(processImageTag('Look at this:<image 1> What is it?')).toBe(
      'Look at this in the image.  What is it?',
    );
    expect(processImageTag('<image 1> shows a graph')).toBe('The image shows a graph');
    expect(processImageTag('<image 1> What is this?')).toBe('What is this?');
    expect(processImageTag('What is it. <image 1> Explain')).toBe('What is it. Explain');
    expect(processImageTag('What is shown in <image 1>?')).toBe('What is shown in the image?');
    expect(processImageTag('Describe (<image 1>)')).toBe('Describe ');
  });

  it('deletes <image 2> to <image 7> but not <image 8>', () => {
    expect(processImageTag('Compare <image 1> and <image 2>.')).toBe('Compare the image and .');
    expect(processImageTag('x <image 7> <image 8>')).toBe('x  <image 8>');
  });
});

describe('prompts', () => {
  it('NVLM: (A) options, a blank line, the letter instruction, only image_1', async () => {
    const s = await mmmu.toSample(MC, context('nvlm'));
    expect(s.system).toBe('Answer the questions.');
    expect(s.prompt).toBe(
      "<image>\nWhich of these is shown in the image?\n(A) a cat\n(B) a dog\n\nAnswer with the option's letter from the given choices directly.",
    );
    expect(s.images).toEqual([IMAGES['1.png']]);
    expect(s.category).toBe('Art');
    expect(s.gold).toEqual({
      question_type: 'multiple-choice',
      question: MC.question,
      answer: 'B',
      all_choices: ['A', 'B'],
      index2ans: { A: 'a cat', B: 'a dog' },
    });
  });

  it('NVLM open question', async () => {
    const open = { image: '1.png', question: 'What is the value?', question_type: 'open', answer: '42' };
    expect((await mmmu.toSample(open, context('nvlm'))).prompt).toBe(
      '<image>\nWhat is the value?\nAnswer the question using a single word or phrase.',
    );
  });

  it('other styles send every image first and keep the tags', async () => {
    const lmms = await mmmu.toSample(MC, context('lmms'));
    expect(lmms.prompt).toBe(
      "<image>\n<image>\nWhich of these is shown in <image 1>?\nA. a cat\nB. a dog\n\nAnswer with the option's letter from the given choices directly.",
    );
    expect(lmms.images).toHaveLength(2);
    const vlm = await mmmu.toSample(MC, context('vlmevalkit'));
    expect(vlm.prompt).toBe(
      '<image>\n<image>\nQuestion: Which of these is shown in <image 1>?\nOptions:\nA. a cat\nB. a dog\nPlease select the correct answer from the options above. \n',
    );
  });

  it("reads the HF dataset's Python-literal options and TSV rows", async () => {
    const s = await mmmu.toSample({ ...MC, options: "['a cat', 'a dog']" }, context());
    expect(s.gold.index2ans).toEqual({ A: 'a cat', B: 'a dog' });
    const row = {
      index: '9',
      image: "['AQID', 'BAU=']",
      question: 'Q <image 1>',
      A: 'x',
      B: 'y',
      answer: 'A',
      category: 'Math',
    };
    const t = await mmmu.toSample(row, context('lmms'));
    expect(t.images).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
    expect(t.gold.question_type).toBe('multiple-choice');
    expect(t.category).toBe('Math');
  });

  it('rejects bad question types and gold letters', async () => {
    await expect(mmmu.toSample({ ...MC, question_type: 'essay' }, context('nvlm', 6))).rejects.toMatchObject({
      code: 'BAD_SAMPLE',
      line: 6,
      field: 'question_type',
    });
    await expect(mmmu.toSample({ ...MC, answer: 'C' }, context('nvlm', 6))).rejects.toMatchObject({
      field: 'answer',
    });
    await expect(mmmu.toSample({ ...MC, options: undefined }, context('nvlm', 6))).rejects.toMatchObject({
      field: 'options',
    });
  });
});

describe('scoring', () => {
  it('official vs megatron on multiple-choice outputs', async () => {
    const s = await mmmu.toSample(MC, context());
    expect(mmmu.score(s, '(B)', 'official')).toMatchObject({
      score: 1,
      extracted: 'B',
      details: { fallback_used: false },
    });
    // ' I am not sure ': no candidate, 4 words (not > 5): first-choice fallback.
    expect(mmmu.score(s, 'I am not sure', 'official')).toMatchObject({
      score: 0,
      extracted: 'A',
      details: { fallback_used: true },
    });
    // 'B)' only parses in Megatron's flavour.
    expect(mmmu.score(s, 'B)', 'official').extracted).toBe('A');
    expect(mmmu.score(s, 'B)', 'megatron').score).toBe(1);
    expect(mmmu.score(s, '\\boxed{B}', 'megatron').score).toBe(1);
  });

  it('open answers', async () => {
    const s = await mmmu.toSample(
      { image: '1.png', question: 'Q', question_type: 'open', answer: '42' },
      context(),
    );
    // 'the answer is 42': shortest tail after an indicator is '42' -> 42.0.
    expect(mmmu.score(s, 'The answer is 42.', 'official').score).toBe(1);
    expect(mmmu.score(s, 'The answer is 41.', 'official').score).toBe(0);
    // A Python-literal list of accepted answers: 0.2 and 0.20 both normalise to 0.2.
    const list = await mmmu.toSample(
      { image: '1.png', question: 'Q', question_type: 'open', answer: "['0.2', 'one fifth']" },
      context(),
    );
    expect(list.gold.answer).toEqual(['0.2', 'one fifth']);
    expect(mmmu.score(list, 'It is 0.20', 'official').score).toBe(1);
    expect(mmmu.score(list, 'so one fifth', 'official').score).toBe(1);
  });

  it('summarizes per subject', () => {
    const r = scoredResult;
    const summary = mmmu.summarize(
      [r(1, 'Art'), r(0, 'Art'), r(1, 'Math'), r(null, 'Math')],
      'official',
      'nvlm',
    );
    expect(summary.score).toBe(50);
    expect(summary.breakdown).toEqual({ Art: 50, Math: 50 });
  });
});
