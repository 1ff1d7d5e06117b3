/**
 * `run.json`: the settings a results directory belongs to (benchmark, variant, prompt style, dataset
 * file identity, model clients, generation settings). A rerun resumes only with the same settings;
 * otherwise it fails with BAD_RUN, or with `overwrite` moves the old files aside into
 * `replaced-<time>/`, so results of different runs are never mixed.
 */
import { mkdir, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BenchmarkName, GenerationSettings, PromptStyle } from '../benchmarks/types.js';
import { EvaluationError } from '../errors.js';
import { readJsonFile, writeFileAtomic } from './results-store.js';

/** The identity of a run's results (`<outDir>/<benchmark>/run.json`). */
export interface RunManifest {
  readonly benchmark: BenchmarkName;
  readonly variant: string;
  readonly promptStyle: PromptStyle;
  /** The dataset file: absolute path, size in bytes and modification time (ms since the epoch). */
  readonly data: { readonly path: string; readonly size: number; readonly mtimeMs: number };
  /** Model client ids (endpoint URLs or `model:DIR`). */
  readonly clients: readonly string[];
  readonly generation: GenerationSettings;
  /** When the results directory was started (ISO 8601). */
  readonly createdAt: string;
}

/** The files of a benchmark's results directory. */
export const RESULT_FILES = ['samples.jsonl', 'run.json', 'summary.json'] as const;

/** Dataset file identity for the manifest. */
export async function dataIdentity(file: string): Promise<RunManifest['data']> {
  const path = resolve(file);
  try {
    const info = await stat(path);
    return { path, size: info.size, mtimeMs: Math.round(info.mtimeMs) };
  } catch (cause) {
    throw new EvaluationError('BAD_RUN', `cannot read dataset '${file}': ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** The settings that differ between two manifests, as `name: old -> new` strings. */
export function manifestDifferences(previous: RunManifest, current: RunManifest): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  const pairs: [string, unknown, unknown][] = [
    ['benchmark', previous.benchmark, current.benchmark],
    ['variant', previous.variant, current.variant],
    ['prompt style', previous.promptStyle, current.promptStyle],
    ['data file', previous.data?.path, current.data.path],
    ['data size', previous.data?.size, current.data.size],
    ['data mtime', previous.data?.mtimeMs, current.data.mtimeMs],
    ['clients', [...(previous.clients ?? [])].sort(), [...current.clients].sort()],
    ['generation', previous.generation, current.generation],
  ];
  return pairs
    .filter(([, a, b]) => show(a) !== show(b))
    .map(([name, a, b]) => `${name} ${show(a)} -> ${show(b)}`);
}

/**
 * Makes `dir` ready for `manifest`: a new directory gets its run.json; an existing one with the same
 * settings is resumed; one with other settings (or results without a run.json) is a BAD_RUN error.
 * With `overwrite`, existing results are moved aside and the run starts afresh. Resolves to whether earlier results are resumed.
 */
export async function prepareResultsDirectory(
  dir: string,
  manifest: RunManifest,
  overwrite: boolean,
): Promise<{ resumed: boolean; movedTo?: string }> {
  await mkdir(dir, { recursive: true });
  const previous = (await readJsonFile(join(dir, 'run.json'))) as RunManifest | undefined;
  const hasSamples = await exists(join(dir, 'samples.jsonl'));
  if (previous === undefined && !hasSamples) {
    await writeFileAtomic(join(dir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return { resumed: false };
  }
  const differences =
    previous === undefined
      ? ['run.json is missing beside samples.jsonl']
      : manifestDifferences(previous, manifest);
  if (differences.length === 0 && !overwrite) return { resumed: true };
  if (!overwrite) {
    throw new EvaluationError(
      'BAD_RUN',
      `${dir} holds results of a different run (${differences.join('; ')}); rerun with the same settings to ` +
        'resume, use another output directory, or overwrite to move the old results aside',
    );
  }
  const aside = join(dir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(aside, { recursive: true });
  for (const name of RESULT_FILES) {
    if (await exists(join(dir, name))) await rename(join(dir, name), join(aside, name));
  }
  await writeFileAtomic(join(dir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { resumed: false, movedTo: aside };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
