/**
 * @nvlm-ts/tokenizer, Node entry: everything in index.ts, plus loading from a tokenizer.json path or
 * a directory holding tokenizer.json (and tokenizer_config.json, read when present).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TokenizerError } from './errors.js';
import type { TokenizerConfigJson } from './json-types.js';
import {
  type LoadTokenizerOptions,
  loadTokenizer as loadFromSource,
  resolveConfig,
  type TokenizerSource,
} from './load.js';
import { parseTokenizerJsonText } from './serialization.js';
import { Tokenizer } from './tokenizer.js';

// Everything of the browser-safe entry; `loadTokenizer` below (also paths) replaces its namesake.
export * from './index.js';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new TokenizerError('LOAD_FAILED', `cannot read ${what} ${path}`, { file: path, cause });
  }
}

/**
 * Loads a tokenizer from a file path (`tokenizer.json`), a directory holding `tokenizer.json` (and
 * `tokenizer_config.json`, read when present), or anything the browser entry accepts: a parsed
 * object, JSON text, a URL (`http(s):`, `file:` URLs are read from disk) or a `Response`.
 */
export async function loadTokenizer(
  source: TokenizerSource,
  options: LoadTokenizerOptions = {},
): Promise<Tokenizer> {
  let path: string | undefined;
  if (source instanceof URL && source.protocol === 'file:') path = decodeURIComponent(source.pathname);
  else if (typeof source === 'string' && !/^\s*[{[]/.test(source) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
    path = source;
  if (path === undefined) return loadFromSource(source, options);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new TokenizerError('LOAD_FAILED', `no such file or directory: ${path}`, { file: path, cause });
  }
  const dir = info.isDirectory() ? path : undefined;
  const file = dir ? join(dir, 'tokenizer.json') : path;
  const text = await readText(file, 'tokenizer.json');
  let config: TokenizerConfigJson | undefined = await resolveConfig(options.config, options.fetch);
  if (config === undefined && dir !== undefined) {
    const configPath = join(dir, 'tokenizer_config.json');
    const exists = await stat(configPath).then(
      (s) => s.isFile(),
      () => false,
    );
    if (exists) {
      const configText = await readText(configPath, 'tokenizer_config.json');
      try {
        config = JSON.parse(configText) as TokenizerConfigJson;
      } catch (cause) {
        throw new TokenizerError('BAD_JSON', 'tokenizer_config.json is not valid JSON', {
          path: '$',
          file: configPath,
          cause,
        });
      }
    }
  }
  try {
    return Tokenizer.fromJSON(parseTokenizerJsonText(text, file), config, options);
  } catch (error) {
    // Say which file is at fault; code, path and supported list stay as they are.
    if (error instanceof TokenizerError && error.file === undefined) {
      Object.defineProperty(error, 'file', { value: file });
      error.message = `${file}: ${error.message}`;
    }
    throw error;
  }
}
