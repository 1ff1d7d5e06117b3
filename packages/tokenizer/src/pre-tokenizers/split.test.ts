import { describe, expect, it } from 'vitest';
import { compileOnigurumaRegex, escapeRegExp } from '../oniguruma-regex.js';
import { SplitPreTokenizer } from './split.js';
import { texts } from './testing.js';

const QWEN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

describe('SplitPreTokenizer', () => {
  it('splits with the Qwen2 regex, including the case-insensitive contractions', () => {
    const split = new SplitPreTokenizer(compileOnigurumaRegex(QWEN), 'Isolated', false);
    expect(texts(split, "I'LL say it's 42!\n\n  ok")).toEqual([
      'I',
      "'LL",
      ' say',
      ' it',
      "'s",
      ' ',
      '4',
      '2',
      '!\n\n',
      ' ',
      ' ok',
    ]);
    // \s is Oniguruma's: U+0085 is whitespace, U+FEFF is not.
    expect(texts(split, 'a\u0085\u0085b')).toEqual(['a', '\u0085', '\u0085b']);
    expect(texts(split, 'a\ufeffb')).toEqual(['a', '\ufeffb']);
  });

  const dash = new RegExp(escapeRegExp('-'), 'gu');
  const cases: [string, string[]][] = [
    ['Removed', ['a', 'b', 'c']],
    ['Isolated', ['a', '-', 'b', '-', '-', 'c']],
    ['MergedWithPrevious', ['a-', 'b-', '-', 'c']],
    ['MergedWithNext', ['a', '-b', '-', '-c']],
    ['Contiguous', ['a', '-', 'b', '--', 'c']],
  ];
  for (const [behavior, expected] of cases) {
    it(`honours behavior ${behavior}`, () => {
      const split = new SplitPreTokenizer(dash, behavior as never, false);
      expect(texts(split, 'a-b--c')).toEqual(expected);
    });
  }

  it('inverts: the matches are the pieces, the rest the delimiters', () => {
    const words = new SplitPreTokenizer(/[a-z]+/gu, 'Removed', true);
    expect(texts(words, 'ab, cd!')).toEqual(['ab', 'cd']);
    const isolated = new SplitPreTokenizer(/[a-z]+/gu, 'Isolated', true);
    expect(texts(isolated, 'ab, cd')).toEqual(['ab', ', ', 'cd']);
  });

  it('cuts at empty matches as Oniguruma find_iter does', () => {
    const split = new SplitPreTokenizer(/x*/gu, 'Isolated', false);
    expect(texts(split, 'axxb')).toEqual(['a', 'xx', 'b']);
  });
});
