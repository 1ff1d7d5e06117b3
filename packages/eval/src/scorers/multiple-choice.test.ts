/** AI2D / RealWorldQA (EVAL.md §6-7); expected values derived by hand from the quoted rules. */
import { describe, expect, it } from 'vitest';
import { scoreLmmsAi2d, scoreLmmsRealWorldQaOpen, scoreNvlmExactMatch } from './multiple-choice.js';

describe('scoreNvlmExactMatch (Megatron AI2D/RealWorldQA)', () => {
  it('matches letters after VQA normalisation', () => {
    expect(scoreNvlmExactMatch('B.', 'B').score).toBe(1);
    expect(scoreNvlmExactMatch('(B)', 'B').score).toBe(1);
    expect(scoreNvlmExactMatch('B. cat', 'B')).toEqual({ score: 0, pred_norm: 'b cat' });
    expect(scoreNvlmExactMatch('Two', '2').score).toBe(1);
  });
});

describe('scoreLmmsAi2d', () => {
  it('takes the letter before a period, else the raw response, ignoring case and punctuation', () => {
    expect(scoreLmmsAi2d('  C. because', 'C').score).toBe(1);
    expect(scoreLmmsAi2d('(c)', 'C').score).toBe(1);
    expect(scoreLmmsAi2d('C ', 'C').score).toBe(0); // whitespace is not stripped
    expect(scoreLmmsAi2d('\ufeffC. x', 'C').score).toBe(0); // BOM is not \s in Python
    expect(scoreLmmsAi2d('The answer is C', 'C').score).toBe(0);
  });
});

describe('scoreLmmsRealWorldQaOpen', () => {
  it('lower, strip, drop trailing periods', () => {
    expect(scoreLmmsRealWorldQaOpen(' Three.. ', 'three').score).toBe(1);
    expect(scoreLmmsRealWorldQaOpen('3', 'three').score).toBe(0);
    expect(scoreLmmsRealWorldQaOpen('Red', 'Red').score).toBe(1);
  });

  it('strips the gold answer too', () => {
    // expected from EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/realworldqa/utils.py
    // (`gt_ans = doc["answer"].lower().strip()`) run on this input: 1.0
    expect(scoreLmmsRealWorldQaOpen(' 2 ', ' 2 ').score).toBe(1);
    expect(scoreLmmsRealWorldQaOpen('yes', 'Yes\n').score).toBe(1);
  });
});
