import { describe, expect, it } from 'vitest';
import { expandImage, expandPrompt, type PromptImage } from './prompt.js';

const PAD = '<|vision_pad|>';
const img = (n: number): PromptImage => ({
  tags:
    n === 1
      ? ['<tile_global_thumbnail>']
      : [...Array.from({ length: n - 1 }, (_, i) => `<tile_${i + 1}>`), '<tile_global_thumbnail>'],
  hasThumbnail: n > 1,
});
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('expandImage', () => {
  it('NVLM-D: <Image> + tag + 256 pads per tile + </Image> (NVLM.md 16, 800 x 600 -> 7 tiles)', () => {
    const block = expandImage(img(7));
    expect(count(block.text, PAD)).toBe(1792);
    expect(block.imageTokens).toBe(1792);
    expect(count(block.text, '<Image>')).toBe(1);
    expect(count(block.text, '</Image>')).toBe(1);
    const tagOrder = block.text.match(/<tile_[^>]+>/g);
    expect(tagOrder).toEqual([
      '<tile_1>',
      '<tile_2>',
      '<tile_3>',
      '<tile_4>',
      '<tile_5>',
      '<tile_6>',
      '<tile_global_thumbnail>',
    ]);
    expect(block.text.startsWith(`<Image><tile_1>${PAD}`)).toBe(true);
    expect(block.text.endsWith(`<tile_global_thumbnail>${PAD.repeat(256)}</Image>`)).toBe(true);
    expect(block.crossAttention).toEqual([]);
  });

  it('takes the image token and count from options', () => {
    const block = expandImage(img(1), { imageToken: '<IMG>', tokensPerTile: 4 });
    expect(block.text).toBe('<Image><tile_global_thumbnail><IMG><IMG><IMG><IMG></Image>');
  });

  it('NVLM-X: tags only, every tile to cross-attention with its tag', () => {
    const block = expandImage(img(3), { arch: 'nvlm-x' });
    expect(block.text).toBe('<Image><tile_1><tile_2><tile_global_thumbnail></Image>');
    expect(block.imageTokens).toBe(0);
    expect(block.crossAttention).toEqual([
      { image: 0, tile: 0, tag: '<tile_1>' },
      { image: 0, tile: 1, tag: '<tile_2>' },
      { image: 0, tile: 2, tag: '<tile_global_thumbnail>' },
    ]);
    expect(block.segments.map((s) => s.kind)).toEqual(['text', 'tag', 'tag', 'tag', 'text']);
  });

  it('NVLM-H: thumbnail block in the decoder, regular tiles (with tags) to cross-attention', () => {
    const block = expandImage(img(3), { arch: 'nvlm-h', tokensPerTile: 2 });
    expect(block.text).toBe(`<Image><tile_global_thumbnail>${PAD}${PAD}</Image>`);
    expect(block.crossAttention).toEqual([
      { image: 0, tile: 0, tag: '<tile_1>' },
      { image: 0, tile: 1, tag: '<tile_2>' },
    ]);
    const single = expandImage(img(1), { arch: 'nvlm-h', tokensPerTile: 1 });
    expect(single.text).toBe(`<Image><tile_global_thumbnail>${PAD}</Image>`);
    expect(single.crossAttention).toEqual([]);
  });

  it('segments reproduce the text and separate tags from image tokens', () => {
    const block = expandImage(img(2), { tokensPerTile: 3 });
    expect(block.segments.map((s) => s.text).join('')).toBe(block.text);
    expect(block.segments).toEqual([
      { kind: 'text', text: '<Image>' },
      { kind: 'tag', text: '<tile_1>', image: 0, tile: 0 },
      { kind: 'image', text: PAD.repeat(3), token: PAD, count: 3, image: 0, tile: 0 },
      { kind: 'tag', text: '<tile_global_thumbnail>', image: 0, tile: 1 },
      { kind: 'image', text: PAD.repeat(3), token: PAD, count: 3, image: 0, tile: 1 },
      { kind: 'text', text: '</Image>' },
    ]);
  });

  it('omits empty tags (tags none)', () => {
    const block = expandImage({ tags: ['', ''], hasThumbnail: true }, { tokensPerTile: 1 });
    expect(block.text).toBe(`<Image>${PAD}${PAD}</Image>`);
  });

  it('rejects bad options', () => {
    expect(() => expandImage(img(1), { tokensPerTile: 0 })).toThrow(
      /'tokensPerTile' must be an integer in \[1, 65536\]/,
    );
    expect(() => expandImage(img(1), { arch: 'nvlm-q' as 'nvlm-d' })).toThrow(/'arch' must be one of/);
    expect(() => expandImage({ tags: [], hasThumbnail: false })).toThrow(TypeError);
  });
});

describe('expandPrompt', () => {
  it('prepends <image>\\n per image when the text has no placeholder, numbering restarting per image', () => {
    const out = expandPrompt('Compare them.', [img(3), img(2)], { tokensPerTile: 1 });
    expect(out.text).toBe(
      `<Image><tile_1>${PAD}<tile_2>${PAD}<tile_global_thumbnail>${PAD}</Image>\n` +
        `<Image><tile_1>${PAD}<tile_global_thumbnail>${PAD}</Image>\nCompare them.`,
    );
    expect(out.imageTokens).toBe(5);
    const tagImages = out.segments
      .filter((s) => s.kind === 'tag')
      .map((s) => (s.kind === 'tag' ? s.image : -1));
    expect(tagImages).toEqual([0, 0, 0, 1, 1]);
  });

  it('replaces explicit placeholders in order', () => {
    const out = expandPrompt('A: <image> B: <image>?', [img(1), img(1)], { arch: 'nvlm-x' });
    expect(out.text).toBe(
      'A: <Image><tile_global_thumbnail></Image> B: <Image><tile_global_thumbnail></Image>?',
    );
    expect(out.crossAttention.map((c) => c.image)).toEqual([0, 1]);
  });

  it('leaves text without images alone, and rejects a placeholder/image count mismatch', () => {
    expect(expandPrompt('hello', []).text).toBe('hello');
    expect(() => expandPrompt('<image> and <image>', [img(1)])).toThrow(
      /'text' has 2 '<image>' placeholder\(s\) but 1 image\(s\) were given/,
    );
    expect(() => expandPrompt('<image>', [])).toThrow(RangeError);
  });
});
