import { describe, expect, it } from 'vitest';
import { PunctuationPreTokenizer } from './punctuation.js';
import { texts } from './testing.js';

describe('PunctuationPreTokenizer', () => {
  it('isolates each punctuation character (ASCII symbols count, as Rust is_ascii_punctuation)', () => {
    expect(texts(new PunctuationPreTokenizer('Isolated'), 'Hi!? a+b «c»')).toEqual([
      'Hi',
      '!',
      '?',
      ' a',
      '+',
      'b ',
      '«',
      'c',
      '»',
    ]);
  });

  it('merges runs with Contiguous', () => {
    expect(texts(new PunctuationPreTokenizer('Contiguous'), 'a...b')).toEqual(['a', '...', 'b']);
  });
});
