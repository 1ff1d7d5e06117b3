import { describe, expect, it } from 'vitest';
import { identityAligned } from './normalizer.js';
import { StripNormalizer } from './strip.js';

describe('StripNormalizer', () => {
  it('strips Unicode whitespace on the chosen sides', () => {
    expect(new StripNormalizer(true, true).normalize(' \t\u3000a b\u00a0\n')).toBe('a b');
    expect(new StripNormalizer(true, false).normalize('  a  ')).toBe('a  ');
    expect(new StripNormalizer(false, true).normalize('  a  ')).toBe('  a');
    expect(new StripNormalizer(true, true).normalize('   ')).toBe('');
  });

  it('keeps the alignment of what remains', () => {
    const out = new StripNormalizer(true, true).normalizeAligned(identityAligned('  ab '));
    expect(out.text).toBe('ab');
    expect([...out.start]).toEqual([2, 3]);
  });
});
