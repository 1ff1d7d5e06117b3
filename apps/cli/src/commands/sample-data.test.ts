import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBenchmark } from '@nvlm-ts/eval';
import { readSamples } from '@nvlm-ts/eval/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-sample-data-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('nvlm sample-data', () => {
  it('writes a ChartQA TSV that the eval reader takes; each gold answer scores 1 fed back', async () => {
    const io = memoryIO('', root);
    const code = await main(
      ['sample-data', '--benchmark', 'chartqa', '--format', 'tsv', '--count', '5', '--out', 'c'],
      io,
    );
    expect(code, io.err()).toBe(0);
    const file = io.out().trim();
    expect(file).toBe(join(root, 'c', 'chartqa.tsv'));
    const benchmark = getBenchmark('chartqa');
    const samples = [];
    for await (const sample of readSamples(file, benchmark)) samples.push(sample);
    expect(samples).toHaveLength(5);
    for (const sample of samples) {
      expect(sample.images).toHaveLength(1);
      // PNG signature
      expect(Array.from(sample.images[0]!.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
      const [gold] = sample.gold.answers as string[];
      expect(benchmark.score(sample, gold!, 'vlmevalkit').score).toBe(1);
      expect(benchmark.score(sample, `${gold}0`, 'vlmevalkit').score).toBe(0);
    }
  });

  it('the same seed writes the same bytes; a different seed different ones', async () => {
    const run = async (out: string, seed: string) => {
      const io = memoryIO('', root);
      expect(await main(['sample-data', '-b', 'ocrbench', '--seed', seed, '-o', out], io)).toBe(0);
      return readFile(io.out().trim(), 'utf8');
    };
    const a = await run('s1', '7');
    expect(await run('s2', '7')).toBe(a);
    expect(await run('s3', '8')).not.toBe(a);
  });

  it('usage errors: no benchmark, unknown benchmark, bad count', async () => {
    for (const [args, pattern] of [
      [['sample-data', '--out', 'x'], /--benchmark NAME is required/],
      [['sample-data', '-b', 'mmlu', '--out', 'x'], /benchmark/],
      [['sample-data', '-b', 'mmmu', '--count', '0', '--out', 'x'], /count/],
      [['sample-data', '-b', 'mmmu'], /--out DIR is required/],
    ] as const) {
      const io = memoryIO('', root);
      expect(await main([...args], io)).toBe(2);
      expect(io.err()).toMatch(pattern);
    }
  });
});
