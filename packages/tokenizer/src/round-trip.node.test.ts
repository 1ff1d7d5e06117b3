/**
 * decode(encode(s)) === normalize(s) for the byte-level BPE tokenizers, on any well-formed string:
 * Llama-3 has no normalizer (exact round trip); Qwen normalizes to NFC first, as in Hugging Face.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokenizer } from './node.js';
import { tokenizerText } from './testing/arbitraries.js';
import { FIXED_CORPUS } from './testing/corpus.js';
import { ourTokenizer } from './testing/models.js';

const names = ['qwen', 'llama3'] as const;
const toks = {} as Record<(typeof names)[number], Tokenizer>;
const normalize = { qwen: (s: string) => s.normalize('NFC'), llama3: (s: string) => s };

beforeAll(async () => {
  for (const name of names) toks[name] = await ourTokenizer(name);
});

describe.each(names)('%s round trip', (name) => {
  it('restores the fixed corpus', () => {
    for (const text of FIXED_CORPUS)
      expect(toks[name].decode(toks[name].encode(text, { addSpecialTokens: false }))).toBe(
        normalize[name](text),
      );
  });

  it('restores any well-formed string', () => {
    const wellFormed = fc
      .oneof(fc.string({ unit: 'binary', maxLength: 60 }), tokenizerText)
      .filter((s) => !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(wellFormed, (text) => {
        expect(toks[name].decode(toks[name].encode(text, { addSpecialTokens: false }))).toBe(
          normalize[name](text),
        );
      }),
      { numRuns: 1000, seed: 99 },
    );
  });

  it('is exact for NFC text with Qwen too', () => {
    const nfc = fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.normalize('NFC'));
    fc.assert(
      fc.property(nfc, (text) => {
        expect(toks[name].decode(toks[name].encode(text, { addSpecialTokens: false }))).toBe(text);
      }),
      { numRuns: 500, seed: 98 },
    );
  });

  it('decodes a lone surrogate as U+FFFD, as the Rust binding sees it', () => {
    expect(toks[name].decode(toks[name].encode('a\udc00b', { addSpecialTokens: false }))).toBe('a\ufffdb');
  });
});
