/** MathVista (EVAL.md §10); expected values derived by hand from the quoted rules. */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import {
  type MathVistaItem,
  megatronExtractNumber,
  megatronExtraProcessing,
  scoreMathVista,
} from './mathvista.js';

const mc = (prediction: string, extra: Partial<MathVistaItem> = {}): MathVistaItem => ({
  prediction,
  answer: '5',
  question_type: 'multi_choice',
  answer_type: 'text',
  choices: ['3', '5', '7'],
  ...extra,
});
const ff = (prediction: string, answer: string, answer_type: string, extra: Partial<MathVistaItem> = {}) =>
  ({ prediction, answer, question_type: 'free_form', answer_type, choices: null, ...extra }) as MathVistaItem;

describe('scoreMathVista official: multi_choice', () => {
  it('a response equal to a choice is its own extraction', () => {
    expect(scoreMathVista(mc('5'))).toEqual({ score: 1, extraction: '5', normalized: '5' });
  });
  it('(x) letters and bare capitals index the choices; a bare lowercase letter does not', () => {
    expect(scoreMathVista(mc('', { extraction: 'The answer is (b) 5' })).normalized).toBe('5');
    expect(scoreMathVista(mc('', { extraction: ' B ' })).score).toBe(1);
    expect(scoreMathVista(mc('', { extraction: 'b' })).normalized).toBe('3'); // nearest by edit distance, first on ties
    expect(scoreMathVista(mc('', { extraction: 'D' })).normalized).toBe('3'); // D is outside A..C
  });
  it('flags what needs the LLM extraction step and scores it as ""', () => {
    const r = scoreMathVista(mc('I pick (B) 5'));
    expect(r).toEqual({ score: 0, extraction: '', normalized: '3', llm_needed: true });
  });
});

describe('scoreMathVista official: free_form', () => {
  it('integer: str(int(response)), then str(int(float(x)))', () => {
    expect(scoreMathVista(ff(' 12 ', '12', 'integer')).score).toBe(1);
    expect(scoreMathVista(ff('12.0', '12', 'integer')).llm_needed).toBe(true);
    expect(scoreMathVista(ff('', '12', 'integer', { extraction: '12.7' })).normalized).toBe('12');
    expect(scoreMathVista(ff('', '-3', 'integer', { extraction: '-3.7' })).score).toBe(1);
    expect(scoreMathVista(ff('', '1', 'integer', { extraction: 'one' })).normalized).toBeNull();
  });
  it('float: str(round(float(x), int(precision))) with Python rounding and repr', () => {
    expect(scoreMathVista(ff('1.50', '1.5', 'float', { precision: 1 })).score).toBe(1);
    expect(scoreMathVista(ff('1.45', '1.4', 'float', { precision: 1 })).score).toBe(1); // 1.4499999...
    expect(scoreMathVista(ff('2.25', '2.2', 'float', { precision: 1 })).score).toBe(1); // exact tie to even
    expect(scoreMathVista(ff('3', '3.0', 'float', { precision: 2.0 })).normalized).toBe('3.0');
    expect(scoreMathVista(ff('3', '3.0', 'float', { precision: null })).normalized).toBeNull();
  });
  it('list answers compare the extraction string', () => {
    expect(scoreMathVista(ff('', '[1, 2]', 'list', { extraction: '[1, 2]' })).score).toBe(1);
  });
  it('quick extraction only when asked', () => {
    const item = ff('The answer is "7".', '7', 'integer');
    expect(scoreMathVista(item).score).toBe(0);
    expect(scoreMathVista(item, 'official', { quickExtract: true }).score).toBe(1);
  });
  it('rejects a free_form text item like the Python does', () => {
    expect(() => scoreMathVista(ff('x', 'x', 'text'))).toThrow(EvaluationError);
  });
});

describe('scoreMathVista megatron', () => {
  it('extra_processing truncates to 2 decimals, drops zero decimals, % and one trailing .', () => {
    expect(megatronExtraProcessing('2.678')).toBe('2.67');
    expect(megatronExtraProcessing('3.00')).toBe('3');
    expect(megatronExtraProcessing('3.50')).toBe('3.50');
    expect(megatronExtraProcessing('45%')).toBe('45');
    expect(megatronExtraProcessing('12..')).toBe('12.');
    expect(megatronExtraProcessing('')).toBe('');
  });
  it("extra_processing: Python's `$` matches before one final newline, which the slice drops", () => {
    // expected from NVIDIA/Megatron-LM examples/multimodal/evaluation/evaluate_mathvista.py
    // (`extra_processing`) run on these inputs: '1.23', '3', '3.5\n\n'
    expect(megatronExtraProcessing('1.234\n')).toBe('1.23');
    expect(megatronExtraProcessing('3.00\n')).toBe('3');
    expect(megatronExtraProcessing('3.5\n\n')).toBe('3.5\n\n');
  });
  it('extract_answer takes the number after "answer is" only when letters and no e+', () => {
    expect(megatronExtractNumber('answer is 3.50')).toBe('3.50');
    expect(megatronExtractNumber('answer is 1e+5')).toBe('answer is 1e+5');
    expect(megatronExtractNumber('42')).toBe('42');
  });
  it('free_form: extract(extra(vqa_norm(pred))) == extra(vqa_norm(gt))', () => {
    expect(scoreMathVista(ff('The answer is 12.', '12', 'integer'), 'megatron').score).toBe(1);
    expect(scoreMathVista(ff('The answer is 3.50', '3.5', 'float'), 'megatron').score).toBe(0);
    expect(scoreMathVista(ff('3.00', '3', 'integer'), 'megatron').score).toBe(1);
    expect(scoreMathVista(ff('2.678', '2.67', 'float'), 'megatron').score).toBe(1);
    expect(scoreMathVista(ff('-5', '5', 'integer'), 'megatron').score).toBe(1); // sign lost
    expect(scoreMathVista(ff('45%', '45', 'integer'), 'megatron').score).toBe(1);
  });
  it('multi_choice: MMMU parser over letters, gold given as text or letter', () => {
    expect(scoreMathVista(mc('B'), 'megatron').score).toBe(1);
    expect(scoreMathVista(mc('B', { answer: 'B' }), 'megatron').score).toBe(1);
    expect(scoreMathVista(mc('(C)'), 'megatron').score).toBe(0);
  });
});
