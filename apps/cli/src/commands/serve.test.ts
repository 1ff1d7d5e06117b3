import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nvlm-cli-serve-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function waitFor(read: () => string, pattern: RegExp, ms = 60_000): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; got: ${read()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('nvlm serve', () => {
  it('--default-model creates the tiny model once, serves it, and stops on SIGTERM', async () => {
    const io = memoryIO('', root);
    io.env.NVLM_CACHE = join(root, 'cache');
    const exit = main(['serve', '--default-model', '--port', '0', '--api-key', 'k'], io);
    const [, url] = await waitFor(io.out, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(io.out()).toContain('random weights');
    expect(io.err()).toContain('creating the default tiny model');
    expect((await stat(join(root, 'cache', 'default-tiny-d', 'nvlm.json'))).isFile()).toBe(true);
    const denied = await fetch(`${url}/v1/models`);
    expect(denied.status).toBe(401);
    const models = (await (
      await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer k' } })
    ).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['nvlm-d-tiny-random']);
    const chat = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'nvlm-d-tiny-random',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 2,
      }),
    });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(2);
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    // A second run reuses the cached model and honours --served-model-name.
    const again = memoryIO('', root);
    again.env.NVLM_CACHE = join(root, 'cache');
    const second = main(['serve', '--default-model', '--port', '0', '--served-model-name', 'x'], again);
    const [, url2] = await waitFor(again.out, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(again.err()).not.toContain('creating');
    const listed = (await (await fetch(`${url2}/v1/models`)).json()) as { data: { id: string }[] };
    expect(listed.data[0]!.id).toBe('x');
    process.emit('SIGTERM');
    expect(await second).toBe(0);
  }, 120_000);

  it('rejects a missing model, both model options, and a bad port', async () => {
    for (const argv of [
      ['serve'],
      ['serve', '--model', 'm', '--default-model'],
      ['serve', '--model', 'm', '--port', '70000'],
      ['serve', '--model', 'm', '--backend', 'tpu'],
    ]) {
      const io = memoryIO('', root);
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(/^nvlm: .*\(see 'nvlm serve --help'\)\n$/);
    }
  });

  it('reports an unreadable model directory as one line with exit code 1', async () => {
    const io = memoryIO('', root);
    expect(await main(['serve', '--model', 'does-not-exist', '--port', '0'], io)).toBe(1);
    expect(io.err()).toMatch(/^nvlm: RuntimeError \[BAD_MODEL\]: .*does-not-exist/);
  });
});
