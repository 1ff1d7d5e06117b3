/** The registry and the paper numbers (checked against NVLM.md 14.1 by hand). */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { BENCHMARK_NAMES, BENCHMARKS, getBenchmark, PAPER_RESULTS } from './index.js';

describe('registry', () => {
  it('lists the nine benchmarks in the paper column order', () => {
    expect(BENCHMARK_NAMES).toEqual([
      'mmmu',
      'mathvista',
      'ocrbench',
      'ai2d',
      'chartqa',
      'docvqa',
      'textvqa',
      'realworldqa',
      'vqav2',
    ]);
    for (const name of BENCHMARK_NAMES) {
      const b = BENCHMARKS[name];
      expect(b.name).toBe(name);
      expect(b.generation).toMatchObject({ temperature: 0, seed: 1234 });
      expect(b.generation.maxNewTokens).toBeGreaterThanOrEqual(16);
      expect(b.variants.length).toBeGreaterThan(1);
      expect(b.paper).toEqual(PAPER_RESULTS[name][0]);
    }
  });

  it('has the EVAL.md §13 variants, default first', () => {
    expect(BENCHMARKS.vqav2.variants).toEqual(['official', 'always', 'evalai', 'lmms_vqav2', 'nvlm']);
    expect(BENCHMARKS.docvqa.variants[0]).toBe('official');
    expect(BENCHMARKS.chartqa.variants[0]).toBe('vlmevalkit');
    expect(BENCHMARKS.ai2d.variants).toEqual(['nvlm', 'lmms', 'vlmevalkit']);
    expect(BENCHMARKS.mathvista.variants).toEqual(['official', 'megatron']);
  });

  it('getBenchmark throws BAD_RUN listing the valid names', () => {
    expect(getBenchmark('ocrbench')).toBe(BENCHMARKS.ocrbench);
    expect(() => getBenchmark('toString')).toThrow(EvaluationError);
    try {
      getBenchmark('mmmu-pro');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_RUN' });
      expect((error as Error).message).toContain("'mmmu-pro'");
      expect((error as Error).message).toContain('mmmu, mathvista, ocrbench, ai2d');
    }
  });
});

describe('PAPER_RESULTS (NVLM.md 14.1)', () => {
  it('holds D/X/H for all nine, both MMMU and AI2D columns', () => {
    expect(PAPER_RESULTS.mmmu).toEqual([
      { column: 'val', d: 59.7, x: 57.4, h: 60.2 },
      { column: 'test', d: 54.6, x: 53.6, h: 53.0 },
    ]);
    expect(PAPER_RESULTS.ai2d).toEqual([
      { column: 'no_mask', d: 94.2, x: 93.6, h: 93.3 },
      { column: 'test', d: 85.2, x: 84.2, h: 83.8 },
    ]);
    expect(BENCHMARKS.ocrbench.paper).toMatchObject({ d: 853, x: 828, h: 831 });
    expect(BENCHMARKS.mathvista.paper).toMatchObject({ d: 65.2, x: 64.6, h: 66.6 });
    expect(BENCHMARKS.chartqa.paper).toMatchObject({ d: 86.0, x: 82.9, h: 83.3 });
    expect(BENCHMARKS.docvqa.paper).toMatchObject({ d: 92.6, x: 82.9, h: 83.1 });
    expect(BENCHMARKS.textvqa.paper).toMatchObject({ d: 82.1, x: 80.2, h: 80.3 });
    expect(BENCHMARKS.realworldqa.paper).toMatchObject({ d: 69.7, x: 66.1, h: 66.0 });
    expect(BENCHMARKS.vqav2.paper).toMatchObject({ d: 85.4, x: 85.2, h: 85.2 });
  });
});
