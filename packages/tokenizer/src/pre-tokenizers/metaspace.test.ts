import { describe, expect, it } from 'vitest';
import { MetaspacePreTokenizer } from './metaspace.js';
import { pieces, texts } from './testing.js';

describe('MetaspacePreTokenizer', () => {
  it('replaces spaces, prepends ▁ and splits before each ▁', () => {
    const pre = new MetaspacePreTokenizer('▁', 'always', true);
    expect(pieces(pre, 'Hey  friend')).toEqual([
      ['▁Hey', 0, 1],
      ['▁', 3, 0],
      ['▁friend', 4, 0],
    ]);
  });

  it('does not prepend twice, nor with scheme never', () => {
    expect(texts(new MetaspacePreTokenizer('▁', 'always', false), ' a')).toEqual(['▁a']);
    expect(texts(new MetaspacePreTokenizer('▁', 'never', false), 'a b')).toEqual(['a▁b']);
  });

  it('prepends only at the start of the input with scheme first', () => {
    const pre = new MetaspacePreTokenizer('▁', 'first', false);
    expect(texts(pre, 'a', true)).toEqual(['▁a']);
    expect(texts(pre, 'a', false)).toEqual(['a']);
  });
});
