import { describe, expect, it } from 'vitest';
import type { RawEncoding } from './post-processor.js';
import { TemplateProcessor } from './template.js';

const enc = (ids: number[], typeId = 0): RawEncoding => ({
  ids,
  offsets: ids.flatMap((_, k) => [k, k + 1]),
  typeIds: ids.map(() => typeId),
  tokens: ids.map(String),
});

describe('TemplateProcessor', () => {
  // BERT-like: [CLS]=101 $A [SEP]=102, pair [CLS] $A [SEP] $B:1 [SEP]:1
  const bert = new TemplateProcessor(
    [
      { kind: 'special', ids: [101], typeId: 0 },
      { kind: 'sequence', sequence: 'A', typeId: 0 },
      { kind: 'special', ids: [102], typeId: 0 },
    ],
    [
      { kind: 'special', ids: [101], typeId: 0 },
      { kind: 'sequence', sequence: 'A', typeId: 0 },
      { kind: 'special', ids: [102], typeId: 0 },
      { kind: 'sequence', sequence: 'B', typeId: 1 },
      { kind: 'special', ids: [102], typeId: 1 },
    ],
  );

  it('wraps a single sequence, special tokens at offset (0, 0)', () => {
    const [out] = bert.processEach([enc([7, 8])], true);
    expect(out!.ids).toEqual([101, 7, 8, 102]);
    expect(out!.offsets).toEqual([0, 0, 0, 1, 1, 2, 0, 0]);
    expect(bert.addedTokens(false)).toBe(2);
  });

  it('wraps a pair with type ids', () => {
    const [out] = bert.processEach([enc([7]), enc([9], 1)], true);
    expect(out!.ids).toEqual([101, 7, 102, 9, 102]);
    expect(out!.typeIds).toEqual([0, 0, 0, 1, 1]);
    expect(bert.addedTokens(true)).toBe(3);
  });

  it('changes nothing without addSpecialTokens', () => {
    const input = [enc([7, 8])];
    expect(bert.processEach(input, false)).toBe(input);
  });
});
