import { describe, expect, it } from 'vitest';
import { ReplaceDecoder } from './replace.js';

describe('ReplaceDecoder', () => {
  it('replaces in every token', () => {
    expect(new ReplaceDecoder(/▁/gu, ' ').decodeChain(['▁Hello', '▁', 'x▁y'])).toEqual([
      ' Hello',
      ' ',
      'x y',
    ]);
  });
});
