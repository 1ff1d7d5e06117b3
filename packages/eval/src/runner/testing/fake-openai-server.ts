/**
 * A scripted OpenAI-compatible server for runner tests, on `node:http` at 127.0.0.1 on a free port:
 * `GET /v1/models` lists one model, `POST /v1/chat/completions` answers what the test's handler says
 * (a completion text, an HTTP error with headers, a raw body, or no answer at all), and the server
 * records every request and the most chat requests it had in flight at once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A recorded chat request. */
export interface FakeRequest {
  readonly body: {
    model: string;
    messages: { role: string; content: unknown }[];
    max_tokens?: number;
    temperature?: number;
    seed?: number;
    stop?: string[];
  };
  readonly headers: IncomingMessage['headers'];
  /** The user message's text (text parts joined). */
  readonly prompt: string;
}

/** What the server does with one chat request. */
export type FakeReply =
  | {
      readonly text: string;
      readonly delayMs?: number;
      readonly usage?: { prompt: number; completion: number };
    }
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly raw: string }
  | { readonly hang: true };

/** A running fake server. */
export interface FakeServer {
  /** Base URL without `/v1`. */
  readonly url: string;
  readonly requests: FakeRequest[];
  /** Most chat requests in flight at once so far. */
  readonly maxInFlight: number;
  /** How many chat requests had this prompt. */
  count(prompt: string): number;
  close(): Promise<void>;
}

/** The user text of a chat body (string content or joined text parts). */
export function userText(body: FakeRequest['body']): string {
  const user = body.messages.find((m) => m.role === 'user');
  if (typeof user?.content === 'string') return user.content;
  if (!Array.isArray(user?.content)) return '';
  return (user.content as { type: string; text?: string }[])
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/**
 * Starts a fake server; `handler` gets each chat request and how many earlier requests had the same
 * prompt (0 for the first), and says how to reply.
 */
export async function startFakeOpenAIServer(
  handler: (request: FakeRequest, previous: number) => FakeReply | Promise<FakeReply>,
  options: { model?: string } = {},
): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', data: [{ id: options.model ?? 'fake-model', object: 'model' }] }),
      );
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeRequest['body'];
    const request: FakeRequest = { body, headers: req.headers, prompt: userText(body) };
    requests.push(request);
    const previous = counts.get(request.prompt) ?? 0;
    counts.set(request.prompt, previous + 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const reply = await handler(request, previous);
    if ('hang' in reply) return;
    if ('raw' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
      return;
    }
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'x' } }));
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
        ...(reply.usage && {
          usage: { prompt_tokens: reply.usage.prompt, completion_tokens: reply.usage.completion },
        }),
      }),
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    count: (prompt) => counts.get(prompt) ?? 0,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
