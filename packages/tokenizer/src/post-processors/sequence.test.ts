import { describe, expect, it } from 'vitest';
import { ByteLevelProcessor } from './byte-level.js';
import { SequenceProcessor } from './sequence.js';
import { TemplateProcessor } from './template.js';

describe('SequenceProcessor', () => {
  it('applies ByteLevel then TemplateProcessing, as Llama-3 files do', () => {
    const p = new SequenceProcessor([
      new ByteLevelProcessor(true, false),
      new TemplateProcessor(
        [
          { kind: 'special', ids: [128000], typeId: 0 },
          { kind: 'sequence', sequence: 'A', typeId: 0 },
        ],
        [],
      ),
    ]);
    const [out] = p.processEach([{ ids: [5], offsets: [0, 3], typeIds: [0], tokens: ['Ġhi'] }], true);
    expect(out!.ids).toEqual([128000, 5]);
    expect(out!.offsets).toEqual([0, 0, 1, 3]);
    expect(p.addedTokens(false)).toBe(1);
  });
});
