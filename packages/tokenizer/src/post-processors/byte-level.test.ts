import { describe, expect, it } from 'vitest';
import { ByteLevelProcessor } from './byte-level.js';

describe('ByteLevelProcessor', () => {
  it('trims spaces (Ġ) off token offsets when trim_offsets is set', () => {
    const p = new ByteLevelProcessor(true, false);
    const [out] = p.processEach([
      {
        ids: [1, 2, 3],
        offsets: [0, 5, 5, 11, 11, 14],
        typeIds: [0, 0, 0],
        tokens: ['Hello', 'Ġworld', 'ĠĠĠ'],
      },
    ]);
    expect(out!.offsets).toEqual([0, 5, 6, 11, 14, 14]);
    expect(out!.ids).toEqual([1, 2, 3]);
  });

  it('keeps the added prefix space of the first token with add_prefix_space', () => {
    const p = new ByteLevelProcessor(true, true);
    const [out] = p.processEach([{ ids: [1], offsets: [0, 5], typeIds: [0], tokens: ['ĠHello'] }]);
    expect(out!.offsets).toEqual([0, 5]);
  });

  it('leaves offsets alone without trim_offsets', () => {
    const p = new ByteLevelProcessor(false, false);
    const [out] = p.processEach([{ ids: [2], offsets: [5, 11], typeIds: [0], tokens: ['Ġworld'] }]);
    expect(out!.offsets).toEqual([5, 11]);
  });
});
