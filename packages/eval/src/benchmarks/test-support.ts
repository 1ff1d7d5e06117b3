/** Test support for the benchmark definitions: a scored result as the runner records it. */
import type { SampleResult } from './types.js';

/** A recorded result with `score` (null = failed, no output) in `category`. */
export function scoredResult(score: number | null, category?: string): SampleResult {
  return {
    id: 'x',
    line: 1,
    category,
    prompt: '',
    output: score === null ? null : 'o',
    extracted: null,
    score,
    attempts: 1,
    source: 'test',
    latencyMs: 0,
  };
}
