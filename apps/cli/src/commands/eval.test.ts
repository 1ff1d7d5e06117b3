import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getBenchmark, type RecordedResult, type SummaryFile } from '@nvlm-ts/eval/node';
import { writeSampleDataset } from '@nvlm-ts/eval/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';
import { useCliWorkspace } from '../testing/workspace.js';

const workspace = useCliWorkspace('eval');
const run = (argv: string[]) => workspace.run(argv);
const savedCache = process.env.NVLM_CACHE;

/** A minimal OpenAI-compatible server answering `answer(prompt)`, counting requests per prompt. */
async function fakeServer(answer: (prompt: string) => string, delayMs = 0) {
  const prompts: string[] = [];
  let onRequest = () => {};
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/models') {
      res.end(JSON.stringify({ data: [{ id: 'served' }] }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const content = body.messages.at(-1).content;
    const prompt =
      typeof content === 'string'
        ? content
        : content
            .filter((p: { type: string }) => p.type === 'text')
            .map((p: { text: string }) => p.text)
            .join('');
    prompts.push(prompt);
    onRequest();
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer(prompt) } }] }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    prompts,
    set onRequest(f: () => void) {
      onRequest = f;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function results(file: string): Promise<RecordedResult[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RecordedResult);
}

/** summary.json must equal the benchmark's own summary recomputed from samples.jsonl (latest line per id). */
async function expectConsistent(outDir: string, benchmark: string) {
  const dir = join(workspace.root, outDir, benchmark);
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SummaryFile;
  const latest = new Map((await results(join(dir, 'samples.jsonl'))).map((r) => [r.id, r]));
  const recomputed = getBenchmark(benchmark).summarize(
    [...latest.values()],
    summary.variant,
    summary.promptStyle,
  );
  expect(summary.score).toBeCloseTo(recomputed.score, 9);
  expect(summary.samples).toBe(recomputed.samples);
  expect(summary.failed).toBe(recomputed.failed);
  expect(summary.run.counts.total).toBe(latest.size);
  return { summary, latest };
}

beforeAll(async () => {
  process.env.NVLM_CACHE = join(workspace.root, 'cache');
  await writeSampleDataset('chartqa', join(workspace.root, 'chartqa'), { count: 6, seed: 3 });
  await writeSampleDataset('ai2d', join(workspace.root, 'ai2d'), { count: 4, seed: 1, format: 'tsv' });
});

afterAll(() => {
  if (savedCache === undefined) delete process.env.NVLM_CACHE;
  else process.env.NVLM_CACHE = savedCache;
});

describe('nvlm eval usage errors', () => {
  it.each([
    [['eval', '--data', 'x.jsonl', '--out', 'o', '--endpoint', 'http://h'], /--benchmark NAME is required/],
    [['eval', '-b', 'chartqa', '--data', 'x.jsonl', '--out', 'o'], /give --model DIR .* or --endpoint/],
    [
      ['eval', '-b', 'chartqa', '-d', 'x.jsonl', '-o', 'o', '-m', 'm', '-e', 'http://h'],
      /either --model DIR or --endpoint URL, not both/,
    ],
    [
      ['eval', '-b', 'nope', '-d', 'x.jsonl', '-o', 'o', '-e', 'http://h'],
      /--benchmark must be one of mmmu, .*vqav2, got 'nope'/,
    ],
    [
      ['eval', '-b', 'chartqa', '-d', 'x.jsonl', '-o', 'o', '-e', 'http://h', '--variant', 'x'],
      /--variant for chartqa must be one of vlmevalkit/,
    ],
    [
      ['eval', '-b', 'chartqa', '-d', 'x.jsonl', '-o', 'o', '-e', 'http://h', '-c', '0'],
      /--concurrency must be an integer in \[1, 1024\]/,
    ],
    [['eval', '-b', 'chartqa', '-d', 'x.jsonl', '-o', 'o', '-e', 'ftp://h'], /must be an http/],
    [
      ['eval', '-b', 'chartqa', '-d', 'x.jsonl', '-o', 'o', '-e', 'http://h', '--judge-model', 'j'],
      /--judge-model needs --judge/,
    ],
    [
      [
        'eval',
        '-b',
        'chartqa',
        '-d',
        'x.jsonl',
        '-o',
        'o',
        '-e',
        'http://h',
        '--api-key-env',
        'NVLM_NO_SUCH_VAR',
      ],
      /NVLM_NO_SUCH_VAR is not set/,
    ],
  ])('%j', async (argv, message) => {
    const { code, err, out } = await run(argv);
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('--help lists the options and the files written', async () => {
    const { code, out } = await run(['eval', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--benchmark',
      '--endpoint',
      '--model',
      '--concurrency',
      '--overwrite',
      'samples.jsonl',
    ]) {
      expect(out).toContain(flag);
    }
  });
});

describe('nvlm eval --endpoint', () => {
  it('spreads over two endpoints, prints the table, and the files agree with each other', async () => {
    const a = await fakeServer(() => '7');
    const b = await fakeServer(() => '7');
    try {
      const data = join('chartqa', 'chartqa.jsonl');
      const args = [
        'eval',
        '-b',
        'chartqa',
        '-d',
        data,
        '-e',
        `${a.url},${b.url}/v1`,
        '-o',
        'out-ep',
        '-c',
        '1',
        '-q',
      ];
      const { code, out, err } = await run(args);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(a.prompts.length).toBeGreaterThan(0);
      expect(b.prompts.length).toBeGreaterThan(0);
      expect(a.prompts.length + b.prompts.length).toBe(6);
      const { summary } = await expectConsistent('out-ep', 'chartqa');
      expect(out).toBe(await readFile(join(workspace.root, 'out-ep', 'report.md'), 'utf8'));
      expect(out).toContain('ChartQA');
      expect(summary.run.clients).toEqual([a.url, `${b.url}/v1`]);
      // Rerun: everything has an output, nothing is asked again.
      const again = await run(args);
      expect(again.code).toBe(0);
      expect(a.prompts.length + b.prompts.length).toBe(6);
      // Other settings on the same out dir: one clear error.
      const other = await run([
        'eval',
        '-b',
        'chartqa',
        '-d',
        data,
        '-e',
        a.url,
        '-o',
        'out-ep',
        '-q',
        '--variant',
        'pix2struct',
      ]);
      expect(other.code).toBe(1);
      expect(other.err).toMatch(/^nvlm: .*different run.*variant "vlmevalkit" -> "pix2struct"/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a VLMEvalKit TSV works too, and progress lines go to stderr', async () => {
    const server = await fakeServer(() => 'B');
    try {
      const { code, err } = await run([
        'eval',
        '-b',
        'ai2d',
        '-d',
        join('ai2d', 'ai2d.tsv'),
        '-e',
        server.url,
        '-o',
        'out-tsv',
      ]);
      expect(code).toBe(0);
      expect(err).toMatch(/^ai2d \[#+\] 100% 4\/4 /m);
      const { latest } = await expectConsistent('out-tsv', 'ai2d');
      expect([...latest.values()].every((r) => r.output === 'B')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('--judge: the judge extracts the answer where the benchmark needs one', async () => {
    await writeSampleDataset('mathvista', join(workspace.root, 'mathvista'), { count: 4, seed: 2 });
    const model = await fakeServer(() => 'I cannot tell from this picture.');
    const judge = await fakeServer(() => 'Extracted answer: 3');
    try {
      const { code, err } = await run([
        'eval',
        '-b',
        'mathvista',
        '-d',
        join('mathvista', 'mathvista.jsonl'),
        '-e',
        model.url,
        '--judge',
        judge.url,
        '--judge-model',
        'judge-llm',
        '-o',
        'out-judge',
        '-q',
      ]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(judge.prompts.length).toBeGreaterThan(0);
      const { latest } = await expectConsistent('out-judge', 'mathvista');
      const judged = [...latest.values()].filter((r) => r.details?.llm_extraction !== undefined);
      expect(judged.length).toBeGreaterThan(0);
      // Free-form questions take the extraction; multiple-choice ones get no letter from '3' (null).
      const values = judged.map((r) => r.details?.llm_extraction);
      expect(values).toContain('3');
      for (const v of values) expect(['3', null]).toContain(v);
    } finally {
      await Promise.all([model.close(), judge.close()]);
    }
  });

  it('SIGINT stops cleanly with exit 130, and the rerun finishes what is left', async () => {
    const server = await fakeServer(() => '3', 30);
    let seen = 0;
    server.onRequest = () => {
      if (++seen === 2) process.emit('SIGINT');
    };
    try {
      const argv = [
        'eval',
        '-b',
        'chartqa',
        '-d',
        join('chartqa', 'chartqa.jsonl'),
        '-e',
        server.url,
        '-o',
        'out-int',
        '-c',
        '1',
        '-q',
      ];
      const first = await run(argv);
      expect(first.code).toBe(130);
      expect(first.err).toMatch(/interrupted/);
      expect(first.err).toMatch(/rerun the same command to resume/);
      const file = join(workspace.root, 'out-int', 'chartqa', 'samples.jsonl');
      const kept = await results(file); // every line parses: the file is intact
      expect(kept.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeLessThan(6);
      expect(kept.every((r) => r.output === '3')).toBe(true);
      const askedFirst = server.prompts.length;
      const second = await run(argv);
      expect(second.code).toBe(0);
      await expectConsistent('out-int', 'chartqa');
      // Only the samples without an output were asked again.
      expect(server.prompts.length - askedFirst).toBe(6 - kept.length);
    } finally {
      await server.close();
    }
  });
});

describe('nvlm eval --model', () => {
  it('runs a tiny model in-process end to end', async () => {
    expect((await run(['init-tiny', '--out', 'ckpt', '--seed', '2'])).code).toBe(0);
    expect((await run(['convert', 'ckpt', '--out', 'onnx', '-q'])).code).toBe(0);
    const { code, out, err } = await run([
      'eval',
      '-b',
      'chartqa',
      '-d',
      join('chartqa', 'chartqa.jsonl'),
      '--model',
      'onnx',
      '-o',
      'out-model',
      '--limit',
      '2',
      '--max-new-tokens',
      '3',
      '-q',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('| ChartQA');
    const { summary, latest } = await expectConsistent('out-model', 'chartqa');
    expect(latest.size).toBe(2);
    expect(summary.run.clients).toEqual([`model:${join(workspace.root, 'onnx')}`]);
    expect(summary.run.generation.maxNewTokens).toBe(3);
    for (const r of latest.values()) {
      expect(typeof r.output).toBe('string');
      expect(r.completionTokens).toBeLessThanOrEqual(3);
      expect(r.promptTokens).toBeGreaterThan(0);
    }
  }, 180_000);

  it('--endpoint against `nvlm serve` of the same model gives the same prompts and outputs as --model', async () => {
    const io = memoryIO('', workspace.root);
    const serving = main(['serve', '--model', 'onnx', '--port', '0'], io);
    let url: string | undefined;
    for (let i = 0; i < 2400 && !url; i++) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 25));
    }
    expect(url).toBeDefined();
    try {
      const { code, err } = await run([
        'eval',
        '-b',
        'chartqa',
        '-d',
        join('chartqa', 'chartqa.jsonl'),
        '-e',
        url as string,
        '-o',
        'out-served',
        '--limit',
        '2',
        '--max-new-tokens',
        '3',
        '-q',
      ]);
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      process.emit('SIGTERM');
      expect(await serving).toBe(0);
    }
    const served = await results(join(workspace.root, 'out-served', 'chartqa', 'samples.jsonl'));
    const local = new Map(
      (await results(join(workspace.root, 'out-model', 'chartqa', 'samples.jsonl'))).map((r) => [r.id, r]),
    );
    expect(served).toHaveLength(2);
    for (const r of served) {
      const twin = local.get(r.id);
      expect(r.prompt).toBe(twin?.prompt);
      // The server rebuilt exactly the in-process prompt (same token count) and answered the same.
      expect(r.promptTokens).toBe(twin?.promptTokens);
      expect(r.output).toBe(twin?.output);
    }
  }, 120_000);
});
