/** Streamed JSONL and VLMEvalKit TSV readers: line numbers, quoting, skipping, caps. */
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { readJsonl } from './jsonl.js';
import { readLines } from './lines.js';
import { decodeBase64, readVlmEvalKitTsv, vlmEvalKitOptions } from './tsv.js';

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
const bytes = (s: string) => new TextEncoder().encode(s);

describe('readLines', () => {
  it('numbers lines across chunk boundaries, CRLF and a split multi-byte character', async () => {
    const euro = bytes('a€\r\nb\n\nc'); // '€' is 3 bytes: split it across chunks
    const chunks = [euro.slice(0, 2), euro.slice(2, 5), euro.slice(5)];
    expect(await collect(readLines(chunks))).toEqual([
      { line: 1, text: 'a€' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ]);
  });
  it('caps the line length', async () => {
    await expect(collect(readLines(['abcdef'], 3))).rejects.toMatchObject({ code: 'BAD_LINE', line: 1 });
  });
});

describe('readJsonl', () => {
  it('yields objects with their line numbers, skipping blank lines', async () => {
    const out = await collect(readJsonl(['{"a":1}\n\n', '{"a":2}']));
    expect(out).toEqual([
      { line: 1, record: { a: 1 } },
      { line: 3, record: { a: 2 } },
    ]);
  });
  it('fails on the first malformed line with its number, or skips it', async () => {
    await expect(collect(readJsonl(['{"a":1}\n[1]\n']))).rejects.toMatchObject({ code: 'BAD_LINE', line: 2 });
    const skipped: EvaluationError[] = [];
    const out = await collect(
      readJsonl(['x\n{"a":1}\n'], { onBadLine: 'skip', onSkip: (e) => skipped.push(e) }),
    );
    expect(out).toEqual([{ line: 2, record: { a: 1 } }]);
    expect(skipped.map((e) => e.line)).toEqual([1]);
  });
});

describe('readVlmEvalKitTsv', () => {
  const tsv = [
    'index\timage\tquestion\tA\tB\tC\tanswer',
    '0\taGk=\tWhat is "x"?\tcat\tdog\t\tB',
    '1\taGk=\t"Line one',
    'line ""two""\ttab"\tyes\tno\t\tA',
    '',
    '2\taGk=\tshort',
  ].join('\n');
  it('parses quoted multi-line fields, drops empty fields and reports start lines', async () => {
    const rows = await collect(readVlmEvalKitTsv([tsv]));
    expect(rows.map((r) => r.line)).toEqual([2, 3, 6]);
    expect(rows[0]?.record).toEqual({
      index: '0',
      image: 'aGk=',
      question: 'What is "x"?',
      A: 'cat',
      B: 'dog',
      answer: 'B',
    });
    expect(rows[1]?.record.question).toBe('Line one\nline "two"\ttab');
    expect(rows[2]?.record).toEqual({ index: '2', image: 'aGk=', question: 'short' });
    expect(vlmEvalKitOptions(rows[0]?.record ?? {})).toEqual({
      allChoices: ['A', 'B'],
      index2ans: { A: 'cat', B: 'dog' },
    });
    expect(new TextDecoder().decode(decodeBase64('aGk='))).toBe('hi');
  });
  it('rejects rows with too many fields, an unclosed quote, or a duplicate header', async () => {
    await expect(collect(readVlmEvalKitTsv(['a\tb\n1\t2\t3\n']))).rejects.toMatchObject({
      code: 'BAD_LINE',
      line: 2,
    });
    await expect(collect(readVlmEvalKitTsv(['a\tb\n1\t"open\n']))).rejects.toMatchObject({ line: 2 });
    await expect(collect(readVlmEvalKitTsv(['a\ta\n']))).rejects.toBeInstanceOf(EvaluationError);
    const out = await collect(readVlmEvalKitTsv(['a\tb\n1\t2\t3\n4\t5\n'], { onBadLine: 'skip' }));
    expect(out).toEqual([{ line: 3, record: { a: '4', b: '5' } }]);
  });
  it('rejects invalid base64', () => {
    expect(() => decodeBase64('***')).toThrow(EvaluationError);
  });
});
