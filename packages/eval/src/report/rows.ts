/**
 * The row model both reports render: one row per benchmark summary in the paper's column order
 * (NVLM.md 14.1 Table 7), beside the paper's NVLM-D/X/H numbers (the benchmark's default column) and
 * the difference to one of them.
 */
import { BENCHMARK_NAMES, BENCHMARKS } from '../benchmarks/index.js';
import type { BenchmarkSummary, PaperNumbers } from '../benchmarks/types.js';

/** Options of the report renderers. */
export interface ReportOptions {
  /** Heading of the report; default `NVLM evaluation report`. */
  readonly title?: string | undefined;
  /** The evaluated model's name, shown under the heading. */
  readonly model?: string | undefined;
  /** Which paper model the Δ column compares with: `d` (default), `x` or `h`. */
  readonly compareTo?: 'd' | 'x' | 'h' | undefined;
}

/** One report row. */
export interface ReportRow {
  readonly summary: BenchmarkSummary;
  readonly paper: PaperNumbers;
  /** `ours - paper[compareTo]`, in the row's unit. */
  readonly delta: number;
}

/** The resolved options. */
export interface ResolvedReportOptions {
  readonly title: string;
  readonly model: string | undefined;
  readonly compareTo: 'd' | 'x' | 'h';
}

export const DEFAULT_TITLE = 'NVLM evaluation report';
/** Display names of the paper's models. */
export const MODEL_NAMES = { d: 'NVLM-D', x: 'NVLM-X', h: 'NVLM-H' } as const;

/** Checks the options. @throws {RangeError} for an unknown `compareTo`. */
export function resolveOptions(options: ReportOptions = {}): ResolvedReportOptions {
  const compareTo = options.compareTo ?? 'd';
  if (compareTo !== 'd' && compareTo !== 'x' && compareTo !== 'h') {
    throw new RangeError(`'compareTo' must be 'd', 'x' or 'h', got '${String(compareTo)}'`);
  }
  return { title: options.title ?? DEFAULT_TITLE, model: options.model, compareTo };
}

/**
 * Rows in the paper's column order (summaries of the same benchmark keep their given order).
 * @throws {TypeError} for a summary of an unknown benchmark.
 */
export function reportRows(summaries: readonly BenchmarkSummary[], compareTo: 'd' | 'x' | 'h'): ReportRow[] {
  const rank = (s: BenchmarkSummary) => {
    const i = BENCHMARK_NAMES.indexOf(s.benchmark);
    if (i < 0) throw new TypeError(`summary of unknown benchmark '${String(s.benchmark)}'`);
    return i;
  };
  return summaries
    .map((summary, order) => ({ summary, order, rank: rank(summary) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ summary }) => {
      const paper = BENCHMARKS[summary.benchmark].paper;
      return { summary, paper, delta: summary.score - paper[compareTo] };
    });
}

/** A score in its unit: percent with one decimal (as the paper), points as an integer. */
export function formatScore(value: number, unit: 'percent' | 'points'): string {
  return value.toFixed(unit === 'points' ? 0 : 1);
}

/** A signed difference (`+1.2`, `-0.4`, `0.0`). */
export function formatDelta(value: number, unit: 'percent' | 'points'): string {
  const text = formatScore(Math.abs(value), unit);
  if (Number(text) === 0) return text;
  return `${value > 0 ? '+' : '-'}${text}`;
}

/** `MMMU (val, %)`, `OCRBench (points)`: the row label with the paper column and unit. */
export function rowLabel(row: ReportRow): string {
  const unit = row.summary.unit === 'points' ? 'points' : '%';
  return `${row.summary.title} (${row.paper.column}, ${unit})`;
}
