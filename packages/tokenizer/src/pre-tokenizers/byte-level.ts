/**
 * The `ByteLevel` pre-tokenizer (GPT-2): optional prefix space, optional GPT-2 regex split, and the
 * byte-to-unicode alphabet that maps each UTF-8 byte to a printable character.
 *
 * The byte mapping itself is done by the BPE model on integer arrays (models/bpe.ts, `byteLevel`),
 * which is why this stage must come last in a pre-tokenizer Sequence.
 * Reference: huggingface/tokenizers `pre_tokenizers/byte_level.rs`; OpenAI GPT-2 `encoder.py`.
 */
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';
import { splitByRegex } from './split-behavior.js';

/** GPT-2's pre-tokenization regex, with Oniguruma's `\s` spelled out (see oniguruma-regex.ts). */
const WS = '\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const GPT2_REGEX = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

/** GPT-2's byte -> character table: printable bytes map to themselves, the rest to U+0100 onwards. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
})();

/** Inverse of {@link BYTE_TO_CHAR}, indexed by char code (-1 where the char is not in the alphabet). */
export const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(512).fill(-1);
  BYTE_TO_CHAR.forEach((ch, b) => {
    table[ch.charCodeAt(0)] = b;
  });
  return table;
})();

/** Prefix space and GPT-2 regex split; byte mapping happens in the model. */
export class ByteLevelPreTokenizer implements PreTokenizer {
  constructor(
    readonly addPrefixSpace: boolean,
    readonly useRegex: boolean,
  ) {}

  /** True when the stage leaves pieces unchanged (the model still maps bytes). */
  get isPassThrough(): boolean {
    return !this.addPrefixSpace && !this.useRegex;
  }

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    if (this.addPrefixSpace && !text.startsWith(' ')) {
      text = ` ${text}`;
      prefix += 1;
    }
    if (this.useRegex) splitByRegex(GPT2_REGEX, 'Isolated', false, text, start, prefix, first, emit);
    else emit(text, start, prefix, first);
  }
}
