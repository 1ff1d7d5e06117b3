import { describe, expect, it } from 'vitest';
import { LowercaseNormalizer } from './lowercase.js';
import { identityAligned } from './normalizer.js';

describe('LowercaseNormalizer', () => {
  it('lowercases per character (no final-sigma rule, as Rust char::to_lowercase)', () => {
    const n = new LowercaseNormalizer();
    expect(n.normalize('HeLLo ΣΑΣ')).toBe('hello σασ');
  });

  it('aligns a character that lowercases to two units to its source', () => {
    const out = new LowercaseNormalizer().normalizeAligned(identityAligned('Aİ'));
    expect(out.text).toBe('ai\u0307');
    expect([...out.start]).toEqual([0, 1, 1]);
    expect([...out.end]).toEqual([1, 2, 2]);
  });
});
