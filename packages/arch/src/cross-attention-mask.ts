/**
 * Which cross-attention memory entries each decoder token may read, for NVLM-X and NVLM-H
 * (DESIGN.md "NVLM-X and NVLM-H"):
 * - X: an image starts at its first tag token (its own `<Image>` tokens do not see it). A token of
 *   tag k of an image attends only to tile k of that image; every other token attends to every
 *   tile of every image started at or before it.
 * - H: every token from an image's thumbnail tag on sees all of that image's entries (its tags'
 *   embeddings and its regular tiles); there is no per-tag rule.
 * A token with nothing to attend to gets a zero cross-attention output (the graph's rule).
 */
import { ArchError } from './errors.js';

/** What a decoder token is, for the mask. */
export interface TokenRole {
  /** Set for tokens of a tile tag: the image and the tag's tile (0-based, in tile order). */
  readonly tag?: { readonly image: number; readonly tile: number; readonly thumbnail: boolean };
}

/** One memory row: which image and tile it belongs to. */
export interface MemoryEntry {
  readonly image: number;
  readonly tile: number;
}

/** The mask [L, M] as 0/1 bytes, row-major. */
export function crossAttentionMask(
  arch: 'nvlm-x' | 'nvlm-h',
  tokens: readonly TokenRole[],
  memory: readonly MemoryEntry[],
): Uint8Array {
  const L = tokens.length;
  const M = memory.length;
  const mask = new Uint8Array(L * M);
  // Where each image starts: X at its first tag token, H at its thumbnail tag.
  const starts = new Map<number, number>();
  tokens.forEach((token, i) => {
    const tag = token.tag;
    if (!tag) return;
    if (arch === 'nvlm-x' ? !starts.has(tag.image) : tag.thumbnail && !starts.has(tag.image))
      starts.set(tag.image, i);
  });
  for (const entry of memory) {
    if (!starts.has(entry.image)) {
      throw new ArchError(
        'INTERNAL',
        `memory holds image ${entry.image}, whose ${arch === 'nvlm-x' ? 'tags' : 'thumbnail tag'} are not in the prompt`,
      );
    }
  }
  for (let i = 0; i < L; i++) {
    const tag = tokens[i]!.tag;
    for (let j = 0; j < M; j++) {
      const entry = memory[j]!;
      let visible: boolean;
      if (arch === 'nvlm-x' && tag) visible = entry.image === tag.image && entry.tile === tag.tile;
      else visible = starts.get(entry.image)! <= i;
      mask[i * M + j] = visible ? 1 : 0;
    }
  }
  return mask;
}
