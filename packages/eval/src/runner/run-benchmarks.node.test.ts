/**
 * The runner over every real benchmark definition and the in-repo sample datasets (JSONL with image
 * files, VLMEvalKit TSV with base64 images): every sample is recorded, and summary.json equals the
 * benchmark's own summary recomputed from samples.jsonl.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARK_NAMES, getBenchmark } from '../benchmarks/index.js';
import { writeSampleDataset } from '../testing/index.js';
import type { SummaryFile } from './reports.js';
import type { RecordedResult } from './results-store.js';
import { runEvaluation } from './run.js';
import type { ModelClient } from './types.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-run-bench-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Answers 'A' and checks that every request has one image per placeholder. */
const answerA: ModelClient = {
  id: 'memory:a',
  concurrency: 4,
  async complete(request) {
    const placeholders = request.prompt.split('<image>').length - 1;
    if (placeholders !== request.images.length)
      throw new Error(`${placeholders} placeholders, ${request.images.length} images`);
    return { text: 'A' };
  },
};

describe.each(['jsonl', 'tsv'] as const)('every benchmark from a %s sample dataset', (format) => {
  it.each(BENCHMARK_NAMES)('%s', async (name) => {
    const { file, count } = await writeSampleDataset(name, join(root, format, name), {
      count: 3,
      format,
      seed: 5,
    });
    const outDir = join(root, `out-${format}`);
    const run = await runEvaluation({
      benchmark: getBenchmark(name),
      data: file,
      clients: [answerA],
      outDir,
    });
    const lines = (await readFile(run.files.samples, 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as RecordedResult);
    expect(lines).toHaveLength(count);
    for (const r of lines) {
      expect(r.error).toBeUndefined();
      expect(r.output).toBe('A');
      expect(typeof r.score).toBe('number');
    }
    const summary = JSON.parse(await readFile(run.files.summary as string, 'utf8')) as SummaryFile;
    const recomputed = getBenchmark(name).summarize(lines, summary.variant, summary.promptStyle);
    expect(summary.score).toBeCloseTo(recomputed.score, 9);
    expect(summary.samples).toBe(count);
    expect(summary.benchmark).toBe(name);
  });

  it('report.md and report.html of the out directory hold all nine benchmarks', async () => {
    const markdown = await readFile(join(root, `out-${format}`, 'report.md'), 'utf8');
    const html = await readFile(join(root, `out-${format}`, 'report.html'), 'utf8');
    for (const name of BENCHMARK_NAMES) {
      const { title } = getBenchmark(name);
      expect(markdown).toContain(title);
      expect(html).toContain(title);
    }
  });
});
