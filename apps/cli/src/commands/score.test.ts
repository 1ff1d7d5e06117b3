/** `nvlm score`: JSONL in, one scored JSONL line out per record, in order (EVAL.md §13). */
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';

async function run(argv: string[], stdin = '') {
  const io = memoryIO(stdin);
  const code = await main(['score', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');
const yes10 = Array(10).fill('yes');

describe('nvlm score', () => {
  it('scores VQA lines in order with the official variant by default, skipping blank lines', async () => {
    const stdin = `${jsonl({ prediction: 'Yes', answers: yes10, id: 'q1' })}\r\n\n${jsonl({ prediction: 'yes', answers: yes10 })}\n`;
    expect(await run(['--metric', 'vqa'], stdin)).toEqual({
      code: 0,
      out: '{"score":0,"pred_norm":"Yes","id":"q1"}\n{"score":1,"pred_norm":"yes"}\n',
      err: '',
    });
  });

  it('applies --variant, and a per-line variant overrides it', async () => {
    const stdin = jsonl(
      { prediction: 'Yes', answers: yes10 },
      { prediction: 'Yes', answers: yes10, variant: 'official' },
    );
    const { out } = await run(['--metric', 'vqa', '--variant', 'always'], stdin);
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).score),
    ).toEqual([1, 0]);
  });

  it('scores every metric from its EVAL.md fields', async () => {
    const cases: [string, unknown, number][] = [
      ['anls', { prediction: 'x', answers: ['ß'] }, 0.5],
      ['relaxed', { prediction: '35%', answer: '0.35' }, 1],
      ['ocrbench', { prediction: 'x_1', answers: ['x _ 1\n'], dataset_name: 'HME100k' }, 1],
      [
        'mmmu',
        {
          prediction: '(B)',
          answer: 'B',
          question_type: 'multiple-choice',
          all_choices: ['A', 'B'],
          index2ans: { A: 'a', B: 'b' },
        },
        1,
      ],
      [
        'mathvista',
        { prediction: '1.45', answer: '1.4', question_type: 'free_form', answer_type: 'float', precision: 1 },
        1,
      ],
    ];
    for (const [metric, record, score] of cases) {
      const { code, out } = await run(['--metric', metric], jsonl(record));
      expect(code, metric).toBe(0);
      expect(JSON.parse(out).score, metric).toBe(score);
    }
  });

  it('MMMU --fallback random follows random.seed(42) across lines', async () => {
    const rec = {
      prediction: '?',
      answer: 'A',
      question_type: 'multiple-choice',
      all_choices: ['A', 'B', 'C', 'D', 'E', 'F'],
      index2ans: {},
    };
    const { out } = await run(['--metric', 'mmmu', '--fallback', 'random'], jsonl(rec, rec));
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).parsed),
    ).toEqual(['F', 'A']);
  });

  it('stops at a malformed line with its number after answering the lines before it', async () => {
    const bad = await run(
      ['--metric', 'anls'],
      `${jsonl({ prediction: 'a', answers: ['a'] })}\n{"prediction": 1, "answers": ["a"]}\n`,
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('{"score":1,"pred_norm":"a"}\n');
    expect(bad.err).toMatch(/^nvlm: stdin line 2: 'prediction' must be a string/);
    const notJson = await run(['--metric', 'anls'], '{oops\n');
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^nvlm: stdin line 1: not valid JSON/);
  });

  it('--skip-bad reports and skips malformed lines; --summary prints the mean', async () => {
    const stdin = `${jsonl({ prediction: 'a', answers: ['a'] })}\nnope\n${jsonl({ prediction: 'b', answers: ['zzz'] })}\n`;
    const r = await run(['--metric', 'anls', '--skip-bad', '--summary'], stdin);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean).length).toBe(2);
    const errLines = r.err.trim().split('\n');
    expect(errLines[0]).toMatch(/^nvlm: stdin line 2: not valid JSON .*\(skipped\)$/);
    expect(JSON.parse(errLines[1] as string)).toEqual({
      metric: 'anls',
      variant: 'official',
      count: 2,
      sum: 1,
      mean: 0.5,
      percent: 50,
      skipped: 1,
    });
  });

  it('rejects a missing or unknown metric or variant as usage errors', async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run(['--metric', 'bleu']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--metric must be one of vqa, anls, relaxed, ocrbench, mmmu, mathvista/);
    expect((await run(['--metric', 'anls', '--variant', 'nvlm'])).code).toBe(2);
  });
});
