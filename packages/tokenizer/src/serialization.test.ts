import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors.js';
import { parseTokenizerJsonText, SUPPORTED_COMPONENTS } from './serialization.js';
import { tinyBpeJson } from './testing/fixtures.js';
import { Tokenizer } from './tokenizer.js';

function errorOf(fn: () => unknown): TokenizerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TokenizerError) return error;
    throw error;
  }
  throw new Error('expected a TokenizerError');
}

describe('tokenizer.json reading', () => {
  it('rejects text that is not JSON with BAD_JSON and the cause', () => {
    const error = errorOf(() => parseTokenizerJsonText('{"model": ', 'x/tokenizer.json'));
    expect(error.code).toBe('BAD_JSON');
    expect(error.file).toBe('x/tokenizer.json');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a missing model and non-objects', () => {
    expect(errorOf(() => Tokenizer.fromJSON({})).path).toBe('$.model');
    expect(errorOf(() => Tokenizer.fromJSON([])).code).toBe('BAD_JSON');
  });

  it('names the unsupported component, its JSON path and the supported types', () => {
    const error = errorOf(() =>
      Tokenizer.fromJSON(
        tinyBpeJson({
          pre_tokenizer: {
            type: 'Sequence',
            pretokenizers: [{ type: 'Digits' }, { type: 'BertPreTokenizer' }],
          },
        }),
      ),
    );
    expect(error.code).toBe('UNSUPPORTED_COMPONENT');
    expect(error.path).toBe('$.pre_tokenizer.pretokenizers[1].type');
    expect(error.supported).toEqual(SUPPORTED_COMPONENTS.pre_tokenizer);
    expect(error.message).toContain('BertPreTokenizer');
    expect(error.message).toContain('supported: Split, ByteLevel');

    const model = errorOf(() => Tokenizer.fromJSON(tinyBpeJson({ model: { type: 'Unigram', vocab: [] } })));
    expect(model.code).toBe('UNSUPPORTED_COMPONENT');
    expect(model.supported).toEqual(['BPE']);
    for (const [key, type] of [
      ['normalizer', 'BertNormalizer'],
      ['post_processor', 'RobertaProcessing'],
      ['decoder', 'WordPiece'],
    ] as const) {
      const e = errorOf(() => Tokenizer.fromJSON(tinyBpeJson({ [key]: { type } })));
      expect(e.code).toBe('UNSUPPORTED_COMPONENT');
      expect(e.path).toBe(`$.${key}.type`);
      expect(e.supported).toEqual(SUPPORTED_COMPONENTS[key]);
    }
  });

  it('rejects BPE dropout with UNSUPPORTED_OPTION', () => {
    const json = tinyBpeJson();
    json.model.dropout = 0.1;
    const error = errorOf(() => Tokenizer.fromJSON(json));
    expect(error.code).toBe('UNSUPPORTED_OPTION');
    expect(error.path).toBe('$.model.dropout');
  });

  it('reports bad merges and vocab entries with their paths', () => {
    const merges = tinyBpeJson();
    merges.model.merges = ['a b', 'b z'];
    const error = errorOf(() => Tokenizer.fromJSON(merges));
    expect(error.code).toBe('BAD_MERGES');
    expect(error.path).toBe('$.model.merges[1]');
    expect(error.index).toBe(1);
    const vocab = tinyBpeJson();
    (vocab.model.vocab as Record<string, unknown>).x = -1;
    expect(errorOf(() => Tokenizer.fromJSON(vocab))).toMatchObject({ code: 'BAD_VOCAB', token: 'x' });
  });

  it('checks field types and enumerations', () => {
    expect(
      errorOf(() =>
        Tokenizer.fromJSON(
          tinyBpeJson({ pre_tokenizer: { type: 'Split', pattern: { String: '-' }, behavior: 'Sideways' } }),
        ),
      ),
    ).toMatchObject({ code: 'BAD_JSON', path: '$.pre_tokenizer.behavior' });
    expect(
      errorOf(() =>
        Tokenizer.fromJSON(tinyBpeJson({ pre_tokenizer: { type: 'Split', pattern: { Glob: '*' } } })),
      ),
    ).toMatchObject({ code: 'BAD_JSON', path: '$.pre_tokenizer.pattern' });
    expect(
      errorOf(() => Tokenizer.fromJSON(tinyBpeJson({ normalizer: { type: 'Prepend', prepend: 3 } }))),
    ).toMatchObject({ code: 'BAD_JSON', path: '$.normalizer.prepend' });
    expect(
      errorOf(() =>
        Tokenizer.fromJSON(tinyBpeJson({ pre_tokenizer: { type: 'Split', pattern: { Regex: '(?>x)' } } })),
      ),
    ).toMatchObject({ code: 'BAD_REGEX', path: '$.pre_tokenizer.pattern.Regex' });
    expect(
      errorOf(() =>
        Tokenizer.fromJSON(
          tinyBpeJson({
            post_processor: {
              type: 'TemplateProcessing',
              single: [{ SpecialToken: { id: '<s>' } }],
              special_tokens: {},
            },
          }),
        ),
      ),
    ).toMatchObject({ code: 'TOKEN_OUT_OF_VOCABULARY', token: '<s>' });
  });

  it('requires ByteLevel to be the last pre-tokenizer stage', () => {
    const error = errorOf(() =>
      Tokenizer.fromJSON(
        tinyBpeJson({
          pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'ByteLevel' }, { type: 'Digits' }] },
        }),
      ),
    );
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_COMPONENT',
      path: '$.pre_tokenizer.pretokenizers[0].type',
    });
  });

  it('rejects padding and truncation settings instead of ignoring them', () => {
    expect(
      errorOf(() => Tokenizer.fromJSON(tinyBpeJson({ padding: { strategy: 'BatchLongest' } }))),
    ).toMatchObject({
      code: 'UNSUPPORTED_OPTION',
      path: '$.padding',
    });
  });
});
