/**
 * `nvlm score`: score model predictions with the official benchmark scorers of @nvlm-ts/eval
 * (EVAL.md §13). Reads JSONL records on stdin and writes one JSONL `{"score", ...}` line per record,
 * in order. Blank lines are skipped; a malformed line stops the run with its line number (exit 1),
 * after the lines before it have been answered, or with --skip-bad is reported and skipped.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  EvaluationError,
  METRIC_VARIANTS,
  METRICS,
  type Metric,
  PyRandom,
  pyRound,
  scoreRecord,
} from '@nvlm-ts/eval';
import { CliError, choiceOption, defineCommand, UsageError } from '../command.js';

/** The official MMMU evaluator seeds Python's module RNG with 42 before `random.choice`. */
const MMMU_SEED = 42;

export const scoreCommand = defineCommand({
  name: 'score',
  summary:
    'Score predictions with the official benchmark scorers (VQA, ANLS, ChartQA, OCRBench, MMMU, MathVista)',
  description:
    'Reads JSONL records from stdin and writes one JSONL {"score", ...} line per record, in order\n' +
    "(plus what the scorer extracted: pred_norm, parsed, normalized, fallback_used; and the record's id).\n" +
    'Fields: prediction; answers or answer; ocrbench: dataset_name; mmmu: question_type, all_choices,\n' +
    'index2ans; mathvista: question_type, answer_type, choices, precision, extraction. A record may\n' +
    'carry variant/fallback fields that override the flags. Variants (default first):\n' +
    METRICS.map((m) => `  ${m}: ${METRIC_VARIANTS[m].join(', ')}`).join('\n') +
    '\nBlank lines are skipped; a malformed line stops the run with its line number (exit 1) unless\n' +
    '--skip-bad is given.',
  options: {
    metric: { type: 'string', valueName: 'M', description: `Metric: ${METRICS.join('|')}` },
    variant: {
      type: 'string',
      valueName: 'V',
      description: "Scorer variant (default: the metric's official one)",
    },
    fallback: {
      type: 'string',
      valueName: 'F',
      description: "mmmu: 'first' (default) or 'random' (Python random.seed(42), in input order)",
    },
    'quick-extract': {
      type: 'boolean',
      description: 'mathvista: also try the official `The answer is "(.*)"\\.` quick extraction',
    },
    'skip-bad': { type: 'boolean', description: 'Report malformed lines on stderr and skip them' },
    summary: {
      type: 'boolean',
      description: 'Print {count, sum, mean, percent = round(100*sum/count, 2)} as JSON on stderr at the end',
    },
  },
  examples: [
    'echo \'{"prediction": "Two", "answers": ["2","2","two"]}\' | nvlm score --metric vqa',
    'nvlm score --metric relaxed --variant megatron --summary < chartqa.jsonl > scored.jsonl',
  ],
  async run({ values, io }) {
    if (values.metric === undefined) throw new UsageError(`missing --metric (${METRICS.join('|')})`, 'score');
    const metric = choiceOption(values.metric, 'metric', METRICS, 'vqa') as Metric;
    const variants: readonly string[] = METRIC_VARIANTS[metric];
    const variant = choiceOption(values.variant, 'variant', variants, variants[0] as string);
    const fallback = choiceOption(values.fallback, 'fallback', ['first', 'random'] as const, 'first');
    const options = {
      variant,
      fallback,
      rng: new PyRandom(MMMU_SEED),
      quickExtract: values['quick-extract'],
    };
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    let count = 0;
    let sum = 0;
    let skipped = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      let out: string;
      try {
        const record = parseLine(line);
        const scored = scoreRecord(metric, record, options);
        const id = (record as { id?: unknown }).id;
        out = JSON.stringify(id === undefined ? scored : { ...scored, id });
        count++;
        sum += scored.score;
      } catch (error) {
        const message = `stdin line ${lineNumber}: ${(error as Error).message}`;
        if (!values['skip-bad'] || !(error instanceof EvaluationError || error instanceof CliError)) {
          throw new CliError(message, 1, { cause: error });
        }
        io.stderr.write(`nvlm: ${message} (skipped)\n`);
        skipped++;
        continue;
      }
      if (!io.stdout.write(`${out}\n`)) await once(io.stdout, 'drain');
    }
    if (values.summary) {
      // As the official evaluators report it: round(100 * sum / n, 2) (OCRBench reports `sum`).
      const mean = count === 0 ? 0 : sum / count;
      const percent = count === 0 ? 0 : pyRound((100 * sum) / count, 2);
      const extra = skipped > 0 ? { skipped } : {};
      io.stderr.write(`${JSON.stringify({ metric, variant, count, sum, mean, percent, ...extra })}\n`);
    }
    return 0;
  },
});

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw new CliError(`not valid JSON (${(cause as Error).message})`, 1, { cause });
  }
}
