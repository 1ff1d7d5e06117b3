/**
 * Small hand-written tokenizer.json objects for unit tests, whose expected outputs can be worked out
 * by hand. Not part of the public API.
 */
import type { TokenizerJson } from '../json-types.js';

/** Vocabulary from a token list: id = position. */
export function vocabOf(tokens: readonly string[]): Record<string, number> {
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

/**
 * A character-level BPE over `a b c d` with merges `a b` -> `ab` (rank 0), `ab c` -> `abc` (rank 1),
 * `c d` -> `cd` (rank 2), whitespace split; unknown characters map to `<unk>`.
 */
export function tinyBpeJson(overrides: Partial<TokenizerJson> = {}): TokenizerJson {
  return {
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    model: {
      type: 'BPE',
      vocab: vocabOf(['<unk>', 'a', 'b', 'c', 'd', 'ab', 'abc', 'cd']),
      merges: ['a b', 'ab c', 'c d'],
      unk_token: '<unk>',
    },
    post_processor: null,
    decoder: null,
    ...overrides,
  };
}

/** A byte-level BPE: the 256 byte-alphabet tokens plus `Ġa` (merge `Ġ a`), ByteLevel decoder. */
export function tinyByteLevelJson(): TokenizerJson {
  return {
    added_tokens: [{ id: 257, content: '<|end|>', special: true, normalized: false }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true, trim_offsets: false },
    model: { type: 'BPE', vocab: vocabOf([...byteAlphabet(), 'Ġa']), merges: [['Ġ', 'a']] },
    post_processor: null,
    decoder: { type: 'ByteLevel' },
  };
}

/** GPT-2's byte alphabet, written out independently of the implementation under test. */
function byteAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  let extra = 0;
  return Array.from({ length: 256 }, (_, b) =>
    String.fromCharCode(printable.includes(b) ? b : 256 + extra++),
  );
}
