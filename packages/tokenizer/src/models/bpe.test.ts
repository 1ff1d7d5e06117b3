import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../errors.js';
import { BYTE_TO_CHAR } from '../pre-tokenizers/byte-level.js';
import { BpeModel, type BpeOptions, type MergesJson } from './bpe.js';
import { IdList } from './id-list.js';
import { MapVocabulary } from './vocabulary.js';

function model(tokens: string[], merges: MergesJson, options: Partial<BpeOptions> = {}): BpeModel {
  const vocab = new MapVocabulary(new Map(tokens.map((t, i) => [t, i] as [string, number])), tokens);
  return new BpeModel({ vocab, merges, ...options });
}

function ids(m: BpeModel, word: string): number[] {
  const out = new IdList();
  m.encodeWord(word, out);
  return out.toArray();
}

describe('BpeModel (character mode)', () => {
  const tokens = ['<unk>', 'a', 'b', 'c', 'd', 'ab', 'abc', 'cd', 'bc'];

  it('applies the lowest-ranked pair first', () => {
    // ranks: a b (0), ab c (1), c d (2), b c (3). "abcd": a+b -> ab; ab+c -> abc; then d stays.
    const m = model(tokens, ['a b', 'ab c', 'c d', 'b c']);
    expect(ids(m, 'abcd')).toEqual([6, 4]);
    // "bcd": b c (3) vs c d (2): c d first -> b, cd.
    expect(ids(m, 'bcd')).toEqual([2, 7]);
  });

  it('breaks rank ties leftmost first', () => {
    const m = model(['a', 'aa'], ['a a']);
    // "aaa": (a a) at 0 merges first -> aa, a.
    expect(ids(m, 'aaa')).toEqual([1, 0]);
    expect(ids(m, 'aaaa')).toEqual([1, 1]);
  });

  it('gives the same result on the heap path as on the scan path', () => {
    const m = model(['a', 'aa', 'aaaa'], ['a a', 'aa aa']);
    // 100 a's: pairs merge into 25 'aaaa'. 101 a's: 25 'aaaa' + 'a'.
    expect(ids(m, 'a'.repeat(100))).toEqual(new Array(25).fill(2));
    expect(ids(m, 'a'.repeat(101))).toEqual([...new Array(25).fill(2), 0]);
  });

  it('maps unknown characters to unk, fused when fuse_unk', () => {
    const plain = model(tokens, [], { unkToken: '<unk>' });
    expect(ids(plain, 'axyb')).toEqual([1, 0, 0, 2]);
    const fused = model(tokens, [], { unkToken: '<unk>', fuseUnk: true });
    expect(ids(fused, 'axyb')).toEqual([1, 0, 2]);
    const none = model(tokens, []);
    expect(ids(none, 'axyb')).toEqual([1, 2]); // dropped without unk, as in Rust
  });

  it('falls back to <0xXX> byte tokens', () => {
    const bytes = Array.from(
      { length: 256 },
      (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
    );
    const m = model(['<unk>', 'a', ...bytes], [], { unkToken: '<unk>', byteFallback: true });
    // é = C3 A9 -> ids 2 + 0xC3, 2 + 0xA9
    expect(ids(m, 'aé')).toEqual([1, 2 + 0xc3, 2 + 0xa9]);
    const spans: number[] = [];
    m.encodeWord('aé', new IdList(), spans);
    expect(spans).toEqual([0, 1, 1, 2, 1, 2]);
  });

  it('honours ignore_merges', () => {
    const m = model(['a', 'b', 'c', 'ab', 'abc', 'bc'], ['a b', 'b c'], { ignoreMerges: true });
    expect(ids(m, 'abc')).toEqual([4]); // whole word in vocab
    const n = model(['a', 'b', 'c', 'ab', 'abc', 'bc'], ['a b', 'b c']);
    expect(ids(n, 'abc')).toEqual([3, 2]);
  });

  it('decorates symbols with continuing_subword_prefix and end_of_word_suffix', () => {
    // Initial symbols of "abc": a, ##b, ##c</w>. A merge strips the prefix from its right side.
    const m = model(['a', '##b', '##c</w>', 'ab', 'abc</w>', '<unk>'], ['a ##b', 'ab ##c</w>'], {
      continuingSubwordPrefix: '##',
      endOfWordSuffix: '</w>',
      unkToken: '<unk>',
    });
    expect(ids(m, 'abc')).toEqual([4]);
    // "ab": a, ##b</w> (unknown) -> a, <unk>
    expect(ids(m, 'ab')).toEqual([0, 5]);
  });

  it('maps bytes through the GPT-2 alphabet in byte-level mode', () => {
    const tokens = [...BYTE_TO_CHAR, 'Ġa'];
    const m = model(tokens, [[BYTE_TO_CHAR[0x20]!, 'a']], { byteLevel: true });
    expect(ids(m, ' a')).toEqual([256]);
    expect(ids(m, '世')).toEqual([0xe4, 0xb8, 0x96]);
    // a lone surrogate is U+FFFD (EF BF BD)
    expect(ids(m, '\ud800')).toEqual([0xef, 0xbf, 0xbd]);
    const spans: number[] = [];
    m.encodeWord('x😀', new IdList(), spans);
    expect(spans).toEqual([0, 1, 1, 3, 1, 3, 1, 3, 1, 3]);
  });

  it('raises BAD_MERGES with the rule index and path', () => {
    const bad = (merges: MergesJson) => {
      try {
        model(tokens, merges);
      } catch (error) {
        return error as TokenizerError;
      }
      throw new Error('expected an error');
    };
    const missing = bad(['a b', 'x y']);
    expect(missing).toBeInstanceOf(TokenizerError);
    expect(missing.code).toBe('BAD_MERGES');
    expect(missing.index).toBe(1);
    expect(missing.path).toBe('$.model.merges[1]');
    expect(missing.token).toBe('x');
    expect(bad(['a b c']).code).toBe('BAD_MERGES');
    expect(bad(['ab']).index).toBe(0);
    expect(bad([['a'] as unknown as [string, string]]).code).toBe('BAD_MERGES');
    expect(bad(['d a']).token).toBe('da'); // merged token absent
  });

  it('rejects an unk_token missing from the vocabulary', () => {
    expect(() => model(tokens, [], { unkToken: '[UNK]' })).toThrow(
      expect.objectContaining({ code: 'TOKEN_OUT_OF_VOCABULARY', token: '[UNK]' }),
    );
  });

  it('handles a 200k-symbol word without deep recursion', () => {
    const m = model(['a', 'aa'], ['a a']);
    const out = ids(m, 'a'.repeat(200_001));
    expect(out.length).toBe(100_001);
    expect(out.at(-1)).toBe(0);
  });

  it('looks words up in place with encodeRange, identical to encodeWord, across cache refills', () => {
    const m = model(['a', 'b', 'c', 'ab', 'abc', 'bc', '<unk>'], ['a b', 'ab c', 'b c'], {
      unkToken: '<unk>',
    });
    const text = Array.from({ length: 70_000 }, (_, k) => `${'abc'[k % 3]}${k.toString(36)}`).join(' ');
    const viaRange = new IdList();
    const viaWord = new IdList();
    for (let round = 0; round < 2; round++) {
      let from = 0;
      for (;;) {
        const to = text.indexOf(' ', from);
        const end = to < 0 ? text.length : to;
        m.encodeRange(text, from, end, viaRange);
        m.encodeWord(text.slice(from, end), viaWord);
        if (to < 0) break;
        from = to + 1;
      }
    }
    expect(viaRange.length).toBe(viaWord.length);
    expect(viaRange.toArray()).toEqual(viaWord.toArray());
  });
});
