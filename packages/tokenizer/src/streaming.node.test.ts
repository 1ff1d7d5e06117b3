/** Streaming detokenization on the real Qwen and Llama-2 tokenizers: pieces join to decode(all ids). */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokenizer } from './node.js';
import { tokenizerText } from './testing/arbitraries.js';
import { ourTokenizer } from './testing/models.js';

const names = ['qwen', 'llama2'] as const;
const toks = {} as Record<(typeof names)[number], Tokenizer>;

beforeAll(async () => {
  for (const name of names) toks[name] = await ourTokenizer(name);
});

function streamed(tok: Tokenizer, ids: number[], skip: boolean): string[] {
  const decoder = tok.createIncrementalDecoder({ skipSpecialTokens: skip });
  const pieces = ids.map((id) => decoder.push(id));
  pieces.push(decoder.flush());
  return pieces;
}

describe.each(names)('%s streaming', (name) => {
  it('joins to decode() for the tokens of generated text', () => {
    fc.assert(
      fc.property(tokenizerText, fc.boolean(), (text, skip) => {
        const ids = toks[name].encode(text);
        const pieces = streamed(toks[name], ids, skip);
        expect(pieces.join('')).toBe(toks[name].decode(ids, { skipSpecialTokens: skip }));
        for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('\ufffd')).toBe(false);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('joins to decode() for random id sequences', () => {
    const size = toks[name].vocabSize;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 30 }), (ids) => {
        expect(streamed(toks[name], ids, false).join('')).toBe(toks[name].decode(ids));
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});
