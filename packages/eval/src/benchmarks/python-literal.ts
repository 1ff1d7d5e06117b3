/**
 * A reader for the Python literals that VLMEvalKit TSVs keep in string cells: pandas writes a list
 * column as its `repr`, e.g. `['yes', 'yes', "it's"]`, so multi-answer benchmarks (VQAv2, TextVQA,
 * DocVQA, OCRBench) and MMMU's multi-image `image` cells hold Python list literals. Follows the Python
 * language reference, "String and Bytes literals" (quotes, `u`/`r` prefixes, escape sequences); only
 * what `repr` of a list of strings or numbers produces is accepted (no expressions, no nesting).
 */

/** Thrown for a malformed literal; `message` says where. Callers turn it into BAD_SAMPLE. */
export class PythonLiteralError extends Error {
  override readonly name = 'PythonLiteralError';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Python whitespace allowed between tokens of a literal. */
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

/** Reads one quoted string starting at `text[start]` (after any prefix); returns value and end index. */
function readString(text: string, start: number, raw: boolean): { value: string; end: number } {
  const quote = text[start];
  let i = start + 1;
  let out = '';
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    if (raw) {
      // Raw strings keep the backslash; it still stops the quote from ending the string.
      out += c + next;
      i += 2;
      continue;
    }
    if (next === '\n') {
      i += 2; // line continuation
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = text.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        throw new PythonLiteralError(`truncated \\${next} escape at offset ${i}`);
      }
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PythonLiteralError(`\\U escape out of range at offset ${i}`);
      out += String.fromCodePoint(cp);
      i += 2 + hexLength;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCodePoint(Number.parseInt(octal[0], 8));
      i += 1 + octal[0].length;
      continue;
    }
    if (next === 'N') throw new PythonLiteralError(`\\N{...} escapes are not supported (offset ${i})`);
    out += c + next; // unknown escapes keep their backslash in Python
    i += 2;
  }
  throw new PythonLiteralError(`string starting at offset ${start} is not closed`);
}

const NUMBER = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/;

/**
 * Parses a Python list literal of strings (numbers are kept as their source text), e.g.
 * `"['a', \"b's\", 3]"` → `['a', "b's", '3']`. Returns null when `text` (after whitespace) does not
 * start with `[`, so callers can treat it as a plain string.
 * @throws {PythonLiteralError} for a malformed list.
 */
export function parsePythonList(text: string): string[] | null {
  let i = 0;
  const skip = () => {
    while (isSpace(text[i])) i++;
  };
  skip();
  if (text[i] !== '[') return null;
  i++;
  const items: string[] = [];
  skip();
  if (text[i] === ']') {
    i++;
  } else {
    for (;;) {
      skip();
      const prefix = /^[uUrR]?(?=['"])/.exec(text.slice(i, i + 2));
      if (prefix) {
        i += prefix[0].length;
        const { value, end } = readString(text, i, prefix[0].toLowerCase() === 'r');
        items.push(value);
        i = end;
      } else {
        const number = NUMBER.exec(text.slice(i));
        if (!number) throw new PythonLiteralError(`expected a string or a number at offset ${i}`);
        items.push(number[0]);
        i += number[0].length;
      }
      skip();
      if (text[i] === ',') {
        i++;
        skip();
        if (text[i] === ']') {
          i++;
          break;
        }
        continue;
      }
      if (text[i] === ']') {
        i++;
        break;
      }
      throw new PythonLiteralError(`expected ',' or ']' at offset ${i}`);
    }
  }
  skip();
  if (i !== text.length) throw new PythonLiteralError(`unexpected text after the list at offset ${i}`);
  return items;
}
