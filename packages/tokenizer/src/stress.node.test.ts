/** Size extremes: empty input, 100k spaces, a 10 MB string, a 1 MB SentencePiece "word". */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokenizer } from './node.js';
import { generateCorpus } from './testing/corpus.js';
import { ourTokenizer, type RustTokenizer, rustTokenizer } from './testing/models.js';

let qwen: Tokenizer;
let llama2: Tokenizer;
let rustQwen: RustTokenizer;
let rustLlama2: RustTokenizer;

beforeAll(async () => {
  qwen = await ourTokenizer('qwen');
  llama2 = await ourTokenizer('llama2');
  rustQwen = rustTokenizer('qwen');
  rustLlama2 = rustTokenizer('llama2');
});

/** Index of the first differing element, or -1 (cheaper than a deep equal on millions of ids). */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) return k;
  return -1;
}

describe('size extremes', () => {
  it('encodes the empty string', async () => {
    expect(qwen.encode('')).toEqual([]);
    expect(llama2.encode('')).toEqual(
      (await rustLlama2.encode('', null, { addSpecialTokens: true })).getIds(),
    );
    expect(qwen.decode([])).toBe('');
  });

  it('encodes 100k spaces (one pre-token) exactly as Rust', async () => {
    const spaces = ' '.repeat(100_000);
    for (const [ours, rust] of [
      [qwen, rustQwen],
      [llama2, rustLlama2],
    ] as const) {
      const ids = ours.encode(spaces);
      expect(ids).toEqual((await rust.encode(spaces, null, { addSpecialTokens: true })).getIds());
      expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(spaces);
    }
  });

  it('encodes a 10 MB string exactly as Rust', async () => {
    const text = generateCorpus(10 * 1024 * 1024, 5);
    const ids = qwen.encode(text, { addSpecialTokens: false });
    const reference = (await rustQwen.encode(text, null, { addSpecialTokens: false })).getIds();
    expect(ids.length).toBe(reference.length);
    expect(firstDifference(ids, reference)).toBe(-1);
    expect(qwen.decode(ids) === text.normalize('NFC')).toBe(true);
  }, 120_000);

  it('encodes a 1 MB SentencePiece input (a single BPE word) exactly as Rust', async () => {
    const text = generateCorpus(1024 * 1024, 6);
    const ids = llama2.encode(text);
    const reference = (await rustLlama2.encode(text, null, { addSpecialTokens: true })).getIds();
    expect(ids.length).toBe(reference.length);
    expect(firstDifference(ids, reference)).toBe(-1);
  }, 60_000);

  it('encodes 10 MB as a single SentencePiece word (heap merge, no recursion) and decodes it back', () => {
    const text = 'The quick brown 狐狸 jumps over 42 lazy dogs. '.repeat(230_000);
    const ids = llama2.encode(text, { addSpecialTokens: false });
    expect(ids.length).toBeGreaterThan(text.length / 8);
    expect(llama2.decode(ids) === text).toBe(true);
  }, 60_000);
});
