/**
 * VQA normalisation and accuracy (EVAL.md §1-3). Every expected value is derived by hand from the
 * rule quoted in the test name.
 */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { evalAiProcess, processDigitArticle, processPunctuation, scoreVqa, vqaNormalize } from './vqa.js';
import { VQA_CONTRACTIONS } from './vqa-contractions.js';

const ten = (k: number, hit: string, miss = 'dog') => [...Array(k).fill(hit), ...Array(10 - k).fill(miss)];

describe('processPunctuation (§1 step 1)', () => {
  it('replaces a symbol by a space when it touches no space in the input', () => {
    expect(processPunctuation('yes!')).toBe('yes ');
    expect(processPunctuation('a-b')).toBe('a b');
    expect(processPunctuation('10 (approx)')).toBe('10 approx '); // '(' touches a space, ')' does not
  });
  it('deletes a symbol that touches a space anywhere in the input', () => {
    expect(processPunctuation('hello , world')).toBe('hello  world');
    expect(processPunctuation('a - b-c')).toBe('a  bc');
  });
  it('one digit-comma-digit deletes every symbol instead of spacing it', () => {
    expect(processPunctuation('1,000 (approx)')).toBe('1000 approx');
    expect(processPunctuation('x/y 1,5')).toBe('xy 15');
    expect(processPunctuation('x/y ٣,٥')).toBe('xy ٣٥'); // Unicode \d
  });
  it('leaves the symbols outside the 21 alone', () => {
    expect(processPunctuation("it's 5% $3 a:b #1 & * ^ ~ |")).toBe("it's 5% $3 a:b #1 & * ^ ~ |");
  });
  it('deletes every period not followed by a digit (the buggy lookahead)', () => {
    expect(processPunctuation('2.')).toBe('2');
    expect(processPunctuation('e.g.')).toBe('eg');
    expect(processPunctuation('3.5')).toBe('3.5');
    expect(processPunctuation('.5')).toBe('.5');
    expect(processPunctuation('3.5.1')).toBe('3.5.1');
    expect(processPunctuation('end. 3')).toBe('end 3');
    expect(processPunctuation('3.٥')).toBe('3.٥');
  });
  it('removes at most 32 periods (re.UNICODE passed as count)', () => {
    expect(processPunctuation('.'.repeat(40))).toBe('........');
    expect(processPunctuation(`${'a.'.repeat(33)}`)).toBe(`${'a'.repeat(32)}a.`);
  });
  it('VLMEvalKit period regex keeps a period right after a digit', () => {
    expect(processPunctuation('2.', { period: 'vlmevalkit' })).toBe('2.');
    expect(processPunctuation('a.', { period: 'vlmevalkit' })).toBe('a');
  });
  it('EvalAI comma regex also matches 1,,000', () => {
    expect(processPunctuation('1,,000 (x)', { comma: 'evalai' })).toBe('1000 x');
    expect(processPunctuation('1,,000 (x)')).toBe('1  000 x ');
  });
});

describe('processDigitArticle (§1 step 2)', () => {
  it('maps number words, drops articles, lower-cases', () => {
    expect(processDigitArticle('The Two Dogs')).toBe('2 dogs');
    expect(processDigitArticle('none')).toBe('0');
    expect(processDigitArticle('eleven')).toBe('eleven');
    expect(processDigitArticle('an apple a day')).toBe('apple day');
    expect(vqaNormalize('two-thirds')).toBe('2 thirds');
  });
  it('expands contractions, with the table quirks', () => {
    expect(VQA_CONTRACTIONS.size).toBe(120);
    expect(processDigitArticle('dont')).toBe("don't");
    expect(processDigitArticle('isnt wont youre thats oclock twas')).toBe(
      "isn't won't you're that's o'clock 'twas",
    );
    expect(processDigitArticle('Im')).toBe('im'); // key 'Im' has a capital: unreachable
    expect(processDigitArticle("somebody'd")).toBe('somebodyd');
  });
  it('splits on Python whitespace only', () => {
    expect(processDigitArticle('a\u3000b\ufeffc')).toBe('b\ufeffc');
  });
});

describe('scoreVqa official (§2)', () => {
  it('leave-one-out values for k exact matches: 0, .3, .6, .9, 1', () => {
    expect(scoreVqa('cat', ten(0, 'cat')).score).toBe(0);
    expect(scoreVqa('cat', ten(1, 'cat')).score).toBeCloseTo(0.3, 12);
    expect(scoreVqa('cat', ten(2, 'cat')).score).toBeCloseTo(0.6, 12);
    expect(scoreVqa('cat', ten(3, 'cat')).score).toBeCloseTo(0.9, 12);
    expect(scoreVqa('cat', ten(4, 'cat')).score).toBe(1);
    expect(scoreVqa('cat', ten(10, 'cat')).score).toBe(1);
  });
  it('normalises only when the answers are not all identical', () => {
    expect(scoreVqa('Yes', ten(10, 'yes')).score).toBe(0);
    expect(scoreVqa('yes.', ten(10, 'yes')).score).toBe(0);
    expect(scoreVqa(' yes\n', ten(10, 'yes')).score).toBe(1); // step 0 still runs
    expect(scoreVqa('Yes.', ten(9, 'yes', 'Yes')).score).toBe(1);
    expect(scoreVqa('Two', ten(3, '2', 'two')).score).toBe(1); // all become '2'
  });
  it('always variant normalises identical answers too', () => {
    expect(scoreVqa('Yes', ten(10, 'yes'), 'always').score).toBe(1);
    expect(scoreVqa('yes.', ten(10, 'yes'), 'always').pred_norm).toBe('yes');
  });
  it('rejects an empty answer list', () => {
    expect(() => scoreVqa('x', [])).toThrow(EvaluationError);
  });
});

describe('scoreVqa variants', () => {
  it('nvlm: min(1, n/3) over all answers', () => {
    expect(scoreVqa('cat', ten(1, 'cat'), 'nvlm').score).toBeCloseTo(1 / 3, 15);
    expect(scoreVqa('cat', ten(2, 'cat'), 'nvlm').score).toBeCloseTo(2 / 3, 15);
    expect(scoreVqa('cat', ten(3, 'cat'), 'nvlm').score).toBe(1);
    expect(scoreVqa('Yes', ten(10, 'yes'), 'nvlm').score).toBe(1);
  });
  it('nvlm skips step 0, which matters when \\n touches a symbol', () => {
    // official: 'x-y -' has ' -' so '-' is deleted -> 'xy'; Megatron: no space touches '-' -> 'x y'
    expect(scoreVqa('x-y\n-', ['xy', 'z']).pred_norm).toBe('xy');
    expect(scoreVqa('x-y\n-', ['xy', 'z'], 'nvlm').pred_norm).toBe('x y');
  });
  it("evalai: word_tokenize first (lower, drop , and ?, split 's)", () => {
    expect(evalAiProcess("It's 1,000?")).toBe("it 's 1000");
    expect(scoreVqa('The Cat?', ten(10, 'cat'), 'evalai').score).toBe(1);
  });
  it('lmms_vqav2: EvalAI processing of the prediction, EvalAI comma regex', () => {
    expect(scoreVqa('Yes', ten(10, 'yes'), 'lmms_vqav2').score).toBe(1);
    expect(scoreVqa('1,,000 (x)', ten(4, '1000 x'), 'lmms_vqav2').score).toBe(1);
    expect(scoreVqa('1,,000 (x)', ten(4, '1000 x', 'y'), 'always').score).toBe(0);
  });
  // The three cases below: expected from EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/vqav2/utils.py
  // (`vqav2_process_results`) run on this input (differential test against the Python source).
  it('lmms_vqav2: identical answers are only whitespace-cleaned, the prediction is EvalAI-processed', () => {
    // prediction 'Two' -> '2'; ten identical 'Two' stay 'Two': no match (ours was 1, both normalised)
    const r = scoreVqa('Two', ten(10, 'Two'), 'lmms_vqav2');
    expect(r.score).toBe(0);
    expect(r.pred_norm).toBe('2');
  });
  it("lmms_vqav2: the prediction goes through word_tokenize ('s split) when answers differ", () => {
    // expected 0.9 (3 matches of "man 's"); ours was 0 ("man's" kept its apostrophe)
    expect(scoreVqa("man's", ten(3, "man 's"), 'lmms_vqav2').score).toBeCloseTo(0.9, 15);
  });
  it('lmms-eval variants average with statistics.mean (exact mean, rounded once)', () => {
    // expected 0.7999999999999999 from lmms-eval vqav2/utils.py and textvqa/utils.py run on this input;
    // the official `float(sum(gtAcc)) / len(gtAcc)` (open_flamingo vqa_metric.py) gives 0.8
    const answers = ['cat', 'cat', 'cat', 'dog', 'dog'];
    expect(scoreVqa('cat', answers, 'lmms_vqav2').score).toBe(0.7999999999999999);
    expect(scoreVqa('cat', answers, 'evalai').score).toBe(0.7999999999999999);
    expect(scoreVqa('cat', answers, 'official').score).toBe(0.8);
  });
});
