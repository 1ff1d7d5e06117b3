/**
 * @nvlm-ts/eval: benchmark scorers that reproduce the official Python scorers of the nine NVLM 1.0
 * benchmarks exactly, plus the harness variants (Megatron/NVLM, VLMEvalKit, lmms-eval, pix2struct)
 * selectable by name. The specification is EVAL.md; every module names the reference it follows.
 */

export { type DatasetRecord, type ReadJsonlOptions, readJsonl } from './datasets/jsonl.js';
export { DEFAULT_MAX_LINE_LENGTH, type NumberedLine, readLines, type TextSource } from './datasets/lines.js';
export { decodeBase64, readVlmEvalKitTsv, vlmEvalKitOptions } from './datasets/tsv.js';
export { EvaluationError, type EvaluationErrorCode, type EvaluationErrorDetails } from './errors.js';
export { pyFloat, pyFloatRepr, pyInt, pyIntOfFloat, pyRound } from './python/numbers.js';
export { PyRandom } from './python/random.js';
export { pyLen, pySplit, pyStrip } from './python/strings.js';
export {
  METRIC_VARIANTS,
  METRICS,
  type Metric,
  type ScoredRecord,
  type ScoreRecordOptions,
  scoreRecord,
} from './score-record.js';
export { ANLS_VARIANTS, type AnlsResult, type AnlsVariant, scoreAnls } from './scorers/anls.js';
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
