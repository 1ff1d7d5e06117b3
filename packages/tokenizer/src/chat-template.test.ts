import { describe, expect, it } from 'vitest';
import { renderChatTemplate } from './chat-template.js';
import { TokenizerError } from './errors.js';
import { tinyBpeJson } from './testing/fixtures.js';
import { Tokenizer } from './tokenizer.js';

// The ChatML layout of NVLM.md 8.4, written as a Jinja template.
const CHATML =
  "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

describe('renderChatTemplate', () => {
  const messages = [
    { role: 'system', content: 'Answer the questions.' },
    { role: 'user', content: '<image>\nWhat is this?' },
  ];

  it('renders ChatML with and without the generation prompt', () => {
    const expected =
      '<|im_start|>system\nAnswer the questions.<|im_end|>\n<|im_start|>user\n<image>\nWhat is this?<|im_end|>\n';
    expect(renderChatTemplate({ chat_template: CHATML }, messages)).toBe(expected);
    expect(renderChatTemplate({ chat_template: CHATML }, messages, { addGenerationPrompt: true })).toBe(
      `${expected}<|im_start|>assistant\n`,
    );
  });

  it('passes the special tokens and extra variables', () => {
    const config = {
      chat_template: '{{ bos_token }}{{ flag }}|{{ eos_token }}',
      bos_token: '<s>',
      eos_token: { content: '</s>' },
    };
    expect(renderChatTemplate(config, [], { templateVariables: { flag: 'on' } })).toBe('<s>on|</s>');
  });

  it('selects named templates and passes tools', () => {
    const config = {
      chat_template: [
        { name: 'default', template: 'D' },
        { name: 'tool_use', template: '{{ tools | length }} tools' },
      ],
    };
    expect(renderChatTemplate(config, [])).toBe('D');
    expect(
      renderChatTemplate(config, [], { chatTemplate: 'tool_use', tools: [{ name: 'f' }, { name: 'g' }] }),
    ).toBe('2 tools');
  });

  it('raises CHAT_TEMPLATE when there is none or it is broken', () => {
    expect(() => renderChatTemplate({}, [])).toThrow(TokenizerError);
    expect(() => renderChatTemplate({ chat_template: '{% for %}' }, [])).toThrow(
      expect.objectContaining({ code: 'CHAT_TEMPLATE' }),
    );
    expect(() => renderChatTemplate({ chat_template: '{{ raise_exception("no") }}' }, [])).toThrow(
      expect.objectContaining({ code: 'CHAT_TEMPLATE' }),
    );
    expect(() => renderChatTemplate({ chat_template: CHATML }, [{ content: 'x' } as never])).toThrow(
      TypeError,
    );
  });

  it('is reachable from the tokenizer, tokenized without extra special tokens', () => {
    const t = Tokenizer.fromJSON(tinyBpeJson(), {
      chat_template: '{% for m in messages %}{{ m.content }} {% endfor %}',
    });
    expect(t.applyChatTemplate([{ role: 'user', content: 'ab' }])).toBe('ab ');
    expect(
      t.applyChatTemplate(
        [
          { role: 'user', content: 'ab' },
          { role: 'user', content: 'cd' },
        ],
        { tokenize: true },
      ),
    ).toEqual([5, 7]);
  });
});
