/**
 * `nvlm eval`: runs one benchmark of the NVLM 1.0 paper over a dataset file against the in-process
 * model (`--model DIR`) or OpenAI-compatible endpoints (`--endpoint URL[,URL...]`, e.g. several vLLM
 * or nvlm-ts servers), with @nvlm-ts/eval's resumable runner. Progress goes to stderr, the Markdown
 * table of the out directory (this benchmark beside any others run there, and the paper's numbers) to
 * stdout. Ctrl-C stops cleanly (exit 130); rerunning the same command resumes.
 */
import { basename, resolve } from 'node:path';
import {
  BENCHMARK_NAMES,
  createJudge,
  createProgressBar,
  EvaluationError,
  getBenchmark,
  limitConcurrency,
  type ModelClient,
  openAIClient,
  type PromptStyle,
  pipelineClient,
  runEvaluation,
} from '@nvlm-ts/eval/node';
import { loadPipeline } from '@nvlm-ts/runtime';
import { CliError, choiceOption, defineCommand, intOption, numberOption, UsageError } from '../command.js';
import { RUNTIME_OPTIONS, runtimeOptions } from '../util/runtime-options.js';

/** The runner's PromptStyle values. */
const PROMPT_STYLES = ['nvlm', 'vlmevalkit', 'lmms'] as const satisfies readonly PromptStyle[];

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'Run a benchmark (MMMU, MathVista, OCRBench, AI2D, ChartQA, DocVQA, TextVQA, VQAv2, RealWorldQA)',
  description:
    'Asks the model every question of a dataset file (.jsonl in the nvlm-ts layout, or a VLMEvalKit .tsv),\n' +
    'scores the answers with the official scorer (or --variant) and writes, under --out:\n' +
    '  <benchmark>/samples.jsonl  one line per sample (id, prompt, output, extracted answer, score, error),\n' +
    "                             appended and fsync'd per sample\n" +
    '  <benchmark>/run.json       the settings the results belong to\n' +
    "  <benchmark>/summary.json   the score in the paper's unit, counts, timings, tokens\n" +
    '  report.md, report.html     every benchmark of --out beside the NVLM 1.0 paper numbers\n' +
    'Rerunning the same command resumes: samples with an output are not asked again, failed ones are.\n' +
    'Different settings on the same --out fail unless --overwrite (the old results are moved aside).\n' +
    'Requests are spread over all endpoints, at most --concurrency at a time on each; failures are\n' +
    'retried --retries times with exponential backoff (Retry-After honoured), then recorded as failed.\n' +
    `Benchmarks: ${BENCHMARK_NAMES.join(', ')}.`,
  options: {
    benchmark: { type: 'string', short: 'b', valueName: 'NAME', description: 'Benchmark to run' },
    data: { type: 'string', short: 'd', valueName: 'FILE', description: 'Dataset file (.jsonl or .tsv)' },
    model: {
      type: 'string',
      short: 'm',
      valueName: 'DIR',
      description: 'Run the model in-process (nvlm-ts ONNX or Hugging Face directory)',
    },
    endpoint: {
      type: 'string',
      short: 'e',
      multiple: true,
      valueName: 'URL[,URL...]',
      description: 'OpenAI-compatible server(s), e.g. http://host:8000 (with or without /v1)',
    },
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'Output directory' },
    limit: { type: 'string', short: 'n', valueName: 'N', description: 'Only the first N samples' },
    concurrency: {
      type: 'string',
      short: 'c',
      valueName: 'C',
      description: 'Requests in flight per endpoint (default 4; 1 with --model)',
    },
    variant: { type: 'string', valueName: 'V', description: 'Scorer variant (default: the official one)' },
    'prompt-style': {
      type: 'string',
      valueName: PROMPT_STYLES.join('|'),
      default: 'nvlm',
      description: 'Whose prompts to use',
    },
    'max-new-tokens': {
      type: 'string',
      valueName: 'N',
      description: "Override the benchmark's answer length",
    },
    retries: { type: 'string', valueName: 'N', default: '3', description: 'Retries of a failed request' },
    timeout: { type: 'string', valueName: 'SECONDS', default: '600', description: 'Per-request timeout' },
    'endpoint-model': {
      type: 'string',
      valueName: 'NAME',
      description: 'The model name sent to endpoints (default: the first of GET /v1/models)',
    },
    'api-key-env': {
      type: 'string',
      valueName: 'VAR',
      description: "Environment variable holding the endpoints' API key (sent as a Bearer token)",
    },
    judge: {
      type: 'string',
      valueName: 'URL',
      description: 'OpenAI-compatible LLM judge for answer extraction where the benchmark uses one',
    },
    'judge-model': { type: 'string', valueName: 'NAME', description: 'The judge model name' },
    'judge-api-key-env': {
      type: 'string',
      valueName: 'VAR',
      description: "Environment variable holding the judge's API key",
    },
    'skip-bad-lines': {
      type: 'boolean',
      description: 'Report malformed dataset lines on stderr and skip them (default: stop)',
    },
    overwrite: { type: 'boolean', description: 'Move earlier results of --out aside and start afresh' },
    quiet: { type: 'boolean', short: 'q', description: 'No progress bar' },
    ...RUNTIME_OPTIONS,
  },
  examples: [
    'nvlm eval -b chartqa -d ChartQA_TEST.tsv --endpoint http://gpu1:8000,http://gpu2:8000 -o results',
    'nvlm eval -b textvqa -d textvqa_val.jsonl --model NVLM-D-72B-int4 -o results --limit 100',
    'nvlm eval -b mathvista -d MathVista_MINI.tsv -e http://localhost:8000 --judge http://localhost:9000 -o results',
  ],
  async run({ values, io }) {
    if (values.benchmark === undefined) throw new UsageError('--benchmark NAME is required');
    if (values.data === undefined) throw new UsageError('--data FILE is required');
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    const endpoints = values.endpoint.flatMap((e) => e.split(',')).map((e) => e.trim());
    if (endpoints.some((e) => e === '')) throw new UsageError('--endpoint has an empty URL');
    if (values.model !== undefined && endpoints.length > 0) {
      throw new UsageError('give either --model DIR or --endpoint URL, not both');
    }
    if (values.model === undefined && endpoints.length === 0) {
      throw new UsageError('give --model DIR (in-process) or --endpoint URL[,URL...] (servers)');
    }
    if (values.model !== undefined && values['endpoint-model'] !== undefined) {
      throw new UsageError('--endpoint-model only applies with --endpoint');
    }
    if (values['judge-model'] !== undefined && values.judge === undefined) {
      throw new UsageError('--judge-model needs --judge URL');
    }
    let benchmark: ReturnType<typeof getBenchmark>;
    try {
      benchmark = getBenchmark(values.benchmark);
    } catch {
      throw new UsageError(
        `--benchmark must be one of ${BENCHMARK_NAMES.join(', ')}, got '${values.benchmark}'`,
      );
    }
    if (values.variant !== undefined && !benchmark.variants.includes(values.variant)) {
      throw new UsageError(
        `--variant for ${benchmark.name} must be one of ${benchmark.variants.join(', ')}, got '${values.variant}'`,
      );
    }
    const promptStyle = choiceOption(values['prompt-style'], 'prompt-style', PROMPT_STYLES, 'nvlm');
    const limit =
      values.limit === undefined ? undefined : intOption(values.limit, 'limit', { min: 1, max: 2 ** 40 }, 1);
    const concurrency = intOption(
      values.concurrency,
      'concurrency',
      { min: 1, max: 1024 },
      values.model ? 1 : 4,
    );
    const retries = intOption(values.retries, 'retries', { min: 0, max: 100 }, 3);
    const timeoutMs = numberOption(values.timeout, 'timeout', { min: 0.001, max: 86_400 }, 600) * 1000;
    const maxNewTokens =
      values['max-new-tokens'] === undefined
        ? undefined
        : intOption(values['max-new-tokens'], 'max-new-tokens', { min: 1, max: 1_000_000 }, 1);
    const apiKey = apiKeyFrom(values['api-key-env'], 'api-key-env', io.env);
    const judgeKey = apiKeyFrom(values['judge-api-key-env'], 'judge-api-key-env', io.env);
    const runtime = values.model === undefined ? undefined : runtimeOptions(values);

    let clients: ModelClient[];
    let judgeClient: ModelClient | undefined;
    try {
      clients = endpoints.map((url) =>
        openAIClient({ url, concurrency, model: values['endpoint-model'], apiKey }),
      );
      judgeClient =
        values.judge === undefined
          ? undefined
          : openAIClient({
              url: values.judge,
              model: values['judge-model'],
              apiKey: judgeKey,
              concurrency: 4,
              timeoutMs,
            });
    } catch (error) {
      if (error instanceof EvaluationError) throw new UsageError(error.message);
      throw error;
    }

    const controller = new AbortController();
    const onInterrupt = () => {
      io.stderr.write('\nnvlm: interrupted; closing the results file (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.once('SIGINT', onInterrupt);
    let pipeline: Awaited<ReturnType<typeof loadPipeline>> | undefined;
    let bar = values.quiet ? undefined : createProgressBar({ stream: io.stderr as NodeJS.WriteStream });
    try {
      if (values.model !== undefined) {
        const dir = resolve(io.cwd, values.model);
        pipeline = await loadPipeline(dir, { ...runtime, concurrency });
        clients = [pipelineClient(pipeline, { id: `model:${dir}`, concurrency })];
      }
      const run = await runEvaluation({
        benchmark,
        data: resolve(io.cwd, values.data),
        clients,
        outDir: resolve(io.cwd, values.out),
        limit,
        variant: values.variant,
        promptStyle,
        ...(maxNewTokens !== undefined && { generation: { maxNewTokens } }),
        retries,
        timeoutMs,
        judge: judgeClient && createJudge({ client: limitConcurrency(judgeClient) }),
        onBadLine: values['skip-bad-lines'] ? 'skip' : 'fail',
        onSkip: (error) => io.stderr.write(`nvlm: skipped ${error.message}\n`),
        overwrite: values.overwrite,
        signal: controller.signal,
        onProgress: bar && ((p) => bar?.update(p)),
        model:
          values.model === undefined ? values['endpoint-model'] : basename(resolve(io.cwd, values.model)),
      });
      bar?.finish();
      bar = undefined;
      const { counts } = run;
      if (run.aborted) {
        io.stderr.write(
          `nvlm: stopped after ${counts.answered + counts.failed} of ${counts.total} samples; ` +
            `results kept in ${run.files.dir}; rerun the same command to resume\n`,
        );
        return EXIT_INTERRUPTED;
      }
      io.stdout.write(run.report ?? '');
      if (counts.failed > 0) {
        io.stderr.write(
          `nvlm: ${counts.failed} of ${counts.total} samples failed (see 'error' in ${run.files.samples}); ` +
            'rerun to retry them\n',
        );
      }
      return counts.total > 0 && counts.failed === counts.total ? 1 : 0;
    } catch (error) {
      if (error instanceof EvaluationError && error.code === 'BAD_RUN') throw new CliError(error.message);
      throw error;
    } finally {
      bar?.finish();
      process.removeListener('SIGINT', onInterrupt);
      await pipeline?.dispose();
    }
  },
});

/** The API key in the environment variable named by `--<option>`; a named but unset variable is a usage error. */
function apiKeyFrom(name: string | undefined, option: string, env: Record<string, string | undefined>) {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '')
    throw new UsageError(`--${option}: environment variable ${name} is not set`);
  return value;
}
