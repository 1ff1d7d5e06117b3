/**
 * A small benchmark for runner tests, independent of the real definitions: JSONL records
 * `{id, question, answer, image?}` become samples whose prompt is the question (after `<image>\n` when
 * there is an image); a sample scores 1 when the output equals the answer after trimming, and the
 * summary is the mean x100 (failed samples count 0). Under `lenient`, an output starting with
 * `Verbose:` needs the judge, whose extraction is then scored instead of the output.
 */
import type { Benchmark, BenchmarkSummary, EvalSample, SampleResult } from '../../benchmarks/types.js';
import { EvaluationError } from '../../errors.js';

/** The fake benchmark (named `vqav2` to satisfy the name type; its scoring is exact match). */
export const fakeBenchmark: Benchmark = {
  name: 'vqav2',
  title: 'Fake exact-match benchmark',
  unit: 'percent',
  variants: ['exact', 'lenient'],
  paper: { d: 85.4, x: 85.2, h: 85.3, column: 'test-dev' },
  generation: { maxNewTokens: 7, temperature: 0, seed: 1234 },
  async toSample(record, context): Promise<EvalSample> {
    if (typeof record.question !== 'string') {
      throw new EvaluationError('BAD_SAMPLE', "'question' must be a string", { field: 'question' });
    }
    const images =
      typeof record.image === 'string' ? [await context.loadImage(record.image)] : ([] as Uint8Array[]);
    return {
      id: record.id === undefined ? String(context.line) : String(record.id),
      line: context.line,
      prompt: `${'<image>\n'.repeat(images.length)}${record.question}`,
      images,
      gold: { answer: record.answer },
      ...(typeof record.category === 'string' && { category: record.category }),
    };
  },
  needsJudge(_sample, output, variant) {
    return variant === 'lenient' && output.startsWith('Verbose:');
  },
  score(sample, output, variant, llmExtraction) {
    const answer = String(sample.gold.answer);
    const text = llmExtraction ?? output;
    const got = variant === 'lenient' ? text.trim().toLowerCase() : text.trim();
    const want = variant === 'lenient' ? answer.toLowerCase() : answer;
    return { extracted: text.trim(), score: got === want ? 1 : 0 };
  },
  summarize(results: readonly SampleResult[], variant, promptStyle): BenchmarkSummary {
    const sum = results.reduce((s, r) => s + (r.score ?? 0), 0);
    return {
      benchmark: 'vqav2',
      title: 'Fake exact-match benchmark',
      unit: 'percent',
      variant,
      promptStyle,
      score: results.length === 0 ? 0 : (sum / results.length) * 100,
      samples: results.length,
      failed: results.filter((r) => r.score === null).length,
    };
  },
};
