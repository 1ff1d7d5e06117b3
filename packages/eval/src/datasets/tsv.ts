/**
 * Streamed reader for VLMEvalKit benchmark TSVs (`vlmeval/dataset/*`, written by pandas
 * `to_csv(sep='\t')` and read back with `pd.read_csv(sep='\t')`): a header row, then one row per
 * question with `index`, `image` (base64), `question`, option columns `A`, `B`, …, `answer`, ….
 * Quoted fields (`"…"`, `""` for a quote) may hold tabs and newlines; empty fields are left out of the
 * record, as pandas reads them as NaN. Other NA spellings pandas also turns into NaN (`NA`, `None`,
 * `null`, `nan`, …) are kept as strings here.
 */
import { EvaluationError } from '../errors.js';
import type { DatasetRecord, ReadJsonlOptions } from './jsonl.js';
import { DEFAULT_MAX_LINE_LENGTH, readLines, type TextSource } from './lines.js';

/** Splits one row on tabs, honouring quotes; `open` when a quoted field continues on the next line. */
function splitRow(text: string): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
    } else if (c === '\t') {
      fields.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    } else if (c === '"' && atStart) quoted = true;
    else field += c;
    atStart = false;
    i++;
  }
  fields.push(field);
  return { fields, open: quoted };
}

/**
 * Yields each row of a VLMEvalKit TSV as a `column → value` record with the line it starts on.
 * @throws {EvaluationError} `BAD_LINE` (with `line`) for a missing or duplicated header, a row with more
 *   fields than the header, or a quoted field still open at the end of the file; rows are skipped
 *   instead when `onBadLine` is `'skip'` (a header problem always throws).
 */
export async function* readVlmEvalKitTsv(
  source: TextSource,
  options: ReadJsonlOptions = {},
): AsyncGenerator<DatasetRecord<Record<string, string>>> {
  const maxLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  let header: string[] | undefined;
  let pending = '';
  let startLine = 0;
  const fail = (error: EvaluationError) => {
    if (options.onBadLine !== 'skip' || header === undefined) throw error;
    options.onSkip?.(error);
  };
  for await (const { line, text } of readLines(source, maxLength)) {
    if (pending === '') {
      if (text.trim() === '') continue;
      startLine = line;
      pending = text;
    } else {
      pending += `\n${text}`;
      if (pending.length > maxLength) {
        throw new EvaluationError('BAD_LINE', `line ${startLine}: row longer than ${maxLength} characters`, {
          line: startLine,
        });
      }
    }
    const { fields, open } = splitRow(pending);
    if (open) continue;
    pending = '';
    if (header === undefined) {
      const seen = new Set<string>();
      for (const name of fields) {
        if (seen.has(name)) {
          throw new EvaluationError('BAD_LINE', `line ${startLine}: duplicate header column '${name}'`, {
            line: startLine,
          });
        }
        seen.add(name);
      }
      header = fields;
      continue;
    }
    if (fields.length > header.length) {
      fail(
        new EvaluationError(
          'BAD_LINE',
          `line ${startLine}: expected at most ${header.length} fields, got ${fields.length}`,
          { line: startLine },
        ),
      );
      continue;
    }
    const record: Record<string, string> = {};
    fields.forEach((value, i) => {
      if (value !== '') record[header?.[i] as string] = value;
    });
    yield { line: startLine, record };
  }
  if (pending !== '') {
    fail(
      new EvaluationError(
        'BAD_LINE',
        `line ${startLine}: quoted field not closed before the end of the file`,
        {
          line: startLine,
        },
      ),
    );
  }
  if (header === undefined) throw new EvaluationError('BAD_LINE', 'no header row', { line: 1 });
}

/**
 * The multiple-choice options of a VLMEvalKit row, as VLMEvalKit builds them: columns `A`…`Z` that
 * are present and non-empty, in alphabetical order.
 */
export function vlmEvalKitOptions(record: Readonly<Record<string, string>>): {
  allChoices: string[];
  index2ans: Record<string, string>;
} {
  const allChoices: string[] = [];
  const index2ans: Record<string, string> = {};
  for (let c = 65; c <= 90; c++) {
    const letter = String.fromCharCode(c);
    const text = record[letter];
    if (text !== undefined) {
      allChoices.push(letter);
      index2ans[letter] = text;
    }
  }
  return { allChoices, index2ans };
}

/**
 * Decodes a base64 `image` field into bytes.
 * @throws {EvaluationError} `BAD_INPUT` when the text is not valid base64.
 */
export function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text.replace(/\s+/g, ''));
  } catch (cause) {
    throw new EvaluationError('BAD_INPUT', "'image' is not valid base64", { field: 'image', cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
