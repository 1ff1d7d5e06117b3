/** Where each image token of the decoder text takes its features from, and prompt cache keys. */
import type { ExpandedPrompt } from '@nvlm-ts/tiler';

let uncachedImages = 0;

/** Cache keys per prompt position: the id, or for image tokens the image's content and row. */
export function promptKeys(
  ids: readonly number[],
  imagePositions: readonly number[],
  images: readonly { readonly key: string | undefined }[],
  sources: readonly ImageRow[],
): string[] {
  const keys = ids.map(String);
  imagePositions.forEach((position, k) => {
    const { image, row } = sources[k]!;
    // An image without a content key never matches a cached one.
    keys[position] = `img:${images[image]!.key ?? `uncached-${uncachedImages++}`}:${row}`;
  });
  return keys;
}

/** Which image and feature row each image token of the decoder text takes. */
export interface ImageRow {
  image: number;
  row: number;
}

/** Image-token segments in prompt order -> (image, feature row) per image token. */
export function imageTokenSources(expanded: ExpandedPrompt, perTile: number): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const segment of expanded.segments) {
    if (segment.kind !== 'image') continue;
    for (let r = 0; r < segment.count; r++)
      rows.push({ image: segment.image, row: segment.tile * perTile + r });
  }
  return rows;
}
