import { describe, expect, it } from 'vitest';
import { identityAligned } from './normalizer.js';
import { UnicodeNormalizer } from './unicode.js';

describe('UnicodeNormalizer', () => {
  it('composes, decomposes and folds compatibility forms', () => {
    expect(new UnicodeNormalizer('NFC').normalize('e\u0301')).toBe('\u00e9');
    expect(new UnicodeNormalizer('NFD').normalize('\u00e9')).toBe('e\u0301');
    expect(new UnicodeNormalizer('NFKC').normalize('ﬁ１')).toBe('fi1');
    expect(new UnicodeNormalizer('NFKD').normalize('ﬁé')).toBe('fie\u0301');
  });

  it('aligns a composed character to the first character of its run', () => {
    // "a" U+0301 U+0301 "x": NFC -> "á" U+0301 "x"; á <- [0,1), the second accent <- [2,3), x <- [3,4).
    const out = new UnicodeNormalizer('NFC').normalizeAligned(identityAligned('a\u0301\u0301x'));
    expect(out.text).toBe('\u00e1\u0301x');
    expect([...out.start]).toEqual([0, 2, 3]);
    expect([...out.end]).toEqual([1, 3, 4]);
  });

  it('aligns every character of an expansion to its source', () => {
    const out = new UnicodeNormalizer('NFKC').normalizeAligned(identityAligned('xﬁ'));
    expect(out.text).toBe('xfi');
    expect([...out.start]).toEqual([0, 1, 1]);
    expect([...out.end]).toEqual([1, 2, 2]);
  });

  it('returns already-normalized input unchanged', () => {
    const input = identityAligned('plain 😀', 5);
    expect(new UnicodeNormalizer('NFC').normalizeAligned(input)).toBe(input);
    expect([...input.start]).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
