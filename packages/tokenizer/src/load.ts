/**
 * Platform-free loading: a tokenizer from a parsed object, JSON text, a URL (fetched) or a `Response`.
 * Node's path loading lives in node.ts.
 */
import { TokenizerError } from './errors.js';
import type { TokenizerConfigJson } from './json-types.js';
import { parseTokenizerJsonText } from './serialization.js';
import { Tokenizer } from './tokenizer.js';

/** Where a tokenizer.json comes from in the browser-safe entry. */
export type TokenizerSource = string | URL | Response | object;

/** Options of `loadTokenizer`. */
export interface LoadTokenizerOptions {
  /**
   * tokenizer_config.json: a parsed object, JSON text, a URL or a Response. When the tokenizer comes
   * from a URL and this is absent, `tokenizer_config.json` next to it is fetched if it exists.
   */
  config?: TokenizerConfigJson | string | URL | Response;
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Load files whose `truncation`/`padding` are set, ignoring them (nvlm-ts never pads or truncates). */
  ignoreTruncationAndPadding?: boolean;
}

function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

async function readResponse(response: Response, what: string, url?: string): Promise<string> {
  const file = url ?? (response.url || what);
  if (!response.ok)
    throw new TokenizerError('LOAD_FAILED', `fetching ${what} failed: HTTP ${response.status}`, { file });
  try {
    return await response.text();
  } catch (cause) {
    throw new TokenizerError('LOAD_FAILED', `reading ${what} failed`, { file, cause });
  }
}

async function fetchText(url: URL | string, fetchImpl: typeof fetch, what: string): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (cause) {
    throw new TokenizerError('LOAD_FAILED', `fetching ${what} failed`, { file: String(url), cause });
  }
  return readResponse(response, what, String(url));
}

function parseConfig(text: string, file?: string): TokenizerConfigJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TokenizerError('BAD_JSON', 'tokenizer_config.json is not valid JSON', {
      path: '$',
      file,
      cause,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new TokenizerError('BAD_JSON', 'tokenizer_config.json must be a JSON object', { path: '$', file });
  return parsed as TokenizerConfigJson;
}

/** Resolves the `config` option to a parsed object. */
export async function resolveConfig(
  config: LoadTokenizerOptions['config'],
  fetchImpl: typeof fetch | undefined,
): Promise<TokenizerConfigJson | undefined> {
  if (config === undefined) return undefined;
  if (typeof Response !== 'undefined' && config instanceof Response)
    return parseConfig(await readResponse(config, 'tokenizer_config.json'), config.url);
  if (config instanceof URL)
    return parseConfig(
      await fetchText(config, requireFetch(fetchImpl), 'tokenizer_config.json'),
      String(config),
    );
  if (typeof config === 'string') {
    if (looksLikeJson(config)) return parseConfig(config);
    return parseConfig(await fetchText(config, requireFetch(fetchImpl), 'tokenizer_config.json'), config);
  }
  if (config === null || typeof config !== 'object')
    throw new TypeError(
      `'config' must be a tokenizer_config.json object, JSON text, URL or Response, got ${typeof config}`,
    );
  return config as TokenizerConfigJson;
}

function requireFetch(fetchImpl: typeof fetch | undefined): typeof fetch {
  const f = fetchImpl ?? globalThis.fetch;
  if (typeof f !== 'function') throw new TypeError("no global fetch: pass 'options.fetch'");
  return f;
}

/**
 * Loads a tokenizer from a parsed tokenizer.json object, its JSON text, a URL (string or `URL`) or a
 * `Response`. Throws `TokenizerError` (`BAD_JSON`, `UNSUPPORTED_COMPONENT`, `LOAD_FAILED`, ...).
 */
export async function loadTokenizer(
  source: TokenizerSource,
  options: LoadTokenizerOptions = {},
): Promise<Tokenizer> {
  let config = await resolveConfig(options.config, options.fetch);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    const text = await readResponse(source, 'tokenizer.json');
    return Tokenizer.fromJSON(parseTokenizerJsonText(text, source.url), config, options);
  }
  if (source instanceof URL || (typeof source === 'string' && !looksLikeJson(source))) {
    const fetchImpl = requireFetch(options.fetch);
    const url = String(source);
    const text = await fetchText(url, fetchImpl, 'tokenizer.json');
    if (config === undefined) config = await fetchSiblingConfig(url, fetchImpl);
    return Tokenizer.fromJSON(parseTokenizerJsonText(text, url), config, options);
  }
  if (typeof source === 'string') return Tokenizer.fromJSON(parseTokenizerJsonText(source), config, options);
  if (source === null || typeof source !== 'object')
    throw new TypeError(
      `'source' must be a tokenizer.json object, JSON text, URL or Response, got ${typeof source}`,
    );
  return Tokenizer.fromJSON(source, config, options);
}

/** `tokenizer_config.json` beside a tokenizer.json URL, when it exists. */
async function fetchSiblingConfig(
  url: string,
  fetchImpl: typeof fetch,
): Promise<TokenizerConfigJson | undefined> {
  let sibling: string;
  try {
    sibling = new URL('tokenizer_config.json', url).href;
  } catch {
    return undefined;
  }
  try {
    const response = await fetchImpl(sibling);
    if (!response.ok) return undefined;
    return parseConfig(await response.text(), sibling);
  } catch (error) {
    if (error instanceof TokenizerError) throw error;
    return undefined;
  }
}
