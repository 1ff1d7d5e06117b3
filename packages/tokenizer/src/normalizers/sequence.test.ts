import { describe, expect, it } from 'vitest';
import { escapeRegExp } from '../oniguruma-regex.js';
import { identityAligned } from './normalizer.js';
import { PrependNormalizer } from './prepend.js';
import { ReplaceNormalizer } from './replace.js';
import { SequenceNormalizer } from './sequence.js';

describe('SequenceNormalizer', () => {
  // Llama-2's normalizer: Prepend("▁") then Replace(" ", "▁").
  const llama = new SequenceNormalizer([
    new PrependNormalizer('▁'),
    new ReplaceNormalizer(new RegExp(escapeRegExp(' '), 'gu'), '▁'),
  ]);

  it('applies its normalizers in order', () => {
    expect(llama.normalize('Hello world')).toBe('▁Hello▁world');
    expect(llama.normalize(' x')).toBe('▁▁x');
  });

  it('composes alignments', () => {
    const out = llama.normalizeAligned(identityAligned('a b'));
    expect(out.text).toBe('▁a▁b');
    expect([...out.start]).toEqual([0, 0, 1, 2]);
    expect([...out.end]).toEqual([1, 1, 2, 3]);
  });
});
