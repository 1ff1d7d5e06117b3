/** The LLM judge against a scripted fake client: requests sent, replies parsed, retries, abort. */
import { describe, expect, it } from 'vitest';
import type { EvalSample } from '../benchmarks/types.js';
import { EvaluationError } from '../errors.js';
import type { CompletionRequest, CompletionResponse, ModelClient } from '../runner/types.js';
import { createJudge, parseExtraction, parseOptionLetter, sampleOptions } from './index.js';

/** A client that answers from a script (a string, or an error to throw) and records each request. */
function scripted(replies: readonly (string | Error)[]) {
  const requests: CompletionRequest[] = [];
  const client: ModelClient = {
    id: 'fake',
    concurrency: 1,
    async complete(request): Promise<CompletionResponse> {
      requests.push(request);
      const reply = replies[requests.length - 1];
      if (reply === undefined) throw new Error('script exhausted');
      if (reply instanceof Error) throw reply;
      return { text: reply };
    },
  };
  return { client, requests };
}

const sample = (gold: Record<string, unknown>, prompt = '<image>\nWhich one?'): EvalSample => ({
  id: '1',
  line: 1,
  prompt,
  images: [new Uint8Array(1)],
  gold,
});
const signal = () => new AbortController().signal;
const ai2d = sample(
  { answer: 'B', choices: ['cat', 'dog', 'bird', 'fish'] },
  '<image>\nWhat animal barks?\nA. cat',
);

describe('MCQ matching', () => {
  it('sends the question, the lettered options and the answer, deterministically', async () => {
    const { client, requests } = scripted(['B']);
    const judge = createJudge({ client });
    const s = sample({
      question: 'What animal barks?',
      answer: 'B',
      choices: ['cat', 'dog', 'bird', 'fish'],
    });
    expect(await judge.extract('ai2d', s, 'It is a dog.', signal())).toBe('B');
    expect(requests).toHaveLength(1);
    const r = requests[0] as CompletionRequest;
    expect(r.prompt).toContain(
      'Question: What animal barks?\nOptions:\nA. cat\nB. dog\nC. bird\nD. fish\nAnswer: It is a dog.\nYour output:',
    );
    expect(r.prompt.endsWith('Your output:')).toBe(true);
    expect(r.prompt).toContain('(one of A, B, C, D)');
    expect(r.images).toEqual([]);
    expect([r.temperature, r.seed, r.maxNewTokens]).toEqual([0, 1234, 8]);
  });
  it('uses the prompt without image placeholders when gold has no question', async () => {
    const { client, requests } = scripted(['A']);
    await createJudge({ client }).extract('ai2d', ai2d, 'cat', signal());
    expect(requests[0]?.prompt).toContain('Question: What animal barks?\nA. cat\nOptions:');
    expect(requests[0]?.prompt).not.toContain('<image>');
  });
  it.each([
    ['B', 'B'],
    ['(B)', 'B'],
    ['The answer is B.', 'B'],
    [' **C** ', 'C'],
    ['Z', 'Z'],
    ['Your output: D', 'D'],
  ])('reads %j as %s', async (reply, letter) => {
    const { client } = scripted([reply]);
    expect(await createJudge({ client }).extract('ai2d', ai2d, 'x', signal())).toBe(letter);
  });
  it('retries junk replies, then gives up with undefined after `retries` extra attempts', async () => {
    const { client, requests } = scripted(['I am not sure', 'E', 'A or B', 'C']);
    expect(await createJudge({ client, retries: 2 }).extract('ai2d', ai2d, 'x', signal())).toBeUndefined();
    expect(requests).toHaveLength(3);
    const second = scripted(['no idea', '(D)']);
    expect(
      await createJudge({ client: second.client, retries: 1 }).extract('ai2d', ai2d, 'x', signal()),
    ).toBe('D');
  });
  it('retries retryable model errors and throws the others', async () => {
    const retryable = new EvaluationError('MODEL_ERROR', 'HTTP 503', { retryable: true, status: 503 });
    const { client, requests } = scripted([retryable, 'A']);
    expect(await createJudge({ client }).extract('ai2d', ai2d, 'x', signal())).toBe('A');
    expect(requests).toHaveLength(2);
    const fatal = new EvaluationError('MODEL_ERROR', 'HTTP 400', { retryable: false, status: 400 });
    await expect(
      createJudge({ client: scripted([fatal]).client }).extract('ai2d', ai2d, 'x', signal()),
    ).rejects.toBe(fatal);
  });
  it('covers RealWorldQA with options, MMMU multiple-choice (options or index2ans) and MathVista multi_choice', async () => {
    const { client, requests } = scripted(['C', 'B', 'A', 'B']);
    const judge = createJudge({ client });
    expect(
      await judge.extract('realworldqa', sample({ answer: 'C', choices: ['1', '2', '3'] }), '3', signal()),
    ).toBe('C');
    const mmmu = sample({ question_type: 'multiple-choice', options: ['x', 'y'], answer: 'B' });
    expect(await judge.extract('mmmu', mmmu, 'y', signal())).toBe('B');
    const index2ans = sample({
      question_type: 'multiple-choice',
      all_choices: ['A', 'B'],
      index2ans: { A: 'p', B: 'q' },
    });
    expect(await judge.extract('mmmu', index2ans, 'p', signal())).toBe('A');
    expect(requests[2]?.prompt).toContain('Options:\nA. p\nB. q\n');
    const mv = sample({
      question_type: 'multi_choice',
      choices: ['RED', 'BLUE'],
      query: 'Hint: ...',
      answer: 'BLUE',
    });
    expect(await judge.extract('mathvista', mv, 'blue', signal())).toBe('B');
    expect(requests[3]?.prompt).toContain('A. RED\nB. BLUE');
  });
  it('sends nothing for open questions and benchmarks without a judge', async () => {
    const { client, requests } = scripted([]);
    const judge = createJudge({ client });
    expect(await judge.extract('realworldqa', sample({ answer: '3' }), '3', signal())).toBeUndefined();
    expect(
      await judge.extract('mmmu', sample({ question_type: 'open', options: [], answer: '5' }), '5', signal()),
    ).toBeUndefined();
    expect(await judge.extract('vqav2', sample({ answers: ['yes'] }), 'yes', signal())).toBeUndefined();
    expect(requests).toHaveLength(0);
  });
});

describe('MathVista extraction', () => {
  const mv = sample({
    question_type: 'free_form',
    answer_type: 'integer',
    query:
      'Hint: Please answer the question requiring an integer answer.\nQuestion: What is the value of bar C?',
    answer: '42',
  });
  it('sends the few-shot prompt ending with the query, the response and "Extracted answer:"', async () => {
    const { client, requests } = scripted(['  42\n']);
    expect(await createJudge({ client }).extract('mathvista', mv, 'Bar C reaches 42.', signal())).toBe('42');
    const r = requests[0] as CompletionRequest;
    expect(
      r.prompt.endsWith(
        'Question: What is the value of bar C?\n\nModel response: Bar C reaches 42.\n\nExtracted answer:',
      ),
    ).toBe(true);
    expect(r.prompt.match(/Extracted answer:/g)).toHaveLength(6); // five demos + the test item
    expect([r.temperature, r.seed, r.maxNewTokens]).toEqual([0, 1234, 64]);
  });
  it('trims the reply to the answer and retries an empty one', async () => {
    expect(parseExtraction('Extracted answer: 3.5\nBecause ...')).toBe('3.5');
    expect(parseExtraction('\n [1, 2]  ')).toBe('[1, 2]');
    expect(parseExtraction('  \n ')).toBeUndefined();
    const { client, requests } = scripted(['', 'Extracted answer: 7']);
    expect(await createJudge({ client }).extract('mathvista', mv, 'seven', signal())).toBe('7');
    expect(requests).toHaveLength(2);
  });
});

describe('abort', () => {
  it('rejects with the reason before sending when already aborted', async () => {
    const { client, requests } = scripted(['A']);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(createJudge({ client }).extract('ai2d', ai2d, 'x', controller.signal)).rejects.toThrow(
      'stop',
    );
    expect(requests).toHaveLength(0);
  });
  it('passes the signal to the client and does not retry after an abort mid-request', async () => {
    const controller = new AbortController();
    let calls = 0;
    const client: ModelClient = {
      id: 'slow',
      concurrency: 1,
      complete: (request) =>
        new Promise((_, reject) => {
          calls++;
          request.signal.addEventListener('abort', () =>
            reject(new EvaluationError('MODEL_ERROR', 'aborted', { retryable: true })),
          );
        }),
    };
    const pending = createJudge({ client, retries: 3 }).extract('ai2d', ai2d, 'x', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
    expect(calls).toBe(1);
  });
});

describe('helpers', () => {
  it('parseOptionLetter only accepts valid letters and one of them', () => {
    expect(parseOptionLetter('E', ['A', 'B', 'C', 'D'])).toBeUndefined();
    expect(parseOptionLetter('A or B', ['A', 'B'])).toBeUndefined();
    expect(parseOptionLetter('the answer is blue', ['A', 'B'])).toBeUndefined();
    expect(parseOptionLetter('Option C is right', ['A', 'B', 'C'])).toBe('C');
  });
  it('sampleOptions reads choices, options or index2ans', () => {
    expect(sampleOptions({ choices: ['a', 'b'] })).toEqual([
      { letter: 'A', text: 'a' },
      { letter: 'B', text: 'b' },
    ]);
    expect(sampleOptions({ index2ans: { B: 'y', A: 'x' } })?.map((o) => o.letter)).toEqual(['A', 'B']);
    expect(sampleOptions({ choices: [] })).toBeUndefined();
  });
  it('rejects bad retries', () => {
    expect(() => createJudge({ client: scripted([]).client, retries: -1 })).toThrow(RangeError);
  });
});

describe('with samples built by the benchmarks', () => {
  it('the judge shows the dataset question (not the NVLM prompt) and the MathVista query', async () => {
    const { getBenchmark } = await import('../benchmarks/index.js');
    const context = { line: 1, promptStyle: 'nvlm' as const, loadImage: async () => new Uint8Array(1) };
    const ai2dSample = await getBenchmark('ai2d').toSample(
      { id: 1, image: 'a.png', question: 'Which label is the sun?', choices: ['moon', 'sun'], answer: 'B' },
      context,
    );
    const mc = scripted(['B']);
    expect(await createJudge({ client: mc.client }).extract('ai2d', ai2dSample, 'the sun', signal())).toBe(
      'B',
    );
    expect(mc.requests[0]!.prompt).toContain(
      'Question: Which label is the sun?\nOptions:\nA. moon\nB. sun\n',
    );
    expect(mc.requests[0]!.prompt).not.toContain("Answer with the option's letter");

    const query = 'Hint: Please answer the question requiring an integer answer.\nQuestion: How many dots?';
    const mathSample = await getBenchmark('mathvista').toSample(
      {
        id: 2,
        image: 'm.png',
        query,
        question: 'How many dots?',
        question_type: 'free_form',
        answer_type: 'integer',
        choices: null,
        precision: null,
        answer: '4',
      },
      context,
    );
    const ex = scripted(['4']);
    expect(
      await createJudge({ client: ex.client }).extract('mathvista', mathSample, 'I count 4.', signal()),
    ).toBe('4');
    expect(ex.requests[0]!.prompt).toContain(query);
  });
});
