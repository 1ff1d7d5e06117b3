/**
 * The generated sample datasets against the benchmark definitions: every record of both formats
 * becomes a sample, and the gold answer, given as the model's output, scores 1 under the default
 * variant (so the samples exercise the real parsing and scoring paths end to end).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARK_NAMES, getBenchmark } from '../benchmarks/index.js';
import type { SampleContext } from '../benchmarks/types.js';
import { readJsonl } from '../datasets/jsonl.js';
import { readVlmEvalKitTsv } from '../datasets/tsv.js';
import { writeSampleDataset } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-eval-bench-samples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(BENCHMARK_NAMES)('%s samples', (name) => {
  it.each(['jsonl', 'tsv'] as const)('%s: parse, and the gold answer scores 1', async (format) => {
    const benchmark = getBenchmark(name);
    const { file } = await writeSampleDataset(name, join(dir, format), { format, count: 6, seed: 5 });
    const records =
      format === 'jsonl' ? readJsonl(createReadStream(file)) : readVlmEvalKitTsv(createReadStream(file));
    let count = 0;
    for await (const { line, record } of records) {
      const context: SampleContext = {
        line,
        promptStyle: 'nvlm',
        loadImage: async (ref) =>
          new Uint8Array(await readFile(isAbsolute(ref) ? ref : join(dirname(file), ref))),
      };
      const sample = await benchmark.toSample(record, context);
      expect(sample.images).toHaveLength(1);
      expect(sample.prompt.split('<image>')).toHaveLength(2);
      const gold = sample.gold as { answers?: string | string[]; answer?: string };
      const output = Array.isArray(gold.answers) ? gold.answers[0] : (gold.answers ?? gold.answer);
      expect(typeof output).toBe('string');
      const score = benchmark.score(sample, output as string, benchmark.variants[0] as string);
      expect(score.score, `line ${line}: ${output}`).toBe(1);
      count++;
    }
    expect(count).toBe(6);
  });
});
