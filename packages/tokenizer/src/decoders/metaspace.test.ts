import { describe, expect, it } from 'vitest';
import { MetaspaceDecoder } from './metaspace.js';

describe('MetaspaceDecoder', () => {
  it('turns ▁ into spaces and drops it in the first token when a prefix was prepended', () => {
    expect(new MetaspaceDecoder('▁', 'always').decodeChain(['▁Hey', '▁friend', '!'])).toEqual([
      'Hey',
      ' friend',
      '!',
    ]);
  });

  it('keeps the first space with prepend_scheme never', () => {
    expect(new MetaspaceDecoder('▁', 'never').decodeChain(['▁Hey'])).toEqual([' Hey']);
  });
});
