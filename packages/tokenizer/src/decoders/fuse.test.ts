import { describe, expect, it } from 'vitest';
import { FuseDecoder } from './fuse.js';

describe('FuseDecoder', () => {
  it('joins every token into one', () => {
    expect(new FuseDecoder().decodeChain(['a', ' b', 'c'])).toEqual(['a bc']);
    expect(new FuseDecoder().decodeChain([])).toEqual(['']);
  });
});
