/**
 * Differential tests against the Rust Hugging Face tokenizers (the reference, via
 * @anush008/tokenizers) and transformers.js (a second JS implementation), on the real Qwen (byte-level
 * BPE), Llama-2 (SentencePiece-style BPE with byte fallback) and Llama-3 tokenizer files.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokenizer } from './node.js';
import { tokenizerText } from './testing/arbitraries.js';
import { FIXED_CORPUS } from './testing/corpus.js';
import {
  type ModelName,
  modelFiles,
  ourTokenizer,
  type RustTokenizer,
  rustTokenizer,
} from './testing/models.js';

const NAMES: ModelName[] = ['qwen', 'llama2', 'llama3'];
const ours = {} as Record<ModelName, Tokenizer>;
const rust = {} as Record<ModelName, RustTokenizer>;

beforeAll(async () => {
  for (const name of NAMES) {
    ours[name] = await ourTokenizer(name);
    rust[name] = rustTokenizer(name);
  }
});

async function compareEncodings(name: ModelName, texts: readonly string[], addSpecialTokens: boolean) {
  const refs = await Promise.all(texts.map((t) => rust[name].encode(t, null, { addSpecialTokens })));
  texts.forEach((text, k) => {
    const mine = ours[name].encode(text, { addSpecialTokens, offsets: true, offsetUnit: 'codepoint' });
    expect({ text, ids: mine.ids }).toEqual({ text, ids: refs[k]!.getIds() });
    expect({ text, offsets: mine.offsets }).toEqual({ text, offsets: refs[k]!.getOffsets() });
    expect(ours[name].encode(text, { addSpecialTokens })).toEqual(mine.ids);
  });
  return refs;
}

describe.each(NAMES)('%s vs the Rust tokenizers', (name) => {
  it('gives identical ids and offsets on the fixed corpus, with and without special tokens', async () => {
    await compareEncodings(name, FIXED_CORPUS, true);
    await compareEncodings(name, FIXED_CORPUS, false);
  });

  it('decodes identically, with and without skipping special tokens', async () => {
    const refs = await Promise.all(
      FIXED_CORPUS.map((t) => rust[name].encode(t, null, { addSpecialTokens: true })),
    );
    for (const ref of refs) {
      for (const skip of [false, true])
        expect(ours[name].decode(ref.getIds(), { skipSpecialTokens: skip })).toBe(
          await rust[name].decode(ref.getIds(), skip),
        );
    }
  });

  it('matches on 2000 generated strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tokenizerText, { minLength: 20, maxLength: 20 }), async (texts) => {
        await compareEncodings(name, texts, true);
      }),
      { numRuns: 100, seed: 2026 },
    );
  });

  it('decodes random id sequences (broken UTF-8, special tokens) identically', async () => {
    const size = ours[name].vocabSize;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 0, max: 300 })), {
          maxLength: 12,
        }),
        fc.boolean(),
        async (ids, skip) => {
          expect(ours[name].decode(ids, { skipSpecialTokens: skip })).toBe(
            await rust[name].decode(ids, skip),
          );
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('has the same vocabulary size', () => {
    expect(ours[name].vocabSize).toBe(rust[name].getVocabSize(true));
    expect(ours[name].modelVocabSize).toBe(rust[name].getVocabSize(false));
  });
});

describe('NVLM prompt pieces with the Qwen tokenizer', () => {
  it('has the special token ids of NVLM.md 8.3', () => {
    const expected: Record<string, number> = {
      '<|endoftext|>': 151643,
      '<|im_start|>': 151644,
      '<|im_end|>': 151645,
      '<|vision_start|>': 151652,
      '<|vision_end|>': 151653,
      '<|vision_pad|>': 151654,
      '<|image_pad|>': 151655,
    };
    for (const [token, id] of Object.entries(expected)) {
      expect(ours.qwen.tokenToId(token)).toBe(id);
      expect(ours.qwen.idToToken(id)).toBe(token);
    }
    expect(ours.qwen.modelVocabSize).toBe(151643);
  });

  it('tokenizes tile tags as plain BPE text and the pad as one special token', async () => {
    const text = `<Image><tile_1>${'<|vision_pad|>'.repeat(3)}<tile_global_thumbnail><|vision_pad|></Image>\n`;
    const ids = ours.qwen.encode(text, { addSpecialTokens: false });
    expect(ids).toEqual((await rust.qwen.encode(text, null, { addSpecialTokens: false })).getIds());
    expect(ids.filter((id) => id === 151654)).toHaveLength(4);
    expect(ours.qwen.tokenToId('<tile_1>')).toBeUndefined();
    // Each tile tag on its own is 5 tokens (NVLM.md 8.1, Megatron tile_seq_len).
    expect(ours.qwen.encode('<tile_1>', { addSpecialTokens: false })).toHaveLength(5);
  });
});

describe('run-time added tokens vs Rust', () => {
  it('assigns the same ids and splits text the same way', async () => {
    const mine = await ourTokenizer('qwen');
    const ref = rustTokenizer('qwen');
    mine.addTokens(['<image>', 'tile']);
    mine.addSpecialTokens(['<|my_special|>']);
    ref.addTokens(['<image>', 'tile']);
    ref.addSpecialTokens(['<|my_special|>']);
    for (const text of ['a<image>b tile<|my_special|> tiles', '<image>\n<image> x', 'stile tile']) {
      expect(mine.encode(text)).toEqual((await ref.encode(text, null, { addSpecialTokens: true })).getIds());
    }
    expect(mine.vocabSize).toBe(ref.getVocabSize(true));
  });
});

describe('transformers.js (second implementation)', () => {
  const tjs = {} as Record<ModelName, PreTrainedTokenizer>;
  beforeAll(() => {
    for (const name of NAMES) {
      const { json, config } = modelFiles(name);
      tjs[name] = new PreTrainedTokenizer(json as object, config);
    }
  });

  it.each(NAMES)('%s: agrees with nvlm-ts on the fixed corpus', (name) => {
    for (const text of FIXED_CORPUS) expect(ours[name].encode(text)).toEqual(tjs[name].encode(text));
  });

  it.each(NAMES)('%s: agrees with nvlm-ts on 300 generated strings', (name) => {
    for (const text of fc.sample(tokenizerText, { numRuns: 300, seed: 31 }))
      expect({ text, ids: ours[name].encode(text) }).toEqual({ text, ids: tjs[name].encode(text) });
  });

  it('renders the Qwen chat template like transformers.js', () => {
    const messages = [
      { role: 'system', content: 'Answer the questions.' },
      { role: 'user', content: '<image>\nWhat is in the picture?' },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'And its color?' },
    ];
    for (const addGenerationPrompt of [false, true]) {
      const expected = tjs.qwen.apply_chat_template(messages, {
        tokenize: false,
        add_generation_prompt: addGenerationPrompt,
      });
      expect(ours.qwen.applyChatTemplate(messages, { addGenerationPrompt })).toBe(expected);
      expect(ours.qwen.applyChatTemplate(messages, { addGenerationPrompt, tokenize: true })).toEqual(
        ours.qwen.encode(expected as string, { addSpecialTokens: false }),
      );
    }
  });

  // Documented deviations (README "Differences from transformers.js"): nvlm-ts follows Rust.
  it('deviation: a lone surrogate with byte fallback is U+FFFD in Rust, its raw bytes in transformers.js', async () => {
    const text = 'a\ud800b';
    const reference = (await rust.llama2.encode(text, null, { addSpecialTokens: false })).getIds();
    expect(ours.llama2.encode(text, { addSpecialTokens: false })).toEqual(reference);
    expect(tjs.llama2.encode(text, { add_special_tokens: false })).not.toEqual(reference);
  });

  it('deviation: an invalid <0xXX> run decodes to one U+FFFD per byte in Rust, one per sequence in transformers.js', async () => {
    const ids = [
      ours.llama2.tokenToId('<0xE4>')!,
      ours.llama2.tokenToId('<0xB8>')!,
      ours.llama2.tokenToId('▁a')!,
    ];
    const reference = await rust.llama2.decode(ids, false);
    expect(reference).toBe('\ufffd\ufffd a');
    expect(ours.llama2.decode(ids)).toBe(reference);
    expect(tjs.llama2.decode(ids)).not.toBe(reference);
  });
});
