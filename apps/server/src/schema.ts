/**
 * The `POST /v1/chat/completions` request, as OpenAI documents it
 * (https://platform.openai.com/docs/api-reference/chat/create), validated with zod. Unknown fields
 * are ignored (clients send `user`, `metadata`, `store`...); fields present with the wrong type or
 * value are rejected with the JSON path of the first problem. A few vLLM extensions are accepted:
 * `top_k`, `min_p`, `repetition_penalty`.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

/** Largest `max_tokens` accepted (the runtime's own limit). */
export const MAX_TOKENS_LIMIT = 1_000_000;
/** Most stop strings per request. */
export const MAX_STOP_STRINGS = 16;

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imageUrlPart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  }),
});
const userPart = z.discriminatedUnion('type', [textPart, imageUrlPart], {
  error: "a content part must be {type:'text', text} or {type:'image_url', image_url:{url}}",
});

const textContent = z.union([z.string(), z.array(textPart)], {
  error: 'content must be a string or an array of text parts',
});

const message = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().nullish() }),
    z.object({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(userPart)], {
        error: 'content must be a string or an array of content parts',
      }),
      name: z.string().nullish(),
    }),
    z.object({ role: z.literal('assistant'), content: textContent.nullish(), name: z.string().nullish() }),
    z.object({ role: z.enum(['tool', 'function']) }),
  ],
  { error: "role must be one of 'system', 'developer', 'user', 'assistant'" },
);

const probability = z.number().gt(0).max(1);
const penalty = z.number().min(-2).max(2);

export const chatCompletionRequest = z.object({
  model: z.string(),
  messages: z.array(message).min(1, 'messages must hold at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT).nullish(),
  max_completion_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: probability.nullish(),
  top_k: z
    .number()
    .int()
    .min(-1)
    .max(2 ** 31)
    .nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repetition_penalty: z.number().gt(0).max(100).nullish(),
  frequency_penalty: penalty.nullish(),
  presence_penalty: penalty.nullish(),
  seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullish(),
  stop: z
    .union([z.string(), z.array(z.string()).max(MAX_STOP_STRINGS)], {
      error: `stop must be a string or an array of at most ${MAX_STOP_STRINGS} strings`,
    })
    .nullish(),
  n: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  tools: z.array(z.unknown()).nullish(),
  response_format: z.object({ type: z.string() }).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
export type ChatMessage = ChatCompletionRequest['messages'][number];

/** Parses a request body or throws ApiError 400 naming the first bad field. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'the request body must be a JSON object', null);
  }
  const parsed = chatCompletionRequest.safeParse(body);
  if (!parsed.success) {
    const issue = deepestIssue(parsed.error.issues[0] as Issue);
    const param = jsonPath(issue.path);
    throw new ApiError(400, 'invalid_request', `${param || 'body'}: ${issue.message}`, param || null);
  }
  const request = parsed.data;
  const unsupported = (param: string, message: string) =>
    new ApiError(400, 'unsupported_parameter', message, param);
  if (request.n != null && request.n !== 1)
    throw unsupported('n', `only n = 1 is supported, got ${request.n}`);
  if (request.logprobs) throw unsupported('logprobs', 'logprobs are not supported by this server');
  if (request.tools && request.tools.length > 0)
    throw unsupported('tools', 'tools are not supported by this server');
  if (request.response_format && request.response_format.type !== 'text') {
    throw unsupported(
      'response_format',
      `response_format '${request.response_format.type}' is not supported`,
    );
  }
  request.messages.forEach((m, i) => {
    if (m.role === 'tool' || m.role === 'function') {
      throw unsupported(`messages[${i}].role`, `'${m.role}' messages are not supported (no tool calling)`);
    }
  });
  return request;
}

interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: Issue[][];
}

/**
 * For a union (`content` is a string or an array of parts), the issue of the branch that got
 * furthest into the value, with its full path: `messages[0].content[1].image_url.url` rather
 * than "`messages[0].content`: invalid input".
 */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    if (!branch[0]) continue;
    const inner = deepestIssue(branch[0]);
    if (!best || inner.path.length > best.path.length) best = inner;
  }
  if (!best || best.path.length === 0) return issue;
  return { ...best, path: [...issue.path, ...best.path] };
}

/** `["messages", 0, "content"]` -> `messages[0].content`. */
function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
