import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tinyByteLevelJson } from './testing/fixtures.js';
import { Tokenizer } from './tokenizer.js';

// Ids 0..255 are single bytes (id = byte), 256 is "Ġa" (" a"), 257 is the special <|end|>.
const tok = Tokenizer.fromJSON(tinyByteLevelJson());

function stream(ids: number[], chunk = 1, skipSpecialTokens = false): string[] {
  const decoder = tok.createIncrementalDecoder({ skipSpecialTokens });
  const out: string[] = [];
  for (let k = 0; k < ids.length; k += chunk) out.push(decoder.push(ids.slice(k, k + chunk)));
  out.push(decoder.flush());
  return out;
}

describe('IncrementalDecoder', () => {
  it('holds back a character until its last byte arrives', () => {
    // 世 = E4 B8 96
    expect(stream([0x61, 0xe4, 0xb8, 0x96, 0x62])).toEqual(['a', '', '', '世', 'b', '']);
  });

  it('emits a dangling incomplete sequence as U+FFFD on flush', () => {
    expect(stream([0x61, 0xe4, 0xb8])).toEqual(['a', '', '', '\ufffd']);
  });

  it('never emits a piece ending in a broken sequence, and the pieces join to decode(ids)', () => {
    const id = fc.oneof(
      fc.integer({ min: 0, max: 257 }),
      fc.constantFrom(0xe4, 0xb8, 0x96, 0xf0, 0x9f, 0x98, 0x80),
    );
    fc.assert(
      fc.property(
        fc.array(id, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (ids, chunk, skip) => {
          const pieces = stream(ids, chunk, skip);
          expect(pieces.join('')).toBe(tok.decode(ids, { skipSpecialTokens: skip }));
          // Only flush may end on U+FFFD (bytes that never completed); pushes hold such text back.
          for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('\ufffd')).toBe(false);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it('streams valid text exactly, piece by piece', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const ids = tok.encode(text);
        const pieces = stream(ids);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces)
          expect(piece.includes('\ufffd')).toBe(text.includes('\ufffd') && piece.includes('\ufffd'));
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});
