import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalSample } from '../benchmarks/types.js';
import { EvaluationError } from '../errors.js';
import { fakeBenchmark } from '../runner/testing/fake-benchmark.js';
import { countSamples, datasetFormat, readSamples } from './samples.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-samples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function collect(iterable: AsyncIterable<EvalSample>): Promise<EvalSample[]> {
  const out: EvalSample[] = [];
  for await (const s of iterable) out.push(s);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<EvaluationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvaluationError);
  return error as EvaluationError;
}

describe('readSamples', () => {
  it('resolves relative, absolute, file: and data: image references', async () => {
    await writeFile(join(dir, 'a.png'), Uint8Array.of(1, 2, 3));
    const jsonl = [
      { id: 1, question: 'q1', answer: 'a', image: 'a.png' },
      { id: 2, question: 'q2', answer: 'a', image: join(dir, 'a.png') },
      { id: 3, question: 'q3', answer: 'a', image: `file://${join(dir, 'a.png')}` },
      { id: 4, question: 'q4', answer: 'a', image: 'data:image/png;base64,BAUG' },
      { id: 5, question: 'q5', answer: 'a', image: 'data:,%07%08' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const samples = await collect(readSamples(await file('images.jsonl', jsonl), fakeBenchmark));
    expect(samples.map((s) => [...(s.images[0] ?? [])])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [4, 5, 6], // base64 'BAUG' = 0x04 0x05 0x06
      [7, 8],
    ]);
    expect(samples.map((s) => s.line)).toEqual([1, 2, 3, 4, 5]);
    expect(samples[0]?.prompt).toBe('<image>\nq1');
  });

  it('a missing image is BAD_SAMPLE naming the line and the path; skip goes on', async () => {
    const path = await file(
      'missing.jsonl',
      `${JSON.stringify({ id: 'x', question: 'q', answer: 'a' })}\n${JSON.stringify({ id: 'y', question: 'q', answer: 'a', image: 'nope/b.png' })}\n`,
    );
    const error = await rejection(collect(readSamples(path, fakeBenchmark)));
    expect(error.code).toBe('BAD_SAMPLE');
    expect(error.line).toBe(2);
    expect(error.message).toContain('line 2');
    expect(error.message).toContain(join(dir, 'nope', 'b.png'));
    expect(error.message).toContain('ENOENT');
    const skipped: EvaluationError[] = [];
    const samples = await collect(
      readSamples(path, fakeBenchmark, { onBadLine: 'skip', onSkip: (e) => skipped.push(e) }),
    );
    expect(samples.map((s) => s.id)).toEqual(['x']);
    expect(skipped.map((e) => e.line)).toEqual([2]);
  });

  it('malformed lines and rejected records carry their line numbers; fail or skip', async () => {
    const path = await file(
      'bad.jsonl',
      [
        JSON.stringify({ id: 1, question: 'q', answer: 'a' }),
        '',
        '{"id": 2, "question": ',
        JSON.stringify({ id: 3, question: 7 }),
        JSON.stringify({ id: 4, question: 'q', answer: 'a' }),
      ].join('\n'),
    );
    const error = await rejection(collect(readSamples(path, fakeBenchmark)));
    expect([error.code, error.line]).toEqual(['BAD_LINE', 3]);
    const skipped: EvaluationError[] = [];
    const samples = await collect(
      readSamples(path, fakeBenchmark, { onBadLine: 'skip', onSkip: (e) => skipped.push(e) }),
    );
    expect(samples.map((s) => [s.id, s.line])).toEqual([
      ['1', 1],
      ['4', 5],
    ]);
    expect(skipped.map((e) => [e.code, e.line])).toEqual([
      ['BAD_LINE', 3],
      ['BAD_SAMPLE', 4],
    ]);
    expect(skipped[1]?.message).toMatch(/^line 4: 'question' must be a string/);
  });

  it('duplicate ids are BAD_SAMPLE naming both lines', async () => {
    const path = await file(
      'dup.jsonl',
      ['a', 'b', 'a'].map((id) => JSON.stringify({ id, question: 'q', answer: 'x' })).join('\n'),
    );
    const error = await rejection(collect(readSamples(path, fakeBenchmark)));
    expect(error.code).toBe('BAD_SAMPLE');
    expect(error.message).toBe(
      "line 3: duplicate id 'a' (first on line 1); ids must be unique to resume a run",
    );
  });

  it('reads VLMEvalKit TSV rows (quoted newlines included) with their starting lines', async () => {
    const path = await file('data.tsv', 'index\tquestion\tanswer\n7\t"two\nlines"\tx\n8\tq\ty\n');
    const samples = await collect(readSamples(path, fakeBenchmark));
    expect(samples.map((s) => [s.id, s.line, s.prompt])).toEqual([
      ['2', 2, 'two\nlines'],
      ['4', 4, 'q'],
    ]);
  });

  it('an unknown extension or a missing file is BAD_RUN', async () => {
    expect(() => datasetFormat('x.csv')).toThrow(/\.jsonl.*\.tsv/);
    const error = await rejection(collect(readSamples(join(dir, 'absent.jsonl'), fakeBenchmark)));
    expect(error.code).toBe('BAD_RUN');
    await mkdir(join(dir, 'folder.jsonl'));
    const folder = await rejection(collect(readSamples(join(dir, 'folder.jsonl'), fakeBenchmark)));
    expect(folder.code).toBe('BAD_RUN');
    expect(folder.message).toMatch(/EISDIR/);
  });
});

describe('countSamples', () => {
  it('counts non-blank JSONL lines and TSV rows without parsing', async () => {
    expect(await countSamples(await file('c.jsonl', '{}\n\n  \n{}\n{}'))).toBe(3);
    expect(await countSamples(await file('c.tsv', 'h1\th2\n"a\nb"\tc\n""""\td\n\n'))).toBe(2);
    expect(await countSamples(await file('empty.jsonl', ''))).toBe(0);
  });
});
