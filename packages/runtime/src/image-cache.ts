/**
 * Image features by content hash: an image sent again (same bytes, same tiling options) is not
 * re-encoded. Least-recently-used eviction under a byte budget.
 */

export type FeatureArray = Float32Array | Uint16Array;

export interface CachedImage {
  /** Features [tiles, tokensPerTile, hidden] in the model's float type. */
  readonly features: FeatureArray;
  readonly tiles: number;
}

export class ImageFeatureCache {
  readonly #budget: number;
  readonly #entries = new Map<string, CachedImage>();
  #bytes = 0;

  /** `budgetBytes` 0 disables caching. */
  constructor(budgetBytes: number) {
    if (!Number.isFinite(budgetBytes) || budgetBytes < 0) {
      throw new RangeError(`'imageCacheBytes' must be a number >= 0, got ${budgetBytes}`);
    }
    this.#budget = budgetBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CachedImage | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit); // most recently used last
    }
    return hit;
  }

  set(key: string, value: CachedImage): void {
    const bytes = value.features.byteLength;
    if (bytes > this.#budget) return;
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.features.byteLength;
    }
    this.#entries.set(key, value);
    this.#bytes += bytes;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(k);
      this.#bytes -= v.features.byteLength;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

/** 64-bit FNV-1a of bytes, as 16 hex digits (content keys; not cryptographic). */
export function hashBytes(bytes: Uint8Array, seed = ''): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 0x5bd1e995);
  }
  // Two independent 32-bit lanes over 4-byte words, then the tail.
  const n = bytes.length;
  const words = n >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  for (let i = 0; i < words; i++) {
    const w = view.getUint32(i * 4, true);
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ ((w >>> 16) | (w << 16)), 0x5bd1e995);
  }
  for (let i = words * 4; i < n; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i]!, 0x5bd1e995);
  }
  h1 = Math.imul(h1 ^ n, 0x01000193);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
