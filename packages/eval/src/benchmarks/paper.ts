/**
 * The NVLM 1.0 72B results of the paper (arXiv 2409.11402 Table 7, as NVLM.md 14.1 transcribes it,
 * cross-checked with the NVLM-D-72B model card): NVLM-D, NVLM-X and NVLM-H on the nine benchmarks.
 */
import type { BenchmarkName, PaperNumbers } from './types.js';

/**
 * Every reported column per benchmark, the default first. MMMU has `val` and `test` (test is
 * server-only, so `val` is the default: it is the split a local run scores). AI2D has `test` (the
 * masked AI2D test images, VLMEvalKit `AI2D_TEST`) and `no_mask` (the original images,
 * `AI2D_TEST_NO_MASK`, lmms-eval `ai2d`); `no_mask` is the default because it is the number the model
 * card reports as "AI2D" (94.2, the value EVAL.md §0.1 targets) and the one comparable with the other
 * models of Table 7. OCRBench is in points (0-1000), the rest in percent.
 */
export const PAPER_RESULTS: Readonly<Record<BenchmarkName, readonly PaperNumbers[]>> = Object.freeze({
  mmmu: [
    { column: 'val', d: 59.7, x: 57.4, h: 60.2 },
    { column: 'test', d: 54.6, x: 53.6, h: 53.0 },
  ],
  mathvista: [{ column: 'testmini', d: 65.2, x: 64.6, h: 66.6 }],
  ocrbench: [{ column: 'test', d: 853, x: 828, h: 831 }],
  ai2d: [
    { column: 'no_mask', d: 94.2, x: 93.6, h: 93.3 },
    { column: 'test', d: 85.2, x: 84.2, h: 83.8 },
  ],
  chartqa: [{ column: 'test', d: 86.0, x: 82.9, h: 83.3 }],
  docvqa: [{ column: 'test', d: 92.6, x: 82.9, h: 83.1 }],
  textvqa: [{ column: 'val', d: 82.1, x: 80.2, h: 80.3 }],
  realworldqa: [{ column: 'test', d: 69.7, x: 66.1, h: 66.0 }],
  vqav2: [{ column: 'test-dev', d: 85.4, x: 85.2, h: 85.2 }],
});

/** The default column of each benchmark (what `Benchmark.paper` holds). */
export const PAPER: Readonly<Record<BenchmarkName, PaperNumbers>> = Object.freeze(
  Object.fromEntries(
    Object.entries(PAPER_RESULTS).map(([name, columns]) => [name, columns[0] as PaperNumbers]),
  ) as Record<BenchmarkName, PaperNumbers>,
);
