import { describe, expect, it } from 'vitest';
import { texts } from './testing.js';
import { WhitespacePreTokenizer, WhitespaceSplitPreTokenizer } from './whitespace.js';

describe('Whitespace pre-tokenizers', () => {
  it('Whitespace keeps word runs and symbol runs', () => {
    expect(texts(new WhitespacePreTokenizer(), "Hey man!! how's it_going?")).toEqual([
      'Hey',
      'man',
      '!!',
      'how',
      "'",
      's',
      'it_going',
      '?',
    ]);
  });

  it('WhitespaceSplit splits on any whitespace', () => {
    expect(texts(new WhitespaceSplitPreTokenizer(), ' a\tb\u3000c!  ')).toEqual(['a', 'b', 'c!']);
  });
});
