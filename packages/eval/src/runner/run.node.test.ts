import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { openAIClient } from './endpoint-client.js';
import type { RunProgress } from './progress.js';
import type { RecordedResult } from './results-store.js';
import { type RunEvaluationOptions, runEvaluation } from './run.js';
import { fakeBenchmark } from './testing/fake-benchmark.js';
import {
  type FakeReply,
  type FakeRequest,
  type FakeServer,
  startFakeOpenAIServer,
} from './testing/fake-openai-server.js';
import type { ModelClient } from './types.js';

let root = '';
let counter = 0;
const servers: FakeServer[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-run-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A dataset of `n` questions `q<i>` whose answers are `a<i>`. */
async function dataset(n: number, extra = ''): Promise<string> {
  const path = join(root, `data-${++counter}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, question: `q${i}`, answer: `a${i}` }),
  );
  await writeFile(path, `${lines.join('\n')}\n${extra}`);
  return path;
}

const correct = (r: FakeRequest): FakeReply => ({
  text: r.prompt.replace('q', 'a'),
  usage: { prompt: 5, completion: 1 },
});

async function serve(handler: (r: FakeRequest, previous: number) => FakeReply = correct) {
  const server = await startFakeOpenAIServer(handler);
  servers.push(server);
  return server;
}

/** Timers whose sleep records the delay and returns at once. */
function fakeTimers() {
  const delays: number[] = [];
  return { delays, timers: { sleep: async (ms: number) => void delays.push(ms), random: () => 0.5 } };
}

function options(extra: Partial<RunEvaluationOptions> & Pick<RunEvaluationOptions, 'data' | 'clients'>) {
  return { benchmark: fakeBenchmark, outDir: join(root, `out-${++counter}`), ...extra };
}

async function lines(file: string): Promise<RecordedResult[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RecordedResult);
}

async function rejection(promise: Promise<unknown>): Promise<EvaluationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvaluationError);
  return error as EvaluationError;
}

describe('runEvaluation against an endpoint', () => {
  it('records every sample, writes summary.json and the reports, and the summary matches the file', async () => {
    const server = await serve((r) => (r.prompt === 'q3' ? { text: 'wrong' } : correct(r)));
    const data = await dataset(12);
    const progress: RunProgress[] = [];
    const run = await runEvaluation(
      options({
        data,
        clients: [openAIClient({ url: server.url, concurrency: 3 })],
        onProgress: (p) => progress.push(p),
        model: 'fake',
      }),
    );
    expect(run.aborted).toBe(false);
    const results = await lines(run.files.samples);
    expect(results.map((r) => r.id).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}`).sort());
    const s3 = results.find((r) => r.id === 's3');
    expect(s3).toMatchObject({
      output: 'wrong',
      score: 0,
      attempts: 1,
      source: server.url,
      prompt: 'q3',
      line: 4,
    });
    // 11 of 12 right, computed by hand.
    expect(run.summary.score).toBeCloseTo((11 / 12) * 100, 10);
    expect(run.summary).toMatchObject({ samples: 12, failed: 0, variant: 'exact', promptStyle: 'nvlm' });
    const summary = JSON.parse(await readFile(run.files.summary!, 'utf8'));
    expect(summary.score).toBe(run.summary.score);
    expect(summary.run.counts).toEqual({ total: 12, answered: 12, failed: 0, resumed: 0, skippedLines: 0 });
    expect(summary.run.tokens).toEqual({ prompt: 55, completion: 11 }); // s3's reply reported no usage
    expect(summary.run.generation).toEqual({ maxNewTokens: 7, temperature: 0, seed: 1234 });
    expect(summary.run.clients).toEqual([server.url]);
    expect(await readFile(run.files.reportMarkdown!, 'utf8')).toBe(run.report);
    expect((await readFile(run.files.reportHtml!, 'utf8')).length).toBeGreaterThan(0);
    const manifest = JSON.parse(await readFile(run.files.run, 'utf8'));
    expect(manifest).toMatchObject({ benchmark: 'vqav2', variant: 'exact', data: { path: data } });
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, finished: true });
    expect(progress.map((p) => p.done)).toEqual([0, ...Array.from({ length: 12 }, (_, i) => i + 1), 12]);
    // Sent with the benchmark's generation settings.
    expect(server.requests[0]?.body).toMatchObject({ max_tokens: 7, temperature: 0, seed: 1234 });
  });

  it('retries a 500 with backoff and honours Retry-After on a 429', async () => {
    const server = await serve((r, previous) => {
      if (r.prompt === 'q1' && previous === 0) return { status: 500 };
      if (r.prompt === 'q2' && previous < 2) return { status: 429, headers: { 'retry-after': '2' } };
      return correct(r);
    });
    const { delays, timers } = fakeTimers();
    const run = await runEvaluation(
      options({
        data: await dataset(4),
        clients: [openAIClient({ url: server.url, concurrency: 1 })],
        timers,
      }),
    );
    const byId = new Map((await lines(run.files.samples)).map((r) => [r.id, r]));
    expect(byId.get('s1')).toMatchObject({ attempts: 2, score: 1 });
    expect(byId.get('s2')).toMatchObject({ attempts: 3, score: 1 });
    // Full jitter with random() = 0.5 on the first retry: 0.5 * 500; Retry-After: 2 s, twice.
    expect(delays).toEqual([250, 2000, 2000]);
    expect(server.count('q1')).toBe(2);
    expect(server.count('q2')).toBe(3);
    expect(run.summary.score).toBe(100);
  });

  it('a hanging request times out, is retried, then recorded as failed; 400 and bad JSON are not retried', async () => {
    const server = await serve((r) => {
      if (r.prompt === 'q0') return { hang: true };
      if (r.prompt === 'q1') return { status: 400, body: '{"error":{"message":"bad request body"}}' };
      if (r.prompt === 'q2') return { raw: '{"choices":[{"message":' };
      return correct(r);
    });
    const { delays, timers } = fakeTimers();
    const run = await runEvaluation(
      options({
        data: await dataset(4),
        clients: [openAIClient({ url: server.url, concurrency: 4 })],
        timers,
        timeoutMs: 150,
        retries: 2,
      }),
    );
    const byId = new Map((await lines(run.files.samples)).map((r) => [r.id, r]));
    expect(byId.get('s0')).toMatchObject({ output: null, score: null, attempts: 3 });
    expect(byId.get('s0')?.error).toMatch(/no answer within 0.15 s/);
    expect(server.count('q0')).toBe(3);
    expect(byId.get('s1')).toMatchObject({ output: null, score: null, attempts: 1 });
    expect(byId.get('s1')?.error).toContain('HTTP 400: bad request body');
    expect(server.count('q1')).toBe(1);
    expect(byId.get('s2')).toMatchObject({ output: null, attempts: 1 });
    expect(byId.get('s2')?.error).toMatch(/not JSON/);
    expect(byId.get('s3')).toMatchObject({ score: 1 });
    expect(delays).toHaveLength(2); // only the timeouts were retried
    expect(run.summary).toMatchObject({ samples: 4, failed: 3, score: 25 });
    expect(run.counts).toMatchObject({ answered: 1, failed: 3 });
  });

  it('never has more requests in flight on an endpoint than its concurrency, and spreads over endpoints', async () => {
    const slow = (r: FakeRequest): FakeReply => ({ ...correct(r), delayMs: 15 });
    const one = await serve(slow);
    const two = await serve(slow);
    const single = await serve(slow);
    const data = await dataset(24);
    await runEvaluation(options({ data, clients: [openAIClient({ url: single.url, concurrency: 3 })] }));
    expect(single.maxInFlight).toBe(3);
    const run = await runEvaluation(
      options({
        data,
        clients: [
          openAIClient({ url: one.url, concurrency: 2 }),
          openAIClient({ url: two.url, concurrency: 2 }),
        ],
      }),
    );
    expect(one.maxInFlight).toBe(2);
    expect(two.maxInFlight).toBe(2);
    expect(one.requests.length).toBeGreaterThan(0);
    expect(two.requests.length).toBeGreaterThan(0);
    expect(one.requests.length + two.requests.length).toBe(24);
    const sources = new Set((await lines(run.files.samples)).map((r) => r.source));
    expect(sources).toEqual(new Set([one.url, two.url]));
  });
});

describe('resume', () => {
  it('after a torn last line: cuts it, asks only the missing samples, same summary as one run', async () => {
    const data = await dataset(10);
    const oneShot = await runEvaluation(
      options({ data, clients: [openAIClient({ url: (await serve()).url, concurrency: 2 })] }),
    );
    const asked: string[] = [];
    const server = await serve((r) => {
      asked.push(r.prompt);
      return correct(r);
    });
    const base = options({ data, clients: [openAIClient({ url: server.url, concurrency: 2 })] });
    const first = await runEvaluation(base);
    const keep = (await readFile(first.files.samples, 'utf8')).split('\n').slice(0, 6);
    const kept = new Set(keep.map((l) => (JSON.parse(l) as RecordedResult).prompt));
    // A crash in the middle of writing the 7th line.
    await writeFile(first.files.samples, `${keep.join('\n')}\n{"id":"s`);
    asked.length = 0;
    const resumed = await runEvaluation(base);
    expect(asked.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `q${i}`)
        .filter((q) => !kept.has(q))
        .sort(),
    );
    expect(resumed.counts.resumed).toBe(6);
    expect(resumed.summary).toEqual(oneShot.summary);
    const text = await readFile(resumed.files.samples, 'utf8');
    expect(text).not.toContain('{"id":"s{');
    expect(await lines(resumed.files.samples)).toHaveLength(10);
  });

  it('after an abort: no sample with an output is asked twice, failed ones are retried, summary as one run', async () => {
    const data = await dataset(16);
    const oneShot = await runEvaluation(
      options({ data, clients: [openAIClient({ url: (await serve()).url })] }),
    );
    const asked = new Map<string, number>();
    let failQ5 = true;
    const server = await serve((r) => {
      asked.set(r.prompt, (asked.get(r.prompt) ?? 0) + 1);
      if (r.prompt === 'q5' && failQ5) return { status: 400 };
      return { ...correct(r), delayMs: 5 };
    });
    const client: ModelClient = openAIClient({ url: server.url, concurrency: 2 });
    const controller = new AbortController();
    const base = options({ data, clients: [client] });
    const first = await runEvaluation({
      ...base,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 8) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.files.summary).toBeUndefined();
    const recorded = await lines(first.files.samples);
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    expect(recorded.length).toBeLessThan(16);
    const answered = new Set(recorded.filter((r) => r.output !== null).map((r) => r.prompt));
    const countsBefore = new Map(asked);
    failQ5 = false;
    const second = await runEvaluation(base);
    expect(second.aborted).toBe(false);
    for (const prompt of answered) expect(asked.get(prompt), prompt).toBe(countsBefore.get(prompt));
    // q5 failed with a 400 in the first run (if it was reached) and is asked again now.
    expect(asked.get('q5')).toBe((countsBefore.get('q5') ?? 0) + 1);
    expect(second.summary).toEqual(oneShot.summary);
    const latest = new Map((await lines(second.files.samples)).map((r) => [r.id, r]));
    expect(latest.size).toBe(16);
    expect(latest.get('s5')).toMatchObject({ score: 1 });
  });

  it('a rerun with other settings is BAD_RUN; overwrite moves the old results aside', async () => {
    const data = await dataset(3);
    const server = await serve();
    const base = options({ data, clients: [openAIClient({ url: server.url })] });
    const first = await runEvaluation(base);
    const error = await rejection(runEvaluation({ ...base, variant: 'lenient' }));
    expect(error.code).toBe('BAD_RUN');
    expect(error.message).toContain('variant "exact" -> "lenient"');
    const otherEndpoint = await serve();
    const moved = await rejection(
      runEvaluation({ ...base, clients: [openAIClient({ url: otherEndpoint.url })] }),
    );
    expect(moved.message).toMatch(/clients/);
    await writeFile(
      data,
      `${await readFile(data, 'utf8')}${JSON.stringify({ id: 'n', question: 'q9', answer: 'a9' })}\n`,
    );
    expect((await rejection(runEvaluation(base))).message).toMatch(/data size/);
    const again = await runEvaluation({ ...base, variant: 'lenient', overwrite: true });
    expect(again.movedAside).toBeDefined();
    expect((await readdir(again.movedAside!)).sort()).toEqual(['run.json', 'samples.jsonl', 'summary.json']);
    expect(await lines(join(again.movedAside!, 'samples.jsonl'))).toHaveLength(3);
    expect(await lines(first.files.samples)).toHaveLength(4);
    expect(again.summary).toMatchObject({ variant: 'lenient', samples: 4 });
    const unknown = await rejection(runEvaluation({ ...base, variant: 'nope', overwrite: true }));
    expect(unknown.code).toBe('UNKNOWN_VARIANT');
  });

  it('limit: a later run with a larger limit continues from the first', async () => {
    const data = await dataset(8);
    const server = await serve();
    const base = options({ data, clients: [openAIClient({ url: server.url })] });
    const first = await runEvaluation({ ...base, limit: 3 });
    expect(first.summary.samples).toBe(3);
    expect(server.requests.map((r) => r.prompt).sort()).toEqual(['q0', 'q1', 'q2']);
    const second = await runEvaluation({ ...base, limit: 5 });
    expect(second.summary.samples).toBe(5);
    expect(second.counts.resumed).toBe(3);
    expect(server.requests).toHaveLength(5);
  });
});

describe('bad dataset lines', () => {
  it('fail stops with the line number and keeps the results file consistent; skip reports and goes on', async () => {
    const data = await dataset(3, '{"id": "bad", \n{"id":"s9","question":"q9","answer":"a9"}\n');
    const server = await serve();
    const base = options({ data, clients: [openAIClient({ url: server.url })] });
    const error = await rejection(runEvaluation(base));
    expect([error.code, error.line]).toEqual(['BAD_LINE', 4]);
    for (const r of await lines(join(base.outDir, 'vqav2', 'samples.jsonl'))) expect(r.score).toBe(1);
    const skipped: number[] = [];
    const run = await runEvaluation({
      ...base,
      onBadLine: 'skip',
      onSkip: (e) => skipped.push(e.line ?? -1),
    });
    expect(skipped).toEqual([4]);
    expect(run.summary.samples).toBe(4);
    expect(run.counts.skippedLines).toBe(1);
  });
});

describe('judge and window', () => {
  it('asks the judge only where the benchmark says so and scores its extraction', async () => {
    const server = await serve((r) =>
      r.prompt === 'q1' || r.prompt === 'q2' ? { text: `Verbose: it is ${r.prompt}` } : correct(r),
    );
    const calls: string[] = [];
    const judge = {
      extract: async (_b: string, sample: { id: string }, output: string) => {
        calls.push(`${sample.id}:${output}`);
        if (sample.id === 's2') throw new Error('judge down');
        return 'A1';
      },
    };
    const run = await runEvaluation(
      options({
        data: await dataset(4),
        clients: [openAIClient({ url: server.url })],
        variant: 'lenient',
        judge,
      }),
    );
    expect(calls.sort()).toEqual(['s1:Verbose: it is q1', 's2:Verbose: it is q2']);
    const byId = new Map((await lines(run.files.samples)).map((r) => [r.id, r]));
    expect(byId.get('s1')).toMatchObject({ score: 1, extracted: 'A1', details: { llm_extraction: 'A1' } });
    expect(byId.get('s2')).toMatchObject({ score: 0, details: { judge_error: 'judge down' } });
    expect(byId.get('s0')?.details).toBeUndefined();
    expect(run.summary.score).toBe(75);
  });

  it('reads the dataset only a bounded window ahead of the answers', async () => {
    let built = 0;
    const counting = {
      ...fakeBenchmark,
      toSample: (...a: Parameters<typeof fakeBenchmark.toSample>) => {
        built++;
        return fakeBenchmark.toSample(...a);
      },
    };
    const gates: (() => void)[] = [];
    const blocked: ModelClient = {
      id: 'gate',
      concurrency: 2,
      complete: () => new Promise((done) => gates.push(() => done({ text: 'x' }))),
    };
    const running = runEvaluation({
      ...options({ data: await dataset(200), clients: [blocked] }),
      benchmark: counting,
    });
    for (let i = 0; i < 500 && gates.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // time for the reader to run ahead, if it would
    // 2 slots x 2 per slot in progress, plus the one sample waiting for room.
    expect(gates.length).toBe(2);
    expect(built).toBeLessThanOrEqual(5);
    const release = setInterval(() => {
      for (const open of gates.splice(0)) open();
    }, 1);
    await running;
    clearInterval(release);
    expect(built).toBe(200);
  });
});

describe('model clients that misbehave', () => {
  it('a client that ignores its abort signal cannot hang the run past the timeout', async () => {
    const stuck: ModelClient = { id: 'stuck', concurrency: 1, complete: () => new Promise(() => undefined) };
    const { timers } = fakeTimers();
    const run = await runEvaluation(
      options({ data: await dataset(2), clients: [stuck], timeoutMs: 30, retries: 1, timers }),
    );
    expect(run.summary).toMatchObject({ samples: 2, failed: 2 });
    expect((await lines(run.files.samples)).map((r) => r.attempts)).toEqual([2, 2]);
  });

  it('a thrown non-typed error is a failed sample, not a crash', async () => {
    const broken: ModelClient = {
      id: 'broken',
      concurrency: 1,
      complete: async () => {
        throw new Error('boom');
      },
    };
    const run = await runEvaluation(options({ data: await dataset(1), clients: [broken] }));
    expect(await lines(run.files.samples)).toMatchObject([{ output: null, error: 'boom', attempts: 1 }]);
  });

  it('rejects bad options', async () => {
    const data = await dataset(1);
    await expect(runEvaluation(options({ data, clients: [] }))).rejects.toThrow(RangeError);
    await expect(runEvaluation(options({ data, clients: [broken()], retries: -1 }))).rejects.toThrow(
      /'retries'/,
    );
    await expect(runEvaluation(options({ data, clients: [broken()], limit: 0 }))).rejects.toThrow(/'limit'/);
  });
});

function broken(): ModelClient {
  return { id: 'x', concurrency: 1, complete: async () => ({ text: '' }) };
}
