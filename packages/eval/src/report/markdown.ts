/**
 * The Markdown report: one table of the run's benchmarks beside the NVLM 1.0 72B numbers of the paper
 * (NVLM.md 14.1), the format the issue asks for (GitHub-flavoured Markdown table).
 */
import type { BenchmarkSummary } from '../benchmarks/types.js';
import {
  formatDelta,
  formatScore,
  MODEL_NAMES,
  type ReportOptions,
  reportRows,
  resolveOptions,
  rowLabel,
} from './rows.js';

/**
 * Escapes user text for a Markdown table cell or line: HTML specials become entities (renderers pass
 * raw HTML through), `|` and Markdown emphasis/code characters are backslash-escaped, newlines become
 * spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1');
}

/**
 * Renders summaries as a Markdown report: a heading, the model, and one table with a row per
 * benchmark in the paper's column order: ours, NVLM-D, NVLM-X, NVLM-H, Δ vs `compareTo` (default
 * NVLM-D), samples and failed samples. Percent rows have one decimal, OCRBench is in points.
 * @throws {RangeError} for an unknown `compareTo`; {TypeError} for a summary of an unknown benchmark.
 */
export function renderMarkdownReport(
  summaries: readonly BenchmarkSummary[],
  options: ReportOptions = {},
): string {
  const { title, model, compareTo } = resolveOptions(options);
  const rows = reportRows(summaries, compareTo);
  const lines = [`# ${escapeMarkdown(title)}`, ''];
  if (model !== undefined) lines.push(`Model: ${escapeMarkdown(model)}`, '');
  lines.push(
    `| Benchmark | Ours | NVLM-D | NVLM-X | NVLM-H | Δ vs ${MODEL_NAMES[compareTo]} | Samples | Failed |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const row of rows) {
    const { summary, paper } = row;
    const unit = summary.unit;
    lines.push(
      `| ${[
        escapeMarkdown(rowLabel(row)),
        formatScore(summary.score, unit),
        formatScore(paper.d, unit),
        formatScore(paper.x, unit),
        formatScore(paper.h, unit),
        formatDelta(row.delta, unit),
        String(summary.samples),
        String(summary.failed),
      ].join(' | ')} |`,
    );
  }
  if (rows.length > 0) {
    lines.push('', 'Variants and prompt styles:');
    for (const { summary } of rows) {
      lines.push(
        `- ${escapeMarkdown(summary.title)}: variant \`${summary.variant.replace(/`/g, "'")}\`, prompts \`${summary.promptStyle}\``,
      );
    }
  }
  lines.push(
    '',
    'Paper numbers: NVLM 1.0 72B (arXiv 2409.11402, Table 7). OCRBench is in points out of 1000; ' +
      'a partial run is scaled to 1000. Failed samples count as wrong.',
    '',
  );
  return lines.join('\n');
}
