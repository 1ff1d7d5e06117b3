/** The readers on a real Node file stream (Buffer chunks, small highWaterMark to split records). */
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from './jsonl.js';
import { readVlmEvalKitTsv } from './tsv.js';

describe('readers on fs streams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nvlm-eval-'));
  it('streams JSONL records across 7-byte chunks', async () => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, '{"q":"héllo"}\r\n{"q":"wörld"}\n');
    const out: unknown[] = [];
    for await (const r of readJsonl(createReadStream(file, { highWaterMark: 7 }))) out.push(r);
    expect(out).toEqual([
      { line: 1, record: { q: 'héllo' } },
      { line: 2, record: { q: 'wörld' } },
    ]);
  });
  it('streams a TSV with a quoted multi-line field', async () => {
    const file = join(dir, 'a.tsv');
    writeFileSync(file, 'index\tquestion\n0\t"a\nb"\n1\tc\n');
    const out: unknown[] = [];
    for await (const r of readVlmEvalKitTsv(createReadStream(file, { highWaterMark: 5 }))) out.push(r);
    expect(out).toEqual([
      { line: 2, record: { index: '0', question: 'a\nb' } },
      { line: 4, record: { index: '1', question: 'c' } },
    ]);
  });
});
