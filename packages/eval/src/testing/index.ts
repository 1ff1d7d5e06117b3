/**
 * @nvlm-ts/eval/testing (Node.js): writes small sample datasets for the nine benchmarks, generated in
 * the repository (rendered text, coloured squares, bar charts) and never downloaded, in the layouts the
 * runner reads (EVAL-RUNNER.md): nvlm-ts JSONL with PNG files beside it, or VLMEvalKit TSV with base64
 * images and Python-literal answer lists.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchmarkName } from '../benchmarks/types.js';
import { GENERATORS, SampleRng, TSV_COLUMNS } from './datasets.js';
import { encodePng } from './png.js';

export { encodePng } from './png.js';

/** Options of {@link writeSampleDataset}. */
export interface SampleDatasetOptions {
  /** `jsonl` (default): `<benchmark>.jsonl` + `images/*.png`; `tsv`: one `<benchmark>.tsv`. */
  readonly format?: 'jsonl' | 'tsv';
  /** Number of samples, an integer in [1, 10000] (default 8). */
  readonly count?: number;
  /** Seed of the generator, an integer in [0, 2**32) (default 0); same seed, same bytes. */
  readonly seed?: number;
}

/** What {@link writeSampleDataset} wrote. */
export interface SampleDataset {
  /** Path of the dataset file (`<dir>/<benchmark>.jsonl` or `.tsv`). */
  readonly file: string;
  readonly count: number;
}

const MAX_COUNT = 10_000;

/** A TSV cell as pandas `to_csv(sep='\t')` writes it: quoted when it holds a tab, newline or quote. */
function tsvCell(value: string): string {
  return /[\t\n\r"]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Generates `count` samples of `benchmark` and writes them under `dir` (created if missing; files of
 * an earlier call are overwritten). Each sample's gold answer can be read off its image: a rendered
 * word, a coloured square, a count of squares, an invoice's fields, a bar's value.
 * @throws {RangeError} for an unknown benchmark, format, count or seed.
 */
export async function writeSampleDataset(
  benchmark: BenchmarkName,
  dir: string,
  options: SampleDatasetOptions = {},
): Promise<SampleDataset> {
  const generate = Object.hasOwn(GENERATORS, benchmark) ? GENERATORS[benchmark] : undefined;
  if (generate === undefined) {
    throw new RangeError(
      `'benchmark' must be one of ${Object.keys(GENERATORS).join(', ')}, got ${JSON.stringify(benchmark)}`,
    );
  }
  const { format = 'jsonl', count = 8, seed = 0 } = options;
  if (format !== 'jsonl' && format !== 'tsv') {
    throw new RangeError(`'format' must be 'jsonl' or 'tsv', got ${JSON.stringify(format)}`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new RangeError(`'count' must be an integer in [1, ${MAX_COUNT}], got ${count}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`'seed' must be an integer in [0, 2**32), got ${seed}`);
  }
  const rng = new SampleRng(seed);
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  if (format === 'tsv') lines.push(['index', 'image', ...TSV_COLUMNS[benchmark]].join('\t'));
  else await mkdir(join(dir, 'images'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const sample = generate(rng, i);
    const png = encodePng(sample.image.width, sample.image.height, sample.image.data);
    if (format === 'jsonl') {
      const image = `images/${benchmark}-${String(i).padStart(4, '0')}.png`;
      await writeFile(join(dir, image), png);
      lines.push(JSON.stringify({ id: i, image, ...sample.jsonl }));
    } else {
      const cells = [String(i), Buffer.from(png).toString('base64')];
      for (const column of TSV_COLUMNS[benchmark]) cells.push(tsvCell(sample.tsv[column] ?? ''));
      lines.push(cells.join('\t'));
    }
  }
  const file = join(dir, `${benchmark}.${format}`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, count };
}
