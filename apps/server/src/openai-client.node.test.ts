/**
 * The official `openai` npm client against a live server on loopback: chat with an image
 * (non-streaming and streaming), usage, stop strings, seeds, /v1/models and error bodies.
 */
import type { ImageInput, NvlmPipeline } from '@nvlm-ts/runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTestPipeline,
  MODEL_ID,
  pngDataUrl,
  startServer,
  type TestServer,
  watchUnhandledRejections,
} from './testing/helpers.js';

let pipeline: NvlmPipeline<ImageInput>;
let server: TestServer;
let client: OpenAI;
let image: string;
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  pipeline = await loadTestPipeline();
  server = await startServer(pipeline, { apiKey: 'test-key' });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
  image = await pngDataUrl(32, 32);
});

afterAll(async () => {
  await server?.close();
  await pipeline?.dispose();
  rejections.stop();
  expect(rejections.errors).toEqual([]);
});

const withImage = (text: string): OpenAI.Chat.ChatCompletionMessageParam[] => [
  {
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: image } },
      { type: 'text', text },
    ],
  },
];

describe('openai client', () => {
  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL_ID]);
    expect((await client.models.retrieve(MODEL_ID)).id).toBe(MODEL_ID);
  });

  it('answers a chat with an image, with usage; streaming gives the same text and usage', async () => {
    const plain = await client.chat.completions.create({
      model: MODEL_ID,
      messages: withImage('Describe the image.'),
      max_tokens: 6,
      temperature: 0,
    });
    expect(plain.object).toBe('chat.completion');
    expect(plain.model).toBe(MODEL_ID);
    expect(plain.choices).toHaveLength(1);
    const choice = plain.choices[0]!;
    expect(choice.message.role).toBe('assistant');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    const usage = plain.usage!;
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(1);
    expect(usage.completion_tokens).toBeLessThanOrEqual(6);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);

    // The same text without the image: the image adds one 448-px tile of 256 tokens plus its tags.
    const textOnly = await client.chat.completions.create({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Describe the image.' }],
      max_tokens: 1,
      temperature: 0,
    });
    const extra = usage.prompt_tokens - textOnly.usage!.prompt_tokens;
    expect(extra).toBeGreaterThan(256);
    expect(extra).toBeLessThan(256 + 16);

    const stream = await client.chat.completions.create({
      model: MODEL_ID,
      messages: withImage('Describe the image.'),
      max_tokens: 6,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let streamedUsage: OpenAI.CompletionUsage | undefined;
    let roles = 0;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.usage) streamedUsage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta.role) roles++;
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
    }
    expect(roles).toBe(1);
    expect(text).toBe(choice.message.content);
    expect(finish).toBe(choice.finish_reason);
    expect(streamedUsage?.prompt_tokens).toBe(usage.prompt_tokens);
    expect(streamedUsage?.completion_tokens).toBe(usage.completion_tokens);
  });

  it('cuts the answer at a stop string and reports finish_reason stop', async () => {
    const request = {
      model: MODEL_ID,
      messages: [{ role: 'user' as const, content: 'Count with me.' }],
      max_tokens: 12,
      temperature: 0,
    };
    const full = (await client.chat.completions.create(request)).choices[0]!.message.content!;
    expect(full.length).toBeGreaterThan(4);
    // A stop string taken from the middle of the greedy answer: the answer ends right before it.
    const at = Math.floor(full.length / 2);
    const stop = full.slice(at, at + 2);
    const expected = full.slice(0, full.indexOf(stop));
    const cut = await client.chat.completions.create({ ...request, stop: [stop] });
    expect(cut.choices[0]!.message.content).toBe(expected);
    expect(cut.choices[0]!.finish_reason).toBe('stop');
  });

  it('same seed, same sampled answer; another seed, another answer', async () => {
    const ask = (seed: number) =>
      client.chat.completions
        .create({
          model: MODEL_ID,
          messages: [{ role: 'user', content: 'Tell me a story.' }],
          max_tokens: 8,
          temperature: 1,
          seed,
        })
        .then((r) => r.choices[0]!.message.content);
    const a = await ask(1234);
    expect(await ask(1234)).toBe(a);
    expect(await ask(99)).not.toBe(a);
  });

  it('gives typed OpenAI errors: bad parameter, unknown model, n > 1, bad key', async () => {
    const bad = await client.chat.completions
      .create({ model: MODEL_ID, messages: [{ role: 'user', content: 'x' }], temperature: 7 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    const badError = bad as InstanceType<typeof OpenAI.BadRequestError>;
    expect(badError.status).toBe(400);
    expect(badError.param).toBe('temperature');
    expect(badError.type).toBe('invalid_request_error');

    const missing = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

    const many = await client.chat.completions
      .create({ model: MODEL_ID, messages: [{ role: 'user', content: 'x' }], n: 2 })
      .catch((e: unknown) => e);
    expect((many as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    expect((many as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('unsupported_parameter');

    const wrongKey = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    const denied = await wrongKey.models.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((denied as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('keeps auth on percent-encoded paths, and answers CORS preflights for allowed origins', async () => {
    for (const path of ['/v1/models', '/%76%31/models', '/v1/%6dodels']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).not.toBe(200);
    }
    const open = await startServer(pipeline, { apiKey: 'k', corsOrigins: ['https://app.example'] });
    try {
      const preflight = await fetch(`${open.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const stranger = await fetch(`${open.url}/v1/models`, {
        headers: { origin: 'https://evil.example', authorization: 'Bearer k' },
      });
      expect(stranger.status).toBe(200);
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      const streamed = await fetch(`${open.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          origin: 'https://app.example',
          authorization: 'Bearer k',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          model: MODEL_ID,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 1,
          stream: true,
        }),
      });
      expect(streamed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(await streamed.text()).toContain('[DONE]');
    } finally {
      await open.close();
    }
  });

  it('rejects a prompt longer than the context with context_length_exceeded', async () => {
    const small = await loadTestPipeline({ contextLength: 64 });
    const tight = await startServer(small);
    try {
      const c = new OpenAI({ baseURL: `${tight.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const error = await c.chat.completions
        .create({
          model: MODEL_ID,
          messages: [{ role: 'user', content: 'word '.repeat(100) }],
          max_tokens: 1,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    } finally {
      await tight.close();
      await small.dispose();
    }
  });
});
