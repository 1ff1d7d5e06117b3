/**
 * The nine NVLM 1.0 benchmarks (NVLM.md 14.1, EVAL.md §2-10) by name: prompts per style, generation
 * settings, scoring with the EVAL.md §13 variants, summaries in the paper's units, and the paper's
 * NVLM-D/X/H numbers.
 */
import { EvaluationError } from '../errors.js';
import { mathvista } from './mathvista.js';
import { mmmu } from './mmmu.js';
import { ai2d, realworldqa } from './multiple-choice.js';
import { ocrbench } from './ocrbench.js';
import { PAPER_RESULTS } from './paper.js';
import type { Benchmark, BenchmarkName } from './types.js';
import { chartqa, docvqa, textvqa, vqav2 } from './vqa-family.js';

/** Every benchmark by name, in the paper's column order (Table 7). */
export const BENCHMARKS: Readonly<Record<BenchmarkName, Benchmark>> = Object.freeze({
  mmmu,
  mathvista,
  ocrbench,
  ai2d,
  chartqa,
  docvqa,
  textvqa,
  realworldqa,
  vqav2,
});

/** The benchmark names in the paper's column order. */
export const BENCHMARK_NAMES: readonly BenchmarkName[] = Object.freeze(
  Object.keys(BENCHMARKS) as BenchmarkName[],
);

/**
 * The benchmark called `name`.
 * @throws {EvaluationError} `BAD_RUN` for an unknown name, listing the valid ones.
 */
export function getBenchmark(name: string): Benchmark {
  if (!Object.hasOwn(BENCHMARKS, name)) {
    throw new EvaluationError(
      'BAD_RUN',
      `unknown benchmark '${name}' (known: ${BENCHMARK_NAMES.join(', ')})`,
      {
        field: 'benchmark',
      },
    );
  }
  return BENCHMARKS[name as BenchmarkName];
}

export { PAPER_RESULTS };
