import { describe, expect, it } from 'vitest';
import { argmax, resolveSampling, Sampler } from './sampling.js';

/** Empirical frequencies of `draws` samples. */
function frequencies(
  options: ConstructorParameters<typeof Sampler>[0],
  logits: number[],
  draws: number,
): number[] {
  const sampler = new Sampler(options);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.sample(Float32Array.from(logits))]++;
  return counts.map((c) => c / draws);
}

/** Softmax by hand, for the expected distributions. */
function softmax(logits: number[], temperature = 1): number[] {
  const e = logits.map((l) => Math.exp(l / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

const ln = Math.log;

describe('greedy', () => {
  it('is argmax after penalties, first index on ties', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(new Sampler().sample(Float32Array.from([0.1, 5, -2, 5]))).toBe(1);
  });

  it('applies the HF repetition penalty to prompt and output tokens', () => {
    // token 1: 4 / 2 = 2 < 3; token 0: -1 * 2 = -2
    const sampler = new Sampler({ repetitionPenalty: 2 }, [1]);
    expect(sampler.sample(Float32Array.from([-1, 4, 3]))).toBe(2);
    const logits = Float32Array.from([-1, 4, 3]);
    sampler.accept(0);
    sampler.sample(logits);
    expect(Array.from(logits)).toEqual([-2, 2, 3]);
  });

  it('applies OpenAI frequency and presence penalties to output tokens only', () => {
    const sampler = new Sampler({ frequencyPenalty: 0.5, presencePenalty: 1 }, [2]);
    sampler.accept(0);
    sampler.accept(0);
    const logits = Float32Array.from([3, 1, 1]);
    sampler.sample(logits);
    // token 0: 3 - 2 * 0.5 - 1 = 1; token 2 (prompt only) untouched
    expect(Array.from(logits)).toEqual([1, 1, 1]);
  });
});

describe('sampling', () => {
  it('draws from softmax(logits / T)', () => {
    const logits = [1, 2, 0.5, 3];
    const expected = softmax(logits, 0.7);
    const seen = frequencies({ temperature: 0.7, seed: 1 }, logits, 40_000);
    seen.forEach((f, i) => {
      expect(Math.abs(f - expected[i]!)).toBeLessThan(0.01);
    });
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const logits = [ln(0.1), ln(0.4), ln(0.2), ln(0.3)];
    const seen = frequencies({ temperature: 1, topK: 2, seed: 2 }, logits, 40_000);
    expect(seen[0]).toBe(0);
    expect(seen[2]).toBe(0);
    expect(Math.abs(seen[1]! - 4 / 7)).toBeLessThan(0.01);
    expect(Math.abs(seen[3]! - 3 / 7)).toBeLessThan(0.01);
  });

  it('top-p keeps the smallest prefix with mass >= p (HF: drop ascending cumsum <= 1 - p)', () => {
    const logits = [ln(0.5), ln(0.3), ln(0.15), ln(0.05)];
    // cumsum descending 0.5, 0.8: with p = 0.79 the third token has 0.8 above it -> dropped.
    const a = frequencies({ temperature: 1, topP: 0.79, seed: 3 }, logits, 20_000);
    expect(a[2]).toBe(0);
    expect(a[3]).toBe(0);
    expect(Math.abs(a[0]! - 0.5 / 0.8)).toBeLessThan(0.015);
    const b = frequencies({ temperature: 1, topP: 0.81, seed: 3 }, logits, 20_000);
    expect(b[2]).toBeGreaterThan(0.1);
    expect(b[3]).toBe(0);
  });

  it('top-p applies after top-k over the renormalised survivors', () => {
    // top-k 3 keeps 0.4, 0.3, 0.2 (mass 0.9); top-p 0.7 of 0.9 = 0.63: 0.4 then 0.7 >= 0.63 -> two survive.
    const logits = [ln(0.4), ln(0.3), ln(0.2), ln(0.1)];
    const seen = frequencies({ temperature: 1, topK: 3, topP: 0.7, seed: 4 }, logits, 20_000);
    expect(seen[2]).toBe(0);
    expect(seen[3]).toBe(0);
    expect(Math.abs(seen[0]! - 4 / 7)).toBeLessThan(0.015);
  });

  it('min-p drops tokens below minP * max probability', () => {
    const logits = [ln(0.5), ln(0.3), ln(0.15), ln(0.05)];
    const seen = frequencies({ temperature: 1, minP: 0.25, seed: 5 }, logits, 20_000);
    // threshold 0.125: keeps 0.5, 0.3, 0.15
    expect(seen[3]).toBe(0);
    expect(Math.abs(seen[2]! - 0.15 / 0.95)).toBeLessThan(0.015);
  });

  it('top-p over a large vocabulary equals the full-sort definition', () => {
    const n = 20_000;
    const logits = Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 6);
    const probs = softmax(logits);
    const order = probs.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const allowed = new Set<number>();
    let above = 0;
    for (const [p, i] of order) {
      if (above >= 0.9) break;
      allowed.add(i);
      above += p;
    }
    const sampler = new Sampler({ temperature: 1, topP: 0.9, seed: 9 });
    const drawn = new Set<number>();
    for (let k = 0; k < 400; k++) drawn.add(sampler.sample(Float32Array.from(logits)));
    for (const id of drawn) expect(allowed.has(id)).toBe(true);
    expect(drawn.size).toBeGreaterThan(100);
  });

  it('top-k with a heap equals the full-sort definition, ties to the lower index', () => {
    const logits = Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i) * 20) / 4);
    const order = logits.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const allowed = new Set(order.slice(0, 40).map(([, i]) => i));
    const sampler = new Sampler({ temperature: 5, topK: 40, seed: 11 });
    const drawn = new Set<number>();
    for (let k = 0; k < 2000; k++) drawn.add(sampler.sample(Float32Array.from(logits)));
    expect([...drawn].sort((a, b) => a - b)).toEqual([...allowed].sort((a, b) => a - b));
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const logits = Array.from({ length: 1000 }, (_, i) => Math.cos(i));
    const run = (seed: number) => {
      const sampler = new Sampler({ temperature: 1, seed });
      return Array.from({ length: 50 }, () => sampler.sample(Float32Array.from(logits)));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});

describe('resolveSampling', () => {
  it('defaults to greedy with every filter off', () => {
    expect(resolveSampling({ seed: 1 })).toEqual({
      temperature: 0,
      topK: 0,
      topP: 1,
      minP: 0,
      repetitionPenalty: 1,
      frequencyPenalty: 0,
      presencePenalty: 0,
      seed: 1,
    });
  });

  it.each([
    [{ temperature: -1 }, /'temperature' must be a number in \[0, 100\], got -1/],
    [{ topP: 1.5 }, /'topP' must be a number in \[0, 1\]/],
    [{ topP: 0 }, /'topP' must be in \(0, 1\]/],
    [{ topK: 2.5 }, /'topK' must be an integer/],
    [{ minP: Number.NaN }, /'minP'/],
    [{ seed: -3 }, /'seed' must be a non-negative integer/],
    [{ repetitionPenalty: 0 }, /'repetitionPenalty'/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveSampling(options)).toThrow(RangeError);
    expect(() => resolveSampling(options)).toThrow(message);
  });
});
