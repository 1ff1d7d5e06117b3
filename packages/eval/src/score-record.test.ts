/** scoreRecord: field validation and per-record variant overrides (EVAL.md §13). */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from './errors.js';
import { PyRandom } from './python/random.js';
import { METRIC_VARIANTS, scoreRecord } from './score-record.js';

describe('scoreRecord', () => {
  it('defaults to the official variant and lets a record override it', () => {
    const rec = { prediction: 'Yes', answers: Array(10).fill('yes') };
    expect(scoreRecord('vqa', rec)).toEqual({ score: 0, pred_norm: 'Yes' });
    expect(scoreRecord('vqa', { ...rec, variant: 'always' }).score).toBe(1);
    expect(scoreRecord('vqa', rec, { variant: 'nvlm' }).score).toBe(1);
  });
  it('accepts answer as a single string', () => {
    expect(scoreRecord('relaxed', { prediction: '35%', answer: '0.35' }).score).toBe(1);
    expect(scoreRecord('anls', { prediction: 'ac', answer: 'ab' }).score).toBe(0.5);
    expect(
      scoreRecord('ocrbench', { prediction: 'x_1', answers: 'x _ 1', dataset_name: 'HME100k' }).score,
    ).toBe(1);
  });
  it('scores MMMU and MathVista records', () => {
    const mmmu = {
      prediction: 'B,.',
      answer: 'A',
      question_type: 'multiple-choice',
      all_choices: ['A', 'B'],
      index2ans: { A: 'x', B: 'y' },
    };
    expect(scoreRecord('mmmu', mmmu)).toEqual({ score: 1, parsed: 'A', fallback_used: true });
    const mv = {
      prediction: '12',
      answer: '12',
      question_type: 'free_form',
      answer_type: 'integer',
      precision: null,
    };
    expect(scoreRecord('mathvista', mv)).toEqual({ score: 1, extraction: '12', normalized: '12' });
  });
  it('MMMU random fallback draws from the shared generator in order', () => {
    const rng = new PyRandom(42);
    const rec = {
      prediction: '?',
      answer: 'F',
      question_type: 'multiple-choice',
      all_choices: ['A', 'B', 'C', 'D', 'E', 'F'],
      index2ans: {},
    };
    expect(scoreRecord('mmmu', rec, { fallback: 'random', rng }).parsed).toBe('F');
    expect(scoreRecord('mmmu', rec, { fallback: 'random', rng }).parsed).toBe('A');
  });
  it('rejects bad records with typed errors naming the field', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as EvaluationError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => scoreRecord('vqa', { answers: ['x'] })).field).toBe('prediction');
    expect(err(() => scoreRecord('vqa', { prediction: 'x', answers: [1] })).field).toBe('answers');
    expect(err(() => scoreRecord('vqa', { prediction: 'x' })).code).toBe('BAD_INPUT');
    expect(err(() => scoreRecord('vqa', [])).code).toBe('BAD_INPUT');
    expect(err(() => scoreRecord('anls', { prediction: 'x', answers: ['x'], variant: 'nope' })).code).toBe(
      'UNKNOWN_VARIANT',
    );
    expect(
      err(() => scoreRecord('mmmu', { prediction: 'x', answer: 'A', question_type: 'multiple-choice' }))
        .field,
    ).toBe('all_choices');
    expect(err(() => scoreRecord('vqa', { prediction: 'x', answers: [] }))).toBeInstanceOf(EvaluationError);
  });
  it('lists the EVAL.md §13 variant spellings, default first', () => {
    expect(METRIC_VARIANTS.relaxed[0]).toBe('vlmevalkit');
    expect(METRIC_VARIANTS.ocrbench).toEqual(['official', 'megatron', 'lmms_fullwidth']);
  });
});
