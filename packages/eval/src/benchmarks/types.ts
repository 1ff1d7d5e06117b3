/**
 * The contract between benchmark definitions (prompts, gold fields, scoring, aggregation; EVAL.md
 * sections 2-10) and the runner that asks a model for answers. A benchmark turns one dataset record into
 * an {@link EvalSample}, scores one model output against it, and folds the scored samples into a
 * {@link BenchmarkSummary} in the paper's unit (NVLM.md 14.1).
 */

/** The nine vision-language benchmarks of the NVLM 1.0 paper. */
export type BenchmarkName =
  | 'mmmu'
  | 'mathvista'
  | 'ocrbench'
  | 'ai2d'
  | 'chartqa'
  | 'docvqa'
  | 'textvqa'
  | 'vqav2'
  | 'realworldqa';

/**
 * Whose prompts a run uses: `nvlm` (Megatron `examples/multimodal`, the paper's own; default),
 * `vlmevalkit` or `lmms` (the harness prompts EVAL.md quotes).
 */
export type PromptStyle = 'nvlm' | 'vlmevalkit' | 'lmms';

/** One question ready to send to a model. */
export interface EvalSample {
  /** Stable id: the dataset's `index`/`id`/`question_id` field, else the line number as a string. */
  readonly id: string;
  /** 1-based line of the dataset file the sample came from. */
  readonly line: number;
  /** System message; undefined leaves the chat template's default. */
  readonly system?: string | undefined;
  /**
   * User text. Each image's position is marked by `<image>` (IMAGE_PLACEHOLDER of @nvlm-ts/tiler), one
   * per entry of `images`, in order.
   */
  readonly prompt: string;
  /** Encoded images (PNG, JPEG, ...) in prompt order. */
  readonly images: readonly Uint8Array[];
  /** Everything the scorer needs (answers, choices, question_type, ...), JSON-serialisable. */
  readonly gold: Readonly<Record<string, unknown>>;
  /** Optional grouping keys for breakdowns (OCRBench type, ChartQA split, MMMU subject, ...). */
  readonly category?: string | undefined;
}

/** How a benchmark wants the model to generate (deterministic by default: greedy, fixed seed). */
export interface GenerationSettings {
  readonly maxNewTokens: number;
  /** 0 = greedy. */
  readonly temperature: number;
  readonly seed: number;
  readonly stop?: readonly string[] | undefined;
}

/** The score of one model output. */
export interface SampleScore {
  /** What the scorer took as the answer (normalised prediction, parsed letter, ...); null if none. */
  readonly extracted: string | null;
  /** Per-sample score in [0, 1] (OCRBench megatron may give 2: a count of hits). */
  readonly score: number;
  /** Scorer details worth keeping in the per-sample file (fallback_used, variant, ...). */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** What context a benchmark needs to build samples from records. */
export interface SampleContext {
  /** 1-based line (or row) number of the record. */
  readonly line: number;
  readonly promptStyle: PromptStyle;
  /**
   * Resolves an image reference from a JSONL record (a path relative to the dataset file, an absolute
   * path, or a `data:` URL) to its bytes. Rejects with an EvaluationError naming the line.
   */
  readonly loadImage: (reference: string) => Promise<Uint8Array>;
  /**
   * The record's layout: `jsonl` (nvlm-ts objects) or `tsv` (VLMEvalKit rows of string cells). When
   * absent, a record whose values are all strings and that has an `index` field is read as TSV.
   */
  readonly format?: 'jsonl' | 'tsv' | undefined;
}

/** The outcome of one sample as the runner records it (one line of `samples.jsonl`). */
export interface SampleResult {
  readonly id: string;
  readonly line: number;
  readonly category?: string | undefined;
  readonly prompt: string;
  /** Raw model output; null when every attempt failed. */
  readonly output: string | null;
  readonly extracted: string | null;
  /** null when the sample failed (no output); failed samples count as 0 in summaries. */
  readonly score: number | null;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** The last error message when the sample failed. */
  readonly error?: string | undefined;
  readonly attempts: number;
  /** Which model client answered (endpoint URL or `model:DIR`). */
  readonly source: string;
  readonly latencyMs: number;
}

/** A benchmark's result in the paper's unit. */
export interface BenchmarkSummary {
  readonly benchmark: BenchmarkName;
  readonly title: string;
  readonly unit: 'percent' | 'points';
  readonly variant: string;
  readonly promptStyle: PromptStyle;
  /** Score in the paper's unit: accuracy x100, ANLS x100, or OCRBench points (0-1000 scale). */
  readonly score: number;
  /** Samples in the run (scored + failed). */
  readonly samples: number;
  readonly failed: number;
  /** Score per category in the same unit, when the benchmark has categories. */
  readonly breakdown?: Readonly<Record<string, number>> | undefined;
}

/** The paper's numbers for one benchmark (NVLM.md 14.1); undefined where not reported. */
export interface PaperNumbers {
  readonly d: number;
  readonly x: number;
  readonly h: number;
  /** Which reported column (e.g. `val` for MMMU, `test` or `no_mask` for AI2D). */
  readonly column: string;
}

/** A benchmark definition. */
export interface Benchmark {
  readonly name: BenchmarkName;
  readonly title: string;
  readonly unit: 'percent' | 'points';
  /** The metric's variants (EVAL.md 13 spellings), default first. */
  readonly variants: readonly string[];
  readonly paper: PaperNumbers;
  readonly generation: GenerationSettings;
  /** Builds a sample from a dataset record (VLMEvalKit TSV row or JSONL object). */
  toSample(record: Readonly<Record<string, unknown>>, context: SampleContext): Promise<EvalSample>;
  /**
   * Scores one output; `variant` is one of `variants`. `llmExtraction` is the answer an LLM judge
   * extracted from the output (MathVista's GPT extraction step, VLMEvalKit's MCQ judge), when the run
   * has a judge; benchmarks that do not use one ignore it. Throws EvaluationError for bad gold fields.
   */
  score(sample: EvalSample, output: string, variant: string, llmExtraction?: string): SampleScore;
  /**
   * Whether this output needs the LLM judge under `variant` (e.g. MathVista when the rule-based steps
   * find nothing, an MCQ answer `can_infer` cannot map to a letter). Absent = never.
   */
  needsJudge?(sample: EvalSample, output: string, variant: string): boolean;
  /** Folds results into the paper's unit; failed samples (score null) count as 0. */
  summarize(results: readonly SampleResult[], variant: string, promptStyle: PromptStyle): BenchmarkSummary;
}
