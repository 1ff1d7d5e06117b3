import { describe, expect, it } from 'vitest';
import { StripDecoder } from './strip.js';

describe('StripDecoder', () => {
  it('strips up to start leading and stop trailing occurrences per token', () => {
    const d = new StripDecoder(' ', 1, 0);
    expect(d.decodeChain(['  a', 'b ', ' '])).toEqual([' a', 'b ', '']);
    expect(new StripDecoder('x', 2, 1).decodeChain(['xxxaxx', 'a'])).toEqual(['xax', 'a']);
  });
});
