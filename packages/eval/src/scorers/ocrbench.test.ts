/** OCRBench (EVAL.md §8); expected values derived by hand from the quoted rules. */
import { describe, expect, it } from 'vitest';
import { scoreOcrBench } from './ocrbench.js';

describe('scoreOcrBench official', () => {
  it('lower-cased substring match for non-HME items', () => {
    expect(scoreOcrBench('The sign says Newsagency.', 'NEWSAGENCY', 'IIIT5K').score).toBe(1);
    expect(scoreOcrBench('news agency', ['NEWSAGENCY', 'NEWS AGENCY'], 'IIIT5K').score).toBe(1);
    expect(scoreOcrBench('hello', 'Hello\n', 'IIIT5K').score).toBe(1);
  });
  it('internal spacing must match and tabs are not converted', () => {
    expect(scoreOcrBench('news  agency', 'news agency', 'IIIT5K').score).toBe(0);
    expect(scoreOcrBench('a\tb', 'a b', 'IIIT5K').score).toBe(0);
    expect(scoreOcrBench('a\nb', 'a b', 'IIIT5K').score).toBe(1);
  });
  it('an empty answer is in every prediction', () => {
    expect(scoreOcrBench('anything', '', 'IIIT5K').score).toBe(1);
  });
  it('HME100k removes U+0020 only and is case-sensitive', () => {
    expect(scoreOcrBench('$x_{1}$', ['x _ { 1 }\n', 'x_1'], 'HME100k').score).toBe(1);
    expect(scoreOcrBench('x', 'X', 'HME100k').score).toBe(0);
    expect(scoreOcrBench('a\tb', 'a b', 'HME100k').score).toBe(0);
    expect(scoreOcrBench('a\u00a0b', 'a b', 'HME100k').score).toBe(0);
    expect(scoreOcrBench('a b', 'ab', 'HME100k').pred_norm).toBe('ab');
  });
  it('counts a sample once even when two variants hit', () => {
    expect(scoreOcrBench('newsagency / news agency', ['NEWSAGENCY', 'NEWS AGENCY'], 'IIIT5K').score).toBe(1);
  });
});

describe('scoreOcrBench variants', () => {
  it('megatron counts every hit', () => {
    const r = scoreOcrBench('newsagency / news agency', ['NEWSAGENCY', 'NEWS AGENCY'], 'IIIT5K', 'megatron');
    expect(r.score).toBe(2);
  });
  it('lmms_fullwidth folds full-width ASCII and U+3000 (non-HME only)', () => {
    expect(scoreOcrBench('ＡＢＣ', 'ABC', 'IIIT5K').score).toBe(0);
    expect(scoreOcrBench('ＡＢＣ', 'ABC', 'IIIT5K', 'lmms_fullwidth').score).toBe(1);
    expect(scoreOcrBench('a\u3000b', 'a b', 'IIIT5K', 'lmms_fullwidth').score).toBe(1);
    expect(scoreOcrBench('ｘ', 'x', 'HME100k', 'lmms_fullwidth').score).toBe(0);
  });
  it('lmms_fullwidth folds both sides, in any case, and strips U+3000 at the ends', () => {
    // 'ｎｅｗｓ' (full-width lower) vs 'NEWS': fold -> 'news', lower -> 'news' -> hit
    expect(scoreOcrBench('ｎｅｗｓ', 'NEWS', 'IIIT5K', 'lmms_fullwidth').score).toBe(1);
    // full-width answer vs ASCII prediction: the answer is folded too
    expect(scoreOcrBench('total 12.5', 'ＴＯＴＡＬ　１２．５', 'SROIE', 'lmms_fullwidth').score).toBe(1);
    // U+3000 at the ends is whitespace to Python's strip(), folded or not
    expect(scoreOcrBench('　ab　', 'ab', 'IIIT5K', 'lmms_fullwidth').pred_norm).toBe('ab');
    expect(scoreOcrBench('　ab　', 'ab', 'IIIT5K').pred_norm).toBe('ab');
    // inside the text, folded to a space only by lmms_fullwidth
    expect(scoreOcrBench('a　b', 'a b', 'IIIT5K').score).toBe(0);
    expect(scoreOcrBench('ａ　ｂ', 'A B', 'IIIT5K', 'lmms_fullwidth').pred_norm).toBe('a b');
  });
  it('lmms_fullwidth leaves HME100k case-sensitive and unfolded', () => {
    expect(scoreOcrBench('ｘ＿１', 'x_1', 'HME100k', 'lmms_fullwidth').score).toBe(0);
    expect(scoreOcrBench('X_1', 'x_1', 'HME100k', 'lmms_fullwidth').score).toBe(0);
  });
});
