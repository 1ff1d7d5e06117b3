import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { type RecordedResult, ResultsWriter, readLatestResults, repairTornTail } from './results-store.js';
import { prepareResultsDirectory, type RunManifest } from './run-manifest.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const result = (id: string, output: string | null): RecordedResult => ({
  id,
  line: 1,
  prompt: 'p',
  output,
  extracted: output,
  score: output === null ? null : 1,
  attempts: 1,
  source: 's',
  latencyMs: 0,
});

describe('repairTornTail', () => {
  it('cuts a partial last line, also one longer than the read block; keeps clean files', async () => {
    const file = join(dir, 'torn.jsonl');
    await writeFile(file, `{"id":"a"}\n{"id":"b"}\n${'x'.repeat(200_000)}`);
    expect(await repairTornTail(file)).toBe(200_000);
    expect(await readFile(file, 'utf8')).toBe('{"id":"a"}\n{"id":"b"}\n');
    expect(await repairTornTail(file)).toBe(0);
    await writeFile(file, '{"id":');
    expect(await repairTornTail(file)).toBe(6);
    expect(await readFile(file, 'utf8')).toBe('');
    expect(await repairTornTail(join(dir, 'absent.jsonl'))).toBe(0);
  });
});

describe('ResultsWriter and readLatestResults', () => {
  it('appends lines in call order; a later line for an id supersedes the earlier one', async () => {
    const file = join(dir, 'w', 'samples.jsonl');
    const writer = await ResultsWriter.open(file);
    await Promise.all([
      writer.append(result('a', null)),
      writer.append(result('b', 'x')),
      writer.append(result('a', 'y')),
    ]);
    await writer.close();
    expect((await readFile(file, 'utf8')).split('\n').map((l) => (l ? JSON.parse(l).id : ''))).toEqual([
      'a',
      'b',
      'a',
      '',
    ]);
    const latest = await readLatestResults(file);
    expect([...latest.keys()]).toEqual(['b', 'a']);
    expect(latest.get('a')?.output).toBe('y');
  });

  it('a damaged complete line is BAD_RUN with its line number', async () => {
    const file = join(dir, 'damaged.jsonl');
    await writeFile(file, '{"id":"a"}\nnot json\n');
    const error = await readLatestResults(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvaluationError);
    expect(error).toMatchObject({ code: 'BAD_RUN', line: 2 });
  });
});

describe('prepareResultsDirectory', () => {
  const manifest: RunManifest = {
    benchmark: 'ai2d',
    variant: 'nvlm',
    promptStyle: 'nvlm',
    data: { path: '/d.jsonl', size: 1, mtimeMs: 2 },
    clients: ['http://a', 'http://b'],
    generation: { maxNewTokens: 1, temperature: 0, seed: 1 },
    createdAt: 'then',
  };

  it('resumes the same settings (client order aside), refuses results without a run.json', async () => {
    const target = join(dir, 'prep');
    expect(await prepareResultsDirectory(target, manifest, false)).toEqual({ resumed: false });
    expect(
      await prepareResultsDirectory(
        target,
        { ...manifest, clients: ['http://b', 'http://a'], createdAt: 'now' },
        false,
      ),
    ).toEqual({ resumed: true });
    const orphan = join(dir, 'orphan');
    await prepareResultsDirectory(orphan, manifest, false);
    await rm(join(orphan, 'run.json'));
    await writeFile(join(orphan, 'samples.jsonl'), '');
    await expect(prepareResultsDirectory(orphan, manifest, false)).rejects.toThrow(/run.json is missing/);
  });
});
