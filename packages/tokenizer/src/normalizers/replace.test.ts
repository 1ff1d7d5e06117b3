import { describe, expect, it } from 'vitest';
import { compileOnigurumaRegex, escapeRegExp } from '../oniguruma-regex.js';
import { identityAligned } from './normalizer.js';
import { ReplaceNormalizer } from './replace.js';

describe('ReplaceNormalizer', () => {
  it('replaces a literal everywhere, keeping $ literal', () => {
    const n = new ReplaceNormalizer(new RegExp(escapeRegExp(' '), 'gu'), '▁');
    expect(n.normalize(' a b ')).toBe('▁a▁b▁');
    expect(new ReplaceNormalizer(/a/gu, '$&$1').normalize('bab')).toBe('b$&$1b');
  });

  it('replaces regex matches and aligns each replacement to its match', () => {
    const n = new ReplaceNormalizer(compileOnigurumaRegex(' {2,}'), ' ');
    const out = n.normalizeAligned(identityAligned('a   b'));
    expect(out.text).toBe('a b');
    expect([...out.start]).toEqual([0, 1, 4]);
    expect([...out.end]).toEqual([1, 4, 5]);
  });
});
