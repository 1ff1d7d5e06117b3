import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors.js';
import { compileOnigurumaRegex, escapeRegExp, translateOnigurumaPattern } from './oniguruma-regex.js';

const matches = (pattern: string, text: string) =>
  [...text.matchAll(compileOnigurumaRegex(pattern))].map((m) => m[0]);

describe('translateOnigurumaPattern', () => {
  it('expands (?i:...) groups into case variants, with Oniguruma folds for s and k', () => {
    expect(translateOnigurumaPattern("(?i:'s|'ll)x")).toBe("(?:'[sSſ]|'[lL][lL])x");
    expect(matches("(?i:'s|'ll)", "'S 'ſ 'lL 'x")).toEqual(["'S", "'ſ", "'lL"]);
    expect(matches('(?i:k)', 'kKK')).toEqual(['k', 'K', 'K']);
  });

  it('applies (?i) to the rest of its group and (?-i) turns it off', () => {
    expect(matches('a(?i)b', 'ab aB Ab')).toEqual(['ab', 'aB']);
    expect(matches('(?i:a(?-i)b)', 'AB Ab aB')).toEqual(['Ab']);
  });

  it("uses Oniguruma's \\s (U+0085 yes, U+FEFF no) inside and outside classes", () => {
    expect(matches('\\s', 'a\u0085b\ufeffc d')).toEqual(['\u0085', ' ']);
    expect(matches('[^\\s]+', 'a\ufeff b')).toEqual(['a\ufeff', 'b']);
    expect(matches('\\S+', 'x\u0085y')).toEqual(['x', 'y']);
  });

  it('translates \\d, \\w, \\h, \\x{...}, \\p{^L}, \\A and \\z', () => {
    expect(matches('\\d+', 'a12٣b')).toEqual(['12٣']);
    expect(matches('\\w+', 'ab_1 é-x')).toEqual(['ab_1', 'é', 'x']);
    expect(matches('\\h+', 'xdeadBEEFz')).toEqual(['deadBEEF']);
    expect(matches('\\x{1F600}', 'a😀')).toEqual(['😀']);
    expect(matches('\\p{^L}+', 'ab12cd')).toEqual(['12']);
    expect(matches('\\Aa', 'aa')).toEqual(['a']);
    expect(matches('a\\z', 'aa')).toEqual(['a']);
  });

  it('accepts identity escapes JS u-mode rejects', () => {
    expect(matches("\\'\\-\\:", "'-:")).toEqual(["'-:"]);
  });

  it('raises BAD_REGEX with the path for constructs JS cannot express', () => {
    for (const bad of ['(?>a)', 'a++', 'a*+', '\\G', '[[:alpha:]]', '[a&&b]', '(a', 'a)', '[a']) {
      let error: unknown;
      try {
        translateOnigurumaPattern(bad, '$.pre_tokenizer.pattern.Regex');
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(TokenizerError);
      expect((error as TokenizerError).code).toBe('BAD_REGEX');
      expect((error as TokenizerError).path).toBe('$.pre_tokenizer.pattern.Regex');
    }
  });

  it('keeps lazy quantifiers', () => {
    expect(matches('a+?', 'aaa')).toEqual(['a', 'a', 'a']);
  });
});

describe('escapeRegExp', () => {
  it('escapes syntax so the literal matches itself', () => {
    const literal = '<|im_end|>[x](y)*+?.^$\\/-{1}';
    expect(new RegExp(escapeRegExp(literal), 'u').test(`a${literal}b`)).toBe(true);
  });
});
