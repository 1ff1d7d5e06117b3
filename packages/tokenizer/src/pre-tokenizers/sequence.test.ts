import { describe, expect, it } from 'vitest';
import { DigitsPreTokenizer } from './digits.js';
import { MetaspacePreTokenizer } from './metaspace.js';
import { SequencePreTokenizer } from './sequence.js';
import { pieces } from './testing.js';

describe('SequencePreTokenizer', () => {
  it('splits the pieces of each stage with the next, keeping offsets and prefixes', () => {
    const pre = new SequencePreTokenizer([
      new MetaspacePreTokenizer('▁', 'always', true),
      new DigitsPreTokenizer(true),
    ]);
    expect(pieces(pre, 'a12 b')).toEqual([
      ['▁a', 0, 1],
      ['1', 1, 0],
      ['2', 2, 0],
      ['▁b', 3, 0],
    ]);
  });
});
