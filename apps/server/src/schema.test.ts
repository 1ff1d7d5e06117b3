import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { parseChatRequest } from './schema.js';

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown): ApiError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseChatRequest', () => {
  it('accepts the OpenAI shapes and ignores unknown fields', () => {
    const parsed = parseChatRequest({
      ...base,
      user: 'u1',
      metadata: { a: 1 },
      store: false,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'text', text: 'what?' },
          ],
        },
        { role: 'assistant', content: null },
      ],
      stop: 'x',
      n: 1,
      seed: -5,
      max_completion_tokens: 3,
    });
    expect(parsed.messages).toHaveLength(3);
    expect('user' in parsed).toBe(false);
    expect(parsed.max_completion_tokens).toBe(3);
  });

  it('names the first bad field as a JSON path in param', () => {
    const cases: [unknown, string][] = [
      [{ ...base, model: 3 }, 'model'],
      [{ ...base, messages: [] }, 'messages'],
      [
        { ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
        'messages[0].content[0].image_url.url',
      ],
      [
        { ...base, messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
        'messages[0].content[0].type',
      ],
      [{ ...base, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ ...base, temperature: 2.5 }, 'temperature'],
      [{ ...base, top_p: 0 }, 'top_p'],
      [{ ...base, max_tokens: 0 }, 'max_tokens'],
      [{ ...base, max_tokens: 1.5 }, 'max_tokens'],
      [{ ...base, stop: Array.from({ length: 17 }, () => 's') }, 'stop'],
      [{ ...base, stream: 'yes' }, 'stream'],
    ];
    for (const [body, param] of cases) {
      const error = refusal(body);
      expect(error.status, param).toBe(400);
      expect(error.param, JSON.stringify(body)).toBe(param);
      expect(error.message.startsWith(`${param}: `)).toBe(true);
    }
  });

  it('refuses what this server does not implement with unsupported_parameter', () => {
    for (const [body, param] of [
      [{ ...base, n: 2 }, 'n'],
      [{ ...base, logprobs: true }, 'logprobs'],
      [{ ...base, tools: [{ type: 'function' }] }, 'tools'],
      [{ ...base, response_format: { type: 'json_object' } }, 'response_format'],
      [{ ...base, messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }] }, 'messages[0].role'],
    ] as const) {
      const error = refusal(body);
      expect(error.code).toBe('unsupported_parameter');
      expect(error.param).toBe(param);
    }
  });

  it('refuses bodies that are not objects', () => {
    for (const body of [null, [], 'x', 3]) expect(refusal(body).code).toBe('invalid_request');
  });
});
