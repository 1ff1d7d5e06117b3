/**
 * Grid choice for dynamic high-resolution tiling: InternVL's `dynamic_preprocess` /
 * `find_closest_aspect_ratio` as NVLM-D uses it (NVLM.md 3.2 and 3.3; the NVLM-D-72B model card,
 * Megatron-LM `examples/multimodal/image_processing.py`, vLLM `internvl.py`).
 */

/** A tiling grid: `cols` tiles across (width multiple) by `rows` tiles down. */
export interface Grid {
  readonly cols: number;
  readonly rows: number;
}

/** The grid parameters of `chooseGrid`. */
export interface GridOptions {
  /** Side of a square tile in pixels. Default 448 (InternViT-6B-448px). */
  tileSize?: number;
  /** Smallest allowed `cols * rows`. Default 1. */
  minTiles?: number;
  /** Largest allowed `cols * rows`. Default 6 (NVLM.md 3.1). */
  maxTiles?: number;
}

/** Default tile side in pixels: InternViT-6B-448px (NVLM.md 3.1). */
export const DEFAULT_TILE_SIZE = 448;
/** Default smallest number of regular tiles (NVLM.md 3.1). */
export const DEFAULT_MIN_TILES = 1;
/** Default largest number of regular tiles: NVLM-D's `max_num = 6` (NVLM.md 3.1). */
export const DEFAULT_MAX_TILES = 6;
/** Upper bound for `maxTiles`: keeps the candidate list and the output tensor sane. */
export const MAX_TILES_LIMIT = 64;
/** Upper bound for `tileSize` in pixels. */
export const MAX_TILE_SIZE = 4096;

/** Validated, defaulted grid options. */
export interface ResolvedGridOptions {
  readonly tileSize: number;
  readonly minTiles: number;
  readonly maxTiles: number;
}

/** Applies defaults and checks ranges; throws `RangeError` quoting the parameter. */
export function resolveGridOptions(options: GridOptions = {}): ResolvedGridOptions {
  const tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
  const minTiles = options.minTiles ?? DEFAULT_MIN_TILES;
  const maxTiles = options.maxTiles ?? DEFAULT_MAX_TILES;
  checkInt(tileSize, 'tileSize', 1, MAX_TILE_SIZE);
  checkInt(maxTiles, 'maxTiles', 1, MAX_TILES_LIMIT);
  checkInt(minTiles, 'minTiles', 1, maxTiles);
  return { tileSize, minTiles, maxTiles };
}

function checkInt(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

/**
 * Every grid with `minTiles <= cols * rows <= maxTiles`, sorted by `(cols * rows, cols, rows)`.
 * The reference sorts a Python set by `cols * rows` only; NVLM.md 3.2 shows the order within equal
 * products never changes the choice for maxTiles = 6 (the tests check more).
 */
export function candidateGrids(minTiles = DEFAULT_MIN_TILES, maxTiles = DEFAULT_MAX_TILES): Grid[] {
  const { minTiles: min, maxTiles: max } = resolveGridOptions({ minTiles, maxTiles });
  const grids: Grid[] = [];
  for (let cols = 1; cols <= max; cols++) {
    for (let rows = 1; cols * rows <= max; rows++) {
      if (cols * rows >= min) grids.push({ cols, rows });
    }
  }
  return grids.sort((a, b) => a.cols * a.rows - b.cols * b.rows || a.cols - b.cols || a.rows - b.rows);
}

/**
 * The grid for a `width` x `height` image (NVLM.md 3.3): the candidate whose aspect ratio
 * `cols / rows` is closest to `width / height` in IEEE doubles; on an exact tie the later (more
 * tiles) candidate wins only if the image area exceeds half the pixel area of that candidate grid.
 */
export function chooseGrid(width: number, height: number, options: GridOptions = {}): Grid {
  checkInt(width, 'width', 1, Number.MAX_SAFE_INTEGER);
  checkInt(height, 'height', 1, Number.MAX_SAFE_INTEGER);
  const { tileSize, minTiles, maxTiles } = resolveGridOptions(options);
  return pickGrid(width, height, tileSize, candidateGrids(minTiles, maxTiles));
}

/** The selection loop of `chooseGrid` over an explicit candidate order. */
export function pickGrid(width: number, height: number, tileSize: number, candidates: readonly Grid[]): Grid {
  const aspect = width / height;
  const area = width * height;
  let best: Grid = { cols: 1, rows: 1 };
  let bestDiff = Number.POSITIVE_INFINITY;
  for (const grid of candidates) {
    const diff = Math.abs(aspect - grid.cols / grid.rows);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = grid;
    } else if (diff === bestDiff && area > 0.5 * tileSize * tileSize * grid.cols * grid.rows) {
      best = grid;
    }
  }
  return { cols: best.cols, rows: best.rows };
}
