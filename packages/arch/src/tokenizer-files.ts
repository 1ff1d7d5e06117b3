/**
 * The Qwen2.5 tokenizer files NVLM-D-72B ships (NVLM.md 8.3: "the tokenizer from
 * Qwen2.5-72B-Instruct"), derived from a Qwen-family tokenizer.json: the byte-level BPE and its
 * 151643 merges-vocabulary entries are shared by Qwen2, Qwen2.5 and Qwen3; the added tokens differ,
 * so only Qwen2.5's 22 (ids 151643-151664) are kept. The chat template is Qwen2.5-Instruct's stock
 * ChatML template, which injects the "You are Qwen..." system prompt when none is given (NVLM.md 8.4).
 */

/** Highest added-token id of Qwen2.5 (`<|file_sep|>`); Qwen3 adds `<tool_response>` and `<think>` after it. */
const LAST_QWEN25_ADDED_ID = 151664;

export const QWEN25_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/** Qwen2.5-Instruct's chat template (ChatML, tools, default system prompt). */
export const QWEN25_CHAT_TEMPLATE = `{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- '${QWEN25_DEFAULT_SYSTEM}' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\n${QWEN25_DEFAULT_SYSTEM}<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
`;

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  [key: string]: unknown;
}

/** Qwen2.5's tokenizer.json from a Qwen2/2.5/3 one: same model, added tokens up to id 151664. */
export function qwen25TokenizerJson(qwenTokenizer: { added_tokens: AddedToken[] } & Record<string, unknown>) {
  return {
    ...qwenTokenizer,
    added_tokens: qwenTokenizer.added_tokens.filter((t) => t.id <= LAST_QWEN25_ADDED_ID),
  };
}

/** Qwen2.5-Instruct's tokenizer_config.json for the added tokens of `tokenizerJson`. */
export function qwen25TokenizerConfig(tokenizerJson: {
  added_tokens: AddedToken[];
}): Record<string, unknown> {
  const added = tokenizerJson.added_tokens.filter((t) => t.id <= LAST_QWEN25_ADDED_ID);
  const decoder: Record<string, unknown> = {};
  for (const t of added) {
    decoder[String(t.id)] = {
      content: t.content,
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: t.special,
    };
  }
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: added.filter((t) => t.special && t.id > 151643).map((t) => t.content),
    bos_token: null,
    chat_template: QWEN25_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: 131072,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
}
