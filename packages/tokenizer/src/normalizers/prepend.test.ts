import { describe, expect, it } from 'vitest';
import { identityAligned } from './normalizer.js';
import { PrependNormalizer } from './prepend.js';

describe('PrependNormalizer', () => {
  it('prepends to non-empty text only', () => {
    const n = new PrependNormalizer('▁');
    expect(n.normalize('hi')).toBe('▁hi');
    expect(n.normalize('')).toBe('');
  });

  it('aligns the prepended units to the first character', () => {
    const out = new PrependNormalizer('▁').normalizeAligned(identityAligned('😀a', 3));
    expect(out.text).toBe('▁😀a');
    expect([...out.start]).toEqual([3, 3, 4, 5]);
    expect([...out.end]).toEqual([5, 4, 5, 6]);
  });
});
