import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR, ByteLevelPreTokenizer, CHAR_TO_BYTE } from './byte-level.js';
import { pieces, texts } from './testing.js';

describe('ByteLevel alphabet', () => {
  it('maps printable bytes to themselves and the rest from U+0100 on', () => {
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ'); // U+0120: the 33rd non-printable byte
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ');
    expect(BYTE_TO_CHAR[0x00]).toBe('Ā');
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    for (let b = 0; b < 256; b++) expect(CHAR_TO_BYTE[BYTE_TO_CHAR[b]!.charCodeAt(0)]).toBe(b);
  });
});

describe('ByteLevelPreTokenizer', () => {
  it('adds a prefix space (recorded as a synthetic unit) and splits with the GPT-2 regex', () => {
    const pre = new ByteLevelPreTokenizer(true, true);
    expect(pieces(pre, "Hello world's  end")).toEqual([
      [' Hello', 0, 1],
      [' world', 5, 0],
      ["'s", 11, 0],
      [' ', 13, 0],
      [' end', 14, 0],
    ]);
    expect(texts(pre, ' x')).toEqual([' x']);
  });

  it('is a pass-through without prefix space and regex', () => {
    const pre = new ByteLevelPreTokenizer(false, false);
    expect(pre.isPassThrough).toBe(true);
    expect(texts(pre, 'a b')).toEqual(['a b']);
  });
});
