import { describe, expect, it } from 'vitest';
import { ByteFallbackDecoder } from './byte-fallback.js';
import { FuseDecoder } from './fuse.js';
import { ReplaceDecoder } from './replace.js';
import { SequenceDecoder } from './sequence.js';
import { StripDecoder } from './strip.js';

describe('SequenceDecoder', () => {
  it("runs Llama-2's decoder chain: Replace, ByteFallback, Fuse, Strip", () => {
    const d = new SequenceDecoder([
      new ReplaceDecoder(/▁/gu, ' '),
      new ByteFallbackDecoder(),
      new FuseDecoder(),
      new StripDecoder(' ', 1, 0),
    ]);
    expect(d.decodeChain(['▁Hello', '▁', '<0xE4>', '<0xB8>', '<0x96>', '!'])).toEqual(['Hello 世!']);
  });
});
