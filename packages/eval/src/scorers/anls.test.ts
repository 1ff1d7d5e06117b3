/** ANLS (EVAL.md §4); expected values computed by hand from the quoted formulas. */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { scoreAnls } from './anls.js';
import { levenshtein } from './levenshtein.js';

describe('levenshtein', () => {
  it('counts edits over code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('😀a', '😀b')).toBe(1);
    expect(levenshtein('straße', 'strasse')).toBe(2);
  });
});

describe('scoreAnls official (RRC)', () => {
  it('collapses spaces and ignores case for the distance', () => {
    expect(scoreAnls('  The   Cat ', ['the cat']).score).toBe(1);
  });
  it('uses the raw (un-normalised) lengths: trailing spaces enlarge L', () => {
    // d('ab','ac') = 1; L = max(len('AC   '), len('AB')) = 5 -> 1 - 0.2
    expect(scoreAnls('ab', ['ac   ']).score).toBeCloseTo(0.8, 15);
    expect(scoreAnls('cat ', ['cats']).score).toBe(0.75); // d = 1, L = 4
  });
  it("counts 'ß' as 2 through upper() and keeps NL exactly 0.5", () => {
    expect(scoreAnls('x', ['ß']).score).toBe(0.5); // d = 1, L = len('SS') = 2
    expect(scoreAnls('ac', ['ab']).score).toBe(0.5);
    expect(scoreAnls('xyz', ['abc']).score).toBe(0);
    expect(scoreAnls('abxyz', ['abcde']).score).toBe(0); // NL 0.6 -> q 0.4 < 0.5
  });
  it('takes the best answer and counts code points', () => {
    expect(scoreAnls('cat', ['xyz', 'cat']).score).toBe(1);
    expect(scoreAnls('😀b', ['😀a']).score).toBe(0.5); // d 1, L 2 code points
    expect(scoreAnls('', ['']).score).toBe(1);
  });
  it('rejects an empty answer list', () => {
    expect(() => scoreAnls('x', [])).toThrow(EvaluationError);
  });
});

describe('scoreAnls variants', () => {
  it('megatron: normalised lengths, NL 0.5 scores 0', () => {
    expect(scoreAnls('ab', ['ac   '], 'megatron').score).toBe(0); // L = 2 after normalising
    expect(scoreAnls('x', ['ß'], 'megatron').score).toBe(0);
    expect(scoreAnls('The two cats.', ['2 cats'], 'megatron').score).toBe(1);
    expect(scoreAnls('abcd', ['abce'], 'megatron').score).toBe(0.75);
  });
  it('pix2struct: lower-case only, lower-cased lengths, empty answer', () => {
    expect(scoreAnls('CAT', ['cat'], 'pix2struct').score).toBe(1);
    expect(scoreAnls('x', ['ß'], 'pix2struct').score).toBe(0); // L = 1
    expect(scoreAnls('abcd', ['abce'], 'pix2struct').score).toBe(0.75);
    expect(scoreAnls(' cat', ['cat'], 'pix2struct').score).toBe(0.75); // no strip: d 1, L 4
    expect(scoreAnls('', [''], 'pix2struct').score).toBe(1);
    expect(scoreAnls('x', [''], 'pix2struct').score).toBe(0);
  });
  it('pix2struct: NL exactly 0.5 is kept (metrics.py `normalized_ld <= theta`)', () => {
    // 'ab' vs 'ac': d = 1, L = max(2, 2) = 2 -> NL = 0.5 -> 1 - 0.5 = 0.5 (Megatron's strict < gives 0)
    expect(scoreAnls('ac', ['ab'], 'pix2struct').score).toBe(0.5);
    expect(scoreAnls('ac', ['ab'], 'megatron').score).toBe(0);
    // lower-cased first: 'ABXY' -> 'abxy' vs 'abcd': d = 2, L = 4 -> 0.5
    expect(scoreAnls('ABXY', ['abcd'], 'pix2struct').score).toBe(0.5);
    // just above the threshold: 'abxyz' vs 'abcde': d = 3, L = 5 -> NL 0.6 -> 0
    expect(scoreAnls('abxyz', ['abcde'], 'pix2struct').score).toBe(0);
    // lengths are the lower-cased, unstripped strings: ' ab' vs 'abc': d = 2, L = 3 -> NL 2/3 -> 0
    expect(scoreAnls(' ab', ['abc'], 'pix2struct').score).toBe(0);
  });
});
