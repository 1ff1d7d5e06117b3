/**
 * `runEvaluation`: asks model clients for every sample of a dataset file and records scored results,
 * resumably. Samples stream from the file through a bounded window (never the whole dataset ahead);
 * each takes a free slot on any client, is retried with backoff on retryable errors and a per-request
 * timeout, is scored (with the LLM judge where the benchmark wants one) and appended to
 * `samples.jsonl` with an fsync. A rerun with the same settings skips samples that have an output and
 * retries failed ones; at the end `summary.json` and the out directory's reports are rebuilt.
 * References: vLLM `benchmarks/benchmark_serving.py` (a semaphore bounds the requests in flight) and
 * VLMEvalKit `vlmeval/inference.py` `infer_data` (a rerun reloads the partial predictions and skips
 * the indices already answered); here the partial file is append-only JSONL, so a crash cannot
 * corrupt what was written before it.
 */
import { join } from 'node:path';
import type {
  Benchmark,
  BenchmarkSummary,
  EvalSample,
  GenerationSettings,
  PromptStyle,
  SampleScore,
} from '../benchmarks/types.js';
import { countSamples, readSamples } from '../datasets/samples.js';
import { EvaluationError } from '../errors.js';
import type { RunProgress } from './progress.js';
import { type RunMetadata, type SummaryFile, writeReports } from './reports.js';
import {
  forEachResult,
  type RecordedResult,
  ResultsWriter,
  readLatestResults,
  repairTornTail,
  writeFileAtomic,
} from './results-store.js';
import {
  asModelError,
  type BackoffOptions,
  backoffDelay,
  type ModelError,
  modelError,
  REAL_TIMERS,
  type RunnerTimers,
} from './retry.js';
import { dataIdentity, prepareResultsDirectory, type RunManifest } from './run-manifest.js';
import { ClientPool } from './scheduler.js';
import type { AnswerJudge, CompletionResponse, ModelClient } from './types.js';

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  /** The benchmark definition (`getBenchmark(name)`). */
  readonly benchmark: Benchmark;
  /** The dataset file: `.jsonl` (nvlm-ts layout) or `.tsv` (VLMEvalKit). */
  readonly data: string;
  /** Models to ask; requests spread over them, each limited to its `concurrency`. */
  readonly clients: readonly ModelClient[];
  /** Results go to `<outDir>/<benchmark>/`, reports to `<outDir>/report.{md,html}`. */
  readonly outDir: string;
  /** Only the first `limit` samples of the dataset. */
  readonly limit?: number | undefined;
  /** Scorer variant, one of `benchmark.variants` (default the first: the official scorer). */
  readonly variant?: string | undefined;
  /** Whose prompts (default `nvlm`). */
  readonly promptStyle?: PromptStyle | undefined;
  /** Overrides of the benchmark's generation settings (e.g. a larger `maxNewTokens`). */
  readonly generation?: Partial<GenerationSettings> | undefined;
  /** Retries after a retryable failure (default 3). */
  readonly retries?: number | undefined;
  /** Per-request timeout in ms (default 600 000); a timeout is retried. */
  readonly timeoutMs?: number | undefined;
  /** Backoff bounds (default base 500 ms, cap 30 s); a server's Retry-After wins. */
  readonly backoff?: BackoffOptions | undefined;
  /** LLM judge asked when `benchmark.needsJudge` says so; its answer is the scorer's `llmExtraction`. */
  readonly judge?: AnswerJudge | undefined;
  /** Bad dataset lines or records: `'fail'` (default) stops the run, `'skip'` reports and skips. */
  readonly onBadLine?: 'fail' | 'skip' | undefined;
  /** Called with each skipped line's error. */
  readonly onSkip?: ((error: EvaluationError) => void) | undefined;
  /** Move results of an earlier run aside and start afresh (needed when the settings differ). */
  readonly overwrite?: boolean | undefined;
  /** Stops the run: no new requests, in-flight ones abandoned (asked again on resume). */
  readonly signal?: AbortSignal | undefined;
  /** Called at the start, after every sample and at the end. */
  readonly onProgress?: ((progress: RunProgress) => void) | undefined;
  /** A model label for the reports (directory or served model name). */
  readonly model?: string | undefined;
  /** Clock, sleep and randomness (tests inject fakes so backoff costs no time). */
  readonly timers?: Partial<RunnerTimers> | undefined;
}

/** Counts of a run. */
export type RunCounts = RunMetadata['counts'];

/** What {@link runEvaluation} resolves to. */
export interface EvaluationRun {
  /** The summary over the scope's latest results (over the finished part when aborted). */
  readonly summary: BenchmarkSummary;
  /** True when the signal stopped the run before every sample was done; no summary file is written. */
  readonly aborted: boolean;
  readonly counts: RunCounts;
  readonly durationMs: number;
  /** Where earlier results went when `overwrite` moved them aside. */
  readonly movedAside?: string | undefined;
  readonly files: {
    readonly dir: string;
    readonly samples: string;
    readonly run: string;
    /** Absent when aborted. */
    readonly summary?: string | undefined;
    readonly reportMarkdown?: string | undefined;
    readonly reportHtml?: string | undefined;
  };
  /** The Markdown report of the out directory (all its benchmarks); absent when aborted. */
  readonly report?: string | undefined;
}

const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 600_000;
/** Samples in progress (in flight, backing off or being scored) per request slot. */
const WINDOW_PER_SLOT = 2;

/**
 * Runs a benchmark over a dataset file against model clients, resumably.
 * @throws {EvaluationError} `BAD_RUN` (results of a different run, unreadable dataset),
 *   `UNKNOWN_VARIANT`, `BAD_LINE`/`BAD_SAMPLE` (bad dataset content, unless skipped).
 * @throws {TypeError|RangeError} for bad options.
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationRun> {
  const { benchmark } = options;
  const timers: RunnerTimers = { ...REAL_TIMERS, ...options.timers };
  const started = timers.now();
  const startedAt = new Date().toISOString();
  const retries = checkInteger(options.retries, 'retries', 0, 100, DEFAULT_RETRIES);
  const limit = options.limit === undefined ? undefined : checkInteger(options.limit, 'limit', 1, 2 ** 40, 1);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
    throw new RangeError(`'timeoutMs' must be in (0, ${2 ** 31 - 1}] ms, got ${String(options.timeoutMs)}`);
  }
  const pool = new ClientPool(options.clients);
  const variant = options.variant ?? (benchmark.variants[0] as string);
  if (!benchmark.variants.includes(variant)) {
    throw new EvaluationError(
      'UNKNOWN_VARIANT',
      `${benchmark.name} has no variant '${variant}'; valid: ${benchmark.variants.join(', ')}`,
      { field: 'variant' },
    );
  }
  const promptStyle = options.promptStyle ?? 'nvlm';
  const generation: GenerationSettings = { ...benchmark.generation, ...options.generation };
  const dir = join(options.outDir, benchmark.name);
  const files = { dir, samples: join(dir, 'samples.jsonl'), run: join(dir, 'run.json') };
  const manifest: RunManifest = {
    benchmark: benchmark.name,
    variant,
    promptStyle,
    data: await dataIdentity(options.data),
    clients: options.clients.map((c) => c.id),
    generation,
    createdAt: startedAt,
  };
  const { movedTo } = await prepareResultsDirectory(dir, manifest, options.overwrite === true);

  // Earlier results: a torn last line is cut off; the latest line per id says what is left to do.
  await repairTornTail(files.samples);
  const earlier = new Map<string, number | null>(); // id -> score, for samples that have an output
  await forEachResult(files.samples, (result) => {
    if (result.output !== null) earlier.set(result.id, result.score);
    else earlier.delete(result.id);
  });
  const counted = await countSamples(options.data);

  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;

  const state = { done: 0, failed: 0, resumed: 0, scoreSum: 0, skippedLines: 0 };
  // The running score in the paper's unit: percent, or OCRBench points out of 1000.
  const scale = benchmark.unit === 'points' ? 1000 : 100;
  let total = limit === undefined ? counted : Math.min(limit, counted);
  const scope = new Set<string>();
  let fatal: unknown;
  const progress = (finished: boolean): RunProgress => ({
    benchmark: benchmark.name,
    done: state.done,
    total: Math.max(total, state.done),
    failed: state.failed,
    resumed: state.resumed,
    inFlight: pool.inFlight,
    score: state.done > 0 ? (state.scoreSum / state.done) * scale : undefined,
    elapsedMs: timers.now() - started,
    finished,
  });
  const report = (finished = false) => options.onProgress?.(progress(finished));

  const writer = await ResultsWriter.open(files.samples);
  const ask = (sample: EvalSample) =>
    askModel(sample, { pool, generation, retries, timeoutMs, timers, signal, backoff: options.backoff });

  /** One sample from request to recorded line; resolves without recording when the run stops. */
  const evaluate = async (sample: EvalSample): Promise<void> => {
    const answer = await ask(sample);
    if (answer === undefined) return;
    const result = await scoreAnswer(sample, answer, benchmark, variant, options.judge, signal);
    if (result === undefined) return;
    await writer.append(result);
    state.done++;
    if (result.score === null) state.failed++;
    else state.scoreSum += result.score;
    report();
  };

  const inProgress = new Set<Promise<void>>();
  const windowSize = pool.capacity * WINDOW_PER_SLOT;
  let readerError: unknown;
  let readAll = false;
  report();
  try {
    for await (const sample of readSamples(options.data, benchmark, {
      promptStyle,
      onBadLine: options.onBadLine ?? 'fail',
      onSkip: (error) => {
        state.skippedLines++;
        options.onSkip?.(error);
      },
    })) {
      if (signal.aborted || (limit !== undefined && scope.size >= limit)) break;
      scope.add(sample.id);
      if (earlier.has(sample.id)) {
        state.done++;
        state.resumed++;
        const score = earlier.get(sample.id);
        if (score === null || score === undefined) state.failed++;
        else state.scoreSum += score;
        report();
        continue;
      }
      while (inProgress.size >= windowSize) await Promise.race(inProgress);
      if (signal.aborted) break;
      const task: Promise<void> = evaluate(sample)
        .catch((error: unknown) => {
          fatal ??= error;
          controller.abort(error);
        })
        .finally(() => inProgress.delete(task));
      inProgress.add(task);
    }
    readAll = !signal.aborted;
    if (readAll) total = scope.size;
  } catch (error) {
    readerError = error;
    controller.abort(error);
  } finally {
    await Promise.all(inProgress);
    await writer.close();
    options.signal?.removeEventListener('abort', stop);
  }
  if (fatal !== undefined) throw fatal;
  if (readerError !== undefined) throw readerError;

  const latest = await readLatestResults(files.samples);
  const results = [...scope]
    .map((id) => latest.get(id))
    .filter((r): r is RecordedResult => r !== undefined)
    .sort((a, b) => a.line - b.line);
  // A stop that came after the last sample was recorded changes nothing.
  const aborted = options.signal?.aborted === true && !(readAll && results.length === scope.size);
  const summary = benchmark.summarize(results, variant, promptStyle);
  const counts: RunCounts = {
    total: aborted ? Math.max(total, scope.size) : scope.size,
    answered: results.filter((r) => r.output !== null).length,
    failed: results.filter((r) => r.score === null).length,
    resumed: state.resumed,
    skippedLines: state.skippedLines,
  };
  const durationMs = timers.now() - started;
  report(true);
  if (aborted) return { summary, aborted, counts, durationMs, movedAside: movedTo, files };

  const tokens = sumTokens(results);
  const metadata: RunMetadata = {
    ...(options.model !== undefined && { model: options.model }),
    clients: manifest.clients,
    data: manifest.data.path,
    startedAt,
    finishedAt: new Date().toISOString(),
    durationMs,
    counts,
    generation,
    ...(tokens && { tokens }),
  };
  const summaryFile = join(dir, 'summary.json');
  const content: SummaryFile = { ...summary, run: metadata };
  await writeFileAtomic(summaryFile, `${JSON.stringify(content, null, 2)}\n`);
  const written = await writeReports(options.outDir, options.model);
  return {
    summary,
    aborted,
    counts,
    durationMs,
    movedAside: movedTo,
    files: {
      ...files,
      summary: summaryFile,
      reportMarkdown: written.markdownFile,
      reportHtml: written.htmlFile,
    },
    report: written.markdown,
  };
}

//#region asking

interface AskContext {
  readonly pool: ClientPool;
  readonly generation: GenerationSettings;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly timers: RunnerTimers;
  readonly signal: AbortSignal;
  readonly backoff: BackoffOptions | undefined;
}

/** A model's answer to a sample, or every attempt's failure. */
type Answer =
  | {
      readonly ok: true;
      readonly response: CompletionResponse;
      readonly source: string;
      readonly attempts: number;
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      readonly error: ModelError;
      readonly source: string;
      readonly attempts: number;
      readonly latencyMs: number;
    };

/** Asks for one sample with retries; undefined when the run stopped first. */
async function askModel(sample: EvalSample, ctx: AskContext): Promise<Answer | undefined> {
  const first = ctx.timers.now();
  for (let attempts = 1; ; attempts++) {
    let client: ModelClient;
    try {
      client = await ctx.pool.acquire(ctx.signal);
    } catch {
      return undefined;
    }
    const start = ctx.timers.now();
    let error: ModelError;
    try {
      const response = await attempt(client, sample, ctx);
      return { ok: true, response, source: client.id, attempts, latencyMs: ctx.timers.now() - start };
    } catch (caught) {
      if (ctx.signal.aborted) return undefined;
      error = asModelError(caught);
    } finally {
      ctx.pool.release(client);
    }
    if (!error.retryable || attempts > ctx.retries) {
      return { ok: false, error, source: client.id, attempts, latencyMs: ctx.timers.now() - first };
    }
    try {
      await ctx.timers.sleep(
        backoffDelay(attempts, ctx.timers.random, ctx.backoff, error.retryAfterMs),
        ctx.signal,
      );
    } catch {
      return undefined;
    }
    if (ctx.signal.aborted) return undefined;
  }
}

/** One request with the per-request timeout; a client that ignores its signal cannot hang the run. */
async function attempt(
  client: ModelClient,
  sample: EvalSample,
  ctx: AskContext,
): Promise<CompletionResponse> {
  const controller = new AbortController();
  const onStop = () => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(() => {
    controller.abort(
      modelError(`${client.id}: no answer within ${ctx.timeoutMs / 1000} s`, { retryable: true }),
    );
  }, ctx.timeoutMs);
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([
      client.complete({
        ...(sample.system !== undefined && { system: sample.system }),
        prompt: sample.prompt,
        images: sample.images,
        maxNewTokens: ctx.generation.maxNewTokens,
        temperature: ctx.generation.temperature,
        seed: ctx.generation.seed,
        ...(ctx.generation.stop !== undefined && { stop: ctx.generation.stop }),
        signal: controller.signal,
      }),
      stopped,
    ]);
  } catch (error) {
    // The timeout's own error wins over the client's report of the abort it caused.
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof EvaluationError) throw reason;
    throw error;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onStop);
  }
}

//#endregion

//#region scoring

/** Turns an answer into the recorded line (judge + scorer); undefined when the run stopped meanwhile. */
async function scoreAnswer(
  sample: EvalSample,
  answer: Answer,
  benchmark: Benchmark,
  variant: string,
  judge: AnswerJudge | undefined,
  signal: AbortSignal,
): Promise<RecordedResult | undefined> {
  const base = {
    id: sample.id,
    line: sample.line,
    ...(sample.category !== undefined && { category: sample.category }),
    prompt: sample.prompt,
    attempts: answer.attempts,
    source: answer.source,
    latencyMs: Math.round(answer.latencyMs),
  };
  if (!answer.ok) {
    return { ...base, output: null, extracted: null, score: null, error: answer.error.message };
  }
  const output = answer.response.text;
  const tokens = {
    ...(answer.response.promptTokens !== undefined && { promptTokens: answer.response.promptTokens }),
    ...(answer.response.completionTokens !== undefined && {
      completionTokens: answer.response.completionTokens,
    }),
  };
  const judgeDetails: Record<string, unknown> = {};
  let llmExtraction: string | undefined;
  try {
    if (judge && benchmark.needsJudge?.(sample, output, variant)) {
      try {
        llmExtraction = await judge.extract(benchmark.name, sample, output, signal);
        judgeDetails.llm_extraction = llmExtraction ?? null;
      } catch (error) {
        if (signal.aborted) return undefined;
        judgeDetails.judge_error = error instanceof Error ? error.message : String(error);
      }
    }
    const scored: SampleScore = benchmark.score(sample, output, variant, llmExtraction);
    const details = { ...scored.details, ...judgeDetails };
    return {
      ...base,
      output,
      extracted: scored.extracted,
      score: scored.score,
      ...(Object.keys(details).length > 0 && { details }),
      ...tokens,
    };
  } catch (error) {
    // A record the scorer rejects (bad gold fields) keeps its output, counts as failed, and is not asked again.
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, output, extracted: null, score: null, error: `scoring failed: ${message}`, ...tokens };
  }
}

function sumTokens(results: readonly RecordedResult[]): { prompt: number; completion: number } | undefined {
  let prompt = 0;
  let completion = 0;
  let known = false;
  for (const r of results) {
    if (typeof r.promptTokens === 'number') {
      prompt += r.promptTokens;
      known = true;
    }
    if (typeof r.completionTokens === 'number') {
      completion += r.completionTokens;
      known = true;
    }
  }
  return known ? { prompt, completion } : undefined;
}

//#endregion

function checkInteger(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
