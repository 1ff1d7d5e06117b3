import { describe, expect, it } from 'vitest';
import { tinyBpeJson } from './testing/fixtures.js';
import { Tokenizer } from './tokenizer.js';

// Vocabulary: <unk>=0 a=1 b=2 c=3 d=4 ab=5 abc=6 cd=7; merges a b, ab c, c d; WhitespaceSplit.
const tiny = () => Tokenizer.fromJSON(tinyBpeJson());

describe('Tokenizer (tiny BPE)', () => {
  it('encodes through pre-tokenizer and merges', () => {
    expect(tiny().encode('abcd cd x')).toEqual([6, 4, 7, 0]);
    expect(tiny().encode('')).toEqual([]);
  });

  it('returns UTF-16 offsets by default and code-point offsets on request', () => {
    const t = tiny();
    const text = '😀 abc';
    expect(t.encode(text, { offsets: true }).offsets).toEqual([
      [0, 2],
      [3, 6],
    ]);
    expect(t.encode(text, { offsets: true, offsetUnit: 'codepoint' }).offsets).toEqual([
      [0, 1],
      [2, 5],
    ]);
  });

  it('looks tokens up both ways and counts the vocabulary', () => {
    const t = tiny();
    expect(t.tokenToId('abc')).toBe(6);
    expect(t.idToToken(7)).toBe('cd');
    expect(t.tokenToId('zzz')).toBeUndefined();
    expect(t.idToToken(99)).toBeUndefined();
    expect(t.vocabSize).toBe(8);
  });

  it('adds tokens at run time with fresh ids, reusing existing ones', () => {
    const t = tiny();
    expect(t.addTokens(['<new>', 'ab'])).toBe(1);
    expect(t.tokenToId('<new>')).toBe(8);
    expect(t.tokenToId('ab')).toBe(5);
    expect(t.addSpecialTokens([{ content: '<eot>' }])).toBe(1);
    expect(t.tokenToId('<eot>')).toBe(9);
    expect(t.encode('ab<new>cd<eot>')).toEqual([5, 8, 7, 9]);
    expect(t.vocabSize).toBe(10);
    expect(t.specialTokenIds).toEqual([9]);
    expect(t.decode([5, 8, 9], { skipSpecialTokens: true })).toBe('ab <new>');
    expect(t.decode([5, 8, 9])).toBe('ab <new> <eot>');
  });

  it('encodes pairs and batches', () => {
    const t = tiny();
    expect(t.encodeBatch(['ab', 'cd'])).toEqual([[5], [7]]);
    const pair = t.encode('ab', { pair: 'cd', offsets: true });
    expect(pair.ids).toEqual([5, 7]);
    expect(pair.typeIds).toEqual([0, 1]);
  });

  it('rejects bad arguments with TypeError/RangeError naming the parameter', () => {
    const t = tiny();
    expect(() => t.encode(3 as unknown as string)).toThrow(TypeError);
    expect(() => t.encode(3 as unknown as string)).toThrow("'text' must be a string");
    expect(() => t.encode('a', { offsets: true, offsetUnit: 'byte' as 'utf16' })).toThrow(RangeError);
    expect(() => t.decode('12' as unknown as number[])).toThrow("'ids' must be an array");
    expect(() => t.addTokens([''])).toThrow("'tokens[0]'");
    expect(() => Tokenizer.fromJSON(tinyBpeJson(), 5 as never)).toThrow(TypeError);
  });

  it('skips unknown ids when decoding, as Hugging Face does', () => {
    expect(tiny().decode([5, 1000, 7])).toBe('ab cd');
  });
});
