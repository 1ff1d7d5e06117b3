/**
 * `nvlm sample-data`: writes a small dataset for one of the nine benchmarks, drawn here (rendered
 * words, coloured squares, an invoice, bar charts) with questions whose answers can be read off the
 * images, in the nvlm-ts JSONL layout or as a VLMEvalKit TSV: something to point `nvlm eval` at
 * without downloading a benchmark. (@nvlm-ts/eval/testing's `writeSampleDataset`.)
 */
import { resolve } from 'node:path';
import { BENCHMARK_NAMES, type BenchmarkName } from '@nvlm-ts/eval';
import { writeSampleDataset } from '@nvlm-ts/eval/testing';
import { choiceOption, defineCommand, intOption, UsageError } from '../command.js';

/** Most samples one call writes (writeSampleDataset's own limit). */
const MAX_SAMPLES = 10_000;

export const sampleDataCommand = defineCommand({
  name: 'sample-data',
  summary: 'Write a small generated dataset for a benchmark (to try nvlm eval)',
  description:
    'Draws --count questions for the benchmark (rendered words, coloured squares, an invoice, bar\n' +
    'charts; each answer can be read off its image) and writes them under --out: <benchmark>.jsonl with\n' +
    'the PNG files in images/ (nvlm-ts layout), or <benchmark>.tsv with base64 images (VLMEvalKit layout).\n' +
    'The same --seed writes the same bytes. Prints the dataset file path on stdout.',
  options: {
    benchmark: { type: 'string', short: 'b', valueName: 'NAME', description: BENCHMARK_NAMES.join(', ') },
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'Output directory' },
    format: { type: 'string', valueName: 'jsonl|tsv', default: 'jsonl', description: 'Dataset layout' },
    count: { type: 'string', short: 'n', valueName: 'N', default: '8', description: 'Number of samples' },
    seed: { type: 'string', valueName: 'N', default: '0', description: 'Random seed' },
  },
  examples: [
    'nvlm sample-data --benchmark chartqa --out data/chartqa',
    'nvlm sample-data --benchmark mmmu --format tsv --count 50 --out data/mmmu',
  ],
  async run({ values, io }) {
    if (values.benchmark === undefined)
      throw new UsageError(`--benchmark NAME is required (${BENCHMARK_NAMES.join(', ')})`);
    const benchmark = choiceOption(values.benchmark, 'benchmark', BENCHMARK_NAMES, 'mmmu') as BenchmarkName;
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    const format = choiceOption(values.format, 'format', ['jsonl', 'tsv'] as const, 'jsonl');
    const count = intOption(values.count, 'count', { min: 1, max: MAX_SAMPLES }, 8);
    const seed = intOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 0);
    const dir = resolve(io.cwd, values.out);
    const written = await writeSampleDataset(benchmark, dir, { format, count, seed });
    io.stdout.write(`${written.file}\n`);
    io.stderr.write(`wrote ${written.count} ${benchmark} samples to ${written.file}\n`);
    return 0;
  },
});
