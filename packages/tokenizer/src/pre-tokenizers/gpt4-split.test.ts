import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileOnigurumaRegex } from '../oniguruma-regex.js';
import { LLAMA3_PATTERN, QWEN2_PATTERN, splitGpt4 } from './gpt4-split.js';

function byRegex(pattern: string, text: string): string[] {
  return [...text.matchAll(compileOnigurumaRegex(pattern))].map((m) => m[0]);
}

function bySplitter(maxDigits: number, text: string): string[] {
  const out: string[] = [];
  splitGpt4(text, maxDigits, (from, to) => out.push(text.slice(from, to)));
  return out;
}

const alphabet = fc.constantFrom(
  'a',
  'Z',
  'é',
  '世',
  '𝔘',
  '1',
  '٣',
  '²',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u00a0',
  '\u3000',
  '\u0085',
  '\ufeff',
  "'",
  "'s",
  "'LL",
  "'re",
  "'ſ",
  '!',
  '.',
  '😀',
  '\u0301',
  '\ud800',
  '\udc00',
  '_',
  '-',
  '<|',
  '|>',
);
const text = fc.oneof(
  fc.array(alphabet, { maxLength: 30 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

describe('splitGpt4', () => {
  it('splits a hand-checked example like the Qwen regex', () => {
    expect(bySplitter(1, "I'm 123 ok!!\n\n  x")).toEqual([
      'I',
      "'m",
      ' ',
      '1',
      '2',
      '3',
      ' ok',
      '!!\n\n',
      ' ',
      ' x',
    ]);
    expect(bySplitter(3, '12345 ')).toEqual(['123', '45', ' ']);
  });

  it('agrees with the translated Qwen2 and Llama-3 regexes on generated text', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(bySplitter(1, t)).toEqual(byRegex(QWEN2_PATTERN, t));
        expect(bySplitter(3, t)).toEqual(byRegex(LLAMA3_PATTERN, t));
      }),
      { numRuns: 3000, seed: 3 },
    );
  });
});
