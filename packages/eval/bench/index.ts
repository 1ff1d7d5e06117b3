/**
 * @nvlm-ts/eval benchmarks (`pnpm --dir packages/eval bench`), each a ratio against a peer measured in
 * the same run:
 * - runner overhead: `runEvaluation` over 2,000 samples against an in-memory instant model client,
 *   with an fsync per sample, vs a bare loop that reads the same samples, calls the same client, scores
 *   and appends the same lines with the same fsync, without scheduling, retries, resume or reports;
 * - scorer throughput (records/s) of `scoreRecord` for each metric, vs the VQA metric as the baseline.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSamples, runEvaluation, scoreRecord } from '../src/node.js';
import { fakeBenchmark } from '../src/runner/testing/fake-benchmark.js';
import type { ModelClient } from '../src/runner/types.js';

const SAMPLES = 2000;
const root = await mkdtemp(join(tmpdir(), 'nvlm-eval-bench-'));

const data = join(root, 'data.jsonl');
await writeFile(
  data,
  `${Array.from({ length: SAMPLES }, (_, i) => JSON.stringify({ id: `s${i}`, question: `q${i}`, answer: `a${i}` })).join('\n')}\n`,
);

const instant = (concurrency: number): ModelClient => ({
  id: 'memory',
  concurrency,
  complete: async (request) => ({ text: request.prompt.replace('q', 'a') }),
});

/** The peer: read, ask, score, append + fdatasync, one sample at a time. */
async function bareLoop(dir: string): Promise<void> {
  const client = instant(1);
  const handle = await open(join(dir, 'samples.jsonl'), 'a');
  const signal = new AbortController().signal;
  const g = fakeBenchmark.generation;
  try {
    for await (const sample of readSamples(data, fakeBenchmark)) {
      const t0 = performance.now();
      const { text } = await client.complete({
        prompt: sample.prompt,
        images: sample.images,
        maxNewTokens: g.maxNewTokens,
        temperature: g.temperature,
        seed: g.seed,
        signal,
      });
      const scored = fakeBenchmark.score(sample, text, 'exact');
      const line = {
        id: sample.id,
        line: sample.line,
        prompt: sample.prompt,
        output: text,
        extracted: scored.extracted,
        score: scored.score,
        attempts: 1,
        source: client.id,
        latencyMs: Math.round(performance.now() - t0),
      };
      await handle.write(`${JSON.stringify(line)}\n`);
      await handle.datasync();
    }
  } finally {
    await handle.close();
  }
}

async function best(fn: (dir: string) => Promise<unknown>, reps = 3): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const dir = await mkdtemp(join(root, 'run-'));
    const t0 = performance.now();
    await fn(dir);
    fastest = Math.min(fastest, performance.now() - t0);
    await rm(dir, { recursive: true, force: true });
  }
  return fastest;
}

const bare = await best(bareLoop);
const runner = (concurrency: number) =>
  best((dir) =>
    runEvaluation({ benchmark: fakeBenchmark, data, clients: [instant(concurrency)], outDir: dir }),
  );
const runner1 = await runner(1);
const runner8 = await runner(8);
const perSample = (ms: number) => ((ms - bare) / SAMPLES).toFixed(3);
console.log(`runner overhead, ${SAMPLES} samples, instant in-memory model, fsync per sample:`);
console.log(`  bare loop (peer)        ${bare.toFixed(0)} ms (${(bare / SAMPLES).toFixed(3)} ms/sample)`);
console.log(
  `  runEvaluation, conc. 1  ${runner1.toFixed(0)} ms  ratio ${(runner1 / bare).toFixed(2)}x  overhead ${perSample(runner1)} ms/sample`,
);
console.log(
  `  runEvaluation, conc. 8  ${runner8.toFixed(0)} ms  ratio ${(runner8 / bare).toFixed(2)}x  overhead ${perSample(runner8)} ms/sample`,
);

// Scorer throughput: one representative record per metric, scored repeatedly.
const records = {
  vqa: {
    prediction: 'Two dogs.',
    answers: ['2', 'two', 'two dogs', '2', 'two', '2', 'two', '2', 'dogs', '2'],
  },
  anls: { prediction: 'Invoice No. 4471', answers: ['invoice no 4471', '4471'] },
  relaxed: { prediction: '35%', answer: '0.35' },
  ocrbench: { prediction: 'the quick brown fox', answers: ['quick brown'], dataset_name: 'IIIT5K' },
  mmmu: {
    prediction: 'The answer is (B) because of the slope.',
    answer: 'B',
    question_type: 'multiple-choice',
    all_choices: ['A', 'B', 'C', 'D'],
    index2ans: { A: 'rises', B: 'falls', C: 'flat', D: 'none' },
  },
  mathvista: {
    prediction: '12',
    answer: '12',
    question_type: 'free_form',
    answer_type: 'integer',
    precision: null,
  },
} as const;
const REPS = 20_000;
const rates: Record<string, number> = {};
for (const [metric, record] of Object.entries(records)) {
  for (let i = 0; i < 1000; i++) scoreRecord(metric as keyof typeof records, record); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < REPS; i++) scoreRecord(metric as keyof typeof records, record);
  rates[metric] = REPS / ((performance.now() - t0) / 1000);
}
console.log('scoreRecord throughput (records/s; ratio vs vqa):');
for (const [metric, rate] of Object.entries(rates)) {
  console.log(
    `  ${metric.padEnd(10)} ${rate.toFixed(0).padStart(9)} /s  ${(rate / (rates.vqa as number)).toFixed(2)}x`,
  );
}
await rm(root, { recursive: true, force: true });
