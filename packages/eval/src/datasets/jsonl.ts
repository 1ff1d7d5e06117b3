/**
 * Streamed JSONL dataset reader: one JSON object per line, blank lines skipped, malformed lines
 * reported with their line number and either fail the read (default) or are skipped.
 */
import { EvaluationError } from '../errors.js';
import { DEFAULT_MAX_LINE_LENGTH, readLines, type TextSource } from './lines.js';

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions {
  /** `'throw'` (default) stops at the first malformed line; `'skip'` reports it and goes on. */
  readonly onBadLine?: 'throw' | 'skip';
  /** Called with each skipped line's error when `onBadLine` is `'skip'`. */
  readonly onSkip?: (error: EvaluationError) => void;
  /** Longest accepted line in characters (default 256 Mi). */
  readonly maxLineLength?: number;
}

/** One record and the line it came from. */
export interface DatasetRecord<T> {
  readonly line: number;
  readonly record: T;
}

/**
 * Yields each JSON object of a JSONL stream with its line number.
 * @throws {EvaluationError} `BAD_LINE` (with `line`) for invalid JSON or a non-object line, unless skipped.
 */
export async function* readJsonl(
  source: TextSource,
  options: ReadJsonlOptions = {},
): AsyncGenerator<DatasetRecord<Record<string, unknown>>> {
  for await (const { line, text } of readLines(source, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH)) {
    if (text.trim() === '') continue;
    let error: EvaluationError | undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      error = new EvaluationError('BAD_LINE', `line ${line}: not valid JSON (${(cause as Error).message})`, {
        line,
        cause,
      });
    }
    if (!error && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      error = new EvaluationError('BAD_LINE', `line ${line}: expected a JSON object`, { line });
    }
    if (error) {
      if (options.onBadLine !== 'skip') throw error;
      options.onSkip?.(error);
      continue;
    }
    yield { line, record: value as Record<string, unknown> };
  }
}
