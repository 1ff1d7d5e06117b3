/**
 * Streamed line splitting for dataset readers: any async iterable of text or UTF-8 byte chunks (a
 * Node `fs.createReadStream`, a web `ReadableStream`, an array of strings) becomes numbered lines,
 * without loading the whole file. `\n` and `\r\n` end a line; a final line without `\n` is kept.
 */
import { EvaluationError } from '../errors.js';

/** A source of dataset text: string or byte chunks, in order. */
export type TextSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** One line and its 1-based line number. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/** Default cap on one line (one JSONL record, or one TSV row with its base64 image): 256 Mi chars. */
export const DEFAULT_MAX_LINE_LENGTH = 256 * 1024 * 1024;

/**
 * Yields the lines of `source` with their numbers (UTF-8 decoded, BOM kept as a character).
 * @throws {EvaluationError} `BAD_LINE` when a line exceeds `maxLineLength` characters.
 */
export async function* readLines(
  source: TextSource,
  maxLineLength = DEFAULT_MAX_LINE_LENGTH,
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let pending = '';
  let line = 0;
  const check = () => {
    if (pending.length > maxLineLength) {
      throw new EvaluationError('BAD_LINE', `line ${line + 1} is longer than ${maxLineLength} characters`, {
        line: line + 1,
      });
    }
  };
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const end = nl > 0 && pending[nl - 1] === '\r' ? nl - 1 : nl;
      line++;
      yield { line, text: pending.slice(0, end) };
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    check();
  }
  pending += decoder.decode();
  if (pending !== '') {
    line++;
    yield { line, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
  }
}
