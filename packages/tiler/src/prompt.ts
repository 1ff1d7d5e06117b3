/**
 * Prompt expansion: each image placeholder becomes that image's block of tags and image tokens, per
 * architecture (NVLM.md 8.1; DESIGN.md "Prompt convention" and the NVLM-X / NVLM-H prompt forms):
 *
 * - `nvlm-d`: `<Image>` + for each tile (tag + N image tokens) + `</Image>`;
 * - `nvlm-x`: `<Image>` + every tile's tag + `</Image>`, no image tokens; all tiles go to
 *   cross-attention, tag k of an image attending to tile k;
 * - `nvlm-h`: `<Image>` + thumbnail tag + N image tokens + `</Image>`; the regular tiles go to
 *   cross-attention as `[embed(tag_1), tile 1, embed(tag_2), tile 2, ...]`.
 *
 * Besides the expanded string, the result lists ordered segments (text, tag, image tokens), so a
 * runtime can tokenize each tag on its own for X and H ("each tile tag is tokenized on its own")
 * and the whole string at once for D, as the released model saw it.
 */

/** The three NVLM 1.0 architectures. */
export type VlmArchitecture = 'nvlm-d' | 'nvlm-x' | 'nvlm-h';

/** All architectures, for option parsing. */
export const VLM_ARCHITECTURES: readonly VlmArchitecture[] = ['nvlm-d', 'nvlm-x', 'nvlm-h'];

/** NVLM-D-72B's image context token (`IMG_CONTEXT`, id 151654 in the Qwen2.5 tokenizer). */
export const DEFAULT_IMAGE_TOKEN = '<|vision_pad|>';
/** Image tokens per 448 px tile: (448 / 14)^2 * 0.5^2 (NVLM.md 4). */
export const DEFAULT_TOKENS_PER_TILE = 256;
/** The user-message placeholder each image replaces (DESIGN.md prompt convention). */
export const IMAGE_PLACEHOLDER = '<image>';

/** How image blocks are written; the token string and count come from the model config. */
export interface ImagePromptOptions {
  /** Architecture whose prompt form to use. Default `'nvlm-d'`. */
  arch?: VlmArchitecture;
  /** The image context token. Default `<|vision_pad|>`. */
  imageToken?: string;
  /** Image tokens per tile. Default 256. */
  tokensPerTile?: number;
  /** Text opening an image block. Default `<Image>`. */
  imageStart?: string;
  /** Text closing an image block. Default `</Image>`. */
  imageEnd?: string;
}

/** What `expandPrompt` needs to know about one image (a `TiledImage` has all of it). */
export interface PromptImage {
  /** One tag per tile, in tile order (`''` for no tag). */
  readonly tags: readonly string[];
  /** Whether the last tile is the thumbnail (the global view). */
  readonly hasThumbnail: boolean;
}

/** One piece of an expanded prompt, in order. */
export type PromptSegment =
  /** Ordinary text (chat text, `<Image>`, `</Image>`), tokenized normally. */
  | { readonly kind: 'text'; readonly text: string }
  /** A tile tag; for X and H tokenize it on its own. */
  | { readonly kind: 'tag'; readonly text: string; readonly image: number; readonly tile: number }
  /** `count` copies of `token`, to be replaced by tile `tile`'s features of image `image`. */
  | {
      readonly kind: 'image';
      readonly text: string;
      readonly token: string;
      readonly count: number;
      readonly image: number;
      readonly tile: number;
    };

/** A tile read through cross-attention (NVLM-X: every tile; NVLM-H: the regular tiles). */
export interface CrossAttentionTile {
  readonly image: number;
  readonly tile: number;
  /** The tile's tag: X masks tag k to tile k; H embeds it before the tile's features. */
  readonly tag: string;
}

/** An expanded prompt or image block. */
export interface ExpandedPrompt {
  /** The full string. */
  readonly text: string;
  /** The same string cut into text, tag and image-token segments (adjacent text merged). */
  readonly segments: readonly PromptSegment[];
  /** Cross-attention entries in key order (empty for NVLM-D). */
  readonly crossAttention: readonly CrossAttentionTile[];
  /** Number of image tokens in `text`. */
  readonly imageTokens: number;
}

interface ResolvedPromptOptions {
  arch: VlmArchitecture;
  imageToken: string;
  tokensPerTile: number;
  imageStart: string;
  imageEnd: string;
}

function resolvePromptOptions(options: ImagePromptOptions): ResolvedPromptOptions {
  const arch = options.arch ?? 'nvlm-d';
  if (!VLM_ARCHITECTURES.includes(arch)) {
    throw new RangeError(`'arch' must be one of ${VLM_ARCHITECTURES.join(', ')}, got '${String(arch)}'`);
  }
  const tokensPerTile = options.tokensPerTile ?? DEFAULT_TOKENS_PER_TILE;
  if (!Number.isInteger(tokensPerTile) || tokensPerTile < 1 || tokensPerTile > 65536) {
    throw new RangeError(`'tokensPerTile' must be an integer in [1, 65536], got ${String(tokensPerTile)}`);
  }
  const strings = {
    imageToken: options.imageToken ?? DEFAULT_IMAGE_TOKEN,
    imageStart: options.imageStart ?? '<Image>',
    imageEnd: options.imageEnd ?? '</Image>',
  };
  for (const [name, value] of Object.entries(strings)) {
    if (typeof value !== 'string') throw new TypeError(`'${name}' must be a string`);
  }
  if (strings.imageToken === '') throw new RangeError(`'imageToken' must not be empty`);
  return { arch, tokensPerTile, ...strings };
}

/** Collects segments, merging adjacent text and dropping empty text. */
class SegmentBuilder {
  readonly segments: PromptSegment[] = [];
  readonly crossAttention: CrossAttentionTile[] = [];
  imageTokens = 0;

  text(text: string): void {
    if (text === '') return;
    const last = this.segments.at(-1);
    if (last?.kind === 'text')
      this.segments[this.segments.length - 1] = { kind: 'text', text: last.text + text };
    else this.segments.push({ kind: 'text', text });
  }

  tag(text: string, image: number, tile: number): void {
    if (text !== '') this.segments.push({ kind: 'tag', text, image, tile });
  }

  tokens(token: string, count: number, image: number, tile: number): void {
    this.segments.push({ kind: 'image', text: token.repeat(count), token, count, image, tile });
    this.imageTokens += count;
  }

  image(image: PromptImage, index: number, o: ResolvedPromptOptions): void {
    checkPromptImage(image, index);
    const { tags } = image;
    // The global view: the thumbnail, or the only tile of a single-tile image.
    const globalTile = image.hasThumbnail || tags.length === 1 ? tags.length - 1 : -1;
    this.text(o.imageStart);
    for (let tile = 0; tile < tags.length; tile++) {
      const tag = tags[tile]!;
      if (o.arch === 'nvlm-d') {
        this.tag(tag, index, tile);
        this.tokens(o.imageToken, o.tokensPerTile, index, tile);
      } else if (o.arch === 'nvlm-x') {
        this.tag(tag, index, tile);
        this.crossAttention.push({ image: index, tile, tag });
      } else if (tile === globalTile) {
        this.tag(tag, index, tile);
        this.tokens(o.imageToken, o.tokensPerTile, index, tile);
      } else {
        this.crossAttention.push({ image: index, tile, tag });
      }
    }
    this.text(o.imageEnd);
  }

  build(): ExpandedPrompt {
    return {
      text: this.segments.map((s) => s.text).join(''),
      segments: this.segments,
      crossAttention: this.crossAttention,
      imageTokens: this.imageTokens,
    };
  }
}

function checkPromptImage(image: PromptImage, index: number): void {
  if (
    image === null ||
    typeof image !== 'object' ||
    !Array.isArray(image.tags) ||
    image.tags.length === 0 ||
    !image.tags.every((t) => typeof t === 'string')
  ) {
    throw new TypeError(`'images[${index}].tags' must be a non-empty array of strings`);
  }
}

/** The block one image's placeholder becomes (`index` numbers the image in its prompt). */
export function expandImage(image: PromptImage, options: ImagePromptOptions = {}, index = 0): ExpandedPrompt {
  const builder = new SegmentBuilder();
  builder.image(image, index, resolvePromptOptions(options));
  return builder.build();
}

/**
 * Expands a user message with images (DESIGN.md prompt convention): without any `<image>` in
 * `text`, `<image>\n` is prepended once per image; then each `<image>` is replaced in order by its
 * image's block, tile numbering restarting for every image. The placeholder count must equal the
 * image count when the text has placeholders.
 */
export function expandPrompt(
  text: string,
  images: readonly PromptImage[],
  options: ImagePromptOptions & { placeholder?: string } = {},
): ExpandedPrompt {
  if (typeof text !== 'string') throw new TypeError(`'text' must be a string`);
  if (!Array.isArray(images)) throw new TypeError(`'images' must be an array`);
  const placeholder = options.placeholder ?? IMAGE_PLACEHOLDER;
  if (typeof placeholder !== 'string' || placeholder === '') {
    throw new TypeError(`'placeholder' must be a non-empty string`);
  }
  const resolved = resolvePromptOptions(options);
  const withPlaceholders =
    images.length > 0 && !text.includes(placeholder) ? `${placeholder}\n`.repeat(images.length) + text : text;
  const parts = withPlaceholders.split(placeholder);
  if (parts.length - 1 !== images.length) {
    throw new RangeError(
      `'text' has ${parts.length - 1} '${placeholder}' placeholder(s) but ${images.length} image(s) were given`,
    );
  }
  const builder = new SegmentBuilder();
  parts.forEach((part, i) => {
    builder.text(part);
    if (i < images.length) builder.image(images[i]!, i, resolved);
  });
  return builder.build();
}
