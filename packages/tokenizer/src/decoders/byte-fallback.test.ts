import { describe, expect, it } from 'vitest';
import { ByteFallbackDecoder } from './byte-fallback.js';

describe('ByteFallbackDecoder', () => {
  const d = new ByteFallbackDecoder();

  it('turns runs of <0xXX> tokens into their UTF-8 text', () => {
    expect(d.decodeChain(['a', '<0xE4>', '<0xB8>', '<0x96>', 'b'])).toEqual(['a', '世', 'b']);
  });

  it('gives one U+FFFD per byte of an invalid run', () => {
    expect(d.decodeChain(['<0xE4>', '<0xB8>', 'x'])).toEqual(['\ufffd', '\ufffd', 'x']);
  });

  it('leaves look-alikes alone', () => {
    expect(d.decodeChain(['<0xe4>', '<0x4>', '<0x41>'])).toEqual(['<0xe4>', '<0x4>', 'A']);
  });
});
