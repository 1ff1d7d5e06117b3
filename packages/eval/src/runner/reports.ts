/**
 * The run's summary and the out directory's reports: `<outDir>/<benchmark>/summary.json` (the
 * benchmark's summary in the paper's unit plus run metadata), and `<outDir>/report.md` and
 * `<outDir>/report.html` rebuilt from every `<outDir>/*\/summary.json`, so several benchmarks run
 * into one directory make one table.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchmarkSummary, GenerationSettings } from '../benchmarks/types.js';
import { renderHtmlReport, renderMarkdownReport } from '../report/index.js';
import { readJsonFile, writeFileAtomic } from './results-store.js';

/** How a run went, stored beside its summary. */
export interface RunMetadata {
  /** A label for the model (directory name or served model name), when known. */
  readonly model?: string | undefined;
  readonly clients: readonly string[];
  /** The dataset file (absolute path). */
  readonly data: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Wall time of this invocation (a resumed run counts only its own time), ms. */
  readonly durationMs: number;
  readonly counts: {
    /** Samples in the run's scope. */
    readonly total: number;
    /** Samples with an output (this run and earlier ones). */
    readonly answered: number;
    /** Samples without a score (every attempt failed, or scoring failed). */
    readonly failed: number;
    /** Samples answered by an earlier run and not asked again. */
    readonly resumed: number;
    /** Dataset lines or records skipped as bad. */
    readonly skippedLines: number;
  };
  readonly generation: GenerationSettings;
  /** Token totals over the scope, from what the model reported. */
  readonly tokens?: { readonly prompt: number; readonly completion: number } | undefined;
}

/** The content of `summary.json`. */
export interface SummaryFile extends BenchmarkSummary {
  readonly run: RunMetadata;
}

/** Reads every `<outDir>/*\/summary.json`, in directory-name order. */
export async function readSummaries(outDir: string): Promise<SummaryFile[]> {
  const entries = await readdir(outDir, { withFileTypes: true });
  const summaries: SummaryFile[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const summary = (await readJsonFile(join(outDir, entry.name, 'summary.json'))) as SummaryFile | undefined;
    if (summary && typeof summary.benchmark === 'string' && typeof summary.score === 'number') {
      summaries.push(summary);
    }
  }
  return summaries;
}

/** The written report files and the Markdown text. */
export interface WrittenReports {
  readonly markdownFile: string;
  readonly htmlFile: string;
  readonly markdown: string;
}

/** Rebuilds `report.md` and `report.html` in `outDir` from all its summaries. */
export async function writeReports(outDir: string, model?: string): Promise<WrittenReports> {
  const summaries = await readSummaries(outDir);
  const options = model === undefined ? {} : { model };
  const markdown = renderMarkdownReport(summaries, options);
  const markdownFile = join(outDir, 'report.md');
  const htmlFile = join(outDir, 'report.html');
  await writeFileAtomic(markdownFile, markdown);
  await writeFileAtomic(htmlFile, renderHtmlReport(summaries, options));
  return { markdownFile, htmlFile, markdown };
}
