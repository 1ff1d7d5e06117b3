/** MMMU parsing and scoring (EVAL.md §9); expected values derived by hand from the quoted rules. */
import { describe, expect, it } from 'vitest';
import { PyRandom } from '../python/random.js';
import {
  evalOpen,
  extractNumbers,
  megatronExtractAnswer,
  normalizeOpenAnswer,
  parseMultiChoice,
  parseOpenResponse,
  scoreMmmu,
} from './mmmu.js';

const CHOICES = ['A', 'B', 'C', 'D'];
const ANS = { A: 'cat', B: 'dog', C: 'bird', D: 'fish' };
const parse = (r: string, v: 'official' | 'megatron' = 'official') =>
  parseMultiChoice(r, CHOICES, ANS, { variant: v });

describe('parseMultiChoice (§9.1)', () => {
  it('finds (X), then " X "', () => {
    expect(parse('B')).toEqual({ parsed: 'B', fallback_used: false });
    expect(parse('(C)').parsed).toBe('C');
    expect(parse('The answer is (B).').parsed).toBe('B');
    expect(parse('B.').parsed).toBe('B');
  });
  it("strips , . ! ? ; : ' one after another, never whitespace", () => {
    expect(parse('B,.')).toEqual({ parsed: 'A', fallback_used: true }); // -> 'B,' -> ' B, '
    expect(parse('B. ')).toEqual({ parsed: 'A', fallback_used: true }); // trailing space blocks the strip
    expect(parse("'D'").parsed).toBe('D');
  });
  it('matches option text only past 5 words, case-insensitively', () => {
    expect(parse('I think the animal shown here is a dog').parsed).toBe('B');
    expect(parse('a dog').fallback_used).toBe(true);
  });
  it('the last occurrence wins; ties go to the first candidate', () => {
    expect(parse('(A) or (B)').parsed).toBe('B');
    expect(parse('(B) or (A)').parsed).toBe('A');
    expect(parse('A B').parsed).toBe('B');
    expect(parse('it is either a cat or maybe a dog').parsed).toBe('B');
    const same = parseMultiChoice('the picture clearly shows a dog here', ['A', 'B'], { A: 'dog', B: 'dog' });
    expect(same.parsed).toBe('A');
  });
  it('is case-sensitive for letters', () => {
    expect(parse('b').fallback_used).toBe(true);
  });
  it('megatron also accepts "X)" and falls back to the first choice', () => {
    expect(parse('B)').fallback_used).toBe(true);
    expect(parse('B)', 'megatron')).toEqual({ parsed: 'B', fallback_used: false });
  });
  it('random fallback reproduces random.seed(42); random.choice(...)', () => {
    // seed 42: random() = 0.6394267984578837, 0.0250107552..., so the first three 32-bit draws have
    // top-3 bits 5 (0.639*8), 0 (fraction 0.89 of the first double's high word), 0 (0.025*8).
    const rng = new PyRandom(42);
    const six = ['A', 'B', 'C', 'D', 'E', 'F'];
    const opts = { fallback: 'random', rng } as const;
    expect(parseMultiChoice('?', six, {}, opts)).toEqual({ parsed: 'F', fallback_used: true });
    expect(parseMultiChoice('?', six, {}, opts).parsed).toBe('A');
    const five = new PyRandom(42); // 5 is rejected for 5 choices, then 0
    expect(parseMultiChoice('?', six.slice(0, 5), {}, { fallback: 'random', rng: five }).parsed).toBe('A');
    expect(new PyRandom(42).random()).toBe(0.6394267984578837);
  });
});

describe('megatronExtractAnswer', () => {
  it('takes \\answer{}, then \\boxed{}, else spaces "Answer:"', () => {
    expect(megatronExtractAnswer('so \\boxed{B} done')).toBe('B');
    expect(megatronExtractAnswer('\\answer{C} and \\boxed{B}')).toBe('C');
    expect(megatronExtractAnswer('Answer:B')).toBe('Answer: B');
  });
  it('changes the MC result', () => {
    const item = {
      prediction: 'Answer:B',
      answer: 'B',
      question_type: 'multiple-choice',
      all_choices: CHOICES,
      index2ans: ANS,
    };
    expect(scoreMmmu(item).score).toBe(0); // ' Answer:B ' has no ' B '
    expect(scoreMmmu(item, { variant: 'megatron' }).score).toBe(1);
  });
});

describe('open answers (§9.2)', () => {
  it('extracts numbers with the three regexes, in order', () => {
    expect(extractNumbers('-1,234 and 2.5e3 and 7')).toEqual(['-1,234', '2.5e3', '234', '2', '3', '7']);
  });
  it('normalize_str rounds numbers to 2 decimals half-even and pads single characters', () => {
    expect(normalizeOpenAnswer(' 1,000 ')).toEqual([1000]);
    expect(normalizeOpenAnswer('0.125')).toEqual([0.12]);
    expect(normalizeOpenAnswer('A')).toEqual([' a', 'a ']);
    expect(normalizeOpenAnswer('Paris')).toEqual(['paris']);
  });
  it('keeps the shortest tail after an indicator', () => {
    expect(parseOpenResponse('The answer is 42.')).toEqual([42]);
    expect(parseOpenResponse('x = 3\ny = 4')).toEqual([4]); // '=' only on the last line
  });
  it('falls back to the whole response when no key is found or the tail is trivial', () => {
    expect(parseOpenResponse('Banana')).toEqual(['banana']);
    expect(parseOpenResponse('the answer is :')).toEqual(['the answer is :']);
  });
  it('eval_open: float equality after rounding, substring for strings', () => {
    expect(evalOpen('0.0025', parseOpenResponse('so the value is 0.004'))).toBe(true); // both round to 0.0
    expect(evalOpen('0.125', parseOpenResponse('0.12'))).toBe(true);
    expect(evalOpen('0.125', parseOpenResponse('0.13'))).toBe(false);
    expect(evalOpen('a', parseOpenResponse('the answer is a'))).toBe(true);
    expect(evalOpen('a', parseOpenResponse('banana'))).toBe(false);
    expect(evalOpen('1000', parseOpenResponse('the total is 1,000'))).toBe(true);
    expect(evalOpen(['5', 'five'], parseOpenResponse('five'))).toBe(true);
    expect(evalOpen('3', parseOpenResponse('result ٣'))).toBe(true); // Unicode digit
  });
  it('scoreMmmu scores open items with the official parser', () => {
    expect(scoreMmmu({ prediction: 'x = 3\ny = 4', answer: '4', question_type: 'open' }).score).toBe(1);
    expect(scoreMmmu({ prediction: 'x = 3\ny = 4', answer: '3', question_type: 'open' }).score).toBe(0);
  });
});
