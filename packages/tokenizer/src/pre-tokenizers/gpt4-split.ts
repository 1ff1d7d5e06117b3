/**
 * A hand-written matcher for the GPT-4-style pre-tokenization regex that Qwen2/2.5/3 and Llama-3 put
 * in tokenizer.json (a `Split` with `Isolated`), producing exactly the pieces the regex produces but
 * without running a regex engine: one pass over UTF-16 units with a per-character class table.
 *
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,K}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 *   \s*[\r\n]+|\s+(?!\S)|\s+                                   (K = 1 for Qwen, 3 for Llama-3)
 *
 * Each alternative is resolved as the backtracking engine would (first alternative that matches,
 * greedy, with the backtracking of `\s*[\r\n]+` and `\s+(?!\S)` computed directly). Character classes
 * come from the same JS Unicode properties as the translated regex (oniguruma-regex.ts), so both paths
 * agree; the differential tests check both against the Rust tokenizers.
 */

/** The Qwen2 pattern as it appears in tokenizer.json. */
export const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** The Llama-3 pattern (digits in groups of up to three). */
export const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** Receives the `[from, to)` of each piece. */
export type RangeSink = (from: number, to: number) => void;

const UNKNOWN = 0;
const LETTER = 1;
const NUMBER = 2;
/** Whitespace other than CR and LF (Oniguruma's `\s`). */
const SPACE = 3;
/** `\r` or `\n`. */
const NEWLINE = 4;
const OTHER = 5;
/** A high surrogate: the class depends on the pair (see `slowClass`). */
const HIGH_SURROGATE = 6;

const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = /^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/u;

function classify(ch: string): number {
  if (ch === '\r' || ch === '\n') return NEWLINE;
  if (IS_SPACE.test(ch)) return SPACE;
  if (IS_LETTER.test(ch)) return LETTER;
  if (IS_NUMBER.test(ch)) return NUMBER;
  return OTHER;
}

/** Class of each BMP code unit (0 until first seen); ASCII and surrogates filled up front. */
const CLASS = (() => {
  const table = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) table[c] = classify(String.fromCharCode(c));
  for (let c = 0xd800; c < 0xdc00; c++) table[c] = HIGH_SURROGATE;
  for (let c = 0xdc00; c < 0xe000; c++) table[c] = OTHER; // a lone low surrogate
  return table;
})();
const astralClass = new Map<number, number>();

/** Class of the character at `i` when the table has no final answer (unseen BMP unit, surrogates). */
function slowClass(text: string, i: number, len: number): number {
  const c = text.charCodeAt(i);
  if (CLASS[c] === HIGH_SURROGATE) {
    if (i + 1 >= len || (text.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) return OTHER; // lone
    const cp = text.codePointAt(i)!;
    let k = astralClass.get(cp);
    if (k === undefined) {
      k = classify(String.fromCodePoint(cp));
      astralClass.set(cp, k);
    }
    return k;
  }
  const k = classify(String.fromCharCode(c));
  CLASS[c] = k;
  return k;
}

/** Class of the character starting at unit `i`. */
function classAt(text: string, i: number, len: number): number {
  const k = CLASS[text.charCodeAt(i)]!;
  return k === UNKNOWN || k === HIGH_SURROGATE ? slowClass(text, i, len) : k;
}

/** Width in units (2 for a surrogate pair) of the character starting at `i`. */
function widthAt(text: string, i: number, len: number): number {
  return (text.charCodeAt(i) & 0xfc00) === 0xd800 &&
    i + 1 < len &&
    (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ? 2
    : 1;
}

/** End of the run of characters of class `a` or `b` starting at `i`. */
function runEnd(text: string, i: number, len: number, a: number, b: number): number {
  while (i < len) {
    const k = CLASS[text.charCodeAt(i)]!;
    if (k === a || k === b) {
      i++;
      continue;
    }
    if (k !== UNKNOWN && k !== HIGH_SURROGATE) break;
    const slow = slowClass(text, i, len);
    if (slow !== a && slow !== b) break;
    i += widthAt(text, i, len);
  }
  return i;
}

/** The digit-group size of a known pattern (1 for Qwen2, 3 for Llama-3), or undefined. */
export function gpt4SplitterFor(pattern: string): number | undefined {
  if (pattern === QWEN2_PATTERN) return 1;
  if (pattern === LLAMA3_PATTERN) return 3;
  return undefined;
}

/** Splits `text` as the GPT-4-style regex with digit groups of up to `maxDigits` would. */
export function splitGpt4(text: string, maxDigits: number, emit: RangeSink): void {
  const ends = splitGpt4Ends(text, maxDigits);
  let from = 0;
  for (let k = 0; k < ends.count; k++) {
    const to = ends.buffer[k]!;
    emit(from, to);
    from = to;
  }
}

let scratch = new Int32Array(1024);

/**
 * The end offsets of the pieces of `text`, in a shared scratch buffer (valid until the next call):
 * piece k is `[ends[k - 1] ?? 0, ends[k])`. Two tight loops (split, then use) run faster than one
 * loop calling back per piece.
 */
export function splitGpt4Ends(text: string, maxDigits: number): { buffer: Int32Array; count: number } {
  const len = text.length;
  if (scratch.length < len) scratch = new Int32Array(Math.max(len, scratch.length * 2));
  const ends = scratch;
  let count = 0;
  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    const cls = classAt(text, i, len);
    let end = -1;
    // 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if (c === 0x27 && i + 1 < len) {
      const a = text.charCodeAt(i + 1) | 0x20;
      const b = i + 2 < len ? text.charCodeAt(i + 2) | 0x20 : 0;
      if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64 || text.charCodeAt(i + 1) === 0x17f)
        end = i + 2;
      else if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c))
        end = i + 3;
    }
    if (end < 0) {
      if (cls === LETTER) {
        // 2. letters (the optional prefix is not taken: it cannot be a letter)
        end = runEnd(text, i, len, LETTER, LETTER);
      } else if (cls === NUMBER) {
        // 3. \p{N}{1,maxDigits}
        end = i + widthAt(text, i, len);
        for (let n = 1; n < maxDigits && end < len && classAt(text, end, len) === NUMBER; n++)
          end += widthAt(text, end, len);
      } else {
        const w = widthAt(text, i, len);
        if (cls !== NEWLINE && i + w < len && classAt(text, i + w, len) === LETTER) {
          // 2. one non-letter, non-digit, non-newline character followed by letters
          end = runEnd(text, i + w, len, LETTER, LETTER);
        } else if (c === 0x20 && i + 1 < len && classAt(text, i + 1, len) === OTHER) {
          // 4. a space, then symbols, then newlines
          end = runEnd(text, runEnd(text, i + 1, len, OTHER, OTHER), len, NEWLINE, NEWLINE);
        } else if (cls === OTHER) {
          // 4. symbols, then newlines
          end = runEnd(text, runEnd(text, i, len, OTHER, OTHER), len, NEWLINE, NEWLINE);
        } else {
          // Whitespace: 5. \s*[\r\n]+ ends after the last newline of the run; 6. \s+(?!\S) leaves the
          // last space for the next piece when text follows; 7. \s+.
          const wsEnd = runEnd(text, i, len, SPACE, NEWLINE);
          let lastNewline = -1;
          for (let j = wsEnd - 1; j >= i; j--) {
            const k = text.charCodeAt(j);
            if (k === 0x0a || k === 0x0d) {
              lastNewline = j;
              break;
            }
          }
          if (lastNewline >= 0) end = lastNewline + 1;
          else if (wsEnd === len) end = wsEnd;
          // Whitespace characters are all single units (BMP), so "one character back" is one unit.
          else end = wsEnd - i >= 2 ? wsEnd - 1 : wsEnd;
        }
      }
    }
    ends[count++] = end;
    i = end;
  }
  const result = { buffer: ends, count };
  if (scratch.length > 1 << 22) scratch = new Int32Array(1024); // do not hold on to a huge buffer
  return result;
}
