/**
 * @nvlm-ts/eval: benchmark scorers that reproduce the official Python scorers of the nine NVLM 1.0
 * benchmarks exactly, plus the harness variants (Megatron/NVLM, VLMEvalKit, lmms-eval, pix2struct)
 * selectable by name; the nine benchmark definitions (prompts, generation settings, scoring,
 * summaries), the optional LLM judge and the reports. The specification is EVAL.md; every module names
 * the reference it follows. The runner (files, endpoints, the in-process model) is `@nvlm-ts/eval/node`.
 */
export { BENCHMARK_NAMES, BENCHMARKS, getBenchmark, PAPER_RESULTS } from './benchmarks/index.js';
export { MULTIPLE_CHOICE_VARIANTS } from './benchmarks/multiple-choice.js';
export { OCRBENCH_CATEGORIES } from './benchmarks/ocrbench.js';
export type {
  Benchmark,
  BenchmarkName,
  BenchmarkSummary,
  EvalSample,
  GenerationSettings,
  PaperNumbers,
  PromptStyle,
  SampleContext,
  SampleResult,
  SampleScore,
} from './benchmarks/types.js';

export { type DatasetRecord, type ReadJsonlOptions, readJsonl } from './datasets/jsonl.js';
export { DEFAULT_MAX_LINE_LENGTH, type NumberedLine, readLines, type TextSource } from './datasets/lines.js';
export { decodeBase64, readVlmEvalKitTsv, vlmEvalKitOptions } from './datasets/tsv.js';
export { EvaluationError, type EvaluationErrorCode, type EvaluationErrorDetails } from './errors.js';
export {
  createJudge,
  extractionPrompt,
  JUDGE_SETTINGS,
  type JudgeOption,
  type JudgeOptions,
  matchingPrompt,
  parseExtraction,
  parseOptionLetter,
  sampleOptions,
} from './judge/index.js';
export { pyFloat, pyFloatRepr, pyInt, pyIntOfFloat, pyRound } from './python/numbers.js';
export { PyRandom } from './python/random.js';
export { pyLen, pySplit, pyStrip } from './python/strings.js';
export { escapeHtml, type ReportOptions, renderHtmlReport, renderMarkdownReport } from './report/index.js';
export type { AnswerJudge, CompletionRequest, CompletionResponse, ModelClient } from './runner/types.js';
export {
  METRIC_VARIANTS,
  METRICS,
  type Metric,
  type ScoredRecord,
  type ScoreRecordOptions,
  scoreRecord,
} from './score-record.js';
export { ANLS_VARIANTS, type AnlsResult, type AnlsVariant, scoreAnls } from './scorers/anls.js';
export {
  CAN_INFER_VERSIONS,
  type CanInferOptions,
  type CanInferVersion,
  type ChoiceMap,
  canInfer,
  canInferOption,
  canInferText,
} from './scorers/can-infer.js';
export { levenshtein } from './scorers/levenshtein.js';
export {
  extractMathVistaAnswer,
  MATHVISTA_VARIANTS,
  type MathVistaItem,
  type MathVistaResult,
  type MathVistaVariant,
  megatronExtractNumber,
  megatronExtraProcessing,
  normalizeMathVistaExtraction,
  scoreMathVista,
} from './scorers/mathvista.js';
export {
  evalOpen,
  extractNumbers,
  MMMU_VARIANTS,
  type MmmuFallback,
  type MmmuItem,
  type MmmuOptions,
  type MmmuResult,
  type MmmuVariant,
  type MultiChoiceParse,
  megatronExtractAnswer,
  normalizeOpenAnswer,
  type OpenAnswer,
  parseMultiChoice,
  parseOpenResponse,
  scoreMmmu,
} from './scorers/mmmu.js';
export {
  OCRBENCH_VARIANTS,
  type OcrBenchResult,
  type OcrBenchVariant,
  scoreOcrBench,
} from './scorers/ocrbench.js';
export {
  RELAXED_VARIANTS,
  type RelaxedResult,
  type RelaxedVariant,
  relaxedCorrectness,
  scoreRelaxed,
} from './scorers/relaxed.js';
export {
  evalAiProcess,
  type PunctuationOptions,
  processDigitArticle,
  processPunctuation,
  scoreVqa,
  VQA_VARIANTS,
  type VqaResult,
  type VqaVariant,
  vqaCleanWhitespace,
  vqaNormalize,
} from './scorers/vqa.js';
