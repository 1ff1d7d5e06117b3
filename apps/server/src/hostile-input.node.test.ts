/**
 * Hostile input against a live server: thousands of generated malformed bodies (fast-check),
 * broken base64, decompression bombs, and server-side request forgery targets. Every one must get a
 * 4xx with an OpenAI error body, never a 5xx, a hang or an unhandled rejection, and the server must
 * still answer afterwards.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import type { ImageInput, NvlmPipeline } from '@nvlm-ts/runtime';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTestPipeline,
  MODEL_ID,
  pngDataUrl,
  postChat,
  startServer,
  type TestServer,
  watchUnhandledRejections,
} from './testing/helpers.js';

let pipeline: NvlmPipeline<ImageInput>;
let server: TestServer;
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  pipeline = await loadTestPipeline();
  server = await startServer(pipeline, { maxTokensLimit: 2, defaultMaxTokens: 1, maxImages: 2 });
});

afterAll(async () => {
  await server?.close();
  await pipeline?.dispose();
  rejections.stop();
  expect(rejections.errors).toEqual([]);
});

/** The checks every refused request must pass: a 4xx and a complete OpenAI error body. */
function expectOpenAIError(response: { status: number; json: unknown; text: string }, status?: number) {
  if (status !== undefined) expect(response.status, response.text).toBe(status);
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const error = (response.json as { error?: Record<string, unknown> } | undefined)?.error;
  expect(error, response.text).toBeDefined();
  expect(typeof error!.message).toBe('string');
  expect(typeof error!.type).toBe('string');
  expect(typeof error!.code).toBe('string');
  expect(error!.param === null || typeof error!.param === 'string').toBe(true);
  return error as { message: string; type: string; code: string; param: string | null };
}

async function expectServerAlive(target = server) {
  const health = await fetch(`${target.url}/health`);
  expect(health.status).toBe(200);
  const answer = await postChat(target.url, {
    model: MODEL_ID,
    messages: [{ role: 'user', content: 'still there?' }],
    max_tokens: 1,
  });
  expect(answer.status, answer.text).toBe(200);
}

const imageMessage = (url: unknown) => [
  {
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url } },
      { type: 'text', text: 'hi' },
    ],
  },
];

//#region PNG crafting (PNG spec: signature, IHDR, IDAT, IEND chunks with CRC-32)

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(width: number, height: number, bitDepth: number, colorType: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(bitDepth, 8);
  ihdr.writeUInt8(colorType, 9);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const dataUrl = (bytes: Uint8Array) => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

//#endregion

describe('malformed bodies (fast-check)', () => {
  const valid = {
    model: MODEL_ID,
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 1,
  };
  const fields = [
    'model',
    'messages',
    'max_tokens',
    'max_completion_tokens',
    'temperature',
    'top_p',
    'seed',
    'stop',
    'n',
    'stream',
    'stream_options',
    'top_k',
    'frequency_penalty',
    'tools',
    'response_format',
  ];
  const hostileValue = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 53, 0.5, '', '__proto__', [], {}, null),
  );
  const messageValue = fc.oneof(
    hostileValue,
    fc.array(
      fc.record(
        {
          role: fc.oneof(
            fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer', 'x'),
            hostileValue,
          ),
          content: fc.oneof(
            fc.string(),
            hostileValue,
            fc.array(
              fc.record(
                {
                  type: fc.oneof(fc.constantFrom('text', 'image_url', 'image', 'input_audio'), hostileValue),
                  text: fc.oneof(fc.string(), hostileValue),
                  image_url: fc.oneof(
                    hostileValue,
                    fc.record({
                      url: fc.oneof(
                        fc.string(),
                        fc.constantFrom(
                          'data:image/png;base64,',
                          'data:,',
                          'http://127.0.0.1/a.png',
                          'file:///etc/passwd',
                        ),
                        fc.base64String().map((b) => `data:image/png;base64,${b}`),
                        hostileValue,
                      ),
                    }),
                  ),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 3 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  );
  const mutated = fc
    .record({
      drop: fc.subarray(fields),
      replace: fc.dictionary(fc.constantFrom(...fields), hostileValue, { maxKeys: 3 }),
      messages: fc.option(messageValue, { nil: undefined }),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 2 }),
    })
    .map(({ drop, replace, messages, extra }) => {
      const body: Record<string, unknown> = { ...extra, ...valid };
      for (const key of drop) delete body[key];
      Object.assign(body, replace);
      if (messages !== undefined) body.messages = messages;
      return body;
    });

  it('answers 2000 mutated request bodies with 200 or a 4xx OpenAI error, never a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        let text: string;
        try {
          text = JSON.stringify(body);
        } catch {
          return; // BigInt and friends have no JSON form
        }
        const response = await postChat(server.url, text);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) return;
        expectOpenAIError(response);
      }),
      { numRuns: 2000, seed: 20_261_129 },
    );
    expect([...statuses.keys()].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(500); // the generator mostly makes bad bodies
    await expectServerAlive();
  }, 120_000);

  it('answers arbitrary bytes and content types with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'image/png'),
        async (body, type) => {
          const response = await fetch(`${server.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': type },
            body,
          });
          const text = await response.text();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          if (response.status === 200) return;
          expectOpenAIError({ status: response.status, json, text });
        },
      ),
      { numRuns: 500, seed: 7 },
    );
    await expectServerAlive();
  }, 60_000);
});

describe('images', () => {
  it('rejects invalid base64 and non-image data URLs', async () => {
    for (const url of [
      'data:image/png;base64,!!!not base64!!!',
      'data:image/png;base64,QUJD=QUJD',
      'data:image/png;base64,A',
      'data:image/png,rawbytes',
      'data:text/plain;base64,aGVsbG8=',
      `data:image/png;base64,${Buffer.from('GIF? no, plain text').toString('base64')}`,
    ]) {
      const error = expectOpenAIError(
        await postChat(server.url, { model: MODEL_ID, messages: imageMessage(url), max_tokens: 1 }),
        400,
      );
      expect(error.code).toBe('invalid_image');
      expect(error.param).toBe('messages[0].content[0].image_url.url');
    }
  });

  it('refuses a real decompression bomb (30000 x 30000, ~100 KB of zlib) from its header', async () => {
    // 1-bit grayscale rows of zeros: 900 million pixels, 2.7 GB as RGB once decoded.
    const row = 1 + 30_000 / 8;
    const idat = deflateSync(Buffer.alloc(row * 30_000), { level: 9 });
    const bomb = png(30_000, 30_000, 1, 0, idat);
    expect(bomb.length).toBeLessThan(1_000_000);
    const started = performance.now();
    const error = expectOpenAIError(
      await postChat(server.url, { model: MODEL_ID, messages: imageMessage(dataUrl(bomb)), max_tokens: 1 }),
      400,
    );
    expect(error.code).toBe('image_too_large');
    expect(error.message).toContain('30000x30000');
    expect(performance.now() - started).toBeLessThan(5_000);
    await expectServerAlive();
  });

  it('refuses a 30000 x 30000 header with a tiny stream, and a corrupt small PNG', async () => {
    const header = png(30_000, 30_000, 8, 2, deflateSync(Buffer.alloc(16)));
    const tooLarge = expectOpenAIError(
      await postChat(server.url, { model: MODEL_ID, messages: imageMessage(dataUrl(header)), max_tokens: 1 }),
      400,
    );
    expect(tooLarge.code).toBe('image_too_large');
    // A valid 64 x 64 header whose pixel data is cut short: the decoder fails, the client gets 400.
    const corrupt = png(64, 64, 8, 2, deflateSync(Buffer.alloc(10)));
    const broken = expectOpenAIError(
      await postChat(server.url, {
        model: MODEL_ID,
        messages: imageMessage(dataUrl(corrupt)),
        max_tokens: 1,
      }),
      400,
    );
    expect(broken.code).toBe('invalid_image');
    await expectServerAlive();
  });

  it('limits images per request', async () => {
    const url = await pngDataUrl(16, 16);
    const parts = Array.from({ length: 3 }, () => ({ type: 'image_url', image_url: { url } }));
    const error = expectOpenAIError(
      await postChat(server.url, {
        model: MODEL_ID,
        messages: [{ role: 'user', content: parts }],
        max_tokens: 1,
      }),
      400,
    );
    expect(error.code).toBe('too_many_images');
  });
});

describe('remote image URLs (SSRF)', () => {
  let imageHost: Server;
  let imageUrl: string;
  let slowUrl: string;
  let bigUrl: string;

  beforeAll(async () => {
    const body = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    imageHost = createHttpServer((request, response) => {
      if (request.url === '/slow.png') return; // never answers
      if (request.url === '/big.png') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.end(Buffer.concat([body, Buffer.alloc(50_000)]));
        return;
      }
      if (request.url === '/redirect.png') {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(body);
    });
    await new Promise<void>((resolve) => imageHost.listen(0, '127.0.0.1', resolve));
    const port = (imageHost.address() as AddressInfo).port;
    imageUrl = `http://127.0.0.1:${port}/ok.png`;
    slowUrl = `http://127.0.0.1:${port}/slow.png`;
    bigUrl = `http://127.0.0.1:${port}/big.png`;
  });

  afterAll(async () => {
    imageHost.closeAllConnections();
    await new Promise((resolve) => imageHost.close(resolve));
  });

  const ask = (target: TestServer, url: string) =>
    postChat(target.url, { model: MODEL_ID, messages: imageMessage(url), max_tokens: 1 });

  it('refuses http(s) URLs when remote images are disabled', async () => {
    for (const url of ['http://127.0.0.1/a.png', 'https://example.com/a.png']) {
      const error = expectOpenAIError(await ask(server, url), 400);
      expect(error.code).toBe('invalid_image_url');
    }
  });

  it('refuses loopback, link-local and private targets even with every host allowed', async () => {
    const open = await startServer(pipeline, { remoteImages: { allowHosts: ['*'], timeoutMs: 2_000 } });
    try {
      for (const url of [
        'http://127.0.0.1/a.png',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/a.png',
        'http://[::ffff:127.0.0.1]/a.png',
        'http://10.1.2.3/a.png',
        'http://0.0.0.0/a.png',
        'http://localhost/a.png', // resolves to loopback: refused at connect time
        imageUrl,
      ]) {
        const error = expectOpenAIError(await ask(open, url), 400);
        expect(error.code, url).toBe('invalid_image_url');
        expect(error.message, url).toMatch(/private, loopback or link-local/);
      }
      const notAllowed = await startServer(pipeline, {
        remoteImages: { allowHosts: ['images.example.com'] },
      });
      try {
        const error = expectOpenAIError(await ask(notAllowed, 'http://evil.example.org/a.png'), 400);
        expect(error.message).toMatch(/allowlist/);
      } finally {
        await notAllowed.close();
      }
      await expectServerAlive(open);
    } finally {
      await open.close();
    }
  });

  it('fetches an allowed host when private addresses are allowed, within the timeout and size cap', async () => {
    const local = await startServer(pipeline, {
      remoteImages: { allowHosts: ['127.0.0.1'], allowPrivate: true, timeoutMs: 500, maxBytes: 10_000 },
    });
    try {
      const ok = await ask(local, imageUrl);
      expect(ok.status, ok.text).toBe(200);
      expect((ok.json as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBeGreaterThan(256);
      const slow = expectOpenAIError(await ask(local, slowUrl), 400);
      expect(slow.message).toMatch(/longer than 500 ms/);
      const big = expectOpenAIError(await ask(local, bigUrl), 400);
      expect(big.message).toMatch(/larger than/);
      // A redirect to the metadata address is re-checked against the allowlist.
      const redirected = expectOpenAIError(await ask(local, imageUrl.replace('ok.png', 'redirect.png')), 400);
      expect(redirected.message).toMatch(/allowlist/);
    } finally {
      await local.close();
    }
  });
});
