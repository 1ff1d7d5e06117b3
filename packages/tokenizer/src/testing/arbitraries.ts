/** fast-check generators of tokenizer-hostile text. Not part of the public API. */
import fc from 'fast-check';
import { FIXED_CORPUS } from './corpus.js';

const FRAGMENTS = [
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '\u00a0',
  '\u3000',
  '\u0085',
  '\ufeff',
  '\u200d',
  "'s",
  "'LL",
  "'ſ",
  '<|im_end|>',
  '<|im_start|>',
  '<|endoftext|>',
  '<s>',
  '</s>',
  '<unk>',
  '<Image>',
  '<tile_1>',
  '<|vision_pad|>',
  '<tile_global_thumbnail>',
  '123',
  '٣',
  '😀',
  '👨‍👩‍👧',
  'e\u0301',
  'ﬁ',
  'Ａ',
];

/** Concatenations of random Unicode, graphemes, corpus snippets and tricky fragments. */
export const tokenizerText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom(...FIXED_CORPUS.slice(1)).map((s) => s.slice(0, 40)),
      fc.constantFrom(...FRAGMENTS),
      fc.string({
        unit: fc.constantFrom('a', 'b', ' ', 'é', '世', '1', '\n', "'", 'S', 'ſ', '!', '\u0301'),
        maxLength: 20,
      }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
