import { describe, expect, it } from 'vitest';
import { type AddedToken, AddedVocabulary } from './added-tokens.js';

const token = (id: number, content: string, flags: Partial<AddedToken> = {}): AddedToken => ({
  id,
  content,
  special: true,
  lstrip: false,
  rstrip: false,
  normalized: false,
  singleWord: false,
  ...flags,
});

function split(vocab: AddedVocabulary, text: string, normalized = false): (string | number)[] {
  const out: (string | number)[] = [];
  const emit = (id: number, from: number, to: number) => out.push(id >= 0 ? id : text.slice(from, to));
  if (normalized) vocab.splitNormalized(text, emit);
  else vocab.splitRaw(text, emit);
  return out;
}

describe('AddedVocabulary', () => {
  it('cuts tokens out of the text, longest match first', () => {
    const v = new AddedVocabulary();
    v.add([token(1, '<a>'), token(2, '<a><b>'), token(3, '<b>')]);
    expect(split(v, 'x<a><b>y<b><a>')).toEqual(['x', 2, 'y', 3, 1]);
    expect(split(v, '')).toEqual([]);
  });

  it('lstrip and rstrip swallow neighbouring whitespace', () => {
    const v = new AddedVocabulary();
    v.add([token(1, '<mask>', { lstrip: true, rstrip: true })]);
    const out: [number, number, number][] = [];
    v.splitRaw('a  <mask>\t b', (id, from, to) => out.push([id, from, to]));
    expect(out).toEqual([
      [-1, 0, 1],
      [1, 1, 11],
      [-1, 11, 12],
    ]);
  });

  it('single_word tokens only match outside words', () => {
    const v = new AddedVocabulary();
    v.add([token(1, 'ing', { singleWord: true })]);
    expect(split(v, 'sing ing ing_')).toEqual(['sing ', 1, ' ing_']);
  });

  it('matches normalized tokens against their normalized content, in normalized text only', () => {
    const v = new AddedVocabulary((t) => t.toLowerCase());
    v.add([token(1, 'HELLO', { normalized: true }), token(2, '<raw>')]);
    expect(split(v, 'say hello', true)).toEqual(['say ', 1]);
    expect(split(v, 'say hello')).toEqual(['say hello']);
    expect(split(v, 'a<raw>b')).toEqual(['a', 2, 'b']);
  });

  it('re-adding a token replaces its flags', () => {
    const v = new AddedVocabulary();
    v.add([token(5, 'X')]);
    v.add([token(5, 'X', { special: false })]);
    expect(v.size).toBe(1);
    expect(v.getById(5)?.special).toBe(false);
    expect(v.maxId).toBe(5);
  });
});
