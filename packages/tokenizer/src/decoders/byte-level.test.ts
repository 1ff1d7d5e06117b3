import { describe, expect, it } from 'vitest';
import { ByteLevelDecoder } from './byte-level.js';

describe('ByteLevelDecoder', () => {
  const d = new ByteLevelDecoder();

  it('maps the byte alphabet back to UTF-8 text', () => {
    // "Ġworld" = " world"; "ä¸ĸ" = E4 B8 96 = 世
    expect(d.decodeChain(['Hello', 'Ġworld', 'ä¸ĸ'])).toEqual(['Hello world世']);
  });

  it('joins bytes across tokens before decoding', () => {
    expect(d.decodeChain(['ä', '¸', 'ĸ'])).toEqual(['世']);
  });

  it('replaces invalid UTF-8 by U+FFFD per maximal subpart (from_utf8_lossy)', () => {
    // E4 B8 then "a": one U+FFFD for the truncated sequence; FF is invalid on its own.
    expect(d.decodeChain(['ä¸', 'a'])).toEqual(['\ufffda']);
    expect(d.decodeChain(['ÿ'])).toEqual(['\ufffd']);
  });

  it('passes through the UTF-8 of tokens outside the alphabet (added tokens)', () => {
    expect(d.decodeChain(['<|im_start|>', 'Ġ', '日本'])).toEqual(['<|im_start|> 日本']);
  });
});
