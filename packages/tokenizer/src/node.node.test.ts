/** Loading from paths (Node entry). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTokenizer, TokenizerError } from './node.js';
import { FIXED_CORPUS } from './testing/corpus.js';
import { tinyBpeJson } from './testing/fixtures.js';
import { modelDir, modelFiles } from './testing/models.js';

describe('loadTokenizer (Node)', () => {
  it('loads a directory with its tokenizer_config.json, a file path and a file: URL', async () => {
    const dir = await loadTokenizer(modelDir('qwen'));
    expect(dir.config.chat_template).toBeTypeOf('string');
    expect(dir.specialTokens.eos?.token).toBe('<|im_end|>');
    const file = await loadTokenizer(join(modelDir('llama2'), 'tokenizer.json'));
    expect(file.config).toEqual({});
    const url = await loadTokenizer(pathToFileURL(join(modelDir('llama2'), 'tokenizer.json')));
    expect(url.encode('Hello')).toEqual(file.encode('Hello'));
  });

  it('gives the same tokenizer from a parsed object (Map vocabulary) as from text (scanned vocabulary)', async () => {
    const { json, config } = modelFiles('llama3');
    const fromObject = await loadTokenizer(json as object, { config });
    const fromText = await loadTokenizer(modelDir('llama3'));
    for (const text of FIXED_CORPUS) expect(fromObject.encode(text)).toEqual(fromText.encode(text));
    expect(fromObject.vocabSize).toBe(fromText.vocabSize);
    for (const id of [0, 1, 1000, 127999, 128000, 128255])
      expect(fromObject.idToToken(id)).toBe(fromText.idToToken(id));
  });

  it('still accepts objects and JSON text', async () => {
    expect((await loadTokenizer(tinyBpeJson())).encode('abc')).toEqual([6]);
    expect((await loadTokenizer(JSON.stringify(tinyBpeJson()))).encode('abc')).toEqual([6]);
  });

  it('raises LOAD_FAILED for a missing path and BAD_JSON naming a broken file', async () => {
    await expect(loadTokenizer('/no/such/dir')).rejects.toMatchObject({
      code: 'LOAD_FAILED',
      file: '/no/such/dir',
    });
    const dir = mkdtempSync(join(tmpdir(), 'nvlm-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {');
    const error = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error).toMatchObject({ code: 'BAD_JSON', file: join(dir, 'tokenizer.json') });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyBpeJson({ decoder: { type: 'CTC' } })));
    const unsupported = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(unsupported).toMatchObject({ code: 'UNSUPPORTED_COMPONENT', path: '$.decoder.type' });
    expect((unsupported as Error).message).toContain(join(dir, 'tokenizer.json'));
  });
});
