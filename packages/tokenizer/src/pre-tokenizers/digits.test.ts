import { describe, expect, it } from 'vitest';
import { DigitsPreTokenizer } from './digits.js';
import { texts } from './testing.js';

describe('DigitsPreTokenizer', () => {
  it('isolates each digit with individual_digits', () => {
    expect(texts(new DigitsPreTokenizer(true), 'a123b٤')).toEqual(['a', '1', '2', '3', 'b', '٤']);
  });

  it('keeps digit runs together otherwise', () => {
    expect(texts(new DigitsPreTokenizer(false), 'a123b45')).toEqual(['a', '123', 'b', '45']);
  });
});
