/** ChartQA relaxed accuracy (EVAL.md §5); expected values derived by hand from the quoted rules. */
import { describe, expect, it } from 'vitest';
import { relaxedCorrectness, scoreRelaxed } from './relaxed.js';

const score = (pred: string, gt: string, v?: Parameters<typeof scoreRelaxed>[2]) =>
  scoreRelaxed(pred, [gt], v).score;

describe('relaxedCorrectness (pix2struct)', () => {
  it('percent targets divide by 100', () => {
    expect(relaxedCorrectness('3.5%', '3.5')).toBe(false); // 3.5 vs 0.035
    expect(relaxedCorrectness('0.35', '35%')).toBe(true);
    expect(relaxedCorrectness('35%', '0.35')).toBe(true);
    expect(relaxedCorrectness('50%%', '0.5')).toBe(true); // rstrip removes every trailing %
  });
  it('5% tolerance relative to the target, inclusive', () => {
    expect(relaxedCorrectness('100', '105')).toBe(true);
    expect(relaxedCorrectness('100', '95')).toBe(true);
    expect(relaxedCorrectness('100', '105.1')).toBe(false);
  });
  it('zero or unparseable targets compare strings, case-insensitively', () => {
    expect(relaxedCorrectness('0', '0.0')).toBe(false);
    expect(relaxedCorrectness('0', '0')).toBe(true);
    expect(relaxedCorrectness('1,000', '1000')).toBe(false);
    expect(relaxedCorrectness('1000', '1,000')).toBe(false);
    expect(relaxedCorrectness('Yes', 'yes')).toBe(true);
  });
  it('NaN targets are truthy, so nan never matches', () => {
    expect(relaxedCorrectness('nan', 'nan')).toBe(false);
  });
  it('float() semantics: underscores and Unicode digits parse', () => {
    expect(relaxedCorrectness('1000', '1_000')).toBe(true);
    expect(relaxedCorrectness('12', '١٢')).toBe(true);
  });
});

describe('scoreRelaxed variants', () => {
  it('vlmevalkit strips the prediction, pix2struct does not', () => {
    expect(score(' Yes \n', 'yes')).toBe(1);
    expect(score(' Yes \n', 'yes', 'pix2struct')).toBe(0);
  });
  it('vlmevalkit_legacy measures the tolerance against the prediction', () => {
    expect(score('95.2', '100')).toBe(1); // 4.8 / 100
    expect(score('95.2', '100', 'vlmevalkit_legacy')).toBe(0); // 4.8 / 95.2 > 0.05
  });
  it('float() strips only ASCII whitespace and non-ASCII Python whitespace, not \\x1c-\\x1f', () => {
    // expected from open-compass/VLMEvalKit vlmeval/dataset/utils/vqa_eval.py (process_line,
    // 'relaxed_accuracy') and google-research/pix2struct pix2struct/metrics.py run on these inputs:
    // float('5\x1c') raises, so the target falls back to string equality (ours was 1: parsed as 5).
    expect(score('5\x1c', '5\x1c')).toBe(0); // prediction stripped to '5', target kept '5\x1c'
    expect(score('5.0', '5\x1c', 'pix2struct')).toBe(0);
    expect(score('5', '5\x85 ')).toBe(1); // NEL is non-ASCII whitespace: float('5\x85 ') == 5.0
  });
  it('takes any of several targets', () => {
    expect(scoreRelaxed('b', ['a', 'B']).score).toBe(1);
  });
  it('megatron loses signs and digit commas, strips %', () => {
    expect(score('5', '-5', 'megatron')).toBe(1);
    expect(score('5', '-5')).toBe(0);
    expect(score('1,000', '1000', 'megatron')).toBe(1);
    expect(score('Two', '2', 'megatron')).toBe(1);
    expect(score('35%', '35', 'megatron')).toBe(1);
    expect(score('35%', '35', 'megatron_nopct')).toBe(0);
    expect(score('35%', '35')).toBe(0);
    expect(score('104', '100', 'megatron')).toBe(1);
    expect(score('106', '100', 'megatron')).toBe(0);
  });
});
