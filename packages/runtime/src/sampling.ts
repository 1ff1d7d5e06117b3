/**
 * Next-token selection from logits: penalties, then temperature, top-k, top-p, min-p (the order of
 * Hugging Face `generate`'s processors and warpers), then a seeded draw. Temperature 0 is greedy:
 * the first index of the maximum after penalties, as `torch.argmax` picks.
 *
 * Works in place on a Float32Array of the whole vocabulary without sorting it: top-p sorts only the
 * candidates that can be in the nucleus.
 */

/** User-facing sampling parameters (vLLM / OpenAI meanings). */
export interface SamplingOptions {
  /** 0 = greedy (default). */
  temperature?: number;
  /** Keep the k most likely tokens; 0 = off (default). */
  topK?: number;
  /** Keep the smallest set of most likely tokens with mass >= topP; 1 = off (default). */
  topP?: number;
  /** Drop tokens with probability < minP * max probability; 0 = off (default). */
  minP?: number;
  /** HF/CTRL penalty on every token seen in prompt or output: logit / p if > 0 else logit * p; 1 = off. */
  repetitionPenalty?: number;
  /** OpenAI: logit -= count * frequencyPenalty over generated tokens; 0 = off. */
  frequencyPenalty?: number;
  /** OpenAI: logit -= presencePenalty for each token generated at least once; 0 = off. */
  presencePenalty?: number;
  /** Seed of the draw: same seed and inputs, same tokens. Default: random. */
  seed?: number;
}

export type ResolvedSampling = Required<Omit<SamplingOptions, 'seed'>> & { seed: number };

function checkRange(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Validates sampling options and fills in the defaults (greedy, no filters, no penalties). */
export function resolveSampling(options: SamplingOptions = {}): ResolvedSampling {
  const topK = checkRange('topK', options.topK, 0, 2 ** 31, 0);
  if (!Number.isInteger(topK)) throw new RangeError(`'topK' must be an integer, got ${topK}`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53) {
    throw new RangeError(`'seed' must be a non-negative integer, got ${String(options.seed)}`);
  }
  const topP = checkRange('topP', options.topP, 0, 1, 1);
  if (topP === 0) throw new RangeError(`'topP' must be in (0, 1], got 0`);
  return {
    temperature: checkRange('temperature', options.temperature, 0, 100, 0),
    topK,
    topP,
    minP: checkRange('minP', options.minP, 0, 1, 0),
    repetitionPenalty: checkRange('repetitionPenalty', options.repetitionPenalty, Number.MIN_VALUE, 100, 1),
    frequencyPenalty: checkRange('frequencyPenalty', options.frequencyPenalty, -2, 2, 0),
    presencePenalty: checkRange('presencePenalty', options.presencePenalty, -2, 2, 0),
    seed,
  };
}

/** SplitMix64-style 32-bit stream from a 53-bit seed (deterministic, platform-independent). */
class SeededRandom {
  #a: number;
  constructor(seed: number) {
    this.#a = (seed ^ Math.floor(seed / 2 ** 32) ^ 0x9e3779b9) >>> 0;
  }
  /** Uniform in [0, 1) with 32 random bits. */
  next(): number {
    this.#a = (this.#a + 0x6d2b79f5) >>> 0;
    let t = this.#a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Stateful sampler for one generation: holds the RNG and the output-token counts for penalties. */
export class Sampler {
  readonly options: ResolvedSampling;
  readonly #random: SeededRandom;
  /** Tokens of prompt and output, for the repetition penalty. */
  readonly #seen = new Set<number>();
  /** Output-token counts, for frequency and presence penalties. */
  readonly #counts = new Map<number, number>();
  #candidates = new Int32Array(0);

  constructor(options: SamplingOptions = {}, promptIds: Iterable<number> = []) {
    this.options = resolveSampling(options);
    this.#random = new SeededRandom(this.options.seed);
    if (this.options.repetitionPenalty !== 1) for (const id of promptIds) this.#seen.add(id);
  }

  /** Whether `sample` changes the logits array (penalties or sampling); plain greedy only reads it. */
  get modifiesLogits(): boolean {
    const o = this.options;
    return (
      o.temperature !== 0 || o.repetitionPenalty !== 1 || o.frequencyPenalty !== 0 || o.presencePenalty !== 0
    );
  }

  /** Records a generated token (call after each `sample`). */
  accept(id: number): void {
    if (this.options.repetitionPenalty !== 1) this.#seen.add(id);
    this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
  }

  /** Picks the next token from `logits` (modified in place). */
  sample(logits: Float32Array): number {
    this.#applyPenalties(logits);
    const o = this.options;
    if (o.temperature === 0) return argmax(logits);
    return this.#draw(logits);
  }

  #applyPenalties(logits: Float32Array): void {
    const { repetitionPenalty: rp, frequencyPenalty: fp, presencePenalty: pp } = this.options;
    if (rp !== 1) {
      for (const id of this.#seen) {
        const v = logits[id]!;
        logits[id] = v > 0 ? v / rp : v * rp;
      }
    }
    if (fp !== 0 || pp !== 0) {
      for (const [id, count] of this.#counts) logits[id] = logits[id]! - count * fp - pp;
    }
  }

  /** Temperature softmax, then top-k / top-p / min-p filtering, then a draw. */
  #draw(logits: Float32Array): number {
    const { temperature, topK, topP, minP } = this.options;
    const n = logits.length;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
    // Unnormalised probabilities in place: exp((l - max) / T), max -> 1.
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.exp((logits[i]! - max) / temperature);
      logits[i] = p;
      total += p;
    }
    let candidates = this.#allCandidates(logits, total, topK, topP, minP);
    if (candidates === undefined) return this.#pick(logits, total, undefined, 0);
    // Candidates are sorted by descending probability (ties: lower index first).
    let count = candidates.length;
    let mass = total;
    if (topK > 0) {
      // Top-p then renormalises over the top-k survivors, as HF's warpers chain.
      count = Math.min(topK, count);
      mass = 0;
      for (let k = 0; k < count; k++) mass += logits[candidates[k]!]!;
    }
    if (topP < 1) {
      let above = 0;
      let keep = 0;
      // Keep a token while the mass strictly above it is below topP.
      while (keep < count && above < topP * mass) above += logits[candidates[keep++]!]!;
      count = Math.max(1, keep);
    }
    if (minP > 0) {
      const threshold = minP * logits[candidates[0]!]!;
      let keep = 0;
      while (keep < count && logits[candidates[keep]!]! >= threshold) keep++;
      count = Math.max(1, keep);
    }
    candidates = candidates.subarray(0, count);
    let kept = 0;
    for (const id of candidates) kept += logits[id]!;
    return this.#pick(logits, kept, candidates, count);
  }

  /**
   * The tokens that can survive the filters, sorted by descending probability (ties: lower index
   * first); undefined when no filter is active. Avoids sorting the vocabulary: a small top-k is
   * selected with a heap; otherwise a histogram of probabilities (quarter-octave buckets) finds the
   * lowest probability the nucleus or min-p can reach, and only tokens above it are sorted.
   */
  #allCandidates(
    probs: Float32Array,
    total: number,
    topK: number,
    topP: number,
    minP: number,
  ): Int32Array | undefined {
    if (topK === 0 && topP === 1 && minP === 0) return undefined;
    const n = probs.length;
    if (this.#candidates.length < n) this.#candidates = new Int32Array(n);
    const buffer = this.#candidates;
    const byProbability = (a: number, b: number) => probs[b]! - probs[a]! || a - b;
    if (topK > 0 && topK <= HEAP_TOP_K)
      return topKIndices(probs, Math.min(topK, n), buffer).sort(byProbability);
    let threshold = minP; // probabilities are relative to the maximum, which is 1
    if (topP < 1 && topK === 0) threshold = Math.max(threshold, nucleusFloor(probs, topP * total));
    let count = 0;
    for (let i = 0; i < n; i++) if (probs[i]! >= threshold) buffer[count++] = i;
    return buffer.subarray(0, count).sort(byProbability);
  }

  /** Draws an index with probability proportional to `weights` among `ids` (or all). */
  #pick(weights: Float32Array, total: number, ids: Int32Array | undefined, count: number): number {
    let u = this.#random.next() * total;
    if (ids === undefined) {
      for (let i = 0; i < weights.length; i++) {
        u -= weights[i]!;
        if (u < 0) return i;
      }
      return weights.length - 1;
    }
    for (let k = 0; k < count; k++) {
      u -= weights[ids[k]!]!;
      if (u < 0) return ids[k]!;
    }
    return ids[count - 1]!;
  }
}

/** Up to this k, top-k selection uses a heap instead of a threshold pass. */
const HEAP_TOP_K = 1024;
const BUCKETS = 512; // quarter-octave buckets cover probabilities down to 2^-128

/**
 * A probability floor for the nucleus: the lower bound of the histogram bucket where the mass
 * counted from the top first reaches `target`. Every token of the nucleus is at or above it.
 */
function nucleusFloor(probs: Float32Array, target: number): number {
  const mass = new Float64Array(BUCKETS);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (p <= 0) continue;
    const b = Math.min(BUCKETS - 1, Math.floor(-Math.log2(p) * 4));
    mass[b] = mass[b]! + p;
  }
  let acc = 0;
  for (let b = 0; b < BUCKETS; b++) {
    acc += mass[b]!;
    if (acc >= target) return b === BUCKETS - 1 ? 0 : 2 ** (-(b + 1) / 4);
  }
  return 0;
}

/** The indices of the k largest values (any order), via a min-heap on (value, -index). */
function topKIndices(values: Float32Array, k: number, out: Int32Array): Int32Array {
  const heap = out.subarray(0, k);
  // "a is worse than b": smaller value, or equal value and larger index.
  const worse = (a: number, b: number) => values[a]! < values[b]! || (values[a] === values[b] && a > b);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < k && worse(heap[l]!, heap[m]!)) m = l;
      if (r < k && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  for (let i = 0; i < k; i++) heap[i] = i;
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(i);
  for (let i = k; i < values.length; i++) {
    if (worse(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap;
}

/** Index of the first maximum (torch.argmax semantics); NaN never wins. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > max) {
      max = values[i]!;
      best = i;
    }
  }
  return best;
}
