/**
 * NVLM-X / NVLM-H prompt glue (DESIGN.md "NVLM-X and NVLM-H"): the expanded prompt is tokenized
 * segment by segment, each tile tag on its own (Megatron style), so every tag token knows its image
 * and tile; the cross-attention memory is laid out (X: every tile's features; H: for each regular
 * tile, the embeddings of its tag's tokens then its features); and the mask of which memory rows
 * each decoder token sees comes from @nvlm-ts/arch's `crossAttentionMask`.
 */
import { crossAttentionMask, type MemoryEntry, type TokenRole } from '@nvlm-ts/arch';
import type { ExpandedPrompt } from '@nvlm-ts/tiler';
import type { Tokenizer } from '@nvlm-ts/tokenizer';

/** One run of memory rows: tag-token embeddings or a tile's features. */
export type MemoryPart =
  | { readonly kind: 'tag'; readonly image: number; readonly tile: number; readonly ids: readonly number[] }
  | { readonly kind: 'tile'; readonly image: number; readonly tile: number };

export interface CrossPrompt {
  readonly ids: number[];
  readonly roles: TokenRole[];
  /** Memory layout in key order. */
  readonly parts: readonly MemoryPart[];
  /** Memory rows, one per row, for the mask. */
  readonly entries: readonly MemoryEntry[];
}

/** Tokenizes an X/H prompt by segments and lays out its cross-attention memory. */
export function buildCrossPrompt(
  arch: 'nvlm-x' | 'nvlm-h',
  tokenizer: Tokenizer,
  expanded: ExpandedPrompt,
  imageTokenId: number,
  tokensPerTile: number,
  tilesPerImage: readonly number[],
): CrossPrompt {
  const ids: number[] = [];
  const roles: TokenRole[] = [];
  for (const segment of expanded.segments) {
    if (segment.kind === 'image') {
      for (let i = 0; i < segment.count; i++) {
        ids.push(imageTokenId);
        roles.push({});
      }
      continue;
    }
    const pieceIds = tokenizer.encode(segment.text, { addSpecialTokens: false });
    const role: TokenRole =
      segment.kind === 'tag'
        ? {
            tag: {
              image: segment.image,
              tile: segment.tile,
              thumbnail: segment.tile === tilesPerImage[segment.image]! - 1,
            },
          }
        : {};
    for (const id of pieceIds) {
      ids.push(id);
      roles.push(role);
    }
  }
  const parts: MemoryPart[] = [];
  const entries: MemoryEntry[] = [];
  for (const entry of expanded.crossAttention) {
    if (arch === 'nvlm-h') {
      const tagIds = tokenizer.encode(entry.tag, { addSpecialTokens: false });
      parts.push({ kind: 'tag', image: entry.image, tile: entry.tile, ids: tagIds });
      for (let i = 0; i < tagIds.length; i++) entries.push({ image: entry.image, tile: entry.tile });
    }
    parts.push({ kind: 'tile', image: entry.image, tile: entry.tile });
    for (let i = 0; i < tokensPerTile; i++) entries.push({ image: entry.image, tile: entry.tile });
  }
  return { ids, roles, parts, entries };
}

/** The mask rows [from, L) for the prompt, as int64 values (0/1), row-major [L - from, M]. */
export function promptMask(arch: 'nvlm-x' | 'nvlm-h', prompt: CrossPrompt): Uint8Array {
  return crossAttentionMask(arch, prompt.roles, prompt.entries);
}

/** The mask row of a generated token: it sees every image of the prompt (all started before it). */
export function generatedRow(prompt: CrossPrompt): Uint8Array {
  return new Uint8Array(prompt.entries.length).fill(1);
}
