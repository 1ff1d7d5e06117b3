import { describe, expect, it } from 'vitest';
import type { TextVocabulary } from './models/vocabulary.js';
import { parseWithScannedVocab, SCANNED_MERGES, SCANNED_VOCAB, type ScannedMerges } from './vocab-scanner.js';

type Scanned = {
  model: { vocab: { [SCANNED_VOCAB]: TextVocabulary }; merges: { [SCANNED_MERGES]: ScannedMerges } };
};

describe('parseWithScannedVocab', () => {
  const json = {
    added_tokens: [{ id: 0, content: '"vocab": {' }],
    model: {
      type: 'BPE',
      vocab: { a: 0, '\\': 1, '"q"': 2, é: 3, '\u0000': 4, 'Ġ\n': 5, 'a\\u0041': 6, 'a é': 7, dup: 8 },
      merges: ['a é', ['"q"', '\\'], 'a b c', ['a', 'é']],
    },
  };
  const text = JSON.stringify(json, null, 2);
  const parsed = parseWithScannedVocab(text) as unknown as Scanned;

  it('locates every token, escaped or not, as JSON.parse would read it', () => {
    expect(parsed).toBeDefined();
    const vocab = parsed.model.vocab[SCANNED_VOCAB];
    expect(vocab.size).toBe(9);
    for (const [token, id] of Object.entries(json.model.vocab)) {
      expect(vocab.get(token)).toBe(id);
      expect(vocab.tokenOf(id)).toBe(token);
    }
    expect(vocab.get('b')).toBeUndefined();
    expect(vocab.tokenOf(99)).toBeUndefined();
    expect(vocab.idOfRange('xx"q"yy', 2, 5)).toBe(2);
    expect((parsed as unknown as typeof json).added_tokens).toEqual(json.added_tokens);
  });

  it('records merges as ranges, decoding escaped and malformed rules', () => {
    const merges = parsed.model.merges[SCANNED_MERGES];
    expect(merges.count).toBe(4);
    const rule = (r: number) =>
      merges.decoded.get(r) ?? [
        text.slice(merges.ranges[4 * r]!, merges.ranges[4 * r + 1]!),
        text.slice(merges.ranges[4 * r + 2]!, merges.ranges[4 * r + 3]!),
      ];
    expect(rule(0)).toEqual(['a', 'é']);
    expect(rule(1)).toEqual(['"q"', '\\']);
    expect(rule(2)).toBe('a b c'); // malformed: left for the string path to reject
    expect(rule(3)).toEqual(['a', 'é']);
  });

  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    const dup = parseWithScannedVocab(
      '{"model": {"vocab": {"x": 0, "x": 1}, "merges": []}}',
    ) as unknown as Scanned;
    const vocab = dup.model.vocab[SCANNED_VOCAB];
    expect(vocab.get('x')).toBe(1);
    expect(vocab.tokenOf(0)).toBeUndefined();
    expect(vocab.size).toBe(1);
  });

  it('declines unusual layouts so the caller falls back to JSON.parse', () => {
    expect(parseWithScannedVocab('{"model": {"vocab": {"a": 1.5}, "merges": []}}')).toBeUndefined();
    expect(parseWithScannedVocab('{"model": {"vocab": {"a": 1}}}')).toBeUndefined();
    expect(parseWithScannedVocab('{"x": {"vocab": {"a": 1}, "merges": []}}')).toBeUndefined();
    expect(parseWithScannedVocab('not json')).toBeUndefined();
  });
});
