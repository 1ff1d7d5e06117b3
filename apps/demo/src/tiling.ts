/**
 * The tiling panel: which tiles NVLM cuts an image into (the tiler's `planTiles`, NVLM.md 3) and
 * the tag each gets (`tileTags`, NVLM.md 4: 1-D, 2-D grid, 2-D bbox or none), drawn as a grid over
 * the picture with one label per tile, and the global thumbnail shown apart.
 */
import {
  DEFAULT_TOKENS_PER_TILE,
  planTiles,
  type TileLayout,
  type TileTagStyle,
  tileTags,
} from '@nvlm-ts/tiler';

/** One regular tile as fractions of the image (the grid resize keeps tile edges at i/cols, j/rows). */
export interface TileBox {
  readonly tag: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface TilingView {
  readonly layout: TileLayout;
  /** Regular tiles, row-major. */
  readonly tiles: readonly TileBox[];
  /** The thumbnail's tag, or undefined when there is no separate thumbnail (one tile). */
  readonly thumbnailTag: string | undefined;
  /** Tiles fed to the vision encoder (regular tiles plus the thumbnail). */
  readonly tileCount: number;
  /** `<|vision_pad|>` tokens the image takes in the prompt. */
  readonly imageTokens: number;
}

export interface TilingViewOptions {
  maxTiles?: number;
  tags?: TileTagStyle;
  tokensPerTile?: number;
}

/** The tiles and tags of a `width` x `height` image. */
export function describeTiling(width: number, height: number, options: TilingViewOptions = {}): TilingView {
  const layout = planTiles(width, height, {
    ...(options.maxTiles !== undefined && { maxTiles: options.maxTiles }),
  });
  const tags = tileTags(layout, { tags: options.tags ?? '1d' });
  const { cols, rows } = layout.grid;
  const blocks = cols * rows;
  const tiles: TileBox[] = [];
  for (let i = 0; i < blocks; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols);
    tiles.push({ tag: tags[i] ?? '', left: col / cols, top: row / rows, width: 1 / cols, height: 1 / rows });
  }
  return {
    layout,
    tiles,
    thumbnailTag: layout.hasThumbnail ? tags[blocks] : undefined,
    tileCount: layout.tiles,
    imageTokens: layout.tiles * (options.tokensPerTile ?? DEFAULT_TOKENS_PER_TILE),
  };
}

/** Draws `view` for the picture at `url` into `figure` (replacing what was there). */
export function renderTiling(figure: HTMLElement, url: string, view: TilingView, alt: string): void {
  const doc = figure.ownerDocument;
  const stage = doc.createElement('div');
  stage.className = 'stage';
  const picture = doc.createElement('img');
  picture.src = url;
  picture.alt = alt;
  stage.append(picture);
  const { cols, rows } = view.layout.grid;
  for (const [index, tile] of view.tiles.entries()) {
    const box = doc.createElement('div');
    box.className = 'tile';
    box.dataset.tile = String(index + 1);
    box.style.left = `${tile.left * 100}%`;
    box.style.top = `${tile.top * 100}%`;
    box.style.width = `${tile.width * 100}%`;
    box.style.height = `${tile.height * 100}%`;
    if (tile.tag) {
      const label = doc.createElement('span');
      label.className = 'tag';
      label.textContent = tile.tag;
      box.append(label);
    }
    stage.append(box);
  }
  const parts: HTMLElement[] = [stage];
  if (view.thumbnailTag !== undefined) {
    const thumb = doc.createElement('div');
    thumb.className = 'thumbnail';
    thumb.dataset.tile = 'thumbnail';
    const small = doc.createElement('img');
    small.src = url;
    small.alt = `${alt}, resized to one square tile`;
    thumb.append(small);
    const label = doc.createElement('span');
    label.className = 'tag';
    label.textContent = view.thumbnailTag || 'thumbnail (no tag)';
    thumb.append(label);
    parts.push(thumb);
  }
  const caption = doc.createElement('figcaption');
  caption.append(
    `${cols} x ${rows} grid${view.layout.hasThumbnail ? ' + thumbnail' : ''}: `,
    strong(doc, 'tile-count', String(view.tileCount)),
    ' tiles, ',
    strong(doc, 'image-tokens', String(view.imageTokens)),
    ' image tokens',
  );
  parts.push(caption);
  figure.replaceChildren(...parts);
}

function strong(doc: Document, id: string, text: string): HTMLElement {
  const element = doc.createElement('strong');
  element.id = id;
  element.textContent = text;
  return element;
}
