/**
 * Python semantics (EVAL.md §0.3). Expected values are Python's documented behaviour, quoted from
 * EVAL.md or derived by hand from the CPython rules named in each module header.
 */
import { describe, expect, it } from 'vitest';
import { pyFloat, pyFloatRepr, pyInt, pyIntOfFloat, pyMean, pyRound } from './numbers.js';
import {
  asciiDigits,
  isPySpace,
  pyCollapseSpaces,
  pyLen,
  pyRfind,
  pySplit,
  pyStrip,
  unicodeDigitValue,
} from './strings.js';

describe('whitespace (§0.3.1)', () => {
  it('keeps the BOM that JS trim() removes', () => {
    expect(pyStrip('\ufeffyes')).toBe('\ufeffyes');
    expect('\ufeffyes'.trim()).toBe('yes'); // the JS behaviour EVAL.md warns about
  });
  it('strips NEL and \\x1c-\\x1f that JS trim() keeps', () => {
    expect(pyStrip('yes\x85')).toBe('yes');
    expect(pyStrip('\x1c\x1d yes \x1e\x1f')).toBe('yes');
  });
  it('covers the full set listed in EVAL.md', () => {
    const listed = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000';
    for (const c of listed) expect(isPySpace(c.codePointAt(0) as number)).toBe(true);
    for (let cp = 0x2000; cp <= 0x200a; cp++) expect(isPySpace(cp)).toBe(true);
    expect(isPySpace(0xfeff)).toBe(false);
    expect(isPySpace(0x200b)).toBe(false); // zero-width space is not whitespace
    expect(isPySpace(0x180e)).toBe(false);
  });
  it('split() drops empty parts and splits on every whitespace', () => {
    expect(pySplit('  a\u3000b\x85c\ufeffd  ')).toEqual(['a', 'b', 'c\ufeffd']);
    expect(pySplit('')).toEqual([]);
    expect(pyCollapseSpaces(' The  Cat\t')).toBe('The Cat');
  });
  it('strip(chars) strips a set of characters, sequentially per call', () => {
    expect(pyStrip('B,.', ',')).toBe('B,.'); // ',' is not at either end
    expect(pyStrip(pyStrip('B,.', ','), '.')).toBe('B,');
    expect(pyStrip('..ab..', '.')).toBe('ab');
    expect(pyStrip('xyab', 'yx')).toBe('ab');
  });
});

describe('code points (§0.3.2-3)', () => {
  it('len() counts code points, not UTF-16 units', () => {
    expect(pyLen('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
    expect(pyRfind('😀x😀x', 'x')).toBe(3);
  });
  it('Unicode decimal digits have their values', () => {
    expect(unicodeDigitValue('٣')).toBe(3); // ARABIC-INDIC DIGIT THREE
    expect(unicodeDigitValue('３')).toBe(3); // FULLWIDTH DIGIT THREE
    expect(unicodeDigitValue('𝟗')).toBe(9); // U+1D7D7 MATHEMATICAL BOLD DIGIT NINE
    expect(unicodeDigitValue('𝟘')).toBe(0); // U+1D7D8 DOUBLE-STRUCK ZERO, right after bold nine
    expect(unicodeDigitValue('x')).toBe(-1);
    expect(unicodeDigitValue('²')).toBe(-1); // superscript two is No, not Nd
    expect(asciiDigits('١٢٣')).toBe('123');
  });
});

describe('float() (§0.3.5)', () => {
  it('accepts what Python accepts', () => {
    expect(pyFloat(' 1.5\n')).toBe(1.5);
    expect(pyFloat('+2')).toBe(2);
    expect(pyFloat('-2')).toBe(-2);
    expect(pyFloat('1_000')).toBe(1000);
    expect(pyFloat('1e3')).toBe(1000);
    expect(pyFloat('1E1_0')).toBe(1e10);
    expect(pyFloat('.5')).toBe(0.5);
    expect(pyFloat('5.')).toBe(5);
    expect(pyFloat('inf')).toBe(Infinity);
    expect(pyFloat('-Infinity')).toBe(-Infinity);
    expect(pyFloat('nAn')).toBeNaN();
    expect(pyFloat('١٢')).toBe(12);
    expect(pyFloat('\u00a012\u3000')).toBe(12);
    expect(Object.is(pyFloat('-0'), -0)).toBe(true);
    expect(pyFloat('1e400')).toBe(Infinity);
  });
  it('rejects what Python rejects (where Number()/parseFloat do not)', () => {
    for (const bad of [
      '',
      ' ',
      '1,000',
      '$5',
      '0x10',
      '12abc',
      '_1',
      '1_',
      '1__0',
      '1_.5',
      'in f',
      '1e',
      '.',
    ]) {
      expect(pyFloat(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(pyFloat('\ufeff1')).toBeNull(); // BOM is not whitespace
  });
  it('strips only ASCII C whitespace and non-ASCII Python whitespace (not \\x1c-\\x1f)', () => {
    // expected from CPython 3.11 float()/int() run on these inputs (differential test): the ASCII
    // separators \x1c-\x1f are str.isspace() but float() does not strip them
    expect(pyFloat('5\x1c')).toBeNull();
    expect(pyFloat('\x1f5')).toBeNull();
    expect(pyFloat('5\x85')).toBe(5);
    expect(pyFloat(' \u3000 12 \t')).toBe(12);
    expect(pyFloat('1\u30002')).toBeNull();
    expect(pyInt('\x1c1')).toBeNull();
    expect(pyInt('12\x85')).toBe(12n);
    expect(pyInt('\u2028 7')).toBe(7n);
  });
});

describe('statistics.mean()', () => {
  it('is the exact mean rounded once, not sum / n', () => {
    // expected from CPython 3.11 statistics.mean run on these inputs
    expect(pyMean([1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0, 0, 0])).toBe(0.09999999999999999);
    expect((1 / 3 + 1 / 3 + 1 / 3) / 10).toBe(0.1); // the plain loop differs
    expect(pyMean([0.1, 0.2, 0.3])).toBe(0.2);
    expect(pyMean([-1.5, 0.5])).toBe(-0.5);
    expect(pyMean([1e308, 1e308])).toBe(1e308); // no overflow in the exact sum
    expect(pyMean([5e-324, 5e-324, 5e-324])).toBe(5e-324);
    expect(pyMean([0, -0])).toBe(0);
  });
  it('rejects an empty list', () => {
    expect(() => pyMean([])).toThrow(RangeError);
  });
});

describe('int() (§0.3.8)', () => {
  it('parses base-10 integers only', () => {
    expect(pyInt(' 12 ')).toBe(12n);
    expect(pyInt('012')).toBe(12n);
    expect(pyInt('-1_0')).toBe(-10n);
    expect(pyInt('١٢')).toBe(12n);
    expect(pyInt('12.0')).toBeNull();
    expect(pyInt('')).toBeNull();
    expect(pyInt('1e3')).toBeNull();
  });
  it('int(float) truncates and rejects inf/nan', () => {
    expect(pyIntOfFloat(-3.7)).toBe(-3n);
    expect(pyIntOfFloat(3.99)).toBe(3n);
    expect(pyIntOfFloat(1e20)).toBe(100000000000000000000n);
    expect(pyIntOfFloat(Infinity)).toBeNull();
    expect(pyIntOfFloat(Number.NaN)).toBeNull();
  });
});

describe('round() (§0.3.6)', () => {
  it('rounds the exact binary value half to even', () => {
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(2.25, 1)).toBe(2.2);
    expect(pyRound(2.35, 1)).toBe(2.4); // 2.35 is 2.35000000000000008882 in binary
    expect(pyRound(1.065, 2)).toBe(1.06); // 1.065 is 1.06499999999999994671 in binary
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(0.375, 2)).toBe(0.38); // exact tie, 7 is odd -> up
    expect(pyRound(0.5, 0)).toBe(0);
    expect(pyRound(1.5, 0)).toBe(2);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(1250, -2)).toBe(1200);
    expect(pyRound(1350, -2)).toBe(1400);
    expect(pyRound(0.0025, 2)).toBe(0); // the MMMU effect: 0.0025 -> 0.0
    expect(pyRound(0.0049, 2)).toBe(0);
    expect(pyRound(-0.125, 2)).toBe(-0.12);
    expect(Object.is(pyRound(-0.001, 2), -0)).toBe(true);
    expect(pyRound(2.71, 400)).toBe(2.71);
  });
  it('differs from the JS idioms EVAL.md warns about', () => {
    expect((0.125).toFixed(2)).toBe('0.13');
    expect(Math.round(0.125 * 100) / 100).toBe(0.13);
  });
  it('rejects a non-integer ndigits', () => {
    expect(() => pyRound(1, 1.5)).toThrow(RangeError);
  });
});

describe('str(float) (§0.3.6)', () => {
  it('formats like Python repr', () => {
    expect(pyFloatRepr(3)).toBe('3.0');
    expect(pyFloatRepr(100)).toBe('100.0');
    expect(pyFloatRepr(1e16)).toBe('1e+16');
    expect(pyFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pyFloatRepr(1.5e16)).toBe('1.5e+16');
    expect(pyFloatRepr(0.0001)).toBe('0.0001');
    expect(pyFloatRepr(0.00001)).toBe('1e-05');
    expect(pyFloatRepr(1.5e-7)).toBe('1.5e-07');
    expect(pyFloatRepr(123.456)).toBe('123.456');
    expect(pyFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pyFloatRepr(-2.5)).toBe('-2.5');
    expect(pyFloatRepr(1e100)).toBe('1e+100');
    expect(pyFloatRepr(-0)).toBe('-0.0');
    expect(pyFloatRepr(Infinity)).toBe('inf');
    expect(pyFloatRepr(Number.NaN)).toBe('nan');
    expect(pyFloatRepr(1e21)).toBe('1e+21');
    expect(pyFloatRepr(123456789012345680)).toBe('1.2345678901234568e+17');
  });
});
