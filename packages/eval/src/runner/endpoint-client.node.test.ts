import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { chatCompletionsUrl, contentParts, openAIClient } from './endpoint-client.js';
import { sniffImageMime } from './image-mime.js';
import type { ModelError } from './retry.js';
import { type FakeReply, type FakeServer, startFakeOpenAIServer } from './testing/fake-openai-server.js';
import type { CompletionRequest } from './types.js';

// Signatures from the format specs: PNG (RFC 2083 "\x89PNG\r\n\x1a\n"), JPEG SOI + APP0 marker.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9]);

const servers: FakeServer[] = [];
async function serve(handler: (r: Parameters<Parameters<typeof startFakeOpenAIServer>[0]>[0]) => FakeReply) {
  const server = await startFakeOpenAIServer(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    prompt: 'What?',
    images: [],
    maxNewTokens: 16,
    temperature: 0,
    seed: 1234,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvaluationError);
  expect((error as EvaluationError).code).toBe('MODEL_ERROR');
  return error as ModelError;
}

describe('chatCompletionsUrl', () => {
  it('accepts base URLs with or without /v1 and trailing slashes', () => {
    expect(chatCompletionsUrl('http://h:8000')).toBe('http://h:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:8000/')).toBe('http://h:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:8000/v1')).toBe('http://h:8000/v1/chat/completions');
    expect(chatCompletionsUrl('https://h/api/v1/')).toBe('https://h/api/v1/chat/completions');
    expect(() => chatCompletionsUrl('ftp://h')).toThrow(/http/);
    expect(() => chatCompletionsUrl('not a url')).toThrow(EvaluationError);
  });
});

describe('sniffImageMime', () => {
  it('names PNG, JPEG, GIF and WebP from their signatures', () => {
    expect(sniffImageMime(PNG)).toBe('image/png');
    expect(sniffImageMime(JPEG)).toBe('image/jpeg');
    expect(sniffImageMime(new TextEncoder().encode('GIF89a..'))).toBe('image/gif');
    expect(sniffImageMime(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageMime(new Uint8Array([1, 2, 3]))).toBe('application/octet-stream');
  });
});

describe('contentParts', () => {
  it('keeps prompt order and drops the newline servers put back after each image', () => {
    const parts = contentParts('Look: <image>\nand <image>\nWhich is red?', [PNG, JPEG]);
    expect(parts).toEqual([
      { type: 'text', text: 'Look: ' },
      {
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}` },
      },
      { type: 'text', text: 'and ' },
      {
        type: 'image_url',
        image_url: { url: `data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}` },
      },
      { type: 'text', text: 'Which is red?' },
    ]);
    expect(contentParts('plain', [])).toBe('plain');
    expect(() => contentParts('<image>', [PNG, PNG])).toThrow(/1 '<image>' placeholder\(s\) but 2 image/);
  });

  it('inline mode keeps the placeholders in one text part', () => {
    const parts = contentParts('<image>\nQ', [PNG], 'inline') as { type: string; text?: string }[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
    expect(parts[0]?.text).toBe('<image>\nQ');
  });
});

describe('openAIClient', () => {
  it('sends system, content parts in prompt order, sampling fields and the listed model', async () => {
    const server = await serve(() => ({ text: ' an answer ', usage: { prompt: 11, completion: 3 } }));
    const client = openAIClient({ url: `${server.url}/v1/`, apiKey: 'sk-test' });
    expect(client.concurrency).toBe(4);
    const response = await client.complete(
      request({
        system: 'Answer briefly.',
        prompt: '<image>\nWhat is shown?',
        images: [JPEG],
        maxNewTokens: 9,
        temperature: 0,
        seed: 42,
        stop: ['\n'],
      }),
    );
    expect(response).toEqual({ text: ' an answer ', promptTokens: 11, completionTokens: 3 });
    const { body, headers } = server.requests[0]!;
    expect(headers.authorization).toBe('Bearer sk-test');
    expect(body.model).toBe('fake-model');
    expect(body.max_tokens).toBe(9);
    expect(body.temperature).toBe(0);
    expect(body.seed).toBe(42);
    expect(body.stop).toEqual(['\n']);
    expect(body.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      {
        role: 'user',
        content: [
          {
            type: 'image_url',
            image_url: { url: `data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}` },
          },
          { type: 'text', text: 'What is shown?' },
        ],
      },
    ]);
  });

  it('uses the given model name without asking /v1/models', async () => {
    const server = await serve(() => ({ text: 'x' }));
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const client = openAIClient({ url: server.url, model: 'mine', fetch: counting });
    await client.complete(request());
    await client.complete(request());
    expect(calls).toBe(2);
    expect(server.requests.map((r) => r.body.model)).toEqual(['mine', 'mine']);
  });

  it('maps statuses: 5xx, 408, 409, 429 retryable (with Retry-After), other 4xx not', async () => {
    const script: FakeReply[] = [
      { status: 500 },
      { status: 503, body: '<html>down</html>' },
      { status: 408 },
      { status: 409 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 400, body: JSON.stringify({ error: { message: 'messages[0].content: bad part' } }) },
      { status: 404 },
    ];
    const server = await serve(() => script.shift()!);
    const client = openAIClient({ url: server.url, model: 'm' });
    const errors: ModelError[] = [];
    for (let i = 0; i < 7; i++) errors.push(await failure(client.complete(request())));
    expect(errors.map((e) => e.status)).toEqual([500, 503, 408, 409, 429, 400, 404]);
    expect(errors.map((e) => e.retryable)).toEqual([true, true, true, true, true, false, false]);
    expect(errors[4]?.retryAfterMs).toBe(7000);
    expect(errors[1]?.message).toContain('<html>down</html>');
    expect(errors[5]?.message).toContain('HTTP 400: messages[0].content: bad part');
  });

  it('a malformed JSON body or a body without content is not retryable', async () => {
    const script: FakeReply[] = [{ raw: '{"choices": [' }, { raw: '{"choices": []}' }];
    const server = await serve(() => script.shift()!);
    const client = openAIClient({ url: server.url, model: 'm' });
    const malformed = await failure(client.complete(request()));
    expect(malformed.retryable).toBe(false);
    expect(malformed.message).toMatch(/not JSON/);
    const empty = await failure(client.complete(request()));
    expect(empty.retryable).toBe(false);
    expect(empty.message).toMatch(/choices\[0\]\.message\.content/);
  });

  it('connection refused and timeouts are retryable', async () => {
    const server = await serve(() => ({ hang: true }));
    const closed = await startFakeOpenAIServer(() => ({ text: '' }));
    const deadUrl = closed.url;
    await closed.close();
    const refused = await failure(openAIClient({ url: deadUrl, model: 'm' }).complete(request()));
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/ECONNREFUSED/);
    const timedOut = await failure(
      openAIClient({ url: server.url, model: 'm', timeoutMs: 100 }).complete(request()),
    );
    expect(timedOut.retryable).toBe(true);
    expect(timedOut.message).toMatch(/timed out after 0.1 s/);
  });

  it('rejects bad options', () => {
    expect(() => openAIClient({ url: 'http://h', concurrency: 0 })).toThrow(RangeError);
    expect(() => openAIClient({ url: 'http://h', timeoutMs: -1 })).toThrow(RangeError);
  });
});
