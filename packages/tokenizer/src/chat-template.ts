/**
 * Chat templates: renders messages with the Jinja `chat_template` of tokenizer_config.json through
 * @huggingface/jinja, passing what transformers' `apply_chat_template` passes (`messages`,
 * `add_generation_prompt`, `tools`, `documents`, the special tokens, extra keyword arguments).
 * Reference: transformers `PreTrainedTokenizerBase.apply_chat_template`; huggingface.js `packages/jinja`.
 */
import { Template } from '@huggingface/jinja';
import { TokenizerError } from './errors.js';
import type { ConfigTokenJson, TokenizerConfigJson } from './json-types.js';

/** One chat message; `content` is usually a string, multimodal templates also take part lists. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

/** Options of `applyChatTemplate`. */
export interface ChatTemplateOptions {
  /** Append the prompt that starts an assistant turn. Default `false`. */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions, JSON-schema style, for templates that support tools. */
  tools?: readonly unknown[];
  /** Retrieval documents, for templates that support them. */
  documents?: readonly unknown[];
  /** A template string, or the name of one of the config's named templates. Default: the config's. */
  chatTemplate?: string;
  /** Extra variables passed to the template (e.g. `enable_thinking`). */
  templateVariables?: Record<string, unknown>;
}

const compiled = new Map<string, Template>();

function tokenText(value: string | ConfigTokenJson | null | undefined): string | undefined {
  return typeof value === 'string' ? value : (value?.content ?? undefined);
}

/** Picks the template: an explicit string, a named one, or the config's default. */
function selectTemplate(config: TokenizerConfigJson, requested: string | undefined): string {
  const raw = config.chat_template;
  if (Array.isArray(raw)) {
    const names = raw.map((t) => t.name);
    const wanted = requested ?? 'default';
    const named = raw.find((t) => t.name === wanted);
    if (named) return named.template;
    if (requested !== undefined) return requested;
    throw new TokenizerError('CHAT_TEMPLATE', 'tokenizer_config.json has no "default" chat template', {
      path: '$.chat_template',
      supported: names,
    });
  }
  if (requested !== undefined) return requested;
  if (typeof raw === 'string') return raw;
  throw new TokenizerError(
    'CHAT_TEMPLATE',
    'no chat template: tokenizer_config.json has no "chat_template"; pass options.chatTemplate',
    { path: '$.chat_template' },
  );
}

/** Renders `messages` with the chat template of `config`. */
export function renderChatTemplate(
  config: TokenizerConfigJson,
  messages: readonly unknown[],
  options: ChatTemplateOptions = {},
): string {
  if (!Array.isArray(messages))
    throw new TypeError(`'messages' must be an array of messages, got ${typeof messages}`);
  messages.forEach((m, i) => {
    if (m === null || typeof m !== 'object' || typeof (m as ChatMessage).role !== 'string')
      throw new TypeError(`'messages[${i}]' must be an object with a string 'role'`);
  });
  const source = selectTemplate(config, options.chatTemplate);
  let template = compiled.get(source);
  if (template === undefined) {
    try {
      template = new Template(source);
    } catch (cause) {
      throw new TokenizerError('CHAT_TEMPLATE', 'the chat template does not parse', {
        path: '$.chat_template',
        cause,
      });
    }
    compiled.set(source, template);
  }
  const specials: Record<string, unknown> = {};
  for (const key of [
    'bos_token',
    'eos_token',
    'unk_token',
    'pad_token',
    'sep_token',
    'cls_token',
    'mask_token',
  ] as const) {
    const text = tokenText(config[key]);
    if (text !== undefined) specials[key] = text;
  }
  if (config.additional_special_tokens)
    specials.additional_special_tokens = config.additional_special_tokens.map((t) => tokenText(t));
  try {
    return template.render({
      ...specials,
      ...options.templateVariables,
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? false,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.documents ? { documents: options.documents } : {}),
    });
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    throw new TokenizerError('CHAT_TEMPLATE', `the chat template failed to render${detail}`, {
      path: '$.chat_template',
      cause,
    });
  }
}
