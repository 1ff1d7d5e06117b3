import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from '../testing/memory-io.js';

// A hand-written tokenizer whose ids are worked out by hand: <unk>=0 a=1 b=2 c=3 d=4 ab=5 abc=6
// cd=7, merges "a b" < "ab c" < "c d", whitespace split, added special <s>=8 and a "<s> $A" template.
const TOKENIZER = {
  added_tokens: [{ id: 8, content: '<s>', special: true, normalized: false }],
  pre_tokenizer: { type: 'WhitespaceSplit' },
  model: {
    type: 'BPE',
    vocab: { '<unk>': 0, a: 1, b: 2, c: 3, d: 4, ab: 5, abc: 6, cd: 7 },
    merges: ['a b', 'ab c', 'c d'],
    unk_token: '<unk>',
  },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [],
    special_tokens: { '<s>': { id: '<s>', ids: [8], tokens: ['<s>'] } },
  },
};

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvlm-tokenize-'));
  file = join(dir, 'tokenizer.json');
  writeFileSync(file, JSON.stringify(TOKENIZER));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>' }));
});

async function run(argv: string[], stdin = '') {
  const io = memoryIO(stdin, dir);
  const code = await main(['tokenize', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('nvlm tokenize', () => {
  it('tokenizes --text without special tokens by default', async () => {
    expect(await run(['--tokenizer', file, '--text', 'abcd cd x'])).toEqual({
      code: 0,
      out: '{"ids":[6,4,7,0]}\n',
      err: '',
    });
  });

  it('applies the template with --add-special-tokens, and always recognises special tokens in text', async () => {
    expect((await run(['--tokenizer', file, '--text', 'ab', '--add-special-tokens'])).out).toBe(
      '{"ids":[8,5]}\n',
    );
    expect((await run(['--tokenizer', file, '--text', '<s>ab'])).out).toBe('{"ids":[8,5]}\n');
  });

  it('accepts a directory and a path relative to the working directory', async () => {
    expect((await run(['--tokenizer', dir, '--text', 'cd'])).out).toBe('{"ids":[7]}\n');
    expect((await run(['--tokenizer', 'tokenizer.json', '--text', 'cd'])).out).toBe('{"ids":[7]}\n');
  });

  it('answers JSONL stdin line by line, in order, skipping blank lines and CRLF endings', async () => {
    const stdin = '{"text": "ab"}\r\n\n{"text": "cd ab", "id": 3}\n{"text": ""}\n';
    expect(await run(['--tokenizer', file], stdin)).toEqual({
      code: 0,
      out: '{"ids":[5]}\n{"ids":[7,5]}\n{"ids":[]}\n',
      err: '',
    });
  });

  it('stops at the first malformed line with its number, after answering the lines before it', async () => {
    const bad = await run(['--tokenizer', file], '{"text": "ab"}\n{"text": 5}\n{"text": "cd"}\n');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('{"ids":[5]}\n');
    expect(bad.err).toMatch(/^nvlm: stdin line 2: expected an object with a string "text"/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const notJson = await run(['--tokenizer', file], '\n{"text": "ab"\n');
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^nvlm: stdin line 2: not valid JSON/);
  });

  it('reports a missing option as a usage error and a missing file as a tokenizer error', async () => {
    const usage = await run(['--text', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.err).toBe("nvlm: missing --tokenizer PATH (see 'nvlm tokenize --help')\n");
    const missing = await run(['--tokenizer', join(dir, 'nope.json'), '--text', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /^nvlm: TokenizerError \[LOAD_FAILED\]: no such file or directory: .*nope\.json\n$/,
    );
  });

  it('reports an unsupported tokenizer.json with the JSON path', async () => {
    const other = mkdtempSync(join(tmpdir(), 'nvlm-tokenize-bad-'));
    writeFileSync(join(other, 'tokenizer.json'), JSON.stringify({ ...TOKENIZER, decoder: { type: 'CTC' } }));
    const result = await run(['--tokenizer', other, '--text', 'x']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('TokenizerError [UNSUPPORTED_COMPONENT]');
    expect(result.err).toContain('$.decoder.type');
  });
});
