import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors.js';
import { loadTokenizer } from './load.js';
import { tinyBpeJson } from './testing/fixtures.js';

const json = tinyBpeJson();
const config = { chat_template: '{{ messages[0].content }}', bos_token: 'a' };

function fakeFetch(files: Record<string, string>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    const body = files[url];
    return body === undefined
      ? new Response('missing', { status: 404 })
      : new Response(body, { status: 200 });
  }) as typeof fetch;
}

describe('loadTokenizer (browser-safe)', () => {
  it('loads a parsed object, JSON text and a Response', async () => {
    expect((await loadTokenizer(json)).encode('abc')).toEqual([6]);
    expect((await loadTokenizer(JSON.stringify(json))).encode('abc')).toEqual([6]);
    const t = await loadTokenizer(new Response(JSON.stringify(json)), { config });
    expect(t.encode('cd')).toEqual([7]);
    expect(t.specialTokens.bos).toEqual({ token: 'a', id: 1 });
  });

  it('fetches a URL and the tokenizer_config.json beside it', async () => {
    const fetch = fakeFetch({
      'https://host/m/tokenizer.json': JSON.stringify(json),
      'https://host/m/tokenizer_config.json': JSON.stringify(config),
    });
    const t = await loadTokenizer('https://host/m/tokenizer.json', { fetch });
    expect(t.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('hi');
    const u = await loadTokenizer(new URL('https://host/m/tokenizer.json'), { fetch });
    expect(u.config.bos_token).toBe('a');
  });

  it('works without a config beside the URL', async () => {
    const fetch = fakeFetch({ 'https://host/x/tokenizer.json': JSON.stringify(json) });
    const t = await loadTokenizer('https://host/x/tokenizer.json', { fetch });
    expect(t.config).toEqual({});
  });

  it('raises LOAD_FAILED for HTTP errors and network failures, BAD_JSON for bad bodies', async () => {
    const fetch = fakeFetch({ 'https://host/bad/tokenizer.json': '{nope' });
    await expect(loadTokenizer('https://host/none/tokenizer.json', { fetch })).rejects.toMatchObject({
      code: 'LOAD_FAILED',
      file: 'https://host/none/tokenizer.json',
    });
    await expect(loadTokenizer('https://host/bad/tokenizer.json', { fetch })).rejects.toMatchObject({
      code: 'BAD_JSON',
    });
    const failing = (async () => {
      throw new Error('offline');
    }) as unknown as typeof fetch;
    const error = await loadTokenizer('https://host/m/tokenizer.json', { fetch: failing }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenizerError);
    expect((error as TokenizerError).cause).toBeInstanceOf(Error);
    await expect(loadTokenizer(new Response('x', { status: 500 }))).rejects.toMatchObject({
      code: 'LOAD_FAILED',
    });
  });

  it('rejects sources of the wrong type', async () => {
    await expect(loadTokenizer(42 as never)).rejects.toThrow(TypeError);
    await expect(loadTokenizer(json, { config: 7 as never })).rejects.toThrow(TypeError);
  });
});
